// The listening side of a mail daemon: one TCP listener per configured address and the
// live connections, at most max_connections (a client beyond that gets the daemon's busy
// reply and is closed). A finished connection is destroyed on the next loop turn, never
// inside its own callbacks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"
#include "hamail/mailsvc/daemon/daemon_config.h"

namespace hamail::mailsvc::daemon {

// What the Server holds for each client: a daemon's connection (smtpd's, pop3d's).
class Connection {
 public:
  // Called once when the connection has finished; the server destroys it later.
  using OnDone = std::function<void()>;
  virtual ~Connection() = default;
  // Called once, after the server has taken ownership.
  virtual void start() = 0;
};

class Server {
 public:
  // Makes the connection for a stream accepted on `listener`; `id` counts from 1.
  using NewConnection = std::function<std::unique_ptr<Connection>(
      const Listener& listener, std::unique_ptr<uv::Stream> stream, std::uint64_t id, Connection::OnDone done)>;

  // `busy_reply`: written to a client refused beyond max_connections ("421 4.7.0 ...\r\n").
  Server(uv::EventLoop& loop, const Logger& log, std::size_t max_connections, std::string busy_reply,
         NewConnection new_connection);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens every listener (call once), or returns the first error naming its kind and address
  // ("mx listener: cannot listen on 0.0.0.0:25: address already in use").
  Status listen(const std::vector<Listener>& listeners);

  std::size_t connection_count() const { return connections_.size(); }
  // The port the i-th listener got (the configured one, or the free one for port 0).
  std::uint16_t local_port(std::size_t i) const { return listeners_.at(i)->local_port(); }

 private:
  void accept(const Listener& listener, Result<std::unique_ptr<uv::Stream>> stream);
  void finished(std::uint64_t id);

  uv::EventLoop& loop_;
  const Logger& log_;
  std::size_t max_connections_;
  std::string busy_reply_;
  NewConnection new_connection_;
  std::vector<Listener> config_;  // what the listeners' callbacks refer to
  std::vector<std::unique_ptr<uv::StreamServer>> listeners_;
  std::map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  std::vector<std::uint64_t> finished_;
  uv::Timer reaper_;
  std::uint64_t next_id_ = 1;
};

}  // namespace hamail::mailsvc::daemon
