// Failed-login limits (hardening item 14): per client address (IPv6 per /64) and per
// account within a window, refused until the window ends, bounded tables, the keys, the
// config keys, and the log lines fail2ban-style tools read.
#include "hamail/mailsvc/daemon/auth_limiter.h"

#include <gtest/gtest.h>

#include "hamail/mailsvc/daemon/config_file.h"
#include "hamail/mailsvc/daemon/daemon_config.h"

namespace hamail::mailsvc::daemon {
namespace {

using Block = AuthLimiter::Block;
constexpr std::uint64_t kMinute = 60000;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(AuthLimiter, AnAddressIsRefusedAtItsLimitUntilTheWindowEnds) {
  AuthLimiter l({3, 0, 15 * kMinute});
  EXPECT_EQ(l.check("192.0.2.7", "alice@x", 0), Block::none);
  EXPECT_EQ(l.failed("192.0.2.7", "alice@x", 0), Block::none);
  EXPECT_EQ(l.failed("192.0.2.7", "bob@x", kMinute), Block::none);
  EXPECT_EQ(l.check("192.0.2.7", "carol@x", kMinute), Block::none);
  EXPECT_EQ(l.failed("192.0.2.7", "carol@x", 2 * kMinute), Block::ip);  // reached: logged once
  EXPECT_EQ(l.check("192.0.2.7", "dave@x", 2 * kMinute), Block::ip);    // any account from there
  EXPECT_EQ(l.check("192.0.2.8", "dave@x", 2 * kMinute), Block::none);  // another address is not
  EXPECT_EQ(l.check("192.0.2.7", "dave@x", 15 * kMinute - 1), Block::ip);
  EXPECT_EQ(l.check("192.0.2.7", "dave@x", 15 * kMinute), Block::none);  // from the first failure
  EXPECT_EQ(l.failed("192.0.2.7", "dave@x", 15 * kMinute), Block::none);  // a new window
}

TEST(AuthLimiter, AnAccountIsRefusedAtItsLimitFromAnyAddress) {
  AuthLimiter l({0, 2, kMinute});
  EXPECT_EQ(l.failed("192.0.2.1", "alice@x", 0), Block::none);
  EXPECT_EQ(l.failed("198.51.100.9", "alice@x", 10), Block::account);
  EXPECT_EQ(l.check("203.0.113.5", "alice@x", 20), Block::account);
  EXPECT_EQ(l.check("203.0.113.5", "bob@x", 20), Block::none);
  EXPECT_EQ(l.check("203.0.113.5", "alice@x", kMinute), Block::none);
}

TEST(AuthLimiter, ZeroMeansNoLimit) {
  AuthLimiter l({0, 0, kMinute});
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(l.failed("192.0.2.7", "alice@x", i), Block::none);
  EXPECT_EQ(l.check("192.0.2.7", "alice@x", 1000), Block::none);
}

TEST(AuthLimiter, TablesAreBoundedOldestWindowFirst) {
  AuthLimiter l({1, 0, 100 * kMinute});
  EXPECT_EQ(l.failed("first", "a", 0), Block::ip);
  for (std::size_t i = 0; i < AuthLimiter::kMaxTracked - 1; ++i) (void)l.failed("k" + std::to_string(i), "a", 1);
  EXPECT_EQ(l.check("first", "a", 2), Block::ip);  // still tracked: the table is just full
  (void)l.failed("one-more", "a", 2);
  EXPECT_EQ(l.check("first", "a", 2), Block::none);  // the oldest made room
  EXPECT_EQ(l.check("k0", "a", 2), Block::ip);
  EXPECT_EQ(l.check("one-more", "a", 2), Block::ip);
}

TEST(AuthLimiter, KeysForAddressesAndAccounts) {
  EXPECT_EQ(ip_key("192.0.2.7:4242"), "192.0.2.7");
  EXPECT_EQ(ip_key("[2001:db8:1:2:aaaa::1]:25"), "2001:db8:1:2::/64");
  EXPECT_EQ(ip_key("[2001:db8:1:2:bbbb::9]:26"), "2001:db8:1:2::/64");  // one /64 is one client
  EXPECT_EQ(ip_key("[::1]:25"), "0:0:0:0::/64");
  EXPECT_EQ(account_key("Alice@Example.ORG"), "alice@example.org");
}

TEST(AuthLimiter, LogLinesNameTheLimitAddressAndUser) {
  std::vector<std::string> lines;
  Logger log("test", LogLevel::info);
  log.set_stderr(false);
  log.set_capture(&lines);
  AuthLimiter l({2, 0, kMinute});
  EXPECT_FALSE(login_refused(l, log, "192.0.2.7:1000", "alice@example.org", 0));
  login_failed(l, log, "192.0.2.7:1000", "alice@example.org", 0);
  EXPECT_TRUE(lines.empty());
  login_failed(l, log, "192.0.2.7:1001", "Bob@Example.org", 1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(has(lines[0], "event=auth_limit_reached limit=ip ip=192.0.2.7 user=Bob@Example.org failures=2 window_s=60"))
      << lines[0];
  EXPECT_TRUE(login_refused(l, log, "192.0.2.7:1002", "carol@example.org", 2));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(has(lines[1], "event=auth_refused limit=ip ip=192.0.2.7 user=carol@example.org peer=192.0.2.7:1002"))
      << lines[1];
}

TEST(AuthLimiter, ConfigKeysAndDefaults) {
  const ListenerSchema schema{"role", {{"mx", ListenerTls::starttls}}};
  auto parse = [&](const std::string& extra, DaemonConfig& c) {
    return parse_config_text("mail_root: /m\nlisteners: [{role: mx, port: 25}]\n" + extra, "m.yaml",
                             [&](config::MapReader& top) {
                               read_daemon_sections(top, schema, c);
                               read_client_policy(top, c.clients);
                             });
  };
  DaemonConfig d;
  ASSERT_TRUE(parse("", d));
  EXPECT_EQ(d.clients.auth_limits.per_ip, 10u);
  EXPECT_EQ(d.clients.auth_limits.per_account, 30u);
  EXPECT_EQ(d.clients.auth_limits.window_ms, 15 * kMinute);
  DaemonConfig c;
  ASSERT_TRUE(parse("auth_failures_per_ip: 5\nauth_failures_per_account: 0\nauth_failure_window: 1h\n", c));
  EXPECT_EQ(c.clients.auth_limits.per_ip, 5u);
  EXPECT_EQ(c.clients.auth_limits.per_account, 0u);
  EXPECT_EQ(c.clients.auth_limits.window_ms, 60 * kMinute);
  DaemonConfig bad;
  Status s = parse("auth_failures_per_ip: -1\n", bad);
  ASSERT_FALSE(s);
  EXPECT_TRUE(has(s.message(), "m.yaml:3:23: auth_failures_per_ip")) << s.message();
}

}  // namespace
}  // namespace hamail::mailsvc::daemon
