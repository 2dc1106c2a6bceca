// LoginLimiter: the doubling delay and its bound, the failure window, success clears,
// addresses counted apart (IPv6 by /64), the bounded table; limiter_key's forms.
#include <gtest/gtest.h>

#include "hamail/mailsvc/webmail/login_limiter.h"

namespace hamail::mailsvc::webmail {
namespace {

LoginLimits limits() {
  LoginLimits l;
  l.max_failures = 4;
  l.window_ms = 60000;
  l.first_delay_ms = 1000;
  l.max_delay_ms = 4000;
  l.max_addresses = 3;
  return l;
}

TEST(LoginLimiter, FreshAddressIsAllowed) {
  LoginLimiter l(limits());
  EXPECT_TRUE(l.check("192.0.2.1", 0).allowed);
}

TEST(LoginLimiter, DelayDoublesUpToItsBound) {
  LoginLimiter l(limits());
  EXPECT_EQ(l.record_failure("192.0.2.1", 0), 1000);
  LoginGate g = l.check("192.0.2.1", 400);
  EXPECT_FALSE(g.allowed);
  EXPECT_EQ(g.retry_after_ms, 600);
  EXPECT_TRUE(l.check("192.0.2.1", 1000).allowed);
  EXPECT_EQ(l.record_failure("192.0.2.1", 1000), 2000);
  EXPECT_EQ(l.record_failure("192.0.2.1", 3000), 4000);
  EXPECT_TRUE(l.check("192.0.2.2", 3000).allowed);  // another address is not held back
}

TEST(LoginLimiter, TooManyFailuresRefuseUntilTheWindowEnds) {
  LoginLimiter l(limits());
  for (int i = 0; i < 4; ++i) (void)l.record_failure("192.0.2.1", i * 5000);
  LoginGate g = l.check("192.0.2.1", 30000);
  EXPECT_FALSE(g.allowed);
  EXPECT_EQ(g.retry_after_ms, 30000);
  EXPECT_TRUE(l.check("192.0.2.1", 60000).allowed);
  EXPECT_EQ(l.record_failure("192.0.2.1", 60000), 1000);  // a new window starts over
}

TEST(LoginLimiter, SuccessClears) {
  LoginLimiter l(limits());
  (void)l.record_failure("192.0.2.1", 0);
  l.record_success("192.0.2.1");
  EXPECT_TRUE(l.check("192.0.2.1", 1).allowed);
  EXPECT_EQ(l.tracked(), 0u);
}

TEST(LoginLimiter, Ipv6CountedByItsSlash64) {
  LoginLimiter l(limits());
  (void)l.record_failure("2001:db8:1:2::1", 0);
  EXPECT_FALSE(l.check("2001:db8:1:2:ffff::9", 10).allowed);
  EXPECT_TRUE(l.check("2001:db8:1:3::1", 10).allowed);
}

TEST(LoginLimiter, TableIsBounded) {
  LoginLimiter l(limits());
  (void)l.record_failure("192.0.2.1", 0);
  (void)l.record_failure("192.0.2.2", 1);
  (void)l.record_failure("192.0.2.3", 2);
  (void)l.record_failure("192.0.2.4", 3);  // the oldest (…1) goes
  EXPECT_EQ(l.tracked(), 3u);
  EXPECT_TRUE(l.check("192.0.2.1", 4).allowed);
  EXPECT_FALSE(l.check("192.0.2.4", 4).allowed);
  // Past their windows, old entries go first.
  (void)l.record_failure("192.0.2.5", 70000);
  EXPECT_EQ(l.tracked(), 1u);
}

TEST(LimiterKey, Forms) {
  EXPECT_EQ(limiter_key("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(limiter_key("::ffff:192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(limiter_key("2001:DB8:0:1:2:3:4:5"), "2001:db8:0:1::/64");
  EXPECT_EQ(limiter_key("2001:db8:0:0001::7"), "2001:db8:0:1::/64");
  EXPECT_EQ(limiter_key("2001:db8::"), "2001:db8:0:0::/64");
  EXPECT_EQ(limiter_key("::1"), "0:0:0:0::/64");
  EXPECT_EQ(limiter_key("fe80::1::2"), "fe80::1::2");  // not an address: as given
  EXPECT_EQ(limiter_key("unix"), "unix");
}

}  // namespace
}  // namespace hamail::mailsvc::webmail
