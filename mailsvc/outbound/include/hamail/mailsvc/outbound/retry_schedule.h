// When to try a deferred message again and when to give up on it: exponential backoff
// from min_backoff_s doubling up to max_backoff_s, and a queue lifetime after which the
// remaining recipients are bounced. Pure: the caller passes the times.
#pragma once

#include <cstdint>

#include "hamail/base/result.h"

namespace hamail::mailsvc::outbound {

struct RetryPolicy {
  std::uint64_t min_backoff_s = 300;
  std::uint64_t max_backoff_s = 4000;
  std::uint64_t queue_lifetime_s = 5 * 86400;
};

// min_backoff_s > 0, max_backoff_s >= min_backoff_s, queue_lifetime_s > 0; the error
// names the field and both values.
Status check_retry_policy(const RetryPolicy& policy);

// Delay before the next attempt after `failed_attempts` failures: 0 for none, else
// min * 2^(failed_attempts - 1), capped at max (no overflow for any count).
std::uint64_t next_delay_s(const RetryPolicy& policy, unsigned failed_attempts);

// True once the message has been queued for queue_lifetime_s or longer. A clock that
// went backwards (now < arrival) is not expiry.
bool expired(const RetryPolicy& policy, std::int64_t arrival_unix, std::int64_t now_unix);

}  // namespace hamail::mailsvc::outbound
