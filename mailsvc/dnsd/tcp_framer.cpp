#include "hamail/mailsvc/dnsd/tcp_framer.h"

#include "hamail/base/invariant.h"

namespace hamail::mailsvc::dnsd {

void TcpFramer::feed(std::string_view data) {
  if (start_ > 0 && start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  buffer_.append(data);
}

std::optional<std::vector<std::uint8_t>> TcpFramer::next() {
  std::size_t have = buffer_.size() - start_;
  if (have < 2) return std::nullopt;
  auto len = static_cast<std::size_t>((static_cast<std::uint8_t>(buffer_[start_]) << 8) |
                                      static_cast<std::uint8_t>(buffer_[start_ + 1]));
  if (have < 2 + len) {
    // Keep only the partial message.
    if (start_ > 0) {
      buffer_.erase(0, start_);
      start_ = 0;
    }
    return std::nullopt;
  }
  const auto* p = reinterpret_cast<const std::uint8_t*>(buffer_.data()) + start_ + 2;
  std::vector<std::uint8_t> out(p, p + len);
  start_ += 2 + len;
  return out;
}

std::string frame(std::span<const std::uint8_t> message) {
  HAMAIL_INVARIANT(message.size() <= 65535, "a DNS message over 65535 octets");
  std::string out;
  out.reserve(2 + message.size());
  out.push_back(static_cast<char>(message.size() >> 8));
  out.push_back(static_cast<char>(message.size() & 0xff));
  out.append(reinterpret_cast<const char*>(message.data()), message.size());
  return out;
}

}  // namespace hamail::mailsvc::dnsd
