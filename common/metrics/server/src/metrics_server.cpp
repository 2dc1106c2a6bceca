#include "hamail/metrics/metrics_server.h"

#include "hamail/metrics/http_request.h"

namespace hamail::metrics {

struct MetricsServer::Connection {
  Connection(uv::EventLoop& loop, std::unique_ptr<uv::Stream> s) : stream(std::move(s)), timeout(loop) {}
  std::unique_ptr<uv::Stream> stream;
  uv::Timer timeout;
  std::string received;
  bool answered = false;
};

MetricsServer::MetricsServer(uv::EventLoop& loop, const Logger& log, Collect collect, ServerLimits limits)
    : loop_(loop), log_(log), collect_(std::move(collect)), limits_(limits) {}

MetricsServer::~MetricsServer() = default;

Result<std::unique_ptr<MetricsServer>> MetricsServer::listen(uv::EventLoop& loop, const Logger& log,
                                                             const ListenAddress& address, Collect collect,
                                                             ServerLimits limits) {
  std::unique_ptr<MetricsServer> server(new MetricsServer(loop, log, std::move(collect), limits));
  MetricsServer* self = server.get();
  auto listener = uv::StreamServer::listen_tcp(
      loop, address.host, address.port, [self](Result<std::unique_ptr<uv::Stream>> accepted) {
        if (!accepted) {
          self->log_.warning("metrics_accept_failed").kv("error", accepted.error());
          return;
        }
        self->accept(std::move(*accepted));
      });
  if (!listener) return Error{"metrics endpoint: " + listener.error()};
  server->server_ = std::move(*listener);
  return server;
}

void MetricsServer::accept(std::unique_ptr<uv::Stream> stream) {
  if (connections_.size() >= limits_.max_connections) {
    log_.debug("metrics_connection_refused").kv("peer", stream->peer()).kv("reason", "too many connections");
    return;  // closed by the destructor
  }
  connections_.push_back(std::make_unique<Connection>(loop_, std::move(stream)));
  Connection* c = connections_.back().get();
  c->timeout.start(limits_.read_timeout_ms, [this, c] { drop(*c); });
  auto st = c->stream->start_reading([this, c](std::string_view data) { on_data(*c, data); },
                                     [this, c](Status) { drop(*c); });
  if (!st) drop(*c);
}

void MetricsServer::on_data(Connection& c, std::string_view data) {
  if (c.answered) return;  // bytes after the request are ignored until the peer closes
  std::size_t room = limits_.max_request_bytes + 1 - std::min(c.received.size(), limits_.max_request_bytes + 1);
  c.received.append(data.substr(0, room));
  RequestVerdict verdict = classify_request(c.received, limits_.max_request_bytes);
  if (verdict == RequestVerdict::incomplete) return;
  c.answered = true;
  c.received.clear();
  std::string body;
  if (verdict == RequestVerdict::get_metrics || verdict == RequestVerdict::head_metrics) body = collect_();
  std::string response = http_response(verdict, body);
  c.stream->set_write_limit(response.size() + 1);
  if (!c.stream->write(std::move(response)) || !c.stream->shutdown()) drop(c);
}

void MetricsServer::drop(Connection& c) {
  // Destroying the stream or timer from inside their own callbacks is allowed (hamail::uv).
  connections_.remove_if([&](const std::unique_ptr<Connection>& p) { return p.get() == &c; });
}

}  // namespace hamail::metrics
