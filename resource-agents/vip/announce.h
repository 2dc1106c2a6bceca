// Tell the network that the address now lives here: gratuitous ARP (IPv4) or unsolicited
// neighbour advertisements (IPv6). The first goes out before start returns; the rest
// follow from a short-lived detached child, spaced, bounded by count * interval.
#pragma once

#include "hamail/base/result.h"
#include "netlink.h"
#include "raw_socket.h"
#include "hamail/agents/vip/vip_params.h"

namespace hamail::vip {

// Sends announcement 1 of p.arp_count now; 2..arp_count from a child that stops early
// as soon as the address is no longer on the interface (a stop raced it).
// sock: a raw socket on link for ip's EtherType (the one the probe used).
Status announce(RawSocket& sock, const LinkInfo& link, const VipParams& p);

}  // namespace hamail::vip
