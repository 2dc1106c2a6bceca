#include "hamail/uv/stream.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "handle_state.h"

namespace hamail::uv {
namespace {

constexpr std::size_t kReadBufferBytes = 64 * 1024;
constexpr int kListenBacklog = 128;

struct StreamCallbacks {
  Stream::OnData on_data;
  Stream::OnEnd on_end;
};

struct StreamState : detail::HandleState {
  StreamState(EventLoop& loop, HandleState** owner, bool is_tcp) : HandleState(loop, owner), tcp(is_tcp) {
    if (tcp) {
      uv_tcp_init(loop.raw(), &h.tcp);  // cannot fail for AF_UNSPEC
    } else {
      uv_pipe_init(loop.raw(), &h.pipe, 0);  // cannot fail
    }
    track(handle());
  }
  void close_all() override { close_handle(handle()); }
  uv_handle_t* handle() { return reinterpret_cast<uv_handle_t*>(&h); }
  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&h); }

  // Reports the end of the stream once; an error also refuses further writes.
  void end(Status status) {
    if (!status.is_ok() && broken.empty()) broken = status.message();
    uv_read_stop(stream());
    if (ended) return;
    ended = true;
    std::shared_ptr<StreamCallbacks> keep = callbacks;  // the callback may destroy the stream
    if (keep && keep->on_end) keep->on_end(std::move(status));
  }

  static void on_alloc(uv_handle_t* h, std::size_t, uv_buf_t* buf) {
    auto& b = from<StreamState>(h->data)->event_loop().read_buffer();
    if (b.empty()) b.resize(kReadBufferBytes);
    *buf = uv_buf_init(b.data(), static_cast<unsigned>(b.size()));
  }

  static void on_read(uv_stream_t* st, ssize_t n, const uv_buf_t* buf) {
    auto* s = from<StreamState>(st->data);
    if (n > 0) {
      std::shared_ptr<StreamCallbacks> keep = s->callbacks;
      if (keep->on_data) keep->on_data(std::string_view(buf->base, static_cast<std::size_t>(n)));
    } else if (n == UV_EOF) {
      s->end(Status::ok());
    } else if (n < 0) {
      s->end(Error{"read from " + s->peer + ": " + error_text(static_cast<int>(n))});
    }
  }

  uv_any_handle h{};
  bool tcp;
  std::string peer;
  std::size_t write_limit = Stream::kDefaultWriteLimit;
  std::size_t pending_bytes = 0;
  std::shared_ptr<StreamCallbacks> callbacks;
  std::function<void()> on_written;
  bool ended = false;
  bool shut_down = false;
  bool write_at_once = false;           // Stream::set_write_at_once
  std::string broken;                   // the error that ended the stream, if any
  PendingConnect* connector = nullptr;  // while a connect is in flight
};

StreamState* stream_state(detail::HandleState* s) { return static_cast<StreamState*>(s); }

struct WriteRequest {
  uv_write_t req{};
  StreamState* state;
  std::string data;
};

void on_write(uv_write_t* req, int status) {
  auto* w = static_cast<WriteRequest*>(req->data);
  StreamState* s = w->state;
  s->pending_bytes -= w->data.size();
  delete w;
  if (status < 0 && status != UV_ECANCELED && !s->released()) {
    s->end(Error{"write to " + s->peer + ": " + error_text(status)});
  } else if (status >= 0 && !s->released() && s->broken.empty() && s->on_written) {
    std::function<void()> cb = s->on_written;  // it may destroy the stream
    cb();
  }
}

void on_shutdown(uv_shutdown_t* req, int status) {
  auto* s = detail::HandleState::from<StreamState>(req->data);
  delete req;
  if (status < 0 && status != UV_ECANCELED && !s->released()) {
    s->end(Error{"shutdown of " + s->peer + ": " + error_text(status)});
  }
}

std::string format_address(const sockaddr* sa) {
  char ip[INET6_ADDRSTRLEN] = {};
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    uv_ip4_name(in, ip, sizeof ip);
    return std::string(ip) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    uv_ip6_name(in6, ip, sizeof ip);
    return "[" + std::string(ip) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  return "unknown";
}

// Parses a numeric IPv4 or IPv6 address.
Result<sockaddr_storage> parse_address(const std::string& host, std::uint16_t port) {
  sockaddr_storage addr{};
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr)) == 0) return addr;
  if (uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr)) == 0) return addr;
  return Error{"invalid address '" + host + "': expected a numeric IPv4 or IPv6 address"};
}

Status check_unix_path(const std::string& path) {
  if (path.empty()) return Error{"unix socket path is empty"};
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return Error{"unix socket path is too long (" + std::to_string(path.size()) + " bytes, at most " +
                 std::to_string(sizeof(sockaddr_un::sun_path) - 1) + "): " + path};
  }
  return Status::ok();
}

// Removes a socket file left behind by a process that is gone. Refuses to remove a
// socket someone still accepts on, or anything that is not a socket.
Status remove_stale_socket(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::ok();
    return Error{"cannot stat " + path + ": " + std::strerror(errno)};
  }
  if (!S_ISSOCK(st.st_mode)) return Error{path + " exists and is not a socket; not replacing it"};
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{std::string("cannot create probe socket: ") + std::strerror(errno)};
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::memcpy(sun.sun_path, path.c_str(), path.size() + 1);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun);
  int err = errno;
  ::close(fd);
  if (rc == 0 || err == EAGAIN) return Error{path + " is in use by a running process"};
  if (err != ECONNREFUSED) return Error{"cannot probe " + path + ": " + std::strerror(err)};
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Error{"cannot remove stale socket " + path + ": " + std::strerror(errno)};
  }
  return Status::ok();
}

struct ServerState : detail::HandleState {
  ServerState(EventLoop& loop, HandleState** owner, bool is_tcp) : HandleState(loop, owner), tcp(is_tcp) {
    if (tcp) {
      uv_tcp_init(loop.raw(), &h.tcp);
    } else {
      uv_pipe_init(loop.raw(), &h.pipe, 0);
    }
    track(handle());
  }
  void close_all() override {
    close_handle(handle());
    if (!unlink_path.empty()) ::unlink(unlink_path.c_str());
  }
  uv_handle_t* handle() { return reinterpret_cast<uv_handle_t*>(&h); }
  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&h); }

  uv_any_handle h{};
  bool tcp;
  std::string address;
  std::string unlink_path;  // the unix socket we created
  std::shared_ptr<StreamServer::OnConnection> on_connection;
};

ServerState* server_state(detail::HandleState* s) { return static_cast<ServerState*>(s); }

}  // namespace

// ---- Stream ----

Stream::Stream(EventLoop& loop, Kind kind) { state_ = new StreamState(loop, &state_, kind == Kind::tcp); }

Stream::~Stream() { close(); }

void Stream::close() {
  if (state_) state_->release();
  state_ = nullptr;
}

Status Stream::start_reading(OnData on_data, OnEnd on_end) {
  if (!state_) return Error{"read from " + peer_ + ": stream is closed"};
  StreamState* s = stream_state(state_);
  s->callbacks = std::make_shared<StreamCallbacks>(StreamCallbacks{std::move(on_data), std::move(on_end)});
  return resume_reading();
}

void Stream::pause_reading() {
  if (state_) uv_read_stop(stream_state(state_)->stream());
}

Status Stream::resume_reading() {
  if (!state_) return Error{"read from " + peer_ + ": stream is closed"};
  StreamState* s = stream_state(state_);
  if (!s->callbacks) return Error{"read from " + peer_ + ": start_reading() was not called"};
  if (s->ended) return Error{"read from " + peer_ + ": stream has ended"};
  int rc = uv_read_start(s->stream(), &StreamState::on_alloc, &StreamState::on_read);
  if (rc != 0 && rc != UV_EALREADY) return Error{"read from " + peer_ + ": " + error_text(rc)};
  return Status::ok();
}

Status Stream::write(std::string data) {
  if (!state_) return Error{"write to " + peer_ + ": stream is closed"};
  StreamState* s = stream_state(state_);
  if (!s->broken.empty()) return Error{"write to " + peer_ + ": stream failed earlier: " + s->broken};
  if (s->shut_down) return Error{"write to " + peer_ + ": stream was shut down"};
  if (data.empty()) return Status::ok();
  if (data.size() > s->write_limit || s->pending_bytes > s->write_limit - data.size()) {
    return Error{"write to " + peer_ + ": write queue full (" + std::to_string(s->pending_bytes) + " bytes pending, " +
                 std::to_string(data.size()) + " more would exceed the limit of " + std::to_string(s->write_limit) +
                 ")"};
  }
  if (s->write_at_once && s->pending_bytes == 0) {
    // Nothing queued: the kernel may take it all now (no request, no deferred callback
    // and no epoll change on the loop's next turn); only what it leaves is queued.
    uv_buf_t whole = uv_buf_init(data.data(), static_cast<unsigned>(data.size()));
    int n = uv_try_write(s->stream(), &whole, 1);
    if (n == static_cast<int>(data.size())) return Status::ok();
    if (n > 0) data.erase(0, static_cast<std::size_t>(n));
    // On an error other than EAGAIN, uv_write meets it again and reports it as before.
  }
  auto* w = new WriteRequest{{}, s, std::move(data)};
  w->req.data = w;
  uv_buf_t buf = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  int rc = uv_write(&w->req, s->stream(), &buf, 1, &on_write);
  if (rc != 0) {
    delete w;
    return Error{"write to " + peer_ + ": " + error_text(rc)};
  }
  s->pending_bytes += w->data.size();
  return Status::ok();
}

int Stream::fd() const {
  if (!state_) return -1;
  uv_os_fd_t fd = -1;
  return uv_fileno(stream_state(state_)->handle(), &fd) == 0 ? fd : -1;
}

std::size_t Stream::pending_write_bytes() const { return state_ ? stream_state(state_)->pending_bytes : 0; }

void Stream::set_write_limit(std::size_t bytes) {
  if (state_) stream_state(state_)->write_limit = bytes;
}

void Stream::set_write_at_once(bool on) {
  if (state_) stream_state(state_)->write_at_once = on;
}

void Stream::set_on_written(std::function<void()> on_written) {
  if (state_) stream_state(state_)->on_written = std::move(on_written);
}

Result<Stream::PeerCredentials> Stream::peer_credentials() const {
  auto* st = static_cast<StreamState*>(state_);
  if (!st) return Error{"stream " + peer_ + " is closed"};
  uv_os_fd_t fd;
  if (int rc = uv_fileno(st->handle(), &fd); rc != 0) return Error{peer_ + ": " + uv_strerror(rc)};
  struct ucred cred {};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
    return Error{peer_ + ": cannot read the peer's credentials: " + std::strerror(errno)};
  return PeerCredentials{cred.uid, cred.gid, cred.pid};
}

Status Stream::shutdown() {
  if (!state_) return Error{"shutdown of " + peer_ + ": stream is closed"};
  StreamState* s = stream_state(state_);
  if (s->shut_down) return Status::ok();
  if (s->write_at_once && s->pending_bytes == 0 && s->tcp) {
    // Nothing queued: half-close now (uv_shutdown would wait for the loop's next turn).
    uv_os_fd_t fd = -1;
    if (uv_fileno(s->handle(), &fd) == 0 && ::shutdown(fd, SHUT_WR) == 0) {
      s->shut_down = true;
      return Status::ok();
    }
    // Failed: uv_shutdown meets the error again and reports it as before.
  }
  auto* req = new uv_shutdown_t{};
  req->data = static_cast<detail::HandleState*>(s);
  int rc = uv_shutdown(req, s->stream(), &on_shutdown);
  if (rc != 0) {
    delete req;
    return Error{"shutdown of " + peer_ + ": " + error_text(rc)};
  }
  s->shut_down = true;
  return Status::ok();
}

// ---- StreamServer ----

StreamServer::StreamServer(EventLoop& loop, bool tcp) { state_ = new ServerState(loop, &state_, tcp); }

StreamServer::~StreamServer() {
  if (state_) state_->release();
}

void StreamServer::on_connection(uv_stream_t* server, int status) {
  ServerState* s = detail::HandleState::from<ServerState>(server->data);
  std::shared_ptr<OnConnection> cb = s->on_connection;
  if (status < 0) {
    (*cb)(Error{"accept on " + s->address + ": " + error_text(status)});
    return;
  }
  std::unique_ptr<Stream> stream(new Stream(s->event_loop(), s->tcp ? Stream::Kind::tcp : Stream::Kind::unix_socket));
  StreamState* st = stream_state(stream->state_);
  int rc = uv_accept(server, st->stream());
  if (rc != 0) {
    (*cb)(Error{"accept on " + s->address + ": " + error_text(rc)});
    return;
  }
  if (s->tcp) {  // TCP_NODELAY comes from the listening socket (Linux copies it on accept)
    sockaddr_storage peer{};
    int len = sizeof peer;
    rc = uv_tcp_getpeername(&st->h.tcp, reinterpret_cast<sockaddr*>(&peer), &len);
    stream->peer_ = rc == 0 ? format_address(reinterpret_cast<sockaddr*>(&peer)) : "unknown peer on " + s->address;
  } else {
    stream->peer_ = s->address;
  }
  st->peer = stream->peer_;
  (*cb)(std::move(stream));
}

Result<std::unique_ptr<StreamServer>> StreamServer::listen_tcp(EventLoop& loop, const std::string& host,
                                                               std::uint16_t port, OnConnection on_connection,
                                                               bool ipv6_only) {
  Result<sockaddr_storage> addr = parse_address(host, port);
  if (!addr) return Error{"cannot listen: " + addr.error()};
  std::unique_ptr<StreamServer> server(new StreamServer(loop, true));
  ServerState* s = server_state(server->state_);
  s->address = format_address(reinterpret_cast<sockaddr*>(&*addr));
  s->on_connection = std::make_shared<OnConnection>(std::move(on_connection));
  unsigned flags = (ipv6_only && addr->ss_family == AF_INET6) ? UV_TCP_IPV6ONLY : 0;
  int rc = uv_tcp_bind(&s->h.tcp, reinterpret_cast<sockaddr*>(&*addr), flags);
  // Set once here, every accepted socket has it: no setsockopt per connection.
  if (rc == 0) rc = uv_tcp_nodelay(&s->h.tcp, 1);
  if (rc == 0) rc = uv_listen(s->stream(), kListenBacklog, &StreamServer::on_connection);
  if (rc != 0) return Error{"cannot listen on " + s->address + ": " + error_text(rc)};
  sockaddr_storage bound{};
  int len = sizeof bound;
  rc = uv_tcp_getsockname(&s->h.tcp, reinterpret_cast<sockaddr*>(&bound), &len);
  if (rc != 0) return Error{"cannot listen on " + s->address + ": getsockname: " + error_text(rc)};
  server->port_ = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);  // same offset for IPv6
  server->address_ = s->address = format_address(reinterpret_cast<sockaddr*>(&bound));
  return server;
}

Result<std::unique_ptr<StreamServer>> StreamServer::listen_unix(EventLoop& loop, const std::string& path, unsigned mode,
                                                                OnConnection on_connection) {
  if (Status st = check_unix_path(path); !st) return Error{"cannot listen: " + st.message()};
  if (Status st = remove_stale_socket(path); !st) return Error{"cannot listen on unix:" + path + ": " + st.message()};
  std::unique_ptr<StreamServer> server(new StreamServer(loop, false));
  ServerState* s = server_state(server->state_);
  server->address_ = s->address = "unix:" + path;
  s->on_connection = std::make_shared<OnConnection>(std::move(on_connection));
  int rc = uv_pipe_bind(&s->h.pipe, path.c_str());
  if (rc != 0) return Error{"cannot listen on " + s->address + ": " + error_text(rc)};
  s->unlink_path = path;
  // chmod before listen(): until then nobody can connect, so there is no window with
  // the umask's looser permissions.
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
    char octal[16];
    std::snprintf(octal, sizeof octal, "%04o", mode);
    return Error{"cannot set mode " + std::string(octal) + " on " + path + ": " + std::strerror(errno)};
  }
  rc = uv_listen(s->stream(), kListenBacklog, &StreamServer::on_connection);
  if (rc != 0) return Error{"cannot listen on " + s->address + ": " + error_text(rc)};
  return server;
}

// ---- connecting ----

PendingConnect::~PendingConnect() = default;

Result<std::unique_ptr<PendingConnect>> PendingConnect::start(EventLoop& loop, const sockaddr* tcp_addr,
                                                              const std::string& unix_path, const std::string& peer,
                                                              OnConnected cb) {
  std::unique_ptr<PendingConnect> pc(new PendingConnect());
  pc->on_connected_ = std::move(cb);
  pc->stream_.reset(new Stream(loop, tcp_addr ? Stream::Kind::tcp : Stream::Kind::unix_socket));
  pc->stream_->peer_ = peer;
  StreamState* s = stream_state(pc->stream_->state_);
  s->peer = peer;
  s->connector = pc.get();
  auto* req = new uv_connect_t{};
  req->data = static_cast<detail::HandleState*>(s);
  if (tcp_addr) {
    int rc = uv_tcp_connect(req, &s->h.tcp, tcp_addr, &PendingConnect::on_connect);
    if (rc != 0) {
      delete req;
      return Error{"connect to " + peer + ": " + error_text(rc)};
    }
  } else {
    uv_pipe_connect(req, &s->h.pipe, unix_path.c_str(), &PendingConnect::on_connect);  // errors go to on_connect
  }
  return pc;
}

void PendingConnect::on_connect(uv_connect_t* req, int status) {
  StreamState* s = detail::HandleState::from<StreamState>(req->data);
  delete req;
  if (s->released()) return;  // cancelled: the PendingConnect is gone
  PendingConnect* pc = s->connector;
  s->connector = nullptr;
  OnConnected cb = std::move(pc->on_connected_);  // the callback may destroy `pc`
  if (status < 0) {
    cb(Error{"connect to " + s->peer + ": " + error_text(status)});
    return;
  }
  if (s->tcp) uv_tcp_nodelay(&s->h.tcp, 1);
  std::unique_ptr<Stream> stream = std::move(pc->stream_);
  cb(std::move(stream));
}

Result<std::unique_ptr<PendingConnect>> connect_tcp(EventLoop& loop, const std::string& host, std::uint16_t port,
                                                    PendingConnect::OnConnected cb) {
  Result<sockaddr_storage> addr = parse_address(host, port);
  if (!addr) return Error{"cannot connect: " + addr.error()};
  std::string peer = format_address(reinterpret_cast<sockaddr*>(&*addr));
  return PendingConnect::start(loop, reinterpret_cast<sockaddr*>(&*addr), "", peer, std::move(cb));
}

Result<std::unique_ptr<PendingConnect>> connect_unix(EventLoop& loop, const std::string& path,
                                                     PendingConnect::OnConnected cb) {
  if (Status st = check_unix_path(path); !st) return Error{"cannot connect: " + st.message()};
  return PendingConnect::start(loop, nullptr, path, "unix:" + path, std::move(cb));
}

}  // namespace hamail::uv
