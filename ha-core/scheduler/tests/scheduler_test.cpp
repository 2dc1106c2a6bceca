#include <gtest/gtest.h>

#include "hamail/hacore/scheduler/scenario_file.h"
#include "hamail/hacore/scheduler/scheduler.h"
#include "hamail/hacore/scheduler/transition_text.h"
#include "test_cluster.h"

namespace hamail::scheduler {
namespace {

using testing_support::scenario_with_state;

Scenario load(const std::string& state_yaml) {
  auto sc = parse_scenario(scenario_with_state(state_yaml), "t.yaml");
  EXPECT_TRUE(sc.is_ok()) << sc.error();
  return sc.is_ok() ? *sc : Scenario{};
}

TEST(SchedulerTest, RefusesAStateMissingAConfiguredNode) {
  Scenario sc = load("  nodes: {node1: online, node2: online}\n");
  sc.state.nodes.erase("node2");
  auto t = schedule(sc.config, sc.state);
  ASSERT_FALSE(t.is_ok());
  EXPECT_EQ(t.error(), "the state has no entry for node 'node2'");
}

TEST(SchedulerTest, RefusesASwitchoverToAnUnknownNode) {
  Scenario sc = load("  nodes: {node1: online, node2: online}\n");
  sc.state.switchover = SwitchoverRequest{"mail", "node3"};
  auto t = schedule(sc.config, sc.state);
  ASSERT_FALSE(t.is_ok());
  EXPECT_EQ(t.error(), "the switchover request names node 'node3', which is not configured");
}

TEST(SchedulerTest, StartsMembersInOrderAndPromotesRightAfterStart) {
  Scenario sc = load("  nodes: {node1: online, node2: online}\n");
  auto t = schedule(sc.config, sc.state);
  ASSERT_TRUE(t.is_ok());
  std::vector<std::string> steps;
  for (const auto& a : t->actions) steps.push_back(a.node + " " + to_string(a.kind) + " " + a.resource);
  EXPECT_EQ(steps, (std::vector<std::string>{"node1 start mail-vip", "node1 start mail-volume",
                                             "node1 promote mail-volume", "node1 start mail-fs",
                                             "node1 start smtpd"}));
}

TEST(SchedulerTest, SettledClusterNeedsNothing) {
  Scenario sc = load(R"(  nodes: {node1: online, node2: online}
  resources:
    node1: {mail-vip: started, mail-volume: promoted, mail-fs: started, smtpd: started}
)");
  auto t = schedule(sc.config, sc.state);
  ASSERT_TRUE(t.is_ok());
  EXPECT_TRUE(t->actions.empty()) << render_transition(*t);
}

TEST(SchedulerTest, ExpiredFailuresNoLongerBanANode) {
  Scenario sc = load(R"(  now: 30m
  nodes: {node1: online, node2: online}
  resources:
    node1: {mail-vip: started, mail-volume: promoted, mail-fs: started, smtpd: started}
  failures:
    - {resource: smtpd, node: node1, count: 5, last: 10m}
)");
  auto banned = schedule(sc.config, sc.state);
  ASSERT_TRUE(banned.is_ok());
  EXPECT_FALSE(banned->actions.empty()) << "failures never expire by default";

  sc.config.defaults.failure_timeout = std::chrono::minutes(20);
  auto t = schedule(sc.config, sc.state);
  ASSERT_TRUE(t.is_ok());
  EXPECT_TRUE(t->actions.empty()) << render_transition(*t);
}

TEST(SchedulerTest, MigrationThresholdZeroAlwaysRecoversInPlace) {
  Scenario sc = load(R"(  nodes: {node1: online, node2: online}
  resources:
    node1: {mail-vip: started, mail-volume: promoted, mail-fs: started, smtpd: failed}
  failures:
    - {resource: smtpd, node: node1, count: 50, last: 0s}
)");
  sc.config.defaults.migration_threshold = 0;
  auto t = schedule(sc.config, sc.state);
  ASSERT_TRUE(t.is_ok());
  ASSERT_EQ(t->actions.size(), 2u) << render_transition(*t);
  EXPECT_EQ(t->actions[0].kind, ActionKind::stop);
  EXPECT_EQ(t->actions[1].kind, ActionKind::start);
  EXPECT_EQ(t->actions[1].node, "node1");
}

TEST(SchedulerTest, AnOperatorFenceRequestFencesTheNodeFirstAndMovesItsGroup) {
  Scenario sc = load(R"(  nodes: {node1: online, node2: online}
  resources:
    node2: {mail-vip: started, mail-volume: promoted, mail-fs: started, smtpd: started}
)");
  sc.state.fence_requests = {"node2"};
  auto t = schedule(sc.config, sc.state);
  ASSERT_TRUE(t.is_ok()) << t.error();
  ASSERT_FALSE(t->actions.empty());
  EXPECT_EQ(t->actions[0].kind, ActionKind::fence);
  EXPECT_EQ(t->actions[0].node, "node2");
  EXPECT_NE(t->actions[0].reason.find("an operator asked to fence node2"), std::string::npos);
  for (std::size_t i = 1; i < t->actions.size(); ++i) EXPECT_EQ(t->actions[i].node, "node1") << render_transition(*t);
}

TEST(SchedulerTest, NoOperatorFenceWithoutQuorum) {
  Scenario sc = load("  nodes: {node1: online, node2: online}\n");
  sc.state.quorate = false;
  sc.state.fence_requests = {"node2"};
  auto t = schedule(sc.config, sc.state);
  ASSERT_TRUE(t.is_ok());
  for (const auto& a : t->actions) EXPECT_NE(a.kind, ActionKind::fence);
}

TEST(SchedulerTest, AnOutdatedVolumeKeepsItsGroupOffThatNode) {
  Scenario sc = load("  nodes: {node1: online, node2: online}\n");
  sc.config.groups[0].resources[1].params["volume"] = "r0";
  sc.state.outdated_volumes = {{"r0", "node1"}};
  auto t = schedule(sc.config, sc.state);
  ASSERT_TRUE(t.is_ok());
  ASSERT_FALSE(t->actions.empty());
  for (const auto& a : t->actions) EXPECT_EQ(a.node, "node2") << render_transition(*t);
  EXPECT_NE(render_transition(*t).find("volume r0 is outdated on node1"), std::string::npos) << render_transition(*t);
  sc.state.outdated_volumes = {{"r0", "node3"}};
  EXPECT_FALSE(schedule(sc.config, sc.state).is_ok());
}

}  // namespace
}  // namespace hamail::scheduler
