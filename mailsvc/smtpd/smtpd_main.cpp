// smtpd: the SMTP daemon (mx, submission, submissions) of the mail stack.
//   smtpd --config /etc/hamail/smtpd.yaml [--debug] [--check: validate the file and exit]
// SIGTERM/SIGINT: stop; SIGUSR1: attempt every queued message now (postqueue -f).
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <string>

#include "hamail/base/log.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/signals.h"
#include "hamail/tls/self_signed.h"
#include "hamail/tls/tls_context.h"
#include "hamail/mailsvc/smtpd/config.h"
#include "hamail/mailsvc/smtpd/mailer.h"
#include "hamail/mailsvc/smtpd/queue_runner.h"
#include "hamail/mailsvc/smtpd/server.h"
#include "hamail/mailsvc/store/fs.h"

using namespace hamail;
using namespace hamail::mailsvc::smtpd;

namespace {

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

Result<tls::TlsContext> load_tls(const SmtpdConfig& c, const Logger& log) {
  bool have_cert = mailsvc::store::path_exists(c.tls_cert), have_key = mailsvc::store::path_exists(c.tls_key);
  if (!have_cert && !have_key) {
    for (const auto& p : {parent_dir(c.tls_cert), c.tls_cert, c.tls_key}) {
      if (auto s = mailsvc::store::make_directory(parent_dir(p), 0700); !s) return Error{s.message()};  // mail_root, then tls/
    }
    tls::SelfSignedOptions o;
    o.cert_path = c.tls_cert;
    o.key_path = c.tls_key;
    o.common_name = c.hostname;
    o.dns_names = {c.hostname};
    if (c.hostname != "localhost") o.dns_names.push_back("localhost");
    if (auto s = tls::generate_self_signed(o); !s) return Error{"generating a self-signed certificate: " + s.message()};
    log.warning("tls_self_signed_generated").kv("cert", c.tls_cert).kv("key", c.tls_key)
        .kv("note", "replace with a certificate from a CA for production");
  } else if (!have_cert || !have_key) {
    return Error{"TLS: only one of " + c.tls_cert + " and " + c.tls_key + " exists; provide both or neither"};
  }
  return tls::TlsContext::cert_server(c.tls_cert, c.tls_key);
}

int usage() {
  std::fprintf(stderr, "usage: smtpd --config FILE [--debug] [--check]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  bool debug = false, check = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) config_path = argv[++i];
    else if (std::strcmp(argv[i], "--debug") == 0) debug = true;
    else if (std::strcmp(argv[i], "--check") == 0) check = true;
    else return usage();
  }
  if (config_path.empty()) return usage();

  Logger log("smtpd", debug ? LogLevel::debug : LogLevel::info);
  auto config = load_smtpd_config(config_path);
  if (!config) {
    if (check) std::fprintf(stderr, "%s\n", config.error().c_str());
    else log.error("config_invalid").kv("error", config.error());
    return 1;
  }
  if (check) {
    std::printf("%s: ok\n", config_path.c_str());
    return 0;
  }
  auto tls = load_tls(*config, log);
  if (!tls) {
    log.error("startup_failed").kv("error", tls.error());
    return 1;
  }
  Mailer mailer(*config, log);
  if (auto s = mailer.init(); !s) {
    log.error("startup_failed").kv("error", s.message());
    return 1;
  }
  auto client_tls = config->delivery.tls_verify ? tls::TlsContext::cert_client(true, config->delivery.tls_ca)
                                                : tls::TlsContext::cert_client(false);
  if (!client_tls) {
    log.error("startup_failed").kv("error", "delivery TLS: " + client_tls.error());
    return 1;
  }
  // Fsyncs, password hashes and DNS lookups run on libuv's pool; read at its first use.
  ::setenv("UV_THREADPOOL_SIZE", std::to_string(config->delivery.io_threads).c_str(), 1);

  auto loop = uv::EventLoop::create();
  if (!loop) {
    log.error("startup_failed").kv("error", loop.error());
    return 1;
  }
  uv::EventLoop& ev = **loop;
  {
    QueueRunner runner(ev, *config, mailer, std::move(*client_tls), log);
    runner.recover();  // crash and failover recovery before taking new mail
    Server server(ev, *config, std::move(*tls), mailer, runner, log);
    if (auto s = server.listen(); !s) {
      log.error("startup_failed").kv("error", s.message());
      return 1;
    }
    auto signals = uv::Signals::watch(ev, {SIGTERM, SIGINT, SIGUSR1}, [&](int sig) {
      if (sig == SIGUSR1) return runner.flush();  // like postqueue -f
      log.info("stopping").kv("signal", sig);
      ev.stop();
    });
    if (!signals) {
      log.error("startup_failed").kv("error", signals.error());
      return 1;
    }
    log.info("started").kv("hostname", config->hostname).kv("mail_root", config->mail_root);
    ev.run();
  }
  return 0;
}
