// pop3d: the POP3 server (STLS on 110, implicit TLS on 995) over the Maildir store.
//   pop3d --config /etc/hamail/pop3d.yaml [--debug] [--check: validate the file and exit]
// SIGTERM/SIGINT: stop.
#include "hamail/mailsvc/daemon/mailbox_daemon_main.h"
#include "hamail/mailsvc/pop3d/connection.h"
#include "hamail/mailsvc/pop3d/pop3d_config.h"

int main(int argc, char** argv) {
  using namespace hamail::mailsvc;
  return daemon::mailbox_daemon_main<pop3d::Connection>(
      argc, argv, "pop3d", "The POP3 server (STLS, implicit TLS) over the Maildir store.", pop3d::load_pop3d_config);
}
