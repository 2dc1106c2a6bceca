// find_other_owner(): send a probe, listen until the next one is due, stop at the first claim.
#include "duplicate_probe.h"

namespace hamail::vip {

Result<RawSocket> open_link_socket(const LinkInfo& link, const IpAddress& ip) {
  return RawSocket::open(link.ifindex, link.name, ip.is_v4() ? kEtherTypeArp : kEtherTypeIpv6);
}

Result<std::optional<MacAddress>> find_other_owner(RawSocket& sock, const LinkInfo& link, const IpAddress& ip,
                                                   ProbeTiming timing) {
  const Frame probe = build_probe(link.mac, ip);
  std::int64_t next = monotonic_ms();
  for (int i = 0; i < timing.probes; ++i) {
    if (auto s = sock.send(probe); !s) return Error{s.message()};
    next += timing.interval_ms;
    for (int frames = 0; frames < 1000; ++frames) {  // bounded: a busy link cannot keep us here
      auto f = sock.receive_until(next);
      if (!f) return Error{f.error()};
      if (!*f) break;  // this probe's window is over
      if (auto who = conflicting_owner(**f, ip, link.mac)) return who;
    }
  }
  return std::optional<MacAddress>();
}

}  // namespace hamail::vip
