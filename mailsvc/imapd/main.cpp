// imapd: the IMAP server (STARTTLS on 143, implicit TLS on 993) over the Maildir store.
//   imapd --config /etc/hamail/imapd.yaml [--debug] [--check: validate the file and exit]
// SIGTERM/SIGINT: stop.
#include "hamail/mailsvc/daemon/mailbox_daemon_main.h"
#include "hamail/mailsvc/imapd/connection.h"
#include "hamail/mailsvc/imapd/imapd_config.h"

int main(int argc, char** argv) {
  using namespace hamail::mailsvc;
  return daemon::mailbox_daemon_main<imapd::Connection>(
      argc, argv, "imapd", "The IMAP server (STARTTLS, implicit TLS, IDLE, COMPRESS) over the Maildir store.",
      imapd::load_imapd_config);
}
