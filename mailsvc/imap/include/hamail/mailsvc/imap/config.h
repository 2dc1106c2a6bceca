// What one IMAP listener allows a session: TLS (STARTTLS offered, or implicit on 993),
// plaintext logins before TLS, and the bounds on bad input, failed logins and buffering.
#pragma once

#include <cstddef>

#include "hamail/mailsvc/imap/command_reader.h"

namespace hamail::mailsvc::imap {

struct ImapConfig {
  bool implicit_tls = false;          // port 993: TLS from the start
  bool tls_configured = false;        // a certificate is loaded: STARTTLS offered before TLS
  bool allow_plaintext_auth = false;  // LOGIN / AUTHENTICATE PLAIN before TLS (tests, trusted networks)
  int max_auth_failures = 3;          // failed logins, then "* BYE" and close
  int max_bad_commands = 10;          // consecutive BAD replies, then "* BYE" and close
  // Input held unprocessed while an action is outstanding (the shell pauses reading
  // while waiting(), so this is about one read); over it: "* BYE" and close.
  std::size_t max_buffered_input = 128 * 1024;
  // Command framing bounds; limits.max_message is APPEND's largest message.
  ReaderLimits limits;
};

}  // namespace hamail::mailsvc::imap
