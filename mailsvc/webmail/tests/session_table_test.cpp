// SessionTable: ids and tokens from the random bytes, find restarts the idle time, idle
// and absolute expiry, logout, the per-user and total bounds, a repeated id refused.
#include <gtest/gtest.h>

#include "hamail/mailsvc/webmail/session_table.h"

namespace hamail::mailsvc::webmail {
namespace {

SecretBytes bytes(std::uint8_t seed) {
  SecretBytes b{};
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(seed + i);
  return b;
}

SessionLimits small() {
  SessionLimits l;
  l.max_sessions = 3;
  l.max_per_user = 2;
  l.idle_timeout_ms = 1000;
  l.max_lifetime_ms = 5000;
  return l;
}

TEST(SessionTable, OpenAndFind) {
  SessionTable t(small());
  auto s = t.open("alice@example.org", bytes(1), bytes(100), 0);
  ASSERT_TRUE(s.is_ok()) << s.error();
  EXPECT_EQ(s->id, hex_token(bytes(1)));
  EXPECT_EQ(s->csrf_token, hex_token(bytes(100)));
  EXPECT_NE(s->id, s->csrf_token);
  const WebSession* found = t.find(s->id, 10);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->user, "alice@example.org");
  EXPECT_EQ(found->last_used_ms, 10);
  EXPECT_EQ(t.find("nope", 10), nullptr);
  EXPECT_EQ(t.find("", 10), nullptr);
}

TEST(SessionTable, IdleTimeoutRestartsOnUse) {
  SessionTable t(small());
  std::string id = t.open("alice", bytes(1), bytes(100), 0)->id;
  ASSERT_NE(t.find(id, 900), nullptr);
  ASSERT_NE(t.find(id, 1800), nullptr);  // 900 ms idle
  EXPECT_EQ(t.find(id, 2800), nullptr);  // 1000 ms idle: gone
  EXPECT_EQ(t.size(), 0u);
}

TEST(SessionTable, AbsoluteLifetimeEvenWhenBusy) {
  SessionTable t(small());
  std::string id = t.open("alice", bytes(1), bytes(100), 0)->id;
  for (std::int64_t now = 500; now < 5000; now += 500) ASSERT_NE(t.find(id, now), nullptr) << now;
  EXPECT_EQ(t.find(id, 5000), nullptr);
}

TEST(SessionTable, LogoutAndCloseUser) {
  SessionTable t(small());
  std::string a = t.open("alice", bytes(1), bytes(100), 0)->id;
  std::string b = t.open("bob", bytes(2), bytes(101), 0)->id;
  EXPECT_TRUE(t.close(a));
  EXPECT_FALSE(t.close(a));
  EXPECT_EQ(t.find(a, 1), nullptr);
  EXPECT_EQ(t.close_user("bob"), 1u);
  EXPECT_EQ(t.find(b, 1), nullptr);
}

TEST(SessionTable, PerUserBoundClosesTheOldest) {
  SessionTable t(small());
  std::string first = t.open("alice", bytes(1), bytes(100), 0)->id;
  std::string second = t.open("alice", bytes(2), bytes(101), 10)->id;
  std::string third = t.open("alice", bytes(3), bytes(102), 20)->id;
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.find(first, 30), nullptr);
  EXPECT_NE(t.find(second, 30), nullptr);
  EXPECT_NE(t.find(third, 30), nullptr);
}

TEST(SessionTable, FullOfLiveSessionsRefusesThenExpiredMakeRoom) {
  SessionTable t(small());
  ASSERT_TRUE(t.open("a", bytes(1), bytes(100), 0).is_ok());
  ASSERT_TRUE(t.open("b", bytes(2), bytes(101), 0).is_ok());
  ASSERT_TRUE(t.open("c", bytes(3), bytes(102), 0).is_ok());
  auto refused = t.open("d", bytes(4), bytes(103), 500);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.error().find("too many"), std::string::npos);
  EXPECT_TRUE(t.open("d", bytes(4), bytes(103), 1000).is_ok());  // the others idled out
  EXPECT_EQ(t.size(), 1u);
}

TEST(SessionTable, RepeatedIdRefused) {
  SessionTable t(small());
  ASSERT_TRUE(t.open("a", bytes(1), bytes(100), 0).is_ok());
  EXPECT_FALSE(t.open("b", bytes(1), bytes(101), 0).is_ok());
  EXPECT_FALSE(t.open("b", bytes(7), bytes(7), 0).is_ok());  // id == token
}

}  // namespace
}  // namespace hamail::mailsvc::webmail
