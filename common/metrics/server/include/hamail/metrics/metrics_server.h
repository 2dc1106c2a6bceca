// The /metrics endpoint of a daemon: a small TCP listener on the daemon's loop that
// answers GET and HEAD /metrics with the text a collect callback renders at that moment
// from the daemon's state. One request per connection (Connection: close); the request
// size, the number of connections and the time to send a request are bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>

#include "hamail/base/log.h"
#include "hamail/metrics/listen_address.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"

namespace hamail::metrics {

struct ServerLimits {
  std::size_t max_request_bytes = 8 * 1024;
  std::size_t max_connections = 16;        // more are closed at once, unanswered
  std::uint64_t read_timeout_ms = 10'000;  // from accept to a complete request and the answer sent
};

class MetricsServer {
 public:
  // Renders the exposition text (render_text of the daemon's registry, filled from its state).
  using Collect = std::function<std::string()>;

  static Result<std::unique_ptr<MetricsServer>> listen(uv::EventLoop& loop, const Logger& log,
                                                       const ListenAddress& address, Collect collect,
                                                       ServerLimits limits = {});
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  std::uint16_t local_port() const { return server_->local_port(); }
  const std::string& address() const { return server_->address(); }
  std::size_t open_connections() const { return connections_.size(); }

 private:
  struct Connection;
  MetricsServer(uv::EventLoop& loop, const Logger& log, Collect collect, ServerLimits limits);
  void accept(std::unique_ptr<uv::Stream> stream);
  void on_data(Connection& c, std::string_view data);
  void drop(Connection& c);

  uv::EventLoop& loop_;
  const Logger& log_;
  Collect collect_;
  ServerLimits limits_;
  std::unique_ptr<uv::StreamServer> server_;
  std::list<std::unique_ptr<Connection>> connections_;
};

}  // namespace hamail::metrics
