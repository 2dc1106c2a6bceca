#include "hamail/mailsvc/smtpd/server.h"

namespace hamail::mailsvc::smtpd {

Status Server::listen() {
  for (const auto& l : config_.listeners) {
    auto srv = uv::StreamServer::listen_tcp(loop_, l.address, l.port,
                                            [this, &l](Result<std::unique_ptr<uv::Stream>> s) { accept(l, std::move(s)); });
    if (!srv) return Error{std::string(to_string(l.role)) + " listener: " + srv.error()};
    log_.info("listening").kv("role", to_string(l.role)).kv("address", (*srv)->address());
    listeners_.push_back(std::move(*srv));
  }
  return Status::ok();
}

void Server::accept(const ListenerConfig& l, Result<std::unique_ptr<uv::Stream>> s) {
  if (!s) {
    log_.warning("accept_failed").kv("error", s.error());
    return;
  }
  if (connections_.size() >= config_.max_connections) {
    log_.warning("too_many_connections").kv("peer", (*s)->peer()).kv("limit", static_cast<unsigned long>(config_.max_connections));
    (void)(*s)->write("421 4.7.0 " + config_.hostname + " too many connections, try again later\r\n");
    (void)(*s)->shutdown();
    return;  // closed when destroyed: the shutdown above flushes first only while it lives
  }
  smtp::SmtpConfig sc;
  sc.role = l.role;
  sc.hostname = config_.hostname;
  sc.max_message_size = config_.max_message_size;
  sc.max_recipients = config_.max_recipients;
  sc.max_errors = config_.max_errors;
  sc.tls_configured = true;
  sc.allow_plaintext_auth = config_.allow_plaintext_auth;
  std::uint64_t id = next_id_++;
  auto c = std::make_unique<Connection>(loop_, id, sc, config_.idle_timeout_ms, config_.auth_failure_delay_ms, tls_,
                                        mailer_, runner_, log_, std::move(*s),
                                        [this](std::uint64_t done_id) { done(done_id); });
  Connection* raw = c.get();
  connections_.emplace(id, std::move(c));
  raw->start();
}

void Server::done(std::uint64_t id) {
  finished_.push_back(id);
  reaper_.start(0, [this] {
    for (auto i : finished_) connections_.erase(i);
    finished_.clear();
  });
}

}  // namespace hamail::mailsvc::smtpd
