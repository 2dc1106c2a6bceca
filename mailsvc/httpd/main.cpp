// httpd: the static-file HTTP/1.1 server (plaintext, TLS, a redirect to HTTPS with HSTS).
//   httpd --config /etc/hamail/httpd.yaml [--debug] [--check: validate the file and exit]
// SIGTERM/SIGINT: stop.
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "hamail/base/program_options.h"
#include "hamail/base/version.h"
#include "hamail/mailsvc/daemon/account.h"
#include "hamail/mailsvc/httpd/http_server.h"
#include "hamail/mailsvc/httpd/httpd_config.h"
#include "hamail/uv/signals.h"

int main(int argc, char** argv) {
  using namespace hamail;
  using namespace hamail::mailsvc;
  std::string config_path;
  bool debug = false, check = false;
  ProgramOptions options("httpd", "The static-file HTTP/1.1 server (plaintext, TLS, HTTPS redirect with HSTS).");
  options.value("config", &config_path, "FILE", "the daemon's YAML configuration (required)");
  options.flag("debug", &debug, "log debug records too");
  options.flag("check", &check, "only check the configuration: print \"FILE: ok\" or its errors, exit 0 or 1");
  Status parsed = options.parse(argc, argv);
  if (parsed && options.help_requested()) {
    std::cout << options.usage();
    return 0;
  }
  if (parsed && options.version_requested()) {
    std::cout << version_text("httpd");
    return 0;
  }
  if (parsed && config_path.empty()) parsed = Error{"--config FILE is required"};
  if (!parsed) {
    std::cerr << "httpd: " << parsed.message() << "\n" << options.usage();
    return 2;
  }
  Logger log("httpd", debug ? LogLevel::debug : LogLevel::info);

  auto config = httpd::load_httpd_config(config_path);
  Result<daemon::Account> account =
      config ? daemon::lookup_account(config->user) : Result<daemon::Account>(Error{config.error()});
  if (config && !account) account = Error{config_path + ": " + account.error()};
  if (!account) {
    if (check) std::cerr << account.error() << "\n";
    else log.error("config_invalid").kv("config", config_path).kv("error", account.error());
    return 1;
  }
  if (check) {
    std::cout << config_path << ": ok\n";
    return 0;
  }

  auto loop = uv::EventLoop::create();
  if (!loop) {
    log.error("startup_failed").kv("error", loop.error());
    return 1;
  }
  {
    httpd::HttpServer server(**loop, log, *config);
    if (Status s = server.start(); !s) {
      log.error("startup_failed").kv("error", s.message());
      return 1;
    }
    if (::geteuid() == 0) {
      if (Status s = daemon::switch_to(*account); !s) {
        log.error("startup_failed").kv("error", s.message());
        return 1;
      }
      log.info("privileges_dropped").kv("user", account->name).kv("uid", static_cast<unsigned long>(account->uid))
          .kv("gid", static_cast<unsigned long>(account->gid));
    }
    auto signals = uv::Signals::watch(**loop, {SIGTERM, SIGINT}, [&](int sig) {
      log.info("stopping").kv("signal", sig);
      (*loop)->stop();
    });
    if (!signals) {
      log.error("startup_failed").kv("error", signals.error());
      return 1;
    }
    std::string ports;
    for (auto p : server.bound_ports()) ports += (ports.empty() ? "" : ",") + std::to_string(p);
    log.info("started").kv("listeners", static_cast<unsigned long>(config->listeners.size())).kv("ports", ports)
        .kv("document_root", config->document_root);
    (*loop)->run();
  }
  log.info("stopped");
  return 0;
}
