#include "hamail/mailsvc/pop3d/authenticator.h"

#include <cctype>

#include "hamail/mailsvc/daemon/maildir_path.h"
#include "hamail/mailsvc/pop3d/store_maildrop.h"
#include "hamail/mailsvc/users/user_db.h"

namespace hamail::mailsvc::pop3d {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

pop3::AuthAnswer authenticate(const Pop3dConfig& cfg, const Logger& log, const pop3::Authenticate& request,
                              const std::string& session_id) {
  using Kind = pop3::AuthAnswer::Kind;
  auto fail = [&](Kind kind, std::string_view reason, const std::string& error = {}) {
    auto rec = kind == Kind::temporary_failure ? log.error("login_failed") : log.info("login_failed");
    rec.kv("session", session_id).kv("user", request.user).kv("mechanism", request.mechanism).kv("reason", reason);
    if (!error.empty()) rec.kv("error", error);
    return pop3::AuthAnswer::failed(kind);
  };

  auto db = users::UserDb::load(cfg.users_dir());
  if (!db) return fail(Kind::temporary_failure, "user_db", db.error());
  auto ok = db->authenticate(request.user, request.password);
  if (!ok) return fail(Kind::temporary_failure, "user_db", ok.error());
  if (!*ok) return fail(Kind::bad_credentials, "bad_credentials");

  std::string user = lower(request.user);
  auto path = daemon::maildir_path(cfg.mail_root, user);
  if (!path) return fail(Kind::temporary_failure, "bad_address", "no maildir path for '" + user + "'");
  auto opened = StoreMaildrop::open(*path, cfg.max_message_bytes, log, user, session_id);
  if (!opened) return fail(Kind::temporary_failure, "maildir", opened.error());
  if (opened->locked) return fail(Kind::locked, "in_use");

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
