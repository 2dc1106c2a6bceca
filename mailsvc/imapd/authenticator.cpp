#include "hamail/mailsvc/imapd/authenticator.h"

#include "hamail/mailsvc/daemon/password_login.h"
#include "hamail/mailsvc/store/maildir.h"

namespace hamail::mailsvc::imapd {

Login check_credentials(const ImapdConfig& cfg, const Logger& log, const imap::CheckCredentials& request,
                        const std::string& session_id) {
  daemon::LoginAttempt attempt{request.user, request.password, request.mechanism, session_id};
  daemon::PasswordLogin checked = daemon::check_password_login(cfg, log, attempt);
  using Outcome = daemon::PasswordLogin::Outcome;
  if (checked.outcome == Outcome::bad_credentials) return Login{imap::AuthResult::failed, {}, {}};
  if (checked.outcome != Outcome::ok) return Login{imap::AuthResult::temporary_failure, {}, {}};
  if (auto dir = store::Maildir::create(checked.maildir); !dir) {
    daemon::log_login_failed(log, attempt, true, "maildir", dir.error());
    return Login{imap::AuthResult::temporary_failure, {}, {}};
  }

  log.info("login").kv("session", session_id).kv("user", checked.user).kv("mechanism", request.mechanism);
  return Login{imap::AuthResult::ok, std::move(checked.user), std::move(checked.maildir)};
}

}  // namespace hamail::mailsvc::imapd
