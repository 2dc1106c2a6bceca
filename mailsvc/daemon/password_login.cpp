#include "hamail/mailsvc/daemon/password_login.h"

#include <cctype>

#include "hamail/mailsvc/daemon/maildir_path.h"
#include "hamail/mailsvc/users/user_db.h"

namespace hamail::mailsvc::daemon {

void log_login_failed(const Logger& log, const LoginAttempt& attempt, bool temporary, std::string_view reason,
                      const std::string& error) {
  auto rec = temporary ? log.error("login_failed") : log.info("login_failed");
  rec.kv("session", attempt.session_id).kv("user", attempt.user).kv("mechanism", attempt.mechanism).kv("reason", reason);
  if (!error.empty()) rec.kv("error", error);
}

PasswordLogin check_password_login(const DaemonConfig& cfg, const Logger& log, const LoginAttempt& attempt) {
  using Outcome = PasswordLogin::Outcome;
  auto fail = [&](Outcome outcome, std::string_view reason, const std::string& error = {}) {
    log_login_failed(log, attempt, outcome == Outcome::temporary_failure, reason, error);
    return PasswordLogin{outcome, {}, {}};
  };

  auto db = users::UserDb::load(cfg.users_dir());
  if (!db) return fail(Outcome::temporary_failure, "user_db", db.error());
  auto ok = db->authenticate(attempt.user, attempt.password);
  if (!ok) return fail(Outcome::temporary_failure, "user_db", ok.error());
  if (!*ok) return fail(Outcome::bad_credentials, "bad_credentials");

  std::string user(attempt.user);
  for (char& c : user) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto path = maildir_path(cfg.mail_root, user);
  if (!path) return fail(Outcome::temporary_failure, "bad_address", "no maildir path for '" + user + "'");
  return PasswordLogin{Outcome::ok, std::move(user), std::move(*path)};
}

}  // namespace hamail::mailsvc::daemon
