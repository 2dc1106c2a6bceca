// pop3d: the POP3 server (STLS on 110, implicit TLS on 995) over the Maildir store.
//   pop3d --config /etc/hamail/pop3d.yaml [--check]
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/signals.h"
#include "hamail/mailsvc/pop3d/server.h"
#include "hamail/mailsvc/pop3d/tls_setup.h"

using namespace hamail;
using namespace hamail::mailsvc::pop3d;

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string config_path;
  bool check = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      config_path = args[++i];
    } else if (args[i] == "--check") {
      check = true;
    } else if (args[i] == "--help" || args[i] == "-h") {
      std::cout << "usage: pop3d --config FILE [--check]\n";
      return 0;
    } else {
      std::cerr << "pop3d: unknown argument '" << args[i] << "' (usage: pop3d --config FILE [--check])\n";
      return 2;
    }
  }
  if (config_path.empty()) {
    std::cerr << "pop3d: --config FILE is required\n";
    return 2;
  }
  auto cfg = load_pop3d_config(config_path);
  if (!cfg) {
    std::cerr << cfg.error() << "\n";
    return 1;
  }
  if (check) {
    std::cout << config_path << ": ok\n";
    return 0;
  }

  Logger log("pop3d");
  auto tls = load_or_generate_tls(*cfg, log);
  if (!tls) {
    log.error("startup_failed").kv("error", tls.error());
    return 1;
  }
  auto loop = uv::EventLoop::create();
  if (!loop) {
    log.error("startup_failed").kv("error", loop.error());
    return 1;
  }
  int rc = 0;
  {
    Server server(**loop, *cfg, *tls, log);
    if (Status s = server.listen(); !s) {
      log.error("startup_failed").kv("error", s.message());
      return 1;
    }
    auto signals = uv::Signals::watch(**loop, {SIGTERM, SIGINT}, [&](int sig) {
      log.info("stopping").kv("signal", sig);
      (*loop)->stop();
    });
    if (!signals) {
      log.error("startup_failed").kv("error", signals.error());
      return 1;
    }
    log.info("started").kv("mail_root", cfg->mail_root);
    (*loop)->run();
  }
  log.info("stopped");
  return rc;
}
