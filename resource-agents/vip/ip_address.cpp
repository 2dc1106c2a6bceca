// IpAddress: inet_pton/inet_ntop and prefix comparison.
#include "hamail/agents/vip/ip_address.h"

#include <arpa/inet.h>

namespace hamail::vip {

std::size_t IpAddress::size() const { return family == AF_INET ? 4 : 16; }
int IpAddress::max_prefix() const { return family == AF_INET ? 32 : 128; }
bool IpAddress::is_v4() const { return family == AF_INET; }

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family != AF_INET && family != AF_INET6) return "(no address)";
  if (!inet_ntop(family, bytes.data(), buf, sizeof buf)) return "(bad address)";
  return buf;
}

Result<IpAddress> parse_ip(std::string_view text) {
  std::string s(text);
  IpAddress a;
  if (s.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
      a.family = AF_INET;
      return a;
    }
  } else if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET6;
    return a;
  }
  return Error{"'" + s + "' is not an IPv4 or IPv6 address"};
}

bool in_subnet(const IpAddress& a, const IpAddress& net, int prefix) {
  if (a.family != net.family || prefix < 0 || prefix > a.max_prefix()) return false;
  int full = prefix / 8, rest = prefix % 8;
  for (int i = 0; i < full; ++i)
    if (a.bytes[i] != net.bytes[i]) return false;
  if (rest == 0) return true;
  std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a.bytes[full] & mask) == (net.bytes[full] & mask);
}

IpAddress ipv4_broadcast(const IpAddress& ip, int prefix) {
  IpAddress b = ip;
  if (!ip.is_v4() || prefix < 0 || prefix > 30) return b;
  std::uint32_t v = (std::uint32_t(ip.bytes[0]) << 24) | (std::uint32_t(ip.bytes[1]) << 16) |
                    (std::uint32_t(ip.bytes[2]) << 8) | ip.bytes[3];
  std::uint32_t host = prefix == 0 ? 0xffffffffu : ((1u << (32 - prefix)) - 1);
  v |= host;
  for (int i = 0; i < 4; ++i) b.bytes[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
  return b;
}

}  // namespace hamail::vip
