#include "cli/control_client.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hamail::drbdlite {

Result<ControlClient> ControlClient::connect(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return Error{"control socket path too long: " + path};
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{std::string("socket: ") + std::strerror(errno)};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int e = errno;
    ::close(fd);
    if (e == ENOENT || e == ECONNREFUSED)
      return Error{"drbdlited is not running (no daemon at " + path + "): start it, e.g. `drbdlited --config FILE`"};
    if (e == EACCES) return Error{"permission denied on " + path + ": run as root or a member of the socket's group"};
    return Error{"cannot connect to " + path + ": " + std::strerror(e)};
  }
  return ControlClient(fd, path);
}

ControlClient::~ControlClient() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::string> ControlClient::read_line() {
  for (;;) {
    auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    char buf[65536];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{"reading from " + path_ + ": " + std::strerror(errno)};
    if (n == 0) return Error{"drbdlited closed the connection (" + path_ + ")"};
    buffer_.append(buf, static_cast<std::size_t>(n));
    if (buffer_.size() > (16u << 20)) return Error{"reply from " + path_ + " too large"};
  }
}

Result<nlohmann::json> ControlClient::call(const nlohmann::json& request) {
  std::string line = request.dump() + "\n";
  for (std::size_t off = 0; off < line.size();) {
    ssize_t n = ::write(fd_, line.data() + off, line.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{"writing to " + path_ + ": " + std::strerror(errno)};
    off += static_cast<std::size_t>(n);
  }
  auto reply = read_line();
  if (!reply) return Error{reply.error()};
  auto j = nlohmann::json::parse(*reply, nullptr, false);
  if (j.is_discarded()) return Error{"malformed reply from drbdlited"};
  return j;
}

Status ControlClient::stream(const std::function<bool(const nlohmann::json&)>& each) {
  for (;;) {
    auto line = read_line();
    if (!line) return Error{line.error()};
    auto j = nlohmann::json::parse(*line, nullptr, false);
    if (j.is_discarded()) continue;
    if (!each(j)) return Status::ok();
  }
}

}  // namespace hamail::drbdlite
