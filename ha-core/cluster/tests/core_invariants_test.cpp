// The invariants ClusterCore states in code: each holds in every scenario of the other
// tests (they would abort them) and aborts, naming itself, when broken.
#include <gtest/gtest.h>

#include "core_invariants.h"

namespace hamail::cluster {
namespace {

using scheduler::ActionKind;
using scheduler::NodeStatus;
using scheduler::ResourceStatus;

SharedState vip_on(const std::string& node, NodeStatus status) {
  SharedState s;
  s.nodes["node1"].status = NodeStatus::online;
  s.nodes["node2"].status = status;
  s.resources[{"vip", node}] = ResourceStatus::started;
  return s;
}

TEST(CoreInvariants, AStartWhereNothingElseRunsItIsSafe) {
  SharedState s = vip_on("node1", NodeStatus::online);
  check_start_is_safe(s, {"node1", "vip", ActionKind::start, ""}, true);   // already there
  check_start_is_safe(s, {"node2", "smtpd", ActionKind::start, ""}, true);  // another resource
  check_start_is_safe(s, {"node2", "vip", ActionKind::stop, ""}, true);     // not a start
  // Lost without a fence and stonith disabled: the scheduler's loud, configured assumption.
  check_start_is_safe(vip_on("node2", NodeStatus::unclean), {"node1", "vip", ActionKind::start, ""}, false);
  check_start_is_safe(vip_on("node2", NodeStatus::offline), {"node1", "vip", ActionKind::promote, ""}, true);
}

TEST(CoreInvariantsDeathTest, AStartWhileActiveOnAnotherNodeAborts) {
  EXPECT_DEATH(check_start_is_safe(vip_on("node2", NodeStatus::online), {"node1", "vip", ActionKind::start, ""}, true),
               "invariant_broken.*DC requests start of vip on node1 while it is active on node2");
  EXPECT_DEATH(check_start_is_safe(vip_on("node2", NodeStatus::unclean), {"node1", "vip", ActionKind::promote, ""}, true),
               "invariant_broken.*promote of vip on node1 while it is active on node2");
}

TEST(CoreInvariantsDeathTest, AnActionIndexPastTheTransitionAborts) {
  RunningTransition t;
  t.id = 4;
  t.actions.resize(2);
  t.next = 1;
  check_action_index(t);
  t.next = 2;
  EXPECT_DEATH(check_action_index(t), "invariant_broken.*transition 4 at action 2 of 2");
}

TEST(CoreInvariantsDeathTest, OnlyAnUnfrozenDcStartsTransitions) {
  check_may_start_transition(true, false);
  EXPECT_DEATH(check_may_start_transition(false, false), "only the DC broadcasts transition_start");
  EXPECT_DEATH(check_may_start_transition(true, true), "a frozen node .* schedules nothing");
}

TEST(CoreInvariantsDeathTest, AFrozenNodeRunsNoAgentAction) {
  check_may_run_locally(false);
  EXPECT_DEATH(check_may_run_locally(true), "a frozen node .* starts nothing");
}

}  // namespace
}  // namespace hamail::cluster
