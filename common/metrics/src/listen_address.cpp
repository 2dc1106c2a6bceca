#include "hamail/metrics/listen_address.h"

#include <arpa/inet.h>

#include <charconv>

namespace hamail::metrics {

Result<ListenAddress> parse_listen_address(std::string_view text) {
  const std::string expected =
      "expected HOST:PORT with a numeric IPv4 or [IPv6] address and a port 1-65535 "
      "(e.g. \"127.0.0.1:9664\"), found \"" +
      std::string(text) + "\"";
  std::string_view host, port;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return Error{expected};
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) return Error{expected};
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  ListenAddress a;
  a.host = std::string(host);
  unsigned char buf[16];
  bool v6 = text.starts_with('[');
  if (inet_pton(v6 ? AF_INET6 : AF_INET, a.host.c_str(), buf) != 1) return Error{expected};
  unsigned value = 0;
  auto r = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || r.ec != std::errc() || r.ptr != port.data() + port.size() || value == 0 || value > 65535)
    return Error{expected};
  a.port = static_cast<std::uint16_t>(value);
  return a;
}

}  // namespace hamail::metrics
