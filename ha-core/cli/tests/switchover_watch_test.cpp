#include "hamail/hacore/cli/switchover_watch.h"

#include <gtest/gtest.h>

namespace hamail::hactl {
namespace {

using nlohmann::json;

const json kAccepted = {{"ok", true}, {"id", 123}, {"group", "mail"}, {"to", "node2"}};
constexpr std::int64_t kSent = 1000;

json ev(const std::string& name, json fields, std::int64_t ts_ms = 2000) {
  fields["event"] = name;
  fields["ts_ms"] = ts_ms;
  fields["ts"] = "T";
  return fields;
}

TEST(SwitchoverWatch, PhasesThenEnd) {
  SwitchoverWatch w(kAccepted, kSent);
  EXPECT_EQ(w.accepted_line(60000), "switchover of mail to node2 accepted (id 123), waiting up to 60.00 s");
  auto b = w.on_event(ev("switchover_begin", {{"id", 123}, {"group", "mail"}, {"from", "node1"}, {"to", "node2"}}));
  EXPECT_EQ(b.out, std::vector<std::string>{"moving mail from node1 to node2"});
  auto p = w.on_event(ev("switchover_phase", {{"group", "mail"}, {"phase", "stop smtpd on node1"}, {"ok", true},
                                              {"elapsed_ms", 120}}));
  EXPECT_EQ(p.out, std::vector<std::string>{"  stop smtpd on node1 ... ok (0.12 s)"});
  EXPECT_FALSE(p.exit);
  auto e = w.on_event(ev("switchover_end", {{"id", 123}, {"group", "mail"}, {"to", "node2"}, {"duration_ms", 1234}}));
  EXPECT_EQ(e.out, std::vector<std::string>{"switched over mail to node2 in 1.23 s"});
  EXPECT_EQ(e.exit, 0);
}

TEST(SwitchoverWatch, IgnoresOtherSwitchoversAndGroups) {
  SwitchoverWatch w(kAccepted, kSent);
  EXPECT_FALSE(w.on_event(ev("switchover_end", {{"id", 99}, {"group", "mail"}})).exit);
  EXPECT_FALSE(w.on_event(ev("switchover_failed", {{"id", 99}, {"group", "mail"}})).exit);
  EXPECT_TRUE(w.on_event(ev("switchover_phase", {{"group", "web"}, {"phase", "x"}, {"ok", true}})).out.empty());
  // a phase from before our request (an earlier switchover's tail in the history)
  EXPECT_TRUE(w.on_event(ev("switchover_phase", {{"group", "mail"}, {"phase", "x"}, {"ok", true}}, 500)).out.empty());
  EXPECT_TRUE(w.on_event(ev("failover_end", {{"group", "mail"}})).out.empty());
}

TEST(SwitchoverWatch, Failure) {
  SwitchoverWatch w(kAccepted, kSent);
  auto p = w.on_event(ev("switchover_phase", {{"group", "mail"}, {"phase", "start vip on node2"}, {"ok", false},
                                              {"elapsed_ms", 2000}}));
  EXPECT_EQ(p.out, std::vector<std::string>{"  start vip on node2 ... FAILED (2.00 s)"});
  auto f = w.on_event(ev("switchover_failed", {{"id", 123}, {"group", "mail"}, {"reason", "vip failed to start on node2"}}));
  EXPECT_EQ(f.exit, 1);
  EXPECT_EQ(f.error, "switchover of mail to node2 failed: vip failed to start on node2 (see hactl status)");
}

TEST(SwitchoverWatch, ARefusalIsPrintedAsTheSchedulerWroteIt) {
  SwitchoverWatch w(kAccepted, kSent);
  auto f = w.on_event(ev("switchover_failed", {{"id", 123}, {"group", "mail"},
                                               {"reason", "switchover of mail to node2 refused: volume r0 is outdated "
                                                          "on node2; mail stays on node1"}}));
  EXPECT_EQ(f.exit, 1);
  EXPECT_EQ(f.error, "switchover of mail to node2 refused: volume r0 is outdated on node2; mail stays on node1 "
                     "(see hactl status)");
}

TEST(SwitchoverWatch, TimeoutSaysTheGroupMayStillMove) {
  SwitchoverWatch w(kAccepted, kSent);
  EXPECT_EQ(w.timeout_message(500),
            "no end of the switchover of mail to node2 after 0.50 s: the group may still be moving "
            "(watch it with hactl status or hactl events --follow)");
}

}  // namespace
}  // namespace hamail::hactl
