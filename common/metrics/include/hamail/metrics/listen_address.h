// The address a metrics endpoint listens on, from configuration text: "127.0.0.1:9664",
// "[::1]:9664" or "0.0.0.0:9664". Parsed without I/O so config loaders can validate it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::metrics {

struct ListenAddress {
  std::string host;  // numeric IPv4 or IPv6, without brackets
  std::uint16_t port = 0;
};

// Errors say what was expected ("HOST:PORT with a numeric IPv4 or [IPv6] address ...").
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace hamail::metrics
