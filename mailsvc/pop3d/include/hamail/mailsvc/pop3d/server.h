// The listeners and the live connections of pop3d. A finished connection is
// destroyed on the next loop turn (never inside its own callback).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "hamail/mailsvc/pop3d/connection.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"

namespace hamail::mailsvc::pop3d {

class Server {
 public:
  Server(uv::EventLoop& loop, const Pop3dConfig& cfg, tls::TlsContext tls, const Logger& log);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens every configured listener; the error names the address that failed.
  Status listen();
  std::size_t connection_count() const { return connections_.size(); }

 private:
  void accept(ListenerTls mode, Result<std::unique_ptr<uv::Stream>> stream);
  void reap();

  uv::EventLoop& loop_;
  const Pop3dConfig& cfg_;
  tls::TlsContext tls_;
  const Logger& log_;
  std::vector<std::unique_ptr<uv::StreamServer>> listeners_;
  std::map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  std::vector<std::uint64_t> finished_;
  uv::Timer reaper_;
  std::uint64_t next_id_ = 1;
};

}  // namespace hamail::mailsvc::pop3d
