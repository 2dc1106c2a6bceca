#include "hamail/hacore/cli/event_text.h"

#include <gtest/gtest.h>

namespace hamail::hactl {
namespace {

using nlohmann::json;

TEST(EventText, FailoverEnd) {
  json ev = json::parse(R"({"ts":"2026-11-26T14:08:51.123Z","ts_ms":1764166131123,"event":"failover_end",
                            "group":"mail","from":"node1","to":"node2","duration_ms":2315})");
  EXPECT_EQ(event_line(ev), "2026-11-26T14:08:51.123Z failover_end group=mail from=node1 to=node2 duration_ms=2315");
}

TEST(EventText, QuotesValuesWithSpacesAndDropsEmptyOnes) {
  json ev = {{"ts", "T"}, {"ts_ms", 1}, {"event", "resource_failed"}, {"node", "node1"}, {"resource", "smtpd"},
             {"op", "monitor"}, {"rc", 7}, {"reason", "not running (exit code 7)"}, {"by", ""}};
  EXPECT_EQ(event_line(ev), "T resource_failed node=node1 resource=smtpd op=monitor rc=7 reason=\"not running (exit code 7)\"");
}

TEST(EventText, SwitchoverPhaseAndActionResult) {
  json ph = {{"ts", "T"}, {"event", "switchover_phase"}, {"group", "mail"}, {"phase", "stop smtpd on node1"},
             {"ok", true}, {"elapsed_ms", 120}};
  EXPECT_EQ(event_line(ph), "T switchover_phase group=mail phase=\"stop smtpd on node1\" ok=true elapsed_ms=120");
  json ar = {{"ts", "T"}, {"event", "action_result"}, {"node", "node2"}, {"resource", "vip"}, {"action", "start"},
             {"ok", false}, {"rc", 1}, {"duration_ms", 30}, {"reason", "timed out"}};
  EXPECT_EQ(event_line(ar), "T action_result node=node2 resource=vip action=start ok=false rc=1 duration_ms=30 reason=\"timed out\"");
}

TEST(EventText, TransitionStartedListsItsActions) {
  json ev = {{"ts", "T"}, {"event", "transition_started"}, {"id", 4},
             {"actions", {{{"node", "node1"}, {"resource", "vip"}, {"kind", "start"}, {"reason", "x"}},
                          {{"node", "node1"}, {"resource", "smtpd"}, {"kind", "start"}}}}};
  EXPECT_EQ(event_line(ev), "T transition_started id=4 actions=\"start vip on node1, start smtpd on node1\"");
}

TEST(EventText, OtherStructuredValuesAsQuotedJson) {
  json ev = {{"ts", "T"}, {"event", "node_lost"}, {"node", "node2"}, {"members", {"node1"}}};
  EXPECT_EQ(event_line(ev), "T node_lost node=node2 members=\"[\\\"node1\\\"]\"");
  EXPECT_EQ(event_line(json{{"event", "quorum_gained"}}), "- quorum_gained");
}

}  // namespace
}  // namespace hamail::hactl
