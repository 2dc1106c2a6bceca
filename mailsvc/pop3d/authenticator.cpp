#include "hamail/mailsvc/pop3d/authenticator.h"

#include "hamail/mailsvc/daemon/password_login.h"
#include "hamail/mailsvc/pop3d/store_maildrop.h"

namespace hamail::mailsvc::pop3d {

pop3::AuthAnswer authenticate(const Pop3dConfig& cfg, const Logger& log, const pop3::Authenticate& request,
                              const std::string& session_id, MaildropCounters counters) {
  using Kind = pop3::AuthAnswer::Kind;
  daemon::LoginAttempt attempt{request.user, request.password, request.mechanism, session_id};
  daemon::PasswordLogin checked = daemon::check_password_login(cfg, log, attempt);
  using Outcome = daemon::PasswordLogin::Outcome;
  if (checked.outcome == Outcome::bad_credentials) return pop3::AuthAnswer::failed(Kind::bad_credentials);
  if (checked.outcome != Outcome::ok) return pop3::AuthAnswer::failed(Kind::temporary_failure);

  const std::string& user = checked.user;
  auto opened = StoreMaildrop::open(checked.maildir, cfg.max_message_bytes, log, user, session_id, counters);
  if (!opened) {
    daemon::log_login_failed(log, attempt, true, "maildir", opened.error());
    return pop3::AuthAnswer::failed(Kind::temporary_failure);
  }
  if (opened->locked) {
    daemon::log_login_failed(log, attempt, false, "in_use");
    return pop3::AuthAnswer::failed(Kind::locked);
  }

  std::uint64_t octets = 0;
  for (const auto& m : opened->maildrop->messages()) octets += m.size;
  log.info("login")
      .kv("session", session_id)
      .kv("user", user)
      .kv("mechanism", request.mechanism)
      .kv("messages", static_cast<long long>(opened->maildrop->messages().size()))
      .kv("octets", static_cast<long long>(octets));
  return pop3::AuthAnswer::ok(std::move(opened->maildrop));
}

}  // namespace hamail::mailsvc::pop3d
