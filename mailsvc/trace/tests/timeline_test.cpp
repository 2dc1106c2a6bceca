#include "hamail/mailsvc/trace/timeline.h"

#include <gtest/gtest.h>

#include "hamail/mailsvc/trace/access_rule.h"
#include "hamail/mailsvc/trace/trace_query.h"

namespace hamail::mailsvc::trace {
namespace {

TEST(Timeline, OrdersByTimeThenStepThenIngestion) {
  std::vector<TimelineEntry> t{
      {"2026-12-05T10:00:01.000Z", "node2", EventKind::retrieved, "b@y", "", "", 1},
      {"2026-12-05T10:00:00.500Z", "node1", EventKind::delivered, "b@y", "", "", 9},
      {"2026-12-05T10:00:00.500Z", "node1", EventKind::received, "", "", "", 10},
      {"2026-12-05T10:00:00.500Z", "node1", EventKind::deferred, "c@z", "", "", 8},
  };
  order_timeline(t);
  EXPECT_EQ(t[0].kind, EventKind::received);
  EXPECT_EQ(t[1].kind, EventKind::deferred);
  EXPECT_EQ(t[2].kind, EventKind::delivered);
  EXPECT_EQ(t[3].kind, EventKind::retrieved);
}

TEST(Timeline, StatusFromRecipientStates) {
  EXPECT_EQ(message_status({}), "queued");
  EXPECT_EQ(message_status({"delivered", "delivered"}), "delivered");
  EXPECT_EQ(message_status({"delivered", "deferred"}), "deferred");
  EXPECT_EQ(message_status({"bounced"}), "bounced");
  EXPECT_EQ(message_status({"expired", "failed"}), "bounced");
  EXPECT_EQ(message_status({"delivered", "bounced"}), "partly_bounced");
}

TEST(Timeline, FormatShowsEachStepWithNodeAndDetails) {
  MessageTrace m{"Q1", "<m@x>", "a@x", "", "delivered", "", {"b@y"}, {}};
  m.timeline.push_back({"2026-12-05T10:00:00.500Z", "node1", EventKind::received, "", "queued", "client=1.2.3.4", 1});
  m.timeline.push_back({"2026-12-05T10:00:00.600Z", "node2", EventKind::retrieved, "b@y", "", "uidl=1.1", 2});
  std::string s = format_trace(m);
  EXPECT_NE(s.find("queue_id Q1  message_id <m@x>  status delivered"), std::string::npos) << s;
  EXPECT_NE(s.find("2026-12-05T10:00:00.500Z  node1  received  client=1.2.3.4"), std::string::npos) << s;
  EXPECT_NE(s.find("node2  retrieved  <b@y>  uidl=1.1"), std::string::npos) << s;
}

TEST(AccessRule, UserSeesOnlyMailToOrFromThemAdminSeesAll) {
  std::vector<std::string> to{"bob@example.org", "carol@example.org"};
  EXPECT_TRUE(may_see(Viewer::user("Alice@Example.org"), "alice@example.org", to));
  EXPECT_TRUE(may_see(Viewer::user("carol@example.org"), "alice@example.org", to));
  EXPECT_FALSE(may_see(Viewer::user("mallory@example.org"), "alice@example.org", to));
  EXPECT_FALSE(may_see(Viewer::user(""), "", to));  // the null sender is nobody's address
  EXPECT_TRUE(may_see(Viewer::administrator(), "alice@example.org", to));
}

TEST(TraceQuery, TimePrefixesAndStatuses) {
  for (const char* ok : {"2026-12-05", "2026-12-05T10", "2026-12-05T10:07", "2026-12-05T10:07:59"})
    EXPECT_TRUE(check_time_prefix(ok)) << ok;
  for (const char* bad : {"", "2026-12-5", "2026-12-05 10:00", "yesterday", "2026-12-05T10:0"})
    EXPECT_FALSE(check_time_prefix(bad)) << bad;
  EXPECT_TRUE(known_status("partly_bounced"));
  EXPECT_FALSE(known_status("lost"));
}

}  // namespace
}  // namespace hamail::mailsvc::trace
