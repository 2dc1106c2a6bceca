// Two ClusterCores joined by a simulated CPG (one agreed order for every message and
// membership change) and simulated agents that record what really runs where.
#include <gtest/gtest.h>

#include "core_sim.h"
#include "hamail/hacore/cluster/connectivity.h"

namespace hamail::cluster {
namespace {

using coresim::Sim;

TEST_F(Sim, BothNodesStartingAtOnceStartTheGroupOnceOnThePreferredNode) {
  membership({"node1", "node2"});
  settle();
  EXPECT_EQ(running_on("node1"), (std::set<std::string>{"vip", "vol", "smtpd"}));
  EXPECT_TRUE(running_on("node2").empty());
  EXPECT_EQ(truth_[std::make_pair(std::string("vol"), std::string("node1"))], 8);  // promoted
  EXPECT_TRUE(cores_["node1"]->is_dc());
  EXPECT_FALSE(cores_["node2"]->is_dc());
  EXPECT_EQ(monitors_["node1"].size(), 3u);
  // Both nodes agree on the state and on the event history.
  EXPECT_EQ(cores_["node1"]->state().resources, cores_["node2"]->state().resources);
  EXPECT_TRUE(has_event("node2", "transition_finished"));
  EXPECT_EQ(cores_["node2"]->status()["groups"][0]["node"], "node1");
}

TEST_F(Sim, SwitchoverMovesTheGroupAndReportsPhases) {
  membership({"node1", "node2"});
  settle();
  ASSERT_TRUE(command("node2", {{"cmd", "switchover"}}));
  settle();
  EXPECT_TRUE(running_on("node1").empty());
  EXPECT_EQ(running_on("node2"), (std::set<std::string>{"vip", "vol", "smtpd"}));
  json end = last_event("node1", "switchover_end");
  ASSERT_FALSE(end.is_null());
  EXPECT_EQ(end["to"], "node2");
  EXPECT_TRUE(has_event("node2", "switchover_phase"));
  // No standing constraint (auto_failback is false): the request is gone.
  EXPECT_FALSE(cores_["node1"]->state().switchover.has_value());
  // Nothing else moves afterwards.
  settle();
  EXPECT_EQ(running_on("node2").size(), 3u);
}

TEST_F(Sim, SwitchoverToAStandbyNodeIsRefusedAndNothingMoves) {
  membership({"node1", "node2"});
  settle();
  ASSERT_TRUE(command("node1", {{"cmd", "standby"}, {"node", "node2"}}));
  settle();
  Status st = command("node1", {{"cmd", "switchover"}, {"to", "node2"}});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "cannot switch over to node2: it is in standby (hactl unstandby node2)");
  EXPECT_EQ(running_on("node1").size(), 3u);
}

TEST_F(Sim, NodeLossFailsOverWithATimedFailover) {
  membership({"node1", "node2"});
  settle();
  std::int64_t lost_at = mono_;
  lose("node1");  // powered off: its agents are gone with it
  settle();
  EXPECT_TRUE(cores_["node2"]->is_dc());
  EXPECT_EQ(running_on("node2"), (std::set<std::string>{"vip", "vol", "smtpd"}));
  json end = last_event("node2", "failover_end");
  ASSERT_FALSE(end.is_null());
  EXPECT_EQ(end["from"], "node1");
  EXPECT_EQ(end["to"], "node2");
  EXPECT_GT(end["duration_ms"].get<std::int64_t>(), 0);
  EXPECT_LT(end["duration_ms"].get<std::int64_t>(), mono_ - lost_at + 1);
  EXPECT_TRUE(has_event("node2", "node_lost"));
  // stonith disabled: the scheduler says so loudly.
  bool warned = false;
  for (auto& e : events_["node2"])
    if (e["event"] == "scheduler_note" && e["note"].get<std::string>().find("WARNING") != std::string::npos) warned = true;
  EXPECT_TRUE(warned);
}

// The split-brain suite's freeze-active under ASan: node2 was taking the group over, its
// filesystem start still running, when node1 (lower id) came back and became DC; the new DC
// knew nothing of that action, took node2's probe ("possibly active") as running and started
// smtpd on the mount point before the mount. An action in flight on a member holds every plan.
TEST_F(Sim, ANewDcWaitsForAnActionStillRunningOnAMember) {
  membership({"node1", "node2"});
  settle();
  lose("node1");
  // node2 takes the group over; hold its promote of vol (a slow agent) when it is asked for.
  std::optional<Pending> held;
  for (int i = 0; i < 2000 && !held; ++i)
    held = step([](const Pending& p) { return p.resource == "vol" && p.action.kind == scheduler::ActionKind::promote; });
  ASSERT_TRUE(held) << "node2 never promoted vol";
  // node1's hacored starts afresh (a rebooted node) and joins: the lower id, so the DC.
  cores_["node1"] = std::make_unique<ClusterCore>(cfg_, "node1");
  membership({"node1", "node2"});
  settle();
  EXPECT_TRUE(cores_["node1"]->is_dc());
  EXPECT_EQ(running_on("node2"), (std::set<std::string>{"vip", "vol"})) << "nothing else until the promote ends";
  EXPECT_TRUE(running_on("node1").empty());
  EXPECT_EQ(cores_["node1"]->state().in_flight.size(), 1u);
  // The promote ends: the plan goes on from what it left.
  run_pending(*held);
  settle();
  EXPECT_TRUE(cores_["node1"]->state().in_flight.empty());
  EXPECT_EQ(running_on("node1").size() + running_on("node2").size(), 3u) << "the group runs, once";
  EXPECT_TRUE(double_starts_.empty()) << double_starts_.front();
}

TEST_F(Sim, ARestartedLowerIdNodeLearnsTheClusterHistoryInsteadOfWipingIt) {
  membership({"node1", "node2"});
  settle();
  ASSERT_TRUE(command("node1", {{"cmd", "switchover"}}));
  settle();
  ASSERT_TRUE(command("node2", {{"cmd", "standby"}, {"node", "node1"}}));
  settle();
  // node1 (the lowest id, so the DC once back) crashes and restarts with an empty state.
  lose("node1");
  settle();
  cores_["node1"] = std::make_unique<ClusterCore>(cfg_, "node1");
  membership({"node1", "node2"});
  settle();
  EXPECT_TRUE(cores_["node1"]->is_dc());
  EXPECT_TRUE(cores_["node1"]->state().nodes.at("node1").standby) << "operator flag lost";
  bool has_switchover = false;
  for (const auto& e : cores_["node1"]->state().events)
    if (e["event"] == "switchover_end") has_switchover = true;
  EXPECT_TRUE(has_switchover) << "the restarted node did not get the cluster's history";
  EXPECT_EQ(running_on("node2").size(), 3u);
  EXPECT_TRUE(running_on("node1").empty());
}

TEST_F(Sim, MonitorFailureRestartsInPlaceThenMovesAtTheThreshold) {
  membership({"node1", "node2"});
  settle();
  for (int i = 1; i <= 3; ++i) {
    Effects fx;
    cores_["node1"]->on_monitor_result("smtpd", 7, "not running", now("node1"), fx);
    handle("node1", fx);
    settle();
    if (i < 3) {
      EXPECT_EQ(running_on("node1").size(), 3u) << "failure " << i << ": restarted in place";
    }
  }
  EXPECT_TRUE(running_on("node1").empty()) << "moved after 3 failures";
  EXPECT_EQ(running_on("node2").size(), 3u);
  EXPECT_EQ(cores_["node2"]->status()["groups"][0]["resources"][2]["fail_counts"]["node1"], 3);
  // Cleanup forgets the failures.
  ASSERT_TRUE(command("node2", {{"cmd", "cleanup"}, {"resource", "smtpd"}}));
  settle();
  EXPECT_FALSE(cores_["node2"]->status()["groups"][0]["resources"][2].contains("fail_counts"));
}

// A failure of the running group is a recovery, begun and ended in the history (the
// dashboard showed an end without a begin); a start that fails while the group is first
// being started is no recovery.
TEST_F(Sim, AMonitorFailureIsARecoveryWithABeginAndAnEndAFailedFirstStartIsNot) {
  fail_next_.insert({"smtpd", "node1"});
  membership({"node1", "node2"});
  settle();
  mono_ += 2000;  // past the retry backoff
  settle();
  ASSERT_EQ(running_on("node1").size(), 3u);
  EXPECT_TRUE(has_event("node2", "resource_failed"));
  EXPECT_FALSE(has_event("node2", "recovery_begin")) << "the group was not running yet";
  EXPECT_FALSE(has_event("node2", "recovery_end"));
  EXPECT_FALSE(has_event("node2", "failover_end"));
  Effects fx;
  cores_["node1"]->on_monitor_result("smtpd", 7, "not running", now("node1"), fx);
  handle("node1", fx);
  settle();
  json begin = last_event("node2", "recovery_begin");
  ASSERT_FALSE(begin.is_null());
  EXPECT_EQ(begin["from"], "node1");
  EXPECT_EQ(begin["resource"], "smtpd");
  EXPECT_EQ(begin["reason"], "smtpd monitor failed on node1");
  json end = last_event("node2", "recovery_end");
  ASSERT_FALSE(end.is_null());
  EXPECT_EQ(end["to"], "node1");
  EXPECT_FALSE(has_event("node2", "failover_begin"));
  EXPECT_FALSE(has_event("node2", "failover_end"));
}

// node1 restarted; node2, which runs the group, is lost before its report reached node1:
// node1 cannot know what it ran, and the group it then starts is a failover, begun and ended.
TEST_F(Sim, APeerLostBeforeItsReportStillFailsOverWithABegin) {
  membership({"node1", "node2"});
  settle();
  ASSERT_TRUE(command("node1", {{"cmd", "switchover"}}));
  settle();
  ASSERT_EQ(running_on("node2").size(), 3u);
  lose("node1");
  settle();
  cores_["node1"] = std::make_unique<ClusterCore>(cfg_, "node1");
  events_["node1"].clear();
  membership({"node1", "node2"});
  lose("node2");  // before node2's probe_done
  settle();
  EXPECT_EQ(running_on("node1").size(), 3u);
  json begin = last_event("node1", "failover_begin");
  ASSERT_FALSE(begin.is_null()) << "no failover_begin on node1";
  EXPECT_EQ(begin["from"], "node2");
  EXPECT_EQ(begin["reason"], "node node2 lost before it reported what it ran to node1");
  json end = last_event("node1", "failover_end");
  ASSERT_FALSE(end.is_null());
  EXPECT_EQ(end["from"], "node2");
  EXPECT_EQ(end["to"], "node1");
}

TEST_F(Sim, ADegradedMonitorIsAWarningEverywhereNotAFailure) {
  membership({"node1", "node2"});
  settle();
  auto monitor = [&](int rc, const std::string& detail) {
    Effects fx;
    cores_["node1"]->on_monitor_result("vol", rc, detail, now("node1"), fx);
    handle("node1", fx);
    settle();
  };
  const std::string reason = "vol_monitor_10000: promoted (degraded) (exit code 191): r0 is StandAlone";
  monitor(191, reason);
  monitor(191, reason);  // unchanged: nothing new is sent
  for (const auto& node : {"node1", "node2"}) {
    json vol = cores_[node]->status()["groups"][0]["resources"][1];
    EXPECT_EQ(vol["degraded"]["node1"], reason) << node;
    EXPECT_EQ(vol["on"]["node1"], "promoted") << node;
    EXPECT_FALSE(vol.contains("fail_counts")) << node;
  }
  int degraded_events = 0;
  for (const auto& e : events_["node2"]) degraded_events += e["event"] == "resource_degraded";
  EXPECT_EQ(degraded_events, 1);
  EXPECT_EQ(running_on("node1").size(), 3u) << "a degraded resource is not recovered";
  monitor(8, "");
  EXPECT_FALSE(cores_["node2"]->status()["groups"][0]["resources"][1].contains("degraded"));
  EXPECT_TRUE(has_event("node2", "resource_healthy"));
  monitor(191, reason);
  ASSERT_TRUE(command("node2", {{"cmd", "switchover"}}));  // stopping it there clears the warning
  settle();
  EXPECT_FALSE(cores_["node2"]->status()["groups"][0]["resources"][1].contains("degraded"));
}

TEST_F(Sim, FailedStartIsRecordedAndTheTransitionIsRetriedWithBackoff) {
  fail_next_.insert({"smtpd", "node1"});
  membership({"node1", "node2"});
  settle();
  mono_ += 2000;  // past the retry backoff
  settle();
  EXPECT_TRUE(has_event("node1", "resource_failed"));
  EXPECT_TRUE(has_event("node1", "transition_aborted"));
  EXPECT_EQ(cores_["node1"]->status()["failed_actions"].size(), 1u);
  // Recovered: restart in place after the failure (below the threshold).
  EXPECT_EQ(running_on("node1").size(), 3u);
}

TEST_F(Sim, MaintenanceStopsAllActions) {
  membership({"node1", "node2"});
  settle();
  ASSERT_TRUE(command("node1", {{"cmd", "maintenance"}, {"on", true}}));
  settle();
  EXPECT_TRUE(monitors_["node1"].empty());
  Status st = command("node1", {{"cmd", "switchover"}});
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("maintenance"), std::string::npos);
}

TEST_F(Sim, CommandsNameWhatIsWrong) {
  membership({"node1", "node2"});
  settle();
  EXPECT_EQ(command("node1", {{"cmd", "switchover"}, {"group", "web"}}).message(), "no group named 'web'");
  EXPECT_EQ(command("node1", {{"cmd", "switchover"}, {"to", "node3"}}).message(), "no node named 'node3'");
  EXPECT_EQ(command("node1", {{"cmd", "switchover"}, {"to", "node1"}}).message(), "group mail already runs on node1");
  EXPECT_EQ(command("node1", {{"cmd", "restart"}, {"resource", "nope"}}).message(), "no resource named 'nope'");
  EXPECT_EQ(command("node1", {{"cmd", "frob"}}).message(), "unknown command 'frob'");
}

}  // namespace
}  // namespace hamail::cluster

namespace hamail::cluster {
namespace {

TEST(ConnectivityTracker, FlipsOnlyAfterThresholdRoundsInARow) {
  ConnectivityTracker t(3);
  EXPECT_TRUE(t.ok());
  EXPECT_EQ(t.round(false), std::nullopt);
  EXPECT_EQ(t.round(false), std::nullopt);
  EXPECT_EQ(t.round(true), std::nullopt);  // a single answer resets the streak
  EXPECT_EQ(t.round(false), std::nullopt);
  EXPECT_EQ(t.round(false), std::nullopt);
  EXPECT_EQ(t.round(false), std::optional<bool>(false));
  EXPECT_FALSE(t.ok());
  // Flapping does not bring it back either.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(t.round(i % 2 == 0), std::nullopt);
  }
  EXPECT_EQ(t.round(true), std::nullopt);
  EXPECT_EQ(t.round(true), std::nullopt);
  EXPECT_EQ(t.round(true), std::optional<bool>(true));
}

}  // namespace
}  // namespace hamail::cluster

namespace hamail::cluster {
namespace {

TEST_F(Sim, LosingConnectivityMovesTheGroupToTheNodeThatStillHasIt) {
  membership({"node1", "node2"});
  settle();
  cpg_.push_back({"node1", protocol::encode(cores_["node1"]->connectivity_report(false))});
  settle();
  EXPECT_TRUE(running_on("node1").empty());
  EXPECT_EQ(running_on("node2").size(), 3u);
  EXPECT_TRUE(has_event("node2", "connectivity_lost"));
  // Regained: the group stays where it is (stickiness), nothing bounces back.
  cpg_.push_back({"node1", protocol::encode(cores_["node1"]->connectivity_report(true))});
  settle();
  EXPECT_EQ(running_on("node2").size(), 3u);
}

}  // namespace
}  // namespace hamail::cluster

namespace hamail::cluster {
namespace {

// The group prefers node2, so a node1 that lost what it knows of its own resources would
// let the DC start them on node2.
class PrefersNode2 : public coresim::Sim {
 protected:
  std::string config_text() const override {
    std::string group = testing_config::kMailGroup;
    group.replace(group.find("preferred_node: node1"), 21, "preferred_node: node2");
    return testing_config::kTwoNodes + "stonith: {enabled: false}\n" + group;
  }
};

// Sim seed 195: node2 joined while node1 ran a start; node1's probe skipped the busy
// resource, its report dropped what the late start result had recorded, and the DC started
// the resource on node2 while it ran on node1. A busy resource is reported as possibly active.
TEST_F(PrefersNode2, AResourceBusyDuringAProbeIsReportedActiveSoItIsNotStartedTwice) {
  membership({"node1"});
  for (int i = 0; i < 200; ++i) {  // until node1's first start is requested: it stays in flight
    bool run_queued = std::any_of(pending_.begin(), pending_.end(), [](const Pending& p) { return p.what == "run"; });
    if (run_queued) break;
    if (!cpg_.empty()) {
      Wire m = cpg_.front();
      cpg_.pop_front();
      deliver(m.sender, m.bytes);
    } else if (!pending_.empty()) {
      Pending p = pending_.front();
      pending_.pop_front();
      run_pending(p);
    } else {
      mono_ += 200;
      Effects fx;
      cores_["node1"]->tick(now("node1"), fx);
      handle("node1", fx);
    }
  }
  ASSERT_EQ(pending_.size(), 1u);
  ASSERT_EQ(pending_.front().what, "run");
  membership({"node1", "node2"});  // the start's result comes late, before node1's probe report
  settle();
  EXPECT_EQ(double_starts_, std::vector<std::string>{});
  for (const std::string res : {"vip", "vol", "smtpd"})
    EXPECT_FALSE(truth_.count({res, "node1"}) && truth_.count({res, "node2"})) << res << " runs on both nodes";
  EXPECT_EQ(running_on("node1").size() + running_on("node2").size(), 3u);
}

// Sim seed 2413: as above, but node2's report came before node1's own: the DC (node1) did
// not wait for its own new report (it had reported before the join) and planned from a
// state without its in-flight start. After a join the DC waits for every member's report.
TEST_F(PrefersNode2, TheDcWaitsForItsOwnNewProbeReportAfterAJoin) {
  membership({"node1"});
  for (int i = 0; i < 200 && std::none_of(pending_.begin(), pending_.end(), [](const Pending& p) { return p.what == "run"; }); ++i) {
    if (!cpg_.empty()) {
      Wire m = cpg_.front();
      cpg_.pop_front();
      deliver(m.sender, m.bytes);
    } else if (!pending_.empty()) {
      Pending p = pending_.front();
      pending_.pop_front();
      run_pending(p);
    }
  }
  ASSERT_EQ(pending_.size(), 1u);
  membership({"node1", "node2"});
  // node2's probes answer first, then node1's, then node1's start (still in flight).
  std::stable_partition(pending_.begin(), pending_.end(), [](const Pending& p) { return p.node == "node2"; });
  std::stable_partition(pending_.begin(), pending_.end(), [](const Pending& p) { return p.what == "probe"; });
  settle();
  EXPECT_EQ(double_starts_, std::vector<std::string>{});
  EXPECT_EQ(running_on("node1").size() + running_on("node2").size(), 3u);
}

}  // namespace
}  // namespace hamail::cluster
