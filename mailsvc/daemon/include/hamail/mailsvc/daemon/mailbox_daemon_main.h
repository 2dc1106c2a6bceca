// The whole main() of a mailbox daemon (pop3d, imapd): options and config through
// DaemonMain, mail_root prepared, the certificate, the listeners serving one Connection
// per client under the shared failed-login limits, root given up, the loop run to SIGTERM.
#pragma once

#include <unistd.h>

#include <memory>
#include <string>
#include <utility>

#include "hamail/uv/event_loop.h"
#include "hamail/mailsvc/daemon/auth_limiter.h"
#include "hamail/mailsvc/daemon/daemon_main.h"
#include "hamail/mailsvc/daemon/mail_metrics.h"
#include "hamail/mailsvc/daemon/metrics_endpoint.h"
#include "hamail/mailsvc/daemon/server.h"
#include "hamail/mailsvc/daemon/server_tls.h"

namespace hamail::mailsvc::daemon {

// `load_config(path)` gives a Result of the daemon's config (a DaemonConfig). `Conn` is a
// daemon::Connection with a `kBusyReply` and the constructor (loop, config, tls context,
// limiter, metrics, log, the listener's ListenerTls, session id "PID-N", stream, on_done).
// The metrics (hamail_<program>_...): MailMetrics' sessions and logins, and the
// messages_retrieved and messages_deleted counters the connections count.
// Returns main's exit code.
template <class Conn, class LoadConfig>
int mailbox_daemon_main(int argc, char** argv, std::string program, std::string summary, LoadConfig load_config) {
  MailMetrics metrics(program, {"starttls", "implicit"});
  metrics.add_counter("messages_retrieved", "Messages read whole by clients (the message_read log records).");
  metrics.add_counter("messages_deleted", "Messages deleted or expunged by clients (the message_deleted log records).");
  DaemonMain m(std::move(program), std::move(summary));
  if (auto rc = m.parse(argc, argv)) return *rc;
  auto cfg = load_config(m.config_path());
  if (auto rc = m.config_loaded(cfg)) return *rc;

  // As root: mail_root for the account, the certificate (made if absent), the ports; then
  // the account for everything else.
  if (Status s = m.prepare_mail_root(*cfg, {cfg->maildirs_dir()}); !s) return m.startup_failed(s.message());
  auto tls = load_server_tls(cfg->tls, cfg->hostname, m.log());
  if (!tls) return m.startup_failed(tls.error());
  auto loop = uv::EventLoop::create();
  if (!loop) return m.startup_failed(loop.error());
  uv::EventLoop& ev = **loop;
  const Logger& log = m.log();
  std::string pid = std::to_string(::getpid());
  AuthLimiter limiter(cfg->clients.auth_limits);
  Server server(ev, log, cfg->clients.max_connections, Conn::kBusyReply,
                [&](const Listener& l, std::unique_ptr<uv::Stream> s, std::uint64_t id, Connection::OnDone done) {
                  return std::make_unique<Conn>(ev, *cfg, *tls, limiter, metrics, log, l.tls, pid + "-" + std::to_string(id),
                                                std::move(s), std::move(done));
                });
  if (Status s = server.listen(cfg->listeners); !s) return m.startup_failed(s.message());
  auto metrics_server = listen_metrics(ev, log, *cfg, metrics);
  if (!metrics_server) return m.startup_failed(metrics_server.error());
  if (Status s = m.drop_privileges(); !s) return m.startup_failed(s.message());
  return m.run(ev, *cfg);
}

}  // namespace hamail::mailsvc::daemon
