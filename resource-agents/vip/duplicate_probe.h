// Is the address already answering from another machine? RFC 5227 ARP probes (sender IP
// 0.0.0.0) for IPv4, DAD neighbour solicitations (source ::) for IPv6; short on purpose.
#pragma once

#include <optional>

#include "hamail/base/result.h"
#include "netlink.h"
#include "raw_socket.h"

namespace hamail::vip {

struct ProbeTiming {
  int probes = 2;        // probes sent
  int interval_ms = 50;  // between probes, and the wait after the last one
};

// The other machine's MAC, or nullopt when nobody answered within probes * interval_ms.
// sock: a raw socket on link for ip's EtherType (see open_link_socket()).
Result<std::optional<MacAddress>> find_other_owner(RawSocket& sock, const LinkInfo& link, const IpAddress& ip,
                                                   ProbeTiming timing = {});

// The raw socket the agent probes and announces on: link, ARP or IPv6 by ip's family.
Result<RawSocket> open_link_socket(const LinkInfo& link, const IpAddress& ip);

}  // namespace hamail::vip
