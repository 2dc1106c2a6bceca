// The password half of a mailbox daemon's login (pop3d, imapd; runs on a pool thread):
// the password against the user database (mail_root/etc, re-read per attempt so
// mailsvc-admin changes apply at once) and where the user's Maildir is. Failures logged.
#pragma once

#include <string>
#include <string_view>

#include "hamail/base/log.h"
#include "hamail/mailsvc/daemon/daemon_config.h"

namespace hamail::mailsvc::daemon {

// Who tries to log in: the name and password as the client sent them.
struct LoginAttempt {
  std::string_view user;
  std::string_view password;
  std::string_view mechanism;  // for the log: "USER", "PLAIN", "LOGIN" ...
  std::string_view session_id;
};

struct PasswordLogin {
  enum class Outcome { ok, bad_credentials, temporary_failure };
  Outcome outcome = Outcome::temporary_failure;
  std::string user;     // lower-cased, when ok
  std::string maildir;  // mail_root/maildirs/<domain>/<local>/Maildir, when ok
};

// Checks the password and finds the Maildir's path (the directory is not touched). A
// failure is logged as login_failed (an error when temporary) with its reason.
PasswordLogin check_password_login(const DaemonConfig& cfg, const Logger& log, const LoginAttempt& attempt);

// Logs login_failed for `attempt`: an error record when `temporary`, else info.
void log_login_failed(const Logger& log, const LoginAttempt& attempt, bool temporary, std::string_view reason,
                      const std::string& error = {});

}  // namespace hamail::mailsvc::daemon
