// DNS over TCP framing (RFC 1035 4.2.2, RFC 7766): each message behind a 2-octet length.
// TcpFramer collects a connection's bytes and hands out whole messages; it holds at most
// one partial message plus one read, so a client cannot make it grow without bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hamail::mailsvc::dnsd {

class TcpFramer {
 public:
  // Appends received bytes.
  void feed(std::string_view data);
  // The next whole message (without its length), or nullopt until more bytes arrive.
  std::optional<std::vector<std::uint8_t>> next();
  // Bytes held (a partial message, or messages not yet taken).
  std::size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::string buffer_;
  std::size_t start_ = 0;  // bytes before it are consumed
};

// `message` with its 2-octet length in front (messages over 65535 octets are the caller's bug).
std::string frame(std::span<const std::uint8_t> message);

}  // namespace hamail::mailsvc::dnsd
