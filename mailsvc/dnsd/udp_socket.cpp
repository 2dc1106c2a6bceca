#include "hamail/mailsvc/dnsd/udp_socket.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

namespace hamail::mailsvc::dnsd {

struct UdpSocket::State {
  uv_udp_t handle{};
  OnPacket on_packet;
  std::size_t queued = 0;
  std::atomic<std::uint64_t> dropped{0};
  bool closing = false;
  // kRecvBatch datagrams of up to 64 KiB: libuv reads them with one recvmmsg() and hands
  // them to on_recv one by one (UV_UDP_MMSG_CHUNK), then once more with nread 0 (MMSG_FREE).
  std::vector<char> buffer = std::vector<char>(UdpSocket::kRecvBatch * 65536);
  // Answers to the datagrams of one recvmmsg() batch, sent together with one sendmmsg()
  // when libuv is done with the batch (each buffer's capacity is kept).
  bool in_batch = false;
  struct Pending {
    sockaddr_storage to{};
    socklen_t to_len = 0;
    std::vector<std::uint8_t> data;
  };
  std::array<Pending, UdpSocket::kRecvBatch> pending;
  std::size_t pending_count = 0;

  bool send_now(std::span<const std::uint8_t> data, const sockaddr* to);
  void flush();
};

namespace {

struct SendRequest {
  uv_udp_send_t req{};
  UdpSocket::State* state = nullptr;
  std::vector<std::uint8_t> data;
};

void on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
  auto* s = static_cast<UdpSocket::State*>(h->data);
  *buf = uv_buf_init(s->buffer.data(), static_cast<unsigned>(s->buffer.size()));
}

void on_recv(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf, const sockaddr* addr, unsigned flags) {
  auto* s = static_cast<UdpSocket::State*>(h->data);
  if (flags & UV_UDP_MMSG_FREE) {  // the batch is over: its answers go out
    if (!s->closing) s->flush();
    return;
  }
  if (nread <= 0 || addr == nullptr || s->closing) return;
  s->in_batch = (flags & UV_UDP_MMSG_CHUNK) != 0;
  s->on_packet(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(buf->base),
                                             static_cast<std::size_t>(nread)),
               addr);
  s->in_batch = false;
}

socklen_t sockaddr_length(const sockaddr* a) {
  return a->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

}  // namespace

bool make_sockaddr(const std::string& address, std::uint16_t port, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (uv_ip4_addr(address.c_str(), port, reinterpret_cast<sockaddr_in*>(&out)) == 0) return true;
  std::memset(&out, 0, sizeof out);
  return uv_ip6_addr(address.c_str(), port, reinterpret_cast<sockaddr_in6*>(&out)) == 0;
}

bool parse_peer(const std::string& peer, sockaddr_storage& out) {
  std::string host, port;
  if (!peer.empty() && peer[0] == '[') {
    auto end = peer.find("]:");
    if (end == std::string::npos) return false;
    host = peer.substr(1, end - 1);
    port = peer.substr(end + 2);
  } else {
    auto colon = peer.rfind(':');
    if (colon == std::string::npos) return false;
    host = peer.substr(0, colon);
    port = peer.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  return make_sockaddr(host, static_cast<std::uint16_t>(std::stoul(port)), out);
}

Result<std::unique_ptr<UdpSocket>> UdpSocket::bind(uv::EventLoop& loop, const std::string& address, std::uint16_t port,
                                                   OnPacket on_packet, bool reuse_port) {
  sockaddr_storage addr{};
  if (!make_sockaddr(address, port, addr)) return Error{"'" + address + "' is not a numeric IPv4 or IPv6 address"};
  auto* state = new State;
  state->on_packet = std::move(on_packet);
  state->handle.data = state;
  // The socket is made now (its family known), so options can be set before the bind.
  int rc = uv_udp_init_ex(loop.raw(), &state->handle, addr.ss_family | UV_UDP_RECVMMSG);
  if (rc != 0) {
    delete state;
    return Error{"udp " + address + ":" + std::to_string(port) + ": " + uv::error_text(rc)};
  }
  std::unique_ptr<UdpSocket> sock(new UdpSocket);
  sock->state_ = state;
  if (reuse_port) {
    uv_os_fd_t fd = -1;
    int one = 1;
    rc = uv_fileno(reinterpret_cast<uv_handle_t*>(&state->handle), &fd);
    if (rc == 0 && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) rc = uv_translate_sys_error(errno);
    if (rc != 0) return Error{"udp " + address + ":" + std::to_string(port) + ": SO_REUSEPORT: " + uv::error_text(rc)};
  }
  unsigned flags = addr.ss_family == AF_INET6 ? UV_UDP_IPV6ONLY : 0;
  rc = uv_udp_bind(&state->handle, reinterpret_cast<const sockaddr*>(&addr), flags);
  if (rc == 0) rc = uv_udp_recv_start(&state->handle, on_alloc, on_recv);
  if (rc != 0) return Error{"udp " + address + ":" + std::to_string(port) + ": " + uv::error_text(rc)};
  sockaddr_storage bound{};
  int len = sizeof bound;
  if (uv_udp_getsockname(&state->handle, reinterpret_cast<sockaddr*>(&bound), &len) == 0)
    sock->port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                    : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return sock;
}

UdpSocket::~UdpSocket() {
  if (state_ == nullptr) return;
  state_->closing = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&state_->handle),
           [](uv_handle_t* h) { delete static_cast<State*>(h->data); });
}

bool UdpSocket::send(std::span<const std::uint8_t> data, const sockaddr* to) {
  State& s = *state_;
  // Inside a recvmmsg batch (and nothing queued in libuv, whose order comes first): kept
  // for the batch's sendmmsg.
  if (s.in_batch && s.queued == 0 && s.pending_count < s.pending.size()) {
    auto& p = s.pending[s.pending_count++];
    p.to_len = sockaddr_length(to);
    std::memcpy(&p.to, to, p.to_len);
    p.data.assign(data.begin(), data.end());
    return true;
  }
  return s.send_now(data, to);
}

void UdpSocket::State::flush() {
  const std::size_t n = pending_count;
  pending_count = 0;
  if (n == 0) return;
  std::array<mmsghdr, UdpSocket::kRecvBatch> msgs{};
  std::array<iovec, UdpSocket::kRecvBatch> iov{};
  for (std::size_t i = 0; i < n; ++i) {
    iov[i] = iovec{pending[i].data.data(), pending[i].data.size()};
    msgs[i].msg_hdr.msg_name = &pending[i].to;
    msgs[i].msg_hdr.msg_namelen = pending[i].to_len;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  uv_os_fd_t fd = -1;
  std::size_t done = 0;
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(&handle), &fd) == 0) {
    while (done < n) {
      int rc = ::sendmmsg(fd, msgs.data() + done, static_cast<unsigned>(n - done), 0);
      if (rc < 0 && errno == EINTR) continue;
      if (rc <= 0) break;
      done += static_cast<std::size_t>(rc);
    }
  }
  // What the kernel did not take (a full buffer: EAGAIN; any error): one by one, queued
  // or dropped and counted as any other send.
  for (std::size_t i = done; i < n; ++i) {
    (void)send_now(pending[i].data, reinterpret_cast<const sockaddr*>(&pending[i].to));
  }
}

bool UdpSocket::State::send_now(std::span<const std::uint8_t> data, const sockaddr* to) {
  uv_buf_t buf = uv_buf_init(const_cast<char*>(reinterpret_cast<const char*>(data.data())),
                             static_cast<unsigned>(data.size()));
  int rc = uv_udp_try_send(&handle, &buf, 1, to);
  if (rc >= 0) return true;
  if (rc != UV_EAGAIN || queued >= kMaxQueuedSends) {
    ++dropped;
    return false;
  }
  auto* req = new SendRequest;
  req->state = this;
  req->data.assign(data.begin(), data.end());
  buf = uv_buf_init(reinterpret_cast<char*>(req->data.data()), static_cast<unsigned>(req->data.size()));
  req->req.data = req;
  rc = uv_udp_send(&req->req, &handle, &buf, 1, to, [](uv_udp_send_t* r, int) {
    auto* sr = static_cast<SendRequest*>(r->data);
    --sr->state->queued;
    delete sr;
  });
  if (rc != 0) {
    delete req;
    ++dropped;
    return false;
  }
  ++queued;
  return true;
}

std::uint64_t UdpSocket::dropped_sends() const { return state_->dropped; }

}  // namespace hamail::mailsvc::dnsd
