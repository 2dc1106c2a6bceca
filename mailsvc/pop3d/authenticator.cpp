#include "hamail/mailsvc/pop3d/authenticator.h"

#include <algorithm>
#include <cctype>

#include "hamail/mailsvc/pop3d/store_maildrop.h"
#include "hamail/mailsvc/users/user_db.h"

namespace hamail::mailsvc::pop3d {

namespace {

bool safe_component(std::string_view s) {
  if (s.empty() || s.front() == '.') return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c > ' ' && c < 0x7f && c != '/'; });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<std::string> maildir_path(const std::string& mail_root, std::string_view address) {
  std::string a = lower(address);
  auto at = a.rfind('@');
  if (at == std::string::npos) return std::nullopt;
  std::string local = a.substr(0, at), domain = a.substr(at + 1);
  if (!safe_component(local) || !safe_component(domain)) return std::nullopt;
  return mail_root + "/maildirs/" + domain + "/" + local + "/Maildir";
}

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
  auto path = maildir_path(cfg.mail_root, user);
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
