// The UDP side of one event loop: a datagram in, its answer out on the same socket, from
// the zone generation the caller gives. The plain query goes through the allocation-free
// Authority::answer_plain (this loop's scratch and reply buffer); others, and every query
// when RRL is on, through answer_packet (IXFR over UDP, RRL). One per loop; its counters
// may be read from another thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "hamail/mailsvc/dns/authority.h"
#include "hamail/mailsvc/dnsd/dnsd_config.h"
#include "hamail/mailsvc/dnsd/rate_limiter.h"
#include "hamail/mailsvc/dnsd/udp_socket.h"

namespace hamail::mailsvc::dnsd {

struct UdpCounters {
  std::atomic<std::uint64_t> queries{0}, responses{0}, dropped{0}, rrl_dropped{0}, rrl_slipped{0};
};

class UdpAnswerer {
 public:
  explicit UdpAnswerer(const DnsdConfig& config);
  // `now_s`: the loop's clock in seconds (RRL).
  void answer(const dns::Authority& authority, UdpSocket& socket, std::span<const std::uint8_t> packet,
              const sockaddr* from, std::uint64_t now_s);
  const UdpCounters& counters() const { return counters_; }

 private:
  const DnsdConfig& config_;
  std::optional<RateLimiter> rrl_;  // per loop: with threads > 1 each loop limits on its own
  dns::QueryScratch scratch_;
  std::vector<std::uint8_t> reply_;
  UdpCounters counters_;
};

// Whether `peer` is in the allow_transfer list of the Transfer answer's zone.
bool transfer_allowed(const DnsdConfig& config, const dns::Answer& a, const sockaddr* peer);

}  // namespace hamail::mailsvc::dnsd
