#include "hamail/mailsvc/daemon/server.h"

#include "hamail/base/invariant.h"

namespace hamail::mailsvc::daemon {

Server::Server(uv::EventLoop& loop, const Logger& log, std::size_t max_connections, std::string busy_reply,
               NewConnection new_connection)
    : loop_(loop),
      log_(log),
      max_connections_(max_connections),
      busy_reply_(std::move(busy_reply)),
      new_connection_(std::move(new_connection)),
      reaper_(loop) {}

Status Server::listen(const std::vector<Listener>& listeners) {
  HAMAIL_INVARIANT(config_.empty(), "daemon::Server::listen is called once");
  config_ = listeners;  // never resized again: the callbacks hold references into it
  for (const Listener& l : config_) {
    auto srv = uv::StreamServer::listen_tcp(loop_, l.address, l.port,
                                            [this, &l](Result<std::unique_ptr<uv::Stream>> s) { accept(l, std::move(s)); });
    if (!srv) return Error{l.kind + " listener: " + srv.error()};
    log_.info("listening").kv("kind", l.kind).kv("tls", to_string(l.tls)).kv("address", (*srv)->address());
    listeners_.push_back(std::move(*srv));
  }
  return Status::ok();
}

void Server::accept(const Listener& listener, Result<std::unique_ptr<uv::Stream>> stream) {
  if (!stream) {
    log_.warning("accept_failed").kv("error", stream.error());
    return;
  }
  if (connections_.size() >= max_connections_) {
    log_.warning("too_many_connections")
        .kv("peer", (*stream)->peer())
        .kv("limit", static_cast<unsigned long>(max_connections_));
    // Best effort: the stream closes when destroyed here, and the shutdown flushes only while it lives.
    // An implicit-TLS listener's client expects a handshake, not plaintext: it is only closed
    // (a handshake per refusal would spend the CPU the limit is there to save).
    if (listener.tls != ListenerTls::implicit) (void)(*stream)->write(busy_reply_);
    (void)(*stream)->shutdown();
    return;
  }
  std::uint64_t id = next_id_++;
  auto conn = new_connection_(listener, std::move(*stream), id, [this, id] { finished(id); });
  Connection* raw = conn.get();
  connections_.emplace(id, std::move(conn));
  raw->start();
}

void Server::finished(std::uint64_t id) {
  finished_.push_back(id);
  reaper_.start(0, [this] {
    auto ids = std::move(finished_);
    finished_.clear();
    for (auto i : ids) connections_.erase(i);
  });
}

}  // namespace hamail::mailsvc::daemon
