#include "hamail/mailsvc/dnsd/rate_limiter.h"

#include <algorithm>

#include "hamail/mailsvc/dnsd/address_range.h"

namespace hamail::mailsvc::dnsd {

std::string RateLimiter::bucket_key(const sockaddr* client, RrlKind kind, const std::string& name_key,
                                    std::uint16_t qtype) {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};
  address_bytes(client, v6, bytes);
  std::string key;
  key.push_back(v6 ? '6' : '4');
  key.append(reinterpret_cast<const char*>(bytes.data()), v6 ? 7 : 3);  // /56 or /24
  key.push_back(static_cast<char>(kind));
  if (kind == RrlKind::error) return key;
  if (kind == RrlKind::answer) {
    key.push_back(static_cast<char>(qtype >> 8));
    key.push_back(static_cast<char>(qtype & 0xff));
  }
  key.append(name_key);
  return key;
}

void RateLimiter::expire(std::uint64_t now_s) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (now_s > it->second.last_s + config_.window_s) it = buckets_.erase(it);
    else ++it;
  }
}

RrlDecision RateLimiter::account(const sockaddr* client, RrlKind kind, const std::string& name_key,
                                 std::uint16_t qtype, std::uint64_t now_s) {
  std::string key = bucket_key(client, kind, name_key, qtype);
  auto it = buckets_.find(key);
  const auto rate = static_cast<std::int64_t>(config_.responses_per_second);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxBuckets) expire(now_s);
    if (buckets_.size() >= kMaxBuckets) return RrlDecision::send;  // table full: do not limit
    it = buckets_.emplace(key, Bucket{rate, now_s, 0}).first;
  }
  Bucket& b = it->second;
  if (now_s > b.last_s) {
    // Credit for the seconds passed, at most one second's worth; debt older than the
    // window is forgiven.
    std::uint64_t elapsed = now_s - b.last_s;
    b.balance = elapsed > config_.window_s ? rate : std::min(rate, b.balance + rate * static_cast<std::int64_t>(elapsed));
    b.last_s = now_s;
  }
  --b.balance;
  if (b.balance >= 0) {
    b.limited = 0;
    return RrlDecision::send;
  }
  b.balance = std::max<std::int64_t>(b.balance, -rate * static_cast<std::int64_t>(config_.window_s));
  ++b.limited;
  if (config_.slip != 0 && b.limited % config_.slip == 0) {
    ++slipped_;
    return RrlDecision::slip;
  }
  ++dropped_;
  return RrlDecision::drop;
}

}  // namespace hamail::mailsvc::dnsd
