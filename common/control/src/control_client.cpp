#include "hamail/control/control_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hamail {

namespace {

constexpr std::size_t kMaxLine = 16u << 20;  // a status reply is a few KiB; bound the buffer anyway

std::string permission_hint(const ControlEndpoint& ep) {
  if (ep.group.empty()) return "run as root or a member of the socket's group";
  if (ep.group == "root") return "run as root";
  return "run as root or a member of group " + ep.group;
}

}  // namespace

Result<ControlClient> ControlClient::connect(const ControlEndpoint& ep) {
  sockaddr_un addr{};
  if (ep.path.empty()) return Error{"no control socket path given for " + ep.daemon};
  if (ep.path.size() >= sizeof addr.sun_path) return Error{"control socket path too long: " + ep.path};
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{std::string("socket: ") + std::strerror(errno)};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, ep.path.c_str(), ep.path.size());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int e = errno;
    ::close(fd);
    if (e == ENOENT || e == ECONNREFUSED) {
      std::string msg = ep.daemon + " is not running (no daemon at " + ep.path + ")";
      if (!ep.start_hint.empty()) msg += ": " + ep.start_hint;
      return Error{msg};
    }
    if (e == EACCES || e == EPERM) return Error{"permission denied on " + ep.path + ": " + permission_hint(ep)};
    return Error{"cannot connect to " + ep.path + ": " + std::strerror(e)};
  }
  return ControlClient(fd, ep);
}

ControlClient::ControlClient(ControlClient&& o) noexcept
    : fd_(o.fd_), endpoint_(std::move(o.endpoint_)), buffer_(std::move(o.buffer_)) {
  o.fd_ = -1;
}

ControlClient::~ControlClient() {
  if (fd_ >= 0) ::close(fd_);
}

Status ControlClient::send(const nlohmann::json& request) {
  std::string line = request.dump() + "\n";
  for (std::size_t off = 0; off < line.size();) {
    ssize_t n = ::send(fd_, line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{"writing to " + endpoint_.path + ": " + std::strerror(errno)};
    off += static_cast<std::size_t>(n);
  }
  return Status::ok();
}

Result<std::optional<std::string>> ControlClient::read_line(Deadline deadline, bool* timed_out) {
  *timed_out = false;
  for (;;) {
    auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return std::optional<std::string>(std::move(line));
    }
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        *timed_out = true;
        return std::optional<std::string>();
      }
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count() + 1, 1 << 30)));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return Error{"waiting for " + endpoint_.path + ": " + std::strerror(errno)};
      if (r == 0) continue;  // re-check the deadline
    }
    char buf[65536];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{"reading from " + endpoint_.path + ": " + std::strerror(errno)};
    if (n == 0) return std::optional<std::string>();
    buffer_.append(buf, static_cast<std::size_t>(n));
    if (buffer_.size() > kMaxLine) return Error{"reply from " + endpoint_.path + " too large (over 16 MiB without a newline)"};
  }
}

Result<Received> ControlClient::receive(Deadline deadline) {
  bool timed_out = false;
  auto line = read_line(deadline, &timed_out);
  if (!line) return Error{line.error()};
  if (!*line) return Received{timed_out ? Received::Kind::timed_out : Received::Kind::closed, {}};
  auto j = nlohmann::json::parse(**line, nullptr, false);
  if (j.is_discarded()) return Error{"malformed line from " + endpoint_.daemon + " (not JSON): " + line->value().substr(0, 200)};
  return Received{Received::Kind::line, std::move(j)};
}

Result<nlohmann::json> ControlClient::call(const nlohmann::json& request, Deadline deadline) {
  if (Status st = send(request); !st) return Error{st.message()};
  auto r = receive(deadline);
  if (!r) return Error{r.error()};
  if (r->kind == Received::Kind::closed)
    return Error{endpoint_.daemon + " closed the connection without replying (" + endpoint_.path + ")"};
  if (r->kind == Received::Kind::timed_out) return Error{endpoint_.daemon + " did not reply in time (" + endpoint_.path + ")"};
  return std::move(r->value);
}

Status ControlClient::stream(const std::function<bool(const nlohmann::json&)>& each) {
  for (;;) {
    bool timed_out = false;
    auto line = read_line(std::nullopt, &timed_out);
    if (!line) return Error{line.error()};
    if (!*line) return Error{endpoint_.daemon + " closed the connection (" + endpoint_.path + ")"};
    auto j = nlohmann::json::parse(**line, nullptr, false);
    if (j.is_discarded()) continue;
    if (!each(j)) return Status::ok();
  }
}

}  // namespace hamail
