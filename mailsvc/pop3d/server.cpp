#include "hamail/mailsvc/pop3d/server.h"

#include <unistd.h>

namespace hamail::mailsvc::pop3d {

Server::Server(uv::EventLoop& loop, const Pop3dConfig& cfg, tls::TlsContext tls, const Logger& log)
    : loop_(loop), cfg_(cfg), tls_(std::move(tls)), log_(log), reaper_(loop) {}

Status Server::listen() {
  for (const auto& l : cfg_.listeners) {
    ListenerTls mode = l.tls;
    auto srv = uv::StreamServer::listen_tcp(loop_, l.address, l.port, [this, mode](auto s) { accept(mode, std::move(s)); });
    if (!srv) return Error{"listen on " + l.address + ":" + std::to_string(l.port) + ": " + srv.error()};
    log_.info("listening")
        .kv("address", (*srv)->address())
        .kv("tls", mode == ListenerTls::implicit ? "implicit" : "starttls");
    listeners_.push_back(std::move(*srv));
  }
  return Status::ok();
}

void Server::accept(ListenerTls mode, Result<std::unique_ptr<uv::Stream>> stream) {
  if (!stream) {
    log_.warning("accept_failed").kv("error", stream.error());
    return;
  }
  std::uint64_t id = next_id_++;
  std::string sid = std::to_string(::getpid()) + "-" + std::to_string(id);
  auto conn = std::make_unique<Connection>(loop_, cfg_, tls_, log_, mode, sid, [this, id] {
    finished_.push_back(id);
    reaper_.start(0, [this] { reap(); });
  });
  Connection* raw = conn.get();
  connections_.emplace(id, std::move(conn));
  raw->start(std::move(*stream));
}

void Server::reap() {
  auto ids = std::move(finished_);
  finished_.clear();
  for (auto id : ids) connections_.erase(id);
}

}  // namespace hamail::mailsvc::pop3d
