#include "hamail/mailsvc/imapd/authenticator.h"

#include <cctype>

#include "hamail/mailsvc/daemon/maildir_path.h"
#include "hamail/mailsvc/store/maildir.h"
#include "hamail/mailsvc/users/user_db.h"

namespace hamail::mailsvc::imapd {

Login check_credentials(const ImapdConfig& cfg, const Logger& log, const imap::CheckCredentials& request,
                        const std::string& session_id) {
  auto fail = [&](imap::AuthResult result, std::string_view reason, const std::string& error = {}) {
    auto rec = result == imap::AuthResult::temporary_failure ? log.error("login_failed") : log.info("login_failed");
    rec.kv("session", session_id).kv("user", request.user).kv("mechanism", request.mechanism).kv("reason", reason);
    if (!error.empty()) rec.kv("error", error);
    return Login{result, {}, {}};
  };

  auto db = users::UserDb::load(cfg.users_dir());
  if (!db) return fail(imap::AuthResult::temporary_failure, "user_db", db.error());
  auto ok = db->authenticate(request.user, request.password);
  if (!ok) return fail(imap::AuthResult::temporary_failure, "user_db", ok.error());
  if (!*ok) return fail(imap::AuthResult::failed, "bad_credentials");

  std::string user = request.user;
  for (char& c : user) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto path = daemon::maildir_path(cfg.mail_root, user);
  if (!path) return fail(imap::AuthResult::temporary_failure, "bad_address", "no maildir path for '" + user + "'");
  if (auto dir = store::Maildir::create(*path); !dir) return fail(imap::AuthResult::temporary_failure, "maildir", dir.error());

  log.info("login").kv("session", session_id).kv("user", user).kv("mechanism", request.mechanism);
  return Login{imap::AuthResult::ok, user, *path};
}

}  // namespace hamail::mailsvc::imapd
