// Frame builders and the conflict parser: fixed offsets, checked lengths, no allocation
// beyond the frame itself.
#include "hamail/agents/vip/packets.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

namespace hamail::vip {

namespace {

constexpr MacAddress kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr std::size_t kEthHeader = 14;
constexpr std::size_t kIpv6Header = 40;
constexpr std::uint8_t kIcmpv6 = 58;
constexpr std::uint8_t kNeighbourSolicitation = 135;
constexpr std::uint8_t kNeighbourAdvertisement = 136;

void put16(Frame& f, std::uint16_t v) {
  f.push_back(static_cast<std::uint8_t>(v >> 8));
  f.push_back(static_cast<std::uint8_t>(v & 0xff));
}
void put(Frame& f, std::span<const std::uint8_t> bytes) { f.insert(f.end(), bytes.begin(), bytes.end()); }
std::uint16_t get16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

void ethernet(Frame& f, const MacAddress& dst, const MacAddress& src, std::uint16_t type) {
  put(f, dst);
  put(f, src);
  put16(f, type);
}

Frame arp_request(const MacAddress& own, const IpAddress& sender, const IpAddress& target) {
  Frame f;
  f.reserve(kMinFrame);
  ethernet(f, kBroadcast, own, kEtherTypeArp);
  put16(f, 1);        // hardware: Ethernet
  put16(f, 0x0800);   // protocol: IPv4
  f.push_back(6);     // hardware address length
  f.push_back(4);     // protocol address length
  put16(f, 1);        // request
  put(f, own);
  put(f, std::span(sender.bytes.data(), 4));
  put(f, MacAddress{});
  put(f, std::span(target.bytes.data(), 4));
  f.resize(kMinFrame, 0);
  return f;
}

// Ethernet + IPv6 header (hop limit 255, as neighbour discovery requires) + ICMPv6 body with checksum.
Frame ipv6_icmp(const MacAddress& eth_dst, const MacAddress& own, const IpAddress& src, const IpAddress& dst,
                std::vector<std::uint8_t> icmp) {
  std::uint16_t sum = icmpv6_checksum(src, dst, icmp);
  icmp[2] = static_cast<std::uint8_t>(sum >> 8);
  icmp[3] = static_cast<std::uint8_t>(sum & 0xff);
  Frame f;
  f.reserve(kEthHeader + kIpv6Header + icmp.size());
  ethernet(f, eth_dst, own, kEtherTypeIpv6);
  put(f, std::array<std::uint8_t, 4>{0x60, 0, 0, 0});  // version 6, traffic class 0, flow 0
  put16(f, static_cast<std::uint16_t>(icmp.size()));
  f.push_back(kIcmpv6);
  f.push_back(255);
  put(f, src.bytes);
  put(f, dst.bytes);
  put(f, icmp);
  return f;
}

IpAddress v6(std::initializer_list<std::uint8_t> bytes) {
  IpAddress a;
  a.family = AF_INET6;
  std::size_t i = 0;
  for (auto b : bytes) a.bytes[i++] = b;
  return a;
}

}  // namespace

std::string mac_to_string(const MacAddress& m) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return buf;
}

Frame build_arp_probe(const MacAddress& own, const IpAddress& ip) {
  IpAddress zero;
  zero.family = AF_INET;
  return arp_request(own, zero, ip);
}

Frame build_arp_announcement(const MacAddress& own, const IpAddress& ip) { return arp_request(own, ip, ip); }

Frame build_ns_dad_probe(const MacAddress& own, const IpAddress& ip) {
  IpAddress group = v6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, ip.bytes[13], ip.bytes[14], ip.bytes[15]});
  MacAddress eth_dst = {0x33, 0x33, 0xff, ip.bytes[13], ip.bytes[14], ip.bytes[15]};
  IpAddress unspecified = v6({});
  std::vector<std::uint8_t> icmp = {kNeighbourSolicitation, 0, 0, 0, 0, 0, 0, 0};  // type, code, sum, reserved
  icmp.insert(icmp.end(), ip.bytes.begin(), ip.bytes.end());
  return ipv6_icmp(eth_dst, own, unspecified, group, std::move(icmp));
}

Frame build_unsolicited_na(const MacAddress& own, const IpAddress& ip) {
  IpAddress all_nodes = v6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01});
  MacAddress eth_dst = {0x33, 0x33, 0, 0, 0, 0x01};
  std::vector<std::uint8_t> icmp = {kNeighbourAdvertisement, 0, 0, 0, 0x20, 0, 0, 0};  // flags: Override
  icmp.insert(icmp.end(), ip.bytes.begin(), ip.bytes.end());
  icmp.push_back(2);  // option: target link-layer address
  icmp.push_back(1);  // length in units of 8 bytes
  icmp.insert(icmp.end(), own.begin(), own.end());
  return ipv6_icmp(eth_dst, own, ip, all_nodes, std::move(icmp));
}

Frame build_probe(const MacAddress& own, const IpAddress& ip) {
  return ip.is_v4() ? build_arp_probe(own, ip) : build_ns_dad_probe(own, ip);
}

Frame build_announcement(const MacAddress& own, const IpAddress& ip) {
  return ip.is_v4() ? build_arp_announcement(own, ip) : build_unsolicited_na(own, ip);
}

std::optional<MacAddress> conflicting_owner(std::span<const std::uint8_t> f, const IpAddress& ip,
                                            const MacAddress& own) {
  if (f.size() < kEthHeader) return std::nullopt;
  MacAddress who{};
  std::uint16_t type = get16(f, 12);
  if (ip.is_v4() && type == kEtherTypeArp) {
    const std::size_t a = kEthHeader;
    if (f.size() < a + 28 || get16(f, a) != 1 || get16(f, a + 2) != 0x0800 || f[a + 4] != 6 || f[a + 5] != 4)
      return std::nullopt;
    if (std::memcmp(&f[a + 14], ip.bytes.data(), 4) != 0) return std::nullopt;  // sender IP
    std::memcpy(who.data(), &f[a + 8], 6);                                      // sender MAC
  } else if (!ip.is_v4() && type == kEtherTypeIpv6) {
    const std::size_t i = kEthHeader + kIpv6Header;
    if (f.size() < i + 24 || (f[kEthHeader] >> 4) != 6 || f[kEthHeader + 6] != kIcmpv6) return std::nullopt;
    if (f[i] != kNeighbourAdvertisement || std::memcmp(&f[i + 8], ip.bytes.data(), 16) != 0) return std::nullopt;
    std::memcpy(who.data(), &f[6], 6);  // Ethernet source, unless a target link-layer option says otherwise
    for (std::size_t o = i + 24, n = 0; o + 8 <= f.size() && n < 16; ++n) {  // bounded option walk
      std::size_t len = std::size_t(f[o + 1]) * 8;
      if (len == 0) break;
      if (f[o] == 2 && len >= 8) std::memcpy(who.data(), &f[o + 2], 6);
      o += len;
    }
  } else {
    return std::nullopt;
  }
  if (who == own) return std::nullopt;
  return who;
}

std::uint16_t icmpv6_checksum(const IpAddress& src, const IpAddress& dst, std::span<const std::uint8_t> icmp) {
  std::uint32_t sum = 0;
  auto add = [&](std::span<const std::uint8_t> b) {
    for (std::size_t i = 0; i < b.size(); i += 2)
      sum += (std::uint32_t(b[i]) << 8) | (i + 1 < b.size() ? b[i + 1] : 0);
  };
  add(src.bytes);
  add(dst.bytes);
  std::uint32_t len = static_cast<std::uint32_t>(icmp.size());
  std::array<std::uint8_t, 8> tail = {std::uint8_t(len >> 24), std::uint8_t(len >> 16), std::uint8_t(len >> 8),
                                      std::uint8_t(len), 0, 0, 0, kIcmpv6};
  add(tail);
  add(icmp);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

}  // namespace hamail::vip
