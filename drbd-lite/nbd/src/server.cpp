#include "hamail/drbdlite/nbd/server.h"

#include <utility>

#include "connection.h"

namespace hamail::drbdlite::nbd {

NbdServer::NbdServer(uv::EventLoop& loop, BlockBackend& backend, const Logger& log, ServerOptions options)
    : loop_(loop), backend_(backend), log_(log), options_(std::move(options)), reaper_(loop) {}

NbdServer::~NbdServer() {
  listener_.reset();
  for (auto& [id, c] : connections_) c->abandon();
  connections_.clear();
  retired_.clear();
}

Result<std::unique_ptr<NbdServer>> NbdServer::listen_unix(uv::EventLoop& loop, const std::string& path,
                                                          unsigned mode, BlockBackend& backend, const Logger& log,
                                                          ServerOptions options) {
  std::unique_ptr<NbdServer> s(new NbdServer(loop, backend, log, std::move(options)));
  NbdServer* raw = s.get();
  auto l = uv::StreamServer::listen_unix(loop, path, mode, [raw](Result<std::unique_ptr<uv::Stream>> st) {
    raw->on_accept(std::move(st));
  });
  if (!l) return Error{"NBD export '" + s->options_.export_info.name + "': " + l.error()};
  s->listener_ = std::move(*l);
  log.info("nbd_listening").kv("address", s->address()).kv("export", s->options_.export_info.name)
      .kv("size", static_cast<long long>(backend.size()));
  return s;
}

Result<std::unique_ptr<NbdServer>> NbdServer::listen_tcp(uv::EventLoop& loop, const std::string& host,
                                                         std::uint16_t port, BlockBackend& backend,
                                                         const Logger& log, ServerOptions options) {
  std::unique_ptr<NbdServer> s(new NbdServer(loop, backend, log, std::move(options)));
  NbdServer* raw = s.get();
  auto l = uv::StreamServer::listen_tcp(loop, host, port, [raw](Result<std::unique_ptr<uv::Stream>> st) {
    raw->on_accept(std::move(st));
  });
  if (!l) return Error{"NBD export '" + s->options_.export_info.name + "': " + l.error()};
  s->listener_ = std::move(*l);
  log.info("nbd_listening").kv("address", s->address()).kv("export", s->options_.export_info.name)
      .kv("size", static_cast<long long>(backend.size()));
  return s;
}

void NbdServer::on_accept(Result<std::unique_ptr<uv::Stream>> stream) {
  if (!stream) {
    log_.warning("nbd_accept_failed").kv("error", stream.error());
    return;
  }
  if (connections_.size() >= options_.max_connections) {
    log_.warning("nbd_client_rejected").kv("client", (*stream)->peer())
        .kv("reason", "too many clients (limit " + std::to_string(options_.max_connections) + ")");
    return;  // destroying the stream closes it
  }
  std::uint64_t id = next_id_++;
  auto c = std::make_shared<Connection>(*this, id, std::move(*stream));
  connections_.emplace(id, c);
  c->start();
}

void NbdServer::retire(std::uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  retired_.push_back(std::move(it->second));
  connections_.erase(it);
  reaper_.start(0, [this] { retired_.clear(); });
}

}  // namespace hamail::drbdlite::nbd
