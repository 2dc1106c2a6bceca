// smtpd: the SMTP daemon (mx, submission, submissions) of the mail stack.
//   smtpd --config /etc/hamail/smtpd.yaml [--debug] [--check: validate the file and exit]
// SIGTERM/SIGINT: stop; SIGUSR1: attempt every queued message now (postqueue -f).
// metrics.listen: a Prometheus /metrics endpoint (smtpd_metrics.h).
#include <csignal>
#include <cstdlib>
#include <string>

#include "hamail/uv/event_loop.h"
#include "hamail/tls/tls_context.h"
#include "hamail/mailsvc/daemon/daemon_main.h"
#include "hamail/mailsvc/daemon/metrics_endpoint.h"
#include "hamail/mailsvc/daemon/server.h"
#include "hamail/mailsvc/daemon/server_tls.h"
#include "hamail/mailsvc/smtpd/config.h"
#include "hamail/mailsvc/smtpd/connection.h"
#include "hamail/mailsvc/smtpd/mailer.h"
#include "hamail/mailsvc/smtpd/queue_runner.h"
#include "hamail/mailsvc/smtpd/smtpd_metrics.h"

using namespace hamail;
using namespace hamail::mailsvc;
using namespace hamail::mailsvc::smtpd;

namespace {

// The context outbound deliveries use for STARTTLS (delivery.tls, delivery.tls_ca).
Result<tls::TlsContext> delivery_tls(const DeliveryConfig& d) {
  auto ctx = d.tls_verify ? tls::TlsContext::cert_client(true, d.tls_ca) : tls::TlsContext::cert_client(false);
  if (!ctx) return Error{"delivery TLS: " + ctx.error()};
  return ctx;
}

}  // namespace

int main(int argc, char** argv) {
  daemon::DaemonMain m("smtpd", "The SMTP daemon (mx, submission, submissions) with its queue and delivery.");
  if (auto rc = m.parse(argc, argv)) return *rc;
  auto config = load_smtpd_config(m.config_path());
  if (auto rc = m.config_loaded(config)) return *rc;

  // As root: mail_root for the account, the certificates (made if absent), the ports;
  // then the account for everything else.
  const Logger& log = m.log();
  if (Status s = m.prepare_mail_root(*config, {config->queue_dir(), config->maildirs_dir()}); !s)
    return m.startup_failed(s.message());
  auto tls = daemon::load_server_tls(config->tls, config->hostname, log);
  if (!tls) return m.startup_failed(tls.error());
  auto client_tls = delivery_tls(config->delivery);
  if (!client_tls) return m.startup_failed(client_tls.error());
  daemon::MailMetrics metrics("smtpd", {"mx", "submission", "submissions"});
  declare_smtpd_metrics(metrics);
  Mailer mailer(*config, log, smtpd_counters(metrics));  // before the loop: its destructor waits for pool work using the mailer
  // Fsyncs, password hashes and DNS lookups run on libuv's pool; read at its first use.
  ::setenv("UV_THREADPOOL_SIZE", std::to_string(config->delivery.io_threads).c_str(), 1);
  auto loop = uv::EventLoop::create();
  if (!loop) return m.startup_failed(loop.error());
  uv::EventLoop& ev = **loop;

  QueueRunner runner(ev, *config, mailer, std::move(*client_tls), log);
  metrics.add_gauge("queue_messages", "Messages in the queue (the QueueRunner's schedule of the queue files).",
                    [&runner] { return static_cast<double>(runner.queued()); });
  metrics.add_gauge("queue_bytes", "Bytes of the queued messages (their sizes as the queued records give them).",
                    [&runner] { return static_cast<double>(runner.queued_bytes()); });
  daemon::AuthLimiter limiter(config->clients.auth_limits);
  daemon::Server server(ev, log, config->clients.max_connections, Connection::busy_reply(*config),
                        [&](const daemon::Listener& l, std::unique_ptr<uv::Stream> s, std::uint64_t,
                            daemon::Connection::OnDone done) {
                          return std::make_unique<Connection>(ev, *config, l, *tls, mailer, runner, limiter,
                                                              metrics, log, std::move(s), std::move(done));
                        });
  if (Status s = server.listen(config->listeners); !s) return m.startup_failed(s.message());
  auto metrics_server = daemon::listen_metrics(ev, log, *config, metrics);
  if (!metrics_server) return m.startup_failed(metrics_server.error());
  if (Status s = m.drop_privileges(); !s) return m.startup_failed(s.message());
  if (auto s = mailer.init(); !s) return m.startup_failed(s.message());
  runner.recover();  // crash and failover recovery before the loop serves the listeners
  return m.run(ev, *config, {SIGUSR1}, [&](int) { runner.flush(); });  // SIGUSR1: like postqueue -f
}
