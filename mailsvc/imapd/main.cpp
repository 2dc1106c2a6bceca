// imapd: the IMAP server (STARTTLS on 143, implicit TLS on 993) over the Maildir store.
//   imapd --config /etc/hamail/imapd.yaml [--debug] [--check: validate the file and exit]
// SIGTERM/SIGINT: stop.
#include <unistd.h>

#include <string>

#include "hamail/uv/event_loop.h"
#include "hamail/mailsvc/daemon/daemon_main.h"
#include "hamail/mailsvc/daemon/server.h"
#include "hamail/mailsvc/daemon/server_tls.h"
#include "hamail/mailsvc/imapd/connection.h"
#include "hamail/mailsvc/imapd/imapd_config.h"

using namespace hamail;
using namespace hamail::mailsvc;

int main(int argc, char** argv) {
  daemon::DaemonMain m("imapd", "The IMAP server (STARTTLS, implicit TLS, IDLE, COMPRESS) over the Maildir store.");
  if (auto rc = m.parse(argc, argv)) return *rc;
  auto cfg = imapd::load_imapd_config(m.config_path());
  if (auto rc = m.config_loaded(cfg)) return *rc;

  // As root: mail_root for the account, the certificate (made if absent), the ports; then
  // the account for everything else.
  if (Status s = m.prepare_mail_root(*cfg, {cfg->maildirs_dir()}); !s) return m.startup_failed(s.message());
  auto tls = daemon::load_server_tls(cfg->tls, cfg->hostname, m.log());
  if (!tls) return m.startup_failed(tls.error());
  auto loop = uv::EventLoop::create();
  if (!loop) return m.startup_failed(loop.error());
  uv::EventLoop& ev = **loop;
  const Logger& log = m.log();
  std::string pid = std::to_string(::getpid());
  daemon::AuthLimiter limiter(cfg->clients.auth_limits);
  daemon::Server server(ev, log, cfg->clients.max_connections, imapd::Connection::kBusyReply,
                        [&](const daemon::Listener& l, std::unique_ptr<uv::Stream> s, std::uint64_t id,
                            daemon::Connection::OnDone done) {
                          return std::make_unique<imapd::Connection>(ev, *cfg, *tls, limiter, log, l.tls,
                                                                     pid + "-" + std::to_string(id), std::move(s),
                                                                     std::move(done));
                        });
  if (Status s = server.listen(cfg->listeners); !s) return m.startup_failed(s.message());
  if (Status s = m.drop_privileges(); !s) return m.startup_failed(s.message());
  return m.run(ev, *cfg);
}
