#include "hamail/mailsvc/daemon/tls_listener_schema.h"

namespace hamail::mailsvc::daemon {

const ListenerSchema& tls_listener_schema() {
  static const ListenerSchema schema{"tls", {{"starttls", ListenerTls::starttls}, {"implicit", ListenerTls::implicit}}};
  return schema;
}

}  // namespace hamail::mailsvc::daemon
