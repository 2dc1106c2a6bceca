#include "hamail/mailsvc/outbound/retry_schedule.h"

#include <string>

namespace hamail::mailsvc::outbound {

Status check_retry_policy(const RetryPolicy& p) {
  if (p.min_backoff_s == 0) return Error{"retry policy: min_backoff_s is 0: must be at least 1 s"};
  if (p.max_backoff_s < p.min_backoff_s)
    return Error{"retry policy: max_backoff_s (" + std::to_string(p.max_backoff_s) + " s) is below min_backoff_s (" +
                 std::to_string(p.min_backoff_s) + " s)"};
  if (p.queue_lifetime_s == 0) return Error{"retry policy: queue_lifetime_s is 0: must be at least 1 s"};
  return Status::ok();
}

std::uint64_t next_delay_s(const RetryPolicy& p, unsigned failed_attempts) {
  if (failed_attempts == 0) return 0;
  const unsigned shift = failed_attempts - 1;
  if (p.min_backoff_s >= p.max_backoff_s) return p.max_backoff_s;
  // min << shift <= max  <=>  shift < 64 and min <= max >> shift (no bits lost).
  if (shift >= 64 || p.min_backoff_s > (p.max_backoff_s >> shift)) return p.max_backoff_s;
  return p.min_backoff_s << shift;
}

bool expired(const RetryPolicy& p, std::int64_t arrival_unix, std::int64_t now_unix) {
  if (now_unix < arrival_unix) return false;
  const std::uint64_t age = static_cast<std::uint64_t>(now_unix) - static_cast<std::uint64_t>(arrival_unix);
  return age >= p.queue_lifetime_s;
}

}  // namespace hamail::mailsvc::outbound
