// Connected byte streams over TCP or unix-domain sockets, the servers that accept
// them and the client-side connects. Writes go through a bounded queue: a peer that
// does not read makes write() fail instead of growing memory without limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "hamail/uv/event_loop.h"

namespace hamail::uv {

// A connected TCP or unix-domain socket. Destroying it (or close()) closes the socket
// at once, dropping writes still queued; shutdown() sends them first.
class Stream {
 public:
  using OnData = std::function<void(std::string_view data)>;
  // Called once: Status ok for an orderly end from the peer, else the read or write
  // error naming the peer. Reading has stopped; the owner usually destroys the stream.
  using OnEnd = std::function<void(Status)>;

  static constexpr std::size_t kDefaultWriteLimit = 1 << 20;

  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // Starts delivering data to `on_data` until EOF or an error, reported to `on_end`.
  Status start_reading(OnData on_data, OnEnd on_end);
  // Backpressure: stop and resume reading without losing the callbacks.
  void pause_reading();
  Status resume_reading();

  // Queues `data`. Fails, queueing nothing, when the bytes not yet written plus `data`
  // would exceed the write limit, or when the stream is closed or ended.
  Status write(std::string data);
  std::size_t pending_write_bytes() const;
  void set_write_limit(std::size_t bytes);
  // Backpressure for writers: `on_written` runs on the loop each time a queued write has
  // been handed to the kernel (pending_write_bytes() dropped), never after close() or
  // an error. It may destroy the stream.
  void set_on_written(std::function<void()> on_written);
  // Off by default. On: write() and shutdown() with nothing queued go to the kernel at
  // once (a busy server's answers skip the write request, its deferred callback and an
  // epoll change); only bytes the kernel did not take are queued, and on_written runs
  // only for those. pending_write_bytes() then counts only what is really waiting.
  void set_write_at_once(bool on);
  // Half-closes after the queued writes are sent; the peer then sees EOF.
  Status shutdown();
  // Closes now; no callback runs afterwards. The destructor does the same.
  void close();
  bool is_open() const { return state_ != nullptr; }

  // The socket's descriptor (-1 when closed), for sendfile(2) by a caller that first
  // waits until pending_write_bytes() is 0 (so its bytes follow the queued ones).
  int fd() const;

  // "127.0.0.1:40512", "[::1]:25" or "unix:/run/hamail/hacored.sock", for logs.
  const std::string& peer() const { return peer_; }

  // The connected process on a unix socket (SO_PEERCRED), for access checks.
  struct PeerCredentials {
    unsigned uid = 0, gid = 0;
    int pid = 0;
  };
  Result<PeerCredentials> peer_credentials() const;

 private:
  friend class StreamServer;
  friend class PendingConnect;
  enum class Kind { tcp, unix_socket };
  Stream(EventLoop& loop, Kind kind);

  detail::HandleState* state_ = nullptr;
  std::string peer_;
};

// Accepts connections on a TCP address or a unix socket path.
class StreamServer {
 public:
  // An accepted stream, or the accept error naming the listening address.
  using OnConnection = std::function<void(Result<std::unique_ptr<Stream>>)>;

  // Listens on a numeric IPv4/IPv6 address; port 0 picks a free port (see local_port()).
  // `ipv6_only`: an IPv6 listener takes no IPv4-mapped connections, so one on [::] can
  // share its port with one on 0.0.0.0 (dnsd's listeners).
  static Result<std::unique_ptr<StreamServer>> listen_tcp(EventLoop& loop, const std::string& host, std::uint16_t port,
                                                          OnConnection on_connection, bool ipv6_only = false);
  // Listens on a unix socket path, with file mode `mode` (e.g. 0660). A stale socket
  // file is replaced; a socket a live process still accepts on, or a non-socket file,
  // is an error. The path is unlinked again when the server is destroyed.
  static Result<std::unique_ptr<StreamServer>> listen_unix(EventLoop& loop, const std::string& path, unsigned mode,
                                                           OnConnection on_connection);
  ~StreamServer();
  StreamServer(const StreamServer&) = delete;
  StreamServer& operator=(const StreamServer&) = delete;

  std::uint16_t local_port() const { return port_; }  // 0 for unix sockets
  // "127.0.0.1:7789" or "unix:/run/hamail/hacored.sock".
  const std::string& address() const { return address_; }

 private:
  StreamServer(EventLoop& loop, bool tcp);
  static void on_connection(uv_stream_t* server, int status);

  detail::HandleState* state_ = nullptr;
  std::string address_;
  std::uint16_t port_ = 0;
};

// A connection being established. The callback gets the connected stream or an error
// naming the address and why it failed; destroying the PendingConnect first cancels
// the attempt and the callback is not called.
class PendingConnect {
 public:
  using OnConnected = std::function<void(Result<std::unique_ptr<Stream>>)>;
  ~PendingConnect();
  PendingConnect(const PendingConnect&) = delete;
  PendingConnect& operator=(const PendingConnect&) = delete;

 private:
  friend Result<std::unique_ptr<PendingConnect>> connect_tcp(EventLoop&, const std::string&, std::uint16_t,
                                                             OnConnected);
  friend Result<std::unique_ptr<PendingConnect>> connect_unix(EventLoop&, const std::string&, OnConnected);
  PendingConnect() = default;
  static Result<std::unique_ptr<PendingConnect>> start(EventLoop& loop, const sockaddr* tcp_addr,
                                                       const std::string& unix_path, const std::string& peer,
                                                       OnConnected cb);
  static void on_connect(uv_connect_t* req, int status);

  std::unique_ptr<Stream> stream_;
  OnConnected on_connected_;
};

// Connects to a numeric IPv4/IPv6 address. A malformed address is returned at once;
// everything else (refused, unreachable) goes to the callback.
[[nodiscard]] Result<std::unique_ptr<PendingConnect>> connect_tcp(EventLoop& loop, const std::string& host,
                                                                  std::uint16_t port, PendingConnect::OnConnected cb);
[[nodiscard]] Result<std::unique_ptr<PendingConnect>> connect_unix(EventLoop& loop, const std::string& path,
                                                                   PendingConnect::OnConnected cb);

}  // namespace hamail::uv
