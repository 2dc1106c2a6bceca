// What the POP3 session asks of its shell (start TLS, check credentials and open the
// maildrop, read a message, commit the deletions at QUIT) and the answers it takes back.
// At most one action is outstanding; the disk work may run on another thread.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "hamail/mailsvc/pop3/maildrop.h"

namespace hamail::mailsvc::pop3 {

// "+OK Begin TLS negotiation" was sent: handshake, then call tls_started().
struct StartTls {};
// Check the credentials and open + lock the user's maildrop, then call auth_result().
struct Authenticate {
  std::string mechanism;  // "USER" (USER/PASS) or "PLAIN"
  std::string user;
  std::string password;
};
// Read message `index` (0-based) of Pop3Session::maildrop(), then call message_read().
struct ReadMessage {
  std::size_t index;
};
// QUIT in TRANSACTION: remove these messages (0-based, ascending) through
// Pop3Session::maildrop(), then call deletions_committed().
struct CommitDeletions {
  std::vector<std::size_t> indexes;
};
using Action = std::variant<StartTls, Authenticate, ReadMessage, CommitDeletions>;

struct AuthAnswer {
  // rate_limited: too many failed logins from this client or for this account (no
  // password was checked).
  enum class Kind { ok, bad_credentials, locked, temporary_failure, rate_limited };
  Kind kind = Kind::bad_credentials;
  std::unique_ptr<Maildrop> maildrop;  // set when kind == ok

  static AuthAnswer ok(std::unique_ptr<Maildrop> m) { return {Kind::ok, std::move(m)}; }
  static AuthAnswer failed(Kind k) { return {k, nullptr}; }
};

}  // namespace hamail::mailsvc::pop3
