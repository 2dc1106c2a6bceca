#include "hamail/mailsvc/dnsd/rate_limiter.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace hamail::mailsvc::dnsd {
namespace {

sockaddr_storage v4(const char* a) {
  sockaddr_storage s{};
  auto* in = reinterpret_cast<sockaddr_in*>(&s);
  in->sin_family = AF_INET;
  inet_pton(AF_INET, a, &in->sin_addr);
  return s;
}
sockaddr_storage v6(const char* a) {
  sockaddr_storage s{};
  auto* in = reinterpret_cast<sockaddr_in6*>(&s);
  in->sin6_family = AF_INET6;
  inet_pton(AF_INET6, a, &in->sin6_addr);
  return s;
}
const sockaddr* sa(const sockaddr_storage& s) { return reinterpret_cast<const sockaddr*>(&s); }

TEST(RateLimiter, BucketsAreNetworkWide) {
  auto a = v4("192.0.2.1"), b = v4("192.0.2.200"), c = v4("192.0.3.1");
  EXPECT_EQ(RateLimiter::bucket_key(sa(a), RrlKind::answer, "x", 1), RateLimiter::bucket_key(sa(b), RrlKind::answer, "x", 1));
  EXPECT_NE(RateLimiter::bucket_key(sa(a), RrlKind::answer, "x", 1), RateLimiter::bucket_key(sa(c), RrlKind::answer, "x", 1));
  EXPECT_NE(RateLimiter::bucket_key(sa(a), RrlKind::answer, "x", 1), RateLimiter::bucket_key(sa(a), RrlKind::answer, "x", 28));
  EXPECT_NE(RateLimiter::bucket_key(sa(a), RrlKind::answer, "x", 1), RateLimiter::bucket_key(sa(a), RrlKind::answer, "y", 1));
  // NXDOMAINs share the zone's bucket whatever the type; errors one bucket per network.
  EXPECT_EQ(RateLimiter::bucket_key(sa(a), RrlKind::nxdomain, "zone", 1), RateLimiter::bucket_key(sa(a), RrlKind::nxdomain, "zone", 15));
  EXPECT_EQ(RateLimiter::bucket_key(sa(a), RrlKind::error, "p", 1), RateLimiter::bucket_key(sa(b), RrlKind::error, "q", 2));
  auto x = v6("2001:db8:0:12::1"), y = v6("2001:db8:0:1f::9"), z = v6("2001:db8:0:100::1");
  EXPECT_EQ(RateLimiter::bucket_key(sa(x), RrlKind::answer, "x", 1), RateLimiter::bucket_key(sa(y), RrlKind::answer, "x", 1));
  EXPECT_NE(RateLimiter::bucket_key(sa(x), RrlKind::answer, "x", 1), RateLimiter::bucket_key(sa(z), RrlKind::answer, "x", 1));
}

TEST(RateLimiter, LimitsSlipsAndRecovers) {
  RateLimiter rrl(RrlConfig{true, 3, 2, 5});
  auto a = v4("198.51.100.9");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(rrl.account(sa(a), RrlKind::answer, "n", 1, 100), RrlDecision::send);
  EXPECT_EQ(rrl.account(sa(a), RrlKind::answer, "n", 1, 100), RrlDecision::drop);
  EXPECT_EQ(rrl.account(sa(a), RrlKind::answer, "n", 1, 100), RrlDecision::slip);
  EXPECT_EQ(rrl.account(sa(a), RrlKind::answer, "n", 1, 100), RrlDecision::drop);
  // Another name is another bucket.
  EXPECT_EQ(rrl.account(sa(a), RrlKind::answer, "m", 1, 100), RrlDecision::send);
  // Past the window the debt is forgiven.
  EXPECT_EQ(rrl.account(sa(a), RrlKind::answer, "n", 1, 106), RrlDecision::send);
  EXPECT_EQ(rrl.dropped(), 2u);
  EXPECT_EQ(rrl.slipped(), 1u);
}

TEST(RateLimiter, SlipZeroDropsAll) {
  RateLimiter rrl(RrlConfig{true, 1, 0, 5});
  auto a = v4("198.51.100.9");
  EXPECT_EQ(rrl.account(sa(a), RrlKind::error, "", 0, 1), RrlDecision::send);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(rrl.account(sa(a), RrlKind::error, "", 0, 1), RrlDecision::drop);
}

}  // namespace
}  // namespace hamail::mailsvc::dnsd
