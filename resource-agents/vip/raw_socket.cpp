// RawSocket: socket(AF_PACKET, SOCK_RAW), bind to (ifindex, ethertype), poll with a deadline.
#include "raw_socket.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hamail::vip {

namespace {
constexpr std::size_t kMaxFrame = 2048;
constexpr char kPermission[] = "permission denied";
}  // namespace

std::int64_t monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Result<RawSocket> RawSocket::open(int ifindex, const std::string& ifname, std::uint16_t ethertype) {
  // Protocol 0 here and the EtherType at bind(): the socket hooks into the receive path
  // once, instead of hooking for all interfaces and re-hooking at bind(), which waits for
  // an RCU grace period (10-15 ms measured).
  int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int e = errno;
    if (e == EPERM || e == EACCES)
      return Error{std::string("raw socket on ") + ifname + ": " + kPermission + " (needs root or CAP_NET_RAW)"};
    return Error{"raw socket on " + ifname + ": " + std::strerror(e)};
  }
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ethertype);
  sll.sll_ifindex = ifindex;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
    int e = errno;
    ::close(fd);
    return Error{"binding a raw socket to " + ifname + ": " + std::strerror(e)};
  }
  return RawSocket(fd, ifname);
}

RawSocket::RawSocket(RawSocket&& o) noexcept : fd_(o.fd_), ifname_(std::move(o.ifname_)) { o.fd_ = -1; }

RawSocket::~RawSocket() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawSocket::is_permission_error(const std::string& message) {
  return message.find(kPermission) != std::string::npos;
}

Status RawSocket::send(const Frame& frame) {
  ssize_t n = ::send(fd_, frame.data(), frame.size(), 0);
  if (n < 0) return Error{"sending on " + ifname_ + ": " + std::strerror(errno)};
  if (std::size_t(n) != frame.size()) return Error{"sending on " + ifname_ + ": short write"};
  return Status::ok();
}

Result<std::optional<Frame>> RawSocket::receive_until(std::int64_t deadline_ms) {
  for (int spins = 0; spins < 10000; ++spins) {  // bounded: each turn waits or reads a frame
    std::int64_t left = deadline_ms - monotonic_ms();
    if (left <= 0) return std::optional<Frame>();
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Error{"waiting on " + ifname_ + ": " + std::strerror(errno)};
    if (r == 0) return std::optional<Frame>();
    Frame f(kMaxFrame);
    sockaddr_ll from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd_, f.data(), f.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return Error{"receiving on " + ifname_ + ": " + std::strerror(errno)};
    if (from.sll_pkttype == PACKET_OUTGOING) continue;
    f.resize(std::size_t(n));
    return std::optional<Frame>(std::move(f));
  }
  return std::optional<Frame>();
}

}  // namespace hamail::vip
