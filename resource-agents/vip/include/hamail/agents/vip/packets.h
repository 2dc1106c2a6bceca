// Ethernet frames the agent sends and reads on its raw socket, built and parsed as bytes:
// ARP probe / announcement (RFC 5227) for IPv4, DAD neighbour solicitation and
// unsolicited neighbour advertisement (RFC 4861/4862) for IPv6. Pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hamail/agents/vip/ip_address.h"

namespace hamail::vip {

using MacAddress = std::array<std::uint8_t, 6>;
using Frame = std::vector<std::uint8_t>;

inline constexpr std::uint16_t kEtherTypeArp = 0x0806;
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr std::size_t kMinFrame = 60;  // Ethernet minimum without FCS; ARP frames are padded to it

std::string mac_to_string(const MacAddress& mac);

// Who-has ip, sender IP 0.0.0.0 (a probe: does anyone else own ip?), broadcast.
Frame build_arp_probe(const MacAddress& own, const IpAddress& ip);
// Gratuitous ARP request: sender and target IP are both ip (neighbours update their caches).
Frame build_arp_announcement(const MacAddress& own, const IpAddress& ip);
// Neighbour solicitation for ip from :: to its solicited-node group (DAD semantics).
Frame build_ns_dad_probe(const MacAddress& own, const IpAddress& ip);
// Unsolicited neighbour advertisement for ip to ff02::1, Override flag, target link-layer option.
Frame build_unsolicited_na(const MacAddress& own, const IpAddress& ip);

// The frame the agent probes with / announces with for ip's family.
Frame build_probe(const MacAddress& own, const IpAddress& ip);
Frame build_announcement(const MacAddress& own, const IpAddress& ip);

// If `frame` shows another machine (a MAC other than `own`) claiming ip: an ARP packet with
// sender IP ip, or a neighbour advertisement for target ip. Returns that machine's MAC.
std::optional<MacAddress> conflicting_owner(std::span<const std::uint8_t> frame, const IpAddress& ip,
                                            const MacAddress& own);

// ICMPv6 checksum over the IPv6 pseudo-header and `icmp` (whose checksum field is zero).
std::uint16_t icmpv6_checksum(const IpAddress& src, const IpAddress& dst, std::span<const std::uint8_t> icmp);

}  // namespace hamail::vip
