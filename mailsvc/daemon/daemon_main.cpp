#include "hamail/mailsvc/daemon/daemon_main.h"

#include <unistd.h>

#include <csignal>
#include <iostream>

#include "hamail/base/invariant.h"
#include "hamail/base/version.h"
#include "hamail/uv/signals.h"

namespace hamail::mailsvc::daemon {

DaemonMain::DaemonMain(std::string program, std::string summary, std::ostream& out, std::ostream& err)
    : out_(out), err_(err), options_(program, std::move(summary)), log_(program) {
  options_.value("config", &config_path_, "FILE", "the daemon's YAML configuration (required)");
  options_.flag("debug", &debug_, "log debug records too (connections, TLS, session steps)");
  options_.flag("check", &check_, "only check the configuration: print \"FILE: ok\" or its errors, exit 0 or 1");
}

DaemonMain::DaemonMain(std::string program, std::string summary)
    : DaemonMain(std::move(program), std::move(summary), std::cout, std::cerr) {}

std::optional<int> DaemonMain::parse(int argc, const char* const* argv) {
  Status parsed = options_.parse(argc, argv);
  if (parsed && options_.help_requested()) {
    out_ << options_.usage();
    return 0;
  }
  if (parsed && options_.version_requested()) {
    out_ << version_text(options_.program());
    return 0;
  }
  if (parsed && config_path_.empty()) parsed = Error{"--config FILE is required"};
  if (!parsed) {
    err_ << options_.program() << ": " << parsed.message() << "\n" << options_.usage();
    return 2;
  }
  log_.set_min_level(debug_ ? LogLevel::debug : LogLevel::info);
  return std::nullopt;
}

std::optional<int> DaemonMain::config_loaded(const Status& loaded) {
  if (!loaded) {
    if (check_) err_ << loaded.message() << "\n";
    else log_.error("config_invalid").kv("config", config_path_).kv("error", loaded.message());
    return 1;
  }
  if (!check_) return std::nullopt;
  out_ << config_path_ << ": ok\n";
  return 0;
}

Status DaemonMain::find_account(const std::string& user) {
  auto account = lookup_account(user);
  if (!account) return Error{config_path_ + ": " + account.error()};
  account_ = std::move(*account);
  return Status::ok();
}

Status DaemonMain::prepare_mail_root(const DaemonConfig& config, std::vector<std::string> owned_dirs) {
  HAMAIL_INVARIANT(account_.has_value(), "prepare_mail_root before config_loaded found the account");
  layout_ = MailRootLayout{config.mail_root, config.users_dir(), std::move(owned_dirs)};
  if (::geteuid() == 0) return daemon::prepare_mail_root(layout_, *account_, log_);
  if (::geteuid() != account_->uid)
    return Error{"user: " + options_.program() + " runs as uid " + std::to_string(::geteuid()) +
                 ", not as root, so it cannot switch to '" + account_->name + "' (uid " +
                 std::to_string(account_->uid) + "): start it as root, or set user: to the account it runs as"};
  return Status::ok();
}

Status DaemonMain::drop_privileges() {
  HAMAIL_INVARIANT(account_.has_value() && !layout_.mail_root.empty(), "drop_privileges before prepare_mail_root");
  if (Status s = give_up_root(); !s) return s;
  return check_mail_root_access(layout_, *account_);
}

Status DaemonMain::give_up_root() {
  HAMAIL_INVARIANT(account_.has_value(), "give_up_root before config_loaded found the account");
  if (::geteuid() != 0) return Status::ok();
  if (Status s = switch_to(*account_); !s) return s;
  log_.info("privileges_dropped").kv("user", account_->name).kv("uid", static_cast<unsigned long>(account_->uid))
      .kv("gid", static_cast<unsigned long>(account_->gid));
  return Status::ok();
}

int DaemonMain::startup_failed(const std::string& error) const {
  log_.error("startup_failed").kv("error", error);
  return 1;
}

int DaemonMain::run(uv::EventLoop& loop, const DaemonConfig& config, const std::vector<int>& extra_signals,
                    const std::function<void(int)>& on_signal) {
  auto started = [&] { log_.info("started").kv("hostname", config.hostname).kv("mail_root", config.mail_root); };
  return run(loop, started, extra_signals, on_signal);
}

int DaemonMain::run(uv::EventLoop& loop, const std::function<void()>& log_started, const std::vector<int>& extra_signals,
                    const std::function<void(int)>& on_signal) {
  std::vector<int> watched{SIGTERM, SIGINT};
  watched.insert(watched.end(), extra_signals.begin(), extra_signals.end());
  auto signals = uv::Signals::watch(loop, watched, [&](int sig) {
    if (sig != SIGTERM && sig != SIGINT) {
      if (on_signal) on_signal(sig);
      return;
    }
    log_.info("stopping").kv("signal", sig);
    loop.stop();
  });
  if (!signals) return startup_failed(signals.error());
  log_started();
  loop.run();
  log_.info("stopped");
  return 0;
}

}  // namespace hamail::mailsvc::daemon
