// What the IMAP session asks of its shell (the TLS handshake, a credentials check, a
// mailbox command for the worker, IDLE polling, DEFLATE) and the answers it takes back.
// At most one action is outstanding; the work may run on another thread.
#pragma once

#include <string>
#include <variant>

#include "hamail/mailsvc/imap/mailbox_work.h"

namespace hamail::mailsvc::imap {

// "TAG OK Begin TLS negotiation now" was sent and any input after STARTTLS dropped (it
// came in clear): handshake, then call ImapSession::tls_started().
struct TlsHandshake {};

// LOGIN or AUTHENTICATE PLAIN: check the credentials, then call auth_result(). The delay
// of a failed login (and any per-client or per-account limit) is the shell's: answer
// `failed` that much later. `authzid` is empty or equals `user` (others are refused).
struct CheckCredentials {
  std::string mechanism;  // "LOGIN" or "PLAIN"
  std::string user;
  std::string password;
  std::string authzid;
};

// A mailbox command for the worker (mailbox_work.h), then call mailbox_done().
struct MailboxWork {
  MailboxRequest request;
};

// "+ idling" was sent: poll the worker (MailboxPoll with these flags) now and whenever
// something may have changed, passing what it gives to idle_poll_result(). No answer.
struct IdleStart {
  SessionFlags flags;
};
// The client ended IDLE: stop polling, then call idle_ended() with the last poll's
// bytes (or nothing); the tagged reply follows them.
struct IdleEnd {};

// "TAG OK DEFLATE active" was sent: from now on both directions are DEFLATE streams
// (RFC 4978). `compressed_input` is what the client sent after COMPRESS (already
// compressed): inflate it and feed() it like later input. No answer.
struct StartDeflate {
  std::string compressed_input;
};

using Action = std::variant<TlsHandshake, CheckCredentials, MailboxWork, IdleStart, IdleEnd, StartDeflate>;

// The answer to CheckCredentials.
enum class AuthResult {
  ok,                 // logged in: the shell keeps the user's mailbox context
  failed,             // wrong password or unknown user (the same reply): counts to max_auth_failures
  temporary_failure,  // the user database or the store could not be read
};

}  // namespace hamail::mailsvc::imap
