// Serves one export over NBD on a unix socket (and optionally loopback TCP, for
// tests), backed by a BlockBackend. Each accepted client runs a ServerCodec; the
// server executes its commands on the backend and bounds what each client has in
// flight (requests and bytes), pausing the socket when a bound is reached.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"
#include "hamail/drbdlite/nbd/block_backend.h"
#include "hamail/drbdlite/nbd/server_codec.h"

namespace hamail::drbdlite::nbd {

struct ServerOptions {
  ExportInfo export_info;
  std::size_t max_connections = 16;
  std::size_t max_requests_in_flight = 64;         // per connection
  std::size_t max_bytes_in_flight = 64u << 20;     // per connection: read/write data held, incl. unsent replies
  std::uint64_t handshake_timeout_ms = 30000;      // a client that never picks an export is dropped
  std::uint64_t close_linger_ms = 5000;            // after our shutdown, wait this long for the client to close
};

class Connection;

class NbdServer {
 public:
  static Result<std::unique_ptr<NbdServer>> listen_unix(uv::EventLoop& loop, const std::string& path, unsigned mode,
                                                        BlockBackend& backend, const Logger& log,
                                                        ServerOptions options = {});
  // Numeric loopback address only (tests); port 0 picks one (see local_port()).
  static Result<std::unique_ptr<NbdServer>> listen_tcp(uv::EventLoop& loop, const std::string& host,
                                                       std::uint16_t port, BlockBackend& backend, const Logger& log,
                                                       ServerOptions options = {});
  // Closes the listener and every client connection at once.
  ~NbdServer();
  NbdServer(const NbdServer&) = delete;
  NbdServer& operator=(const NbdServer&) = delete;

  const std::string& address() const { return listener_->address(); }
  std::uint16_t local_port() const { return listener_->local_port(); }
  std::size_t connection_count() const { return connections_.size(); }

 private:
  friend class Connection;
  NbdServer(uv::EventLoop& loop, BlockBackend& backend, const Logger& log, ServerOptions options);
  void on_accept(Result<std::unique_ptr<uv::Stream>> stream);
  // Called by a connection that is finished; it is destroyed on a later loop turn.
  void retire(std::uint64_t id);

  uv::EventLoop& loop_;
  BlockBackend& backend_;
  const Logger& log_;
  ServerOptions options_;
  std::unique_ptr<uv::StreamServer> listener_;
  std::map<std::uint64_t, std::shared_ptr<Connection>> connections_;
  std::vector<std::shared_ptr<Connection>> retired_;
  uv::Timer reaper_;
  std::uint64_t next_id_ = 1;
};

}  // namespace hamail::drbdlite::nbd
