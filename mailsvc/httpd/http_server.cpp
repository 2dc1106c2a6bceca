#include "hamail/mailsvc/httpd/http_server.h"

#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "hamail/mailsvc/daemon/server_tls.h"
#include "hamail/mailsvc/httpd/connection.h"
#include "hamail/mailsvc/webmailbackend/smtp_submitter.h"

namespace hamail::mailsvc::httpd {

namespace {

// daemon::Listener's kind names which handler a listener's clients get.
constexpr const char* kSite = "site";
constexpr const char* kSecureSite = "secure_site";
constexpr const char* kRedirect = "redirect";

// A session id or CSRF token: 256 bits from the kernel's CSPRNG.
// smtpd's submission port for /api/send; null when the webmail: section names none.
std::shared_ptr<webmail::MailSubmitter> make_submitter(const WebmailSettings& w, const std::string& hostname) {
  auto endpoint = webmailbackend::parse_endpoint(w.submission);
  if (!endpoint) return nullptr;
  webmailbackend::SubmissionSettings s;
  s.host = endpoint->first;
  s.port = endpoint->second;
  s.hostname = hostname;
  s.timeout_ms = static_cast<std::int64_t>(w.submission_timeout_ms);
  if (w.submission_tls == "required") s.tls = webmailbackend::SubmissionTls::required;
  else if (w.submission_tls == "opportunistic") s.tls = webmailbackend::SubmissionTls::opportunistic;
  else if (w.submission_tls == "none" || webmailbackend::is_loopback(s.host)) s.tls = webmailbackend::SubmissionTls::none;
  return std::make_shared<webmailbackend::SmtpSubmitter>(std::move(s));
}

webmail::SecretBytes random_secret() {
  webmail::SecretBytes b{};
  std::size_t got = 0;
  while (got < b.size()) {
    ssize_t n = ::getrandom(b.data() + got, b.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::abort();  // no randomness: never hand out a guessable session
    got += static_cast<std::size_t>(n);
  }
  return b;
}

}  // namespace

HttpServer::HttpServer(uv::EventLoop& loop, const Logger& log, const HttpdConfig& config)
    : loop_(loop), log_(log), config_(config), counter_(config.limits.max_connections_per_ip) {}

Status HttpServer::start() {
  SiteOptions plain{config_.gzip_max_bytes, {}};
  SiteOptions secure = plain;
  if (config_.hsts_max_age_s > 0)
    secure.extra_headers.emplace_back("Strict-Transport-Security", "max-age=" + std::to_string(config_.hsts_max_age_s));
  auto root = BeneathRoot::open(config_.document_root);
  auto root2 = BeneathRoot::open(config_.document_root);
  if (!root || !root2) return Error{root ? root2.error() : root.error()};
  site_ = std::make_unique<StaticSite>(std::move(*root), plain);
  secure_site_ = std::make_unique<StaticSite>(std::move(*root2), secure);
  redirect_ = std::make_unique<HttpsRedirect>(config_.hostname, config_.redirect_port());
  if (config_.webmail) {
    webmail::SessionLimits sessions;
    sessions.max_sessions = config_.webmail->max_sessions;
    sessions.idle_timeout_ms = static_cast<std::int64_t>(config_.webmail->session_idle_timeout_ms);
    webmail_ = std::make_unique<WebmailService>(WebmailService{
        webmail::WebmailApi(sessions, webmail::LoginLimits{}, random_secret),
        std::make_shared<webmailbackend::StoreMailAccess>(config_.webmail->mail_root)});
    webmail_->submitter = make_submitter(*config_.webmail, config_.hostname);
    if (config_.dashboard) {
      dashboard_.reset(new DashboardService{*config_.dashboard, HacoredEventFeed(loop_, log_, *config_.dashboard)});
      webmail_->dashboard = dashboard_.get();
    }
    if (config_.trace)
      webmail_->trace = std::make_shared<TraceService>(
          TraceService{traceweb::TraceApi(config_.trace->admins), std::make_shared<TraceDbReader>(config_.trace->index)});
    webmail_site_ = std::make_unique<WebmailSite>(*site_);
    webmail_secure_ = std::make_unique<WebmailSite>(*secure_site_);
  }

  auto tls = config_.any_tls() ? daemon::load_server_tls(config_.tls, config_.hostname, log_)
                               : tls::TlsContext::cert_client(false);  // never used: no TLS listener
  if (!tls) return Error{tls.error()};
  tls_ = std::move(*tls);

  std::vector<daemon::Listener> listeners;
  for (const auto& l : config_.listeners) {
    daemon::Listener d;
    d.kind = l.tls ? kSecureSite : (l.redirect_to_https ? kRedirect : kSite);
    d.tls = l.tls ? daemon::ListenerTls::implicit : daemon::ListenerTls::starttls;
    d.address = l.address;
    d.port = l.port;
    listeners.push_back(d);
  }
  std::string pid = std::to_string(::getpid());
  server_ = std::make_unique<daemon::Server>(
      loop_, log_, config_.limits.max_connections, Connection::kBusyReply,
      [this, pid](const daemon::Listener& l, std::unique_ptr<uv::Stream> s, std::uint64_t id,
                  daemon::Connection::OnDone done) {
        s->set_write_at_once(true);  // an answer goes out in its own call, not on the loop's next turn
        return std::make_unique<Connection>(loop_, config_.limits, *tls_, log_, l.tls == daemon::ListenerTls::implicit,
                                            handler_for(l), counter_, pid + "-" + std::to_string(id), std::move(s),
                                            std::move(done), webmail_.get());
      });
  return server_->listen(listeners);
}

http::RequestHandler& HttpServer::handler_for(const daemon::Listener& l) {
  if (l.kind == kRedirect) return *redirect_;
  if (l.kind == kSecureSite) return webmail_secure_ ? static_cast<http::RequestHandler&>(*webmail_secure_) : *secure_site_;
  return webmail_site_ ? static_cast<http::RequestHandler&>(*webmail_site_) : *site_;
}

std::vector<std::uint16_t> HttpServer::bound_ports() const {
  std::vector<std::uint16_t> out;
  for (std::size_t i = 0; i < config_.listeners.size(); ++i) out.push_back(server_->local_port(i));
  return out;
}

}  // namespace hamail::mailsvc::httpd
