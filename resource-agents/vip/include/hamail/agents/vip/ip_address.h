// An IPv4 or IPv6 address as bytes (network order), parsed from text with inet_pton.
// Pure: parsing, printing, and "is this address inside that subnet".
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::vip {

struct IpAddress {
  int family = 0;                      // AF_INET or AF_INET6
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

  std::size_t size() const;            // 4 or 16
  int max_prefix() const;              // 32 or 128
  bool is_v4() const;
  std::string to_string() const;
  bool operator==(const IpAddress&) const = default;
};

Result<IpAddress> parse_ip(std::string_view text);

// True when `a` lies in the subnet `net`/`prefix` (same family; prefix within range).
bool in_subnet(const IpAddress& a, const IpAddress& net, int prefix);

// The IPv4 directed broadcast of ip/prefix (prefix <= 30), else nothing useful: same as ip.
IpAddress ipv4_broadcast(const IpAddress& ip, int prefix);

}  // namespace hamail::vip
