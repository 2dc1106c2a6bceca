// Response rate limiting (RRL, as NSD and BIND do it) against reflection: responses are
// counted per bucket -- the client's network (/24 IPv4, /56 IPv6) and what is answered
// (qname and qtype for answers, the zone for NXDOMAIN, one bucket for errors) -- and a
// bucket over responses_per_second drops its responses, answering every slip-th one
// truncated so real clients retry over TCP. Sans-IO: the caller gives the time.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <unordered_map>

#include "hamail/mailsvc/dnsd/dnsd_config.h"

namespace hamail::mailsvc::dnsd {

enum class RrlDecision { send, drop, slip };
enum class RrlKind : std::uint8_t { answer, nxdomain, error };

class RateLimiter {
 public:
  static constexpr std::size_t kMaxBuckets = 100000;

  explicit RateLimiter(RrlConfig config) : config_(config) {}
  // One response about to go to `client`; `name_key` is the qname (answer) or zone (nxdomain).
  RrlDecision account(const sockaddr* client, RrlKind kind, const std::string& name_key, std::uint16_t qtype,
                      std::uint64_t now_s);
  // The bucket key (exposed for tests): network prefix, kind, name, type.
  static std::string bucket_key(const sockaddr* client, RrlKind kind, const std::string& name_key, std::uint16_t qtype);
  std::size_t bucket_count() const { return buckets_.size(); }
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t slipped() const { return slipped_; }

 private:
  struct Bucket {
    std::int64_t balance = 0;  // responses still allowed; negative: limited
    std::uint64_t last_s = 0;
    std::uint32_t limited = 0;  // responses refused since it went over, for slip
  };
  void expire(std::uint64_t now_s);

  RrlConfig config_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::uint64_t dropped_ = 0, slipped_ = 0;
};

}  // namespace hamail::mailsvc::dnsd
