// switch_history and fencing_from_events over `hactl events --json` lines: a failover, a
// failed switchover with its phases, one still running, bounds, a begin older than the history.
#include <gtest/gtest.h>

#include "fixtures.h"
#include "hamail/mailsvc/dashboard/event_history.h"

namespace hamail::mailsvc::dashboard {
namespace {

using nlohmann::json;

TEST(EventHistory, NewestFirstWithPhases) {
  json h = switch_history(testing::fixture_events());
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0]["kind"], "switchover");
  EXPECT_EQ(h[0]["id"], 8);
  EXPECT_EQ(h[0]["result"], "running");
  EXPECT_EQ(h[0]["phases"].size(), 1u);
  EXPECT_EQ(h[1]["id"], 7);
  EXPECT_EQ(h[1]["result"], "failed");
  EXPECT_EQ(h[1]["reason"], "start smtpd on node2 failed");
  EXPECT_EQ(h[1]["from"], "node1");
  EXPECT_EQ(h[1]["to"], "node2");
  ASSERT_EQ(h[1]["phases"].size(), 2u);
  EXPECT_EQ(h[1]["phases"][1]["ok"], false);
  EXPECT_EQ(h[1]["ended"], "2026-11-26T14:05:03.000Z");
  EXPECT_EQ(h[2]["kind"], "failover");
  EXPECT_EQ(h[2]["result"], "done");
  EXPECT_EQ(h[2]["from"], "node3");
  EXPECT_EQ(h[2]["to"], "node1");
  EXPECT_EQ(h[2]["duration_ms"], 4000);
}

TEST(EventHistory, EndWithoutBeginStillListed) {
  json h = switch_history({json{{"event", "switchover_end"}, {"id", 3}, {"group", "web"}, {"ts", "t"}, {"to", "n2"}}});
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["result"], "done");
  EXPECT_EQ(h[0]["group"], "web");
}

TEST(EventHistory, RecoveryInPlaceAndOneEndedByANodeLoss) {
  json h = switch_history({
      json{{"event", "recovery_begin"}, {"ts", "t1"}, {"group", "mail"}, {"from", "node1"}, {"resource", "smtpd"},
           {"reason", "smtpd monitor failed on node1"}},
      json{{"event", "recovery_end"}, {"ts", "t2"}, {"group", "mail"}, {"from", "node1"}, {"to", "node1"},
           {"duration_ms", 900}},
      json{{"event", "recovery_begin"}, {"ts", "t3"}, {"group", "mail"}, {"from", "node1"}, {"resource", "vip"}},
      json{{"event", "failover_begin"}, {"ts", "t4"}, {"group", "mail"}, {"from", "node1"}},
      json{{"event", "failover_end"}, {"ts", "t5"}, {"group", "mail"}, {"from", "node1"}, {"to", "node2"}},
  });
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0]["kind"], "failover");
  EXPECT_EQ(h[0]["result"], "done");
  EXPECT_EQ(h[0]["started"], "t4");
  EXPECT_EQ(h[1]["kind"], "recovery");
  EXPECT_EQ(h[1]["result"], "superseded");
  EXPECT_EQ(h[1]["ended"], "t4");
  EXPECT_EQ(h[2]["kind"], "recovery");
  EXPECT_EQ(h[2]["result"], "done");
  EXPECT_EQ(h[2]["resource"], "smtpd");
  EXPECT_EQ(h[2]["to"], "node1");
  EXPECT_EQ(h[2]["duration_ms"], 900);
}

TEST(EventHistory, Bounded) {
  std::vector<json> events;
  for (int i = 0; i < 200; ++i) {
    events.push_back({{"event", "switchover_begin"}, {"id", i}, {"group", "g"}});
    for (int p = 0; p < 100; ++p) events.push_back({{"event", "switchover_phase"}, {"id", i}, {"phase", "x"}, {"ok", true}});
  }
  json h = switch_history(events);
  EXPECT_EQ(h.size(), kMaxHistory);
  EXPECT_EQ(h[0]["id"], 199);
  EXPECT_LE(h[0]["phases"].size(), 64u);
}

TEST(EventHistory, FencingDevicesOnceEach) {
  json f = fencing_from_events(testing::fixture_events());
  EXPECT_EQ(f["devices"], (json{"fence_lab", "fence_ipmilan"}));
  EXPECT_EQ(f["last_result"]["ok"], false);
  EXPECT_EQ(f["last_result"]["reason"], "timed out");
  EXPECT_TRUE(fencing_from_events({})["last_result"].is_null());
}

}  // namespace
}  // namespace hamail::mailsvc::dashboard
