#include "hamail/mailsvc/outbound/retry_schedule.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace hamail::mailsvc::outbound {
namespace {

TEST(RetrySchedule, DoublesUpToTheCap) {
  RetryPolicy p;  // 300 .. 4000
  EXPECT_EQ(next_delay_s(p, 0), 0u);
  EXPECT_EQ(next_delay_s(p, 1), 300u);
  EXPECT_EQ(next_delay_s(p, 2), 600u);
  EXPECT_EQ(next_delay_s(p, 3), 1200u);
  EXPECT_EQ(next_delay_s(p, 4), 2400u);
  EXPECT_EQ(next_delay_s(p, 5), 4000u);
  EXPECT_EQ(next_delay_s(p, 6), 4000u);
}

TEST(RetrySchedule, NeverOverflows) {
  RetryPolicy p{1, std::numeric_limits<std::uint64_t>::max(), 1};
  EXPECT_EQ(next_delay_s(p, 64), std::uint64_t{1} << 63);
  EXPECT_EQ(next_delay_s(p, 65), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(next_delay_s(p, std::numeric_limits<unsigned>::max()), std::numeric_limits<std::uint64_t>::max());
  RetryPolicy q{std::uint64_t{3} << 62, std::numeric_limits<std::uint64_t>::max(), 1};
  EXPECT_EQ(next_delay_s(q, 2), std::numeric_limits<std::uint64_t>::max());
  RetryPolicy r{300, 4000, 1};
  for (unsigned n = 1; n < 1000; ++n) EXPECT_LE(next_delay_s(r, n), 4000u);
}

TEST(RetrySchedule, CapBelowMinimumWins) {
  EXPECT_EQ(next_delay_s(RetryPolicy{500, 100, 1}, 1), 100u);
  EXPECT_EQ(next_delay_s(RetryPolicy{100, 100, 1}, 3), 100u);
}

TEST(RetrySchedule, Expiry) {
  RetryPolicy p{300, 4000, 3600};
  EXPECT_FALSE(expired(p, 1000, 1000));
  EXPECT_FALSE(expired(p, 1000, 4599));
  EXPECT_TRUE(expired(p, 1000, 4600));
  EXPECT_FALSE(expired(p, 1000, 10));  // clock went backwards
  constexpr auto lo = std::numeric_limits<std::int64_t>::min();
  constexpr auto hi = std::numeric_limits<std::int64_t>::max();
  EXPECT_TRUE(expired(p, lo, hi));
  EXPECT_FALSE(expired(p, hi, lo));
}

TEST(RetrySchedule, PolicyCheck) {
  EXPECT_TRUE(check_retry_policy(RetryPolicy{}));
  EXPECT_EQ(check_retry_policy(RetryPolicy{0, 10, 10}).message(),
            "retry policy: min_backoff_s is 0: must be at least 1 s");
  EXPECT_EQ(check_retry_policy(RetryPolicy{300, 100, 10}).message(),
            "retry policy: max_backoff_s (100 s) is below min_backoff_s (300 s)");
  EXPECT_EQ(check_retry_policy(RetryPolicy{1, 1, 0}).message(),
            "retry policy: queue_lifetime_s is 0: must be at least 1 s");
}

}  // namespace
}  // namespace hamail::mailsvc::outbound
