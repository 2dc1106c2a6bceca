// The logged-in browsers of webmail: a session per login with a random id (the cookie)
// and CSRF token, the user, idle and absolute expiry. Bounded in total and per user; the
// shell passes the clock and the random bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hamail/base/result.h"
#include "hamail/mailsvc/webmail/secret_text.h"
#include "hamail/mailsvc/webmail/token.h"

namespace hamail::mailsvc::webmail {

struct SessionLimits {
  std::size_t max_sessions = 10000;
  std::size_t max_per_user = 16;                     // a user's oldest session goes first
  std::int64_t idle_timeout_ms = 30 * 60 * 1000;     // since the last request
  std::int64_t max_lifetime_ms = 12 * 3600 * 1000;   // since the login
};

struct WebSession {
  std::string id;          // 64 hex digits, the cookie's value
  std::string csrf_token;  // 64 hex digits, sent back in X-CSRF-Token
  std::string user;        // the login name as UserDb knows it
  std::int64_t created_ms = 0;
  std::int64_t last_used_ms = 0;
  // For smtpd's AUTH when sending (like Roundcube): only in memory, wiped when the
  // session closes, expires or is evicted (SecretText); never logged or answered.
  SecretText password;
};

class SessionTable {
 public:
  explicit SessionTable(SessionLimits limits) : limits_(limits) {}

  // A new session for `user` after a successful login. Expired sessions are dropped
  // first; past max_per_user the user's oldest one is closed. Errors: the table is full
  // of live sessions, the id is taken (bad randomness).
  Result<WebSession> open(std::string user, const SecretBytes& id_bytes, const SecretBytes& csrf_bytes,
                          std::int64_t now_ms, SecretText password = {});
  // The live session with this id, its idle time restarted; nullptr when unknown or
  // expired (an expired one is removed).
  const WebSession* find(std::string_view id, std::int64_t now_ms);
  // Logout: true when the id was open.
  bool close(std::string_view id);
  // Every session of `user` (the password changed, the account removed).
  std::size_t close_user(std::string_view user);
  // Drops expired sessions; returns how many.
  std::size_t expire(std::int64_t now_ms);

  std::size_t size() const { return sessions_.size(); }
  const SessionLimits& limits() const { return limits_; }

 private:
  bool expired(const WebSession& s, std::int64_t now_ms) const;

  SessionLimits limits_;
  std::unordered_map<std::string, WebSession> sessions_;
};

}  // namespace hamail::mailsvc::webmail
