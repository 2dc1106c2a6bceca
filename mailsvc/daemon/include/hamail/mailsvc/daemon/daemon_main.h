// What a mail daemon's main() shares: its options (--config FILE, --debug, --check,
// --help; each declared once with its help), the logger, the config check that prints
// "FILE: ok", giving up root for the configured account (mail_root prepared first),
// startup errors, and the loop run until SIGTERM/SIGINT with the daemon's other signals
// (smtpd's SIGUSR1) handed to it.
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/base/program_options.h"
#include "hamail/base/result.h"
#include "hamail/uv/event_loop.h"
#include "hamail/mailsvc/daemon/account.h"
#include "hamail/mailsvc/daemon/daemon_config.h"
#include "hamail/mailsvc/daemon/mail_root_access.h"

namespace hamail::mailsvc::daemon {

class DaemonMain {
 public:
  // `program` is also the log's component; `out`/`err` stand for stdout/stderr.
  DaemonMain(std::string program, std::string summary, std::ostream& out, std::ostream& err);
  DaemonMain(std::string program, std::string summary);

  // For a daemon's own options; declare them before parse().
  ProgramOptions& options() { return options_; }
  // Reads argv. nullopt: go on; else main's exit code: 0 after --help (usage printed),
  // 2 for a usage error (printed with the usage; --config is required).
  std::optional<int> parse(int argc, const char* const* argv);

  const std::string& config_path() const { return config_path_; }
  bool check_only() const { return check_; }
  Logger& log() { return log_; }
  const Logger& log() const { return log_; }

  // Call with the outcome of loading the config. nullopt: go on and start; else the exit
  // code: 1 for an error (to stderr with --check, else logged as config_invalid), 0 with
  // --check after printing "FILE: ok".
  std::optional<int> config_loaded(const Status& loaded);
  // The same for a daemon's config (any type with a `user` field): its account is looked
  // up too (so --check reports a missing user or one with uid 0).
  template <class Config>
  std::optional<int> config_loaded(const Result<Config>& loaded) {
    return config_loaded(loaded ? find_account(loaded->user) : loaded.status());
  }

  // Before the certificate is loaded and the ports bound. As root: mail_root prepared
  // for the account (see prepare_mail_root; `owned_dirs` are the directories this daemon
  // writes). Not root: the process must already run as the account.
  Status prepare_mail_root(const DaemonConfig& config, std::vector<std::string> owned_dirs);
  // After the ports are bound and the keys read: as root, switch to the account (logged
  // privileges_dropped); then check it can use mail_root. Call prepare_mail_root first.
  Status drop_privileges();
  // For a daemon without mail_root (dnsd, httpd), after its ports are bound: as root,
  // switch to the account (logged privileges_dropped); not root, it stays who it is.
  Status give_up_root();
  const std::optional<Account>& account() const { return account_; }
  // Logs startup_failed with `error`; returns main's exit code 1.
  int startup_failed(const std::string& error) const;

  // Logs started, runs `loop` until SIGTERM or SIGINT (logged as stopping), logs stopped
  // and returns 0; `extra_signals` go to `on_signal` meanwhile. 1 when a signal cannot be
  // watched.
  int run(uv::EventLoop& loop, const DaemonConfig& config, const std::vector<int>& extra_signals = {},
          const std::function<void(int)>& on_signal = {});
  // The same with the daemon's own `started` record: `log_started` writes it once the
  // signals are watched.
  int run(uv::EventLoop& loop, const std::function<void()>& log_started, const std::vector<int>& extra_signals = {},
          const std::function<void(int)>& on_signal = {});

 private:
  std::ostream& out_;
  std::ostream& err_;
  ProgramOptions options_;
  std::string config_path_;
  bool debug_ = false;
  bool check_ = false;
  Logger log_;
  std::optional<Account> account_;  // set by config_loaded
  MailRootLayout layout_;           // set by prepare_mail_root

  Status find_account(const std::string& user);
};

}  // namespace hamail::mailsvc::daemon
