// The listeners of the mailbox daemons (pop3d, imapd): each names its kind with `tls:`,
// `starttls` (STLS / STARTTLS on a plain connection) or `implicit` (TLS from the first
// byte, ports 995 and 993).
#pragma once

#include "hamail/mailsvc/daemon/daemon_config.h"

namespace hamail::mailsvc::daemon {

const ListenerSchema& tls_listener_schema();

}  // namespace hamail::mailsvc::daemon
