// dnsd: the authoritative DNS server for the cluster's mail domains (UDP and TCP, AXFR to
// allowed secondaries, NOTIFY, RRL), answering as NSD does.
//   dnsd --config /etc/hamail/dnsd.yaml [--debug] [--check]
//   dnsd --control SOCKET reload|status
// SIGHUP: reload the zones; SIGTERM/SIGINT: stop.
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <iostream>

#include "hamail/base/program_options.h"
#include "hamail/base/version.h"
#include "hamail/control/control_client.h"
#include "hamail/mailsvc/daemon/account.h"
#include "hamail/mailsvc/dnsd/dns_server.h"
#include "hamail/mailsvc/dnsd/dnsd_config.h"
#include "hamail/uv/signals.h"

namespace {

using namespace hamail;
using namespace hamail::mailsvc;

int control_command(const std::string& socket, const std::string& cmd) {
  if (cmd != "reload" && cmd != "status") {
    std::cerr << "dnsd: --control SOCKET reload|status (not '" << cmd << "')\n";
    return 2;
  }
  auto client = ControlClient::connect(ControlEndpoint{socket, "dnsd", "start it, e.g. `dnsd --config FILE`", "root"});
  if (!client) {
    std::cerr << "dnsd: " << client.error() << "\n";
    return 1;
  }
  auto reply = client->call({{"cmd", cmd}}, std::chrono::steady_clock::now() + std::chrono::seconds(10));
  if (!reply) {
    std::cerr << "dnsd: " << reply.error() << "\n";
    return 1;
  }
  std::cout << reply->dump(2) << "\n";
  return reply->value("ok", false) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--control") == 0) {
    if (argc != 4) {
      std::cerr << "usage: dnsd --control SOCKET reload|status\n";
      return 2;
    }
    return control_command(argv[2], argv[3]);
  }
  std::string config_path;
  bool debug = false, check = false;
  ProgramOptions options("dnsd",
                         "The authoritative DNS server (UDP, TCP, AXFR, NOTIFY, RRL) of the mail domains.\n"
                         "Also: dnsd --control SOCKET reload|status");
  options.value("config", &config_path, "FILE", "the daemon's YAML configuration (required)");
  options.flag("debug", &debug, "log debug records too");
  options.flag("check", &check, "only check the configuration: print \"FILE: ok\" or its errors, exit 0 or 1");
  Status parsed = options.parse(argc, argv);
  if (parsed && options.help_requested()) {
    std::cout << options.usage();
    return 0;
  }
  if (parsed && options.version_requested()) {
    std::cout << version_text("dnsd");
    return 0;
  }
  if (parsed && config_path.empty()) parsed = Error{"--config FILE is required"};
  if (!parsed) {
    std::cerr << "dnsd: " << parsed.message() << "\n" << options.usage();
    return 2;
  }
  Logger log("dnsd", debug ? LogLevel::debug : LogLevel::info);

  auto config = dnsd::load_dnsd_config(config_path);
  Result<daemon::Account> account = config ? daemon::lookup_account(config->user) : Result<daemon::Account>(Error{config.error()});
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
  int code = 0;
  {
    dnsd::DnsServer server(**loop, log, *config);
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
    auto signals = uv::Signals::watch(**loop, {SIGTERM, SIGINT, SIGHUP}, [&](int sig) {
      if (sig == SIGHUP) {
        server.reload("SIGHUP");
        return;
      }
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
        .kv("zones", static_cast<unsigned long>(config->zones.size()));
    (*loop)->run();
  }
  log.info("stopped");
  return code;
}
