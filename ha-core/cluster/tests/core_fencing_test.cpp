// Fencing in the core, two nodes with stonith enabled: a lost node is fenced before its
// group starts elsewhere (the fence comes first, its result carries devices, level and
// duration), the race delay lets the active side shoot first, a failed fence keeps the
// resources stopped and is retried with back-off until an operator confirms the node off,
// wait_for_all holds a node that boots alone, operator fences, and drbd-lite's fence-peer
// answered through the cluster (outdate while the peer is a member, fenced once it is not).
#include <gtest/gtest.h>

#include "core_sim.h"

namespace hamail::cluster {
namespace {

using nlohmann::json;

class Fencing : public coresim::Sim {
 protected:
  std::string config_text() const override { return testing_config::kTwoNodeFencingConfig; }
  void start_both() {
    membership({"node1", "node2"});
    settle();
    ASSERT_EQ(running_on("node1").size(), 3u);
  }
  std::size_t count(const std::string& node, const std::string& name) {
    std::size_t n = 0;
    for (auto& e : events_[node]) n += e["event"] == name;
    return n;
  }
};

TEST_F(Fencing, ALostActiveNodeIsFencedBeforeItsGroupStartsElsewhere) {
  start_both();
  lose("node1");
  settle();
  ASSERT_EQ(fence_jobs_.size(), 1u);
  const FenceJob job = fence_jobs_.front().job;
  EXPECT_EQ(fence_jobs_.front().node, "node2") << "the survivor runs the fence";
  EXPECT_EQ(job.target, "node1");
  EXPECT_EQ(job.action, "off");
  EXPECT_TRUE(running_on("node2").empty()) << "nothing starts before the fence";
  json begin = last_event("node2", "fence_begin");
  EXPECT_EQ(begin["target"], "node1");
  EXPECT_EQ(begin["by"], "node2");
  answer_fence(true, "level 1 (lab-fence): off done");
  settle();
  EXPECT_EQ(running_on("node2").size(), 3u);
  json end = last_event("node2", "fence_end");
  EXPECT_EQ(end["ok"], true);
  EXPECT_EQ(end["result"], "fenced");
  EXPECT_EQ(end["devices"], json::array({"lab-fence"}));
  EXPECT_EQ(end["level"], 1);
  EXPECT_EQ(end["duration_ms"], 120);
  EXPECT_EQ(end["action"], "off");
  json status = cores_["node2"]->status();
  EXPECT_EQ(status["nodes"][0]["status"], "offline");
  EXPECT_EQ(status["nodes"][0]["fencing"]["fenced"], true);
  EXPECT_TRUE(has_event("node2", "failover_end"));
}

// Lab run of 2026-12-05 (qnetd, every link of node1 cut): node1 kept quorum on the qdevice's
// vote for the old membership and planned to fence node2; corosync held the plan until the
// qdevice withdrew its vote, and node1 then fenced node2 without quorum. A plan made with
// quorum that arrives after quorum was lost is refused, and nothing is fenced.
TEST_F(Fencing, APlanMadeWithQuorumIsRefusedAfterQuorumIsLost) {
  start_both();
  lose("node2");
  ASSERT_FALSE(cpg_.empty()) << "node1 planned to fence node2";
  Effects fx;
  cores_["node1"]->on_quorum(false, now("node1"), fx);
  handle("node1", fx);
  expect_drops_ = true;
  settle();
  EXPECT_TRUE(fence_jobs_.empty()) << "fenced without quorum";
  EXPECT_FALSE(has_event("node1", "fence_begin"));
  json dropped = last_event("node1", "message_dropped");
  EXPECT_EQ(dropped["type"], "transition_start");
  EXPECT_NE(dropped["error"].get<std::string>().find("made with quorum, and this node has lost it"), std::string::npos)
      << dropped.dump();
  EXPECT_TRUE(running_on("node1").empty()) << "no quorum: everything stops";
}

// Lab run of 2026-12-05 (qnetd-down-then-cut): node1 planned to fence node2 while node2 was
// away; the plan arrived after node2 had rejoined, and a membership change resets the facts
// epoch, so it looked fresh: node1 fenced the member that had just come back.
TEST_F(Fencing, APlanMadeBeforeAMembershipChangeIsRefusedAfterIt) {
  start_both();
  lose("node2");
  ASSERT_FALSE(cpg_.empty()) << "node1 planned to fence node2";
  membership({"node1", "node2"});  // node2 is back before the plan is delivered
  expect_drops_ = true;
  settle();
  EXPECT_FALSE(has_event("node1", "fence_begin")) << "fenced a member that had rejoined";
  EXPECT_TRUE(fence_jobs_.empty());
  EXPECT_EQ(running_on("node1").size(), 3u);
}

// Sim seed 955: the fence of node1 worked but its confirmation took long; node1 rebooted,
// rejoined and ran its group before the (late) result came. The result must not mark the
// member off, which would erase what runs there and let the group start on node2 too.
TEST_F(Fencing, ALateFenceResultForANodeThatCameBackDoesNotEraseWhatRunsThere) {
  start_both();
  lose("node1");
  settle();
  ASSERT_EQ(fence_jobs_.size(), 1u);
  cores_["node1"] = std::make_unique<ClusterCore>(cfg_, "node1");  // powered off by the fence, booted again
  membership({"node1", "node2"});
  settle();
  ASSERT_EQ(running_on("node1").size(), 3u);
  ASSERT_EQ(fence_jobs_.size(), 1u) << "the fence's answer is still to come";
  answer_fence(true, "level 1 (lab-fence): off done; off not confirmed");
  settle();
  EXPECT_EQ(double_starts_, std::vector<std::string>{});
  EXPECT_EQ(running_on("node1").size(), 3u);
  EXPECT_TRUE(running_on("node2").empty());
  EXPECT_EQ(last_event("node2", "fence_end")["ok"], true) << "the fence did happen";
  for (const std::string node : {"node1", "node2"}) {
    json status = cores_[node]->status();
    EXPECT_EQ(status["nodes"][0]["status"], "online") << node;
    EXPECT_NE(status["nodes"][0]["fencing"]["fenced"], true) << node << ": a later loss is a new one";
  }
}

TEST_F(Fencing, TheRaceDelayLetsTheActiveSideShootFirst) {
  start_both();
  // node2 (passive) lost node1 (active): it waits before shooting.
  lose("node1");
  settle();
  ASSERT_EQ(fence_jobs_.size(), 1u);
  EXPECT_EQ(fence_jobs_.front().job.delay_ms, 7000);
  EXPECT_NE(fence_jobs_.front().job.delay_reason.find("the active node shoots first"), std::string::npos);
  EXPECT_EQ(last_event("node2", "fence_begin")["delay_ms"], 7000);
}

TEST_F(Fencing, TheActiveSideShootsAtOnce) {
  start_both();
  lose("node2");  // node1 (active) lost node2 (passive)
  settle();
  ASSERT_EQ(fence_jobs_.size(), 1u);
  EXPECT_EQ(fence_jobs_.front().node, "node1");
  EXPECT_EQ(fence_jobs_.front().job.target, "node2");
  EXPECT_EQ(fence_jobs_.front().job.delay_ms, 0);
  answer_fence(true);
  settle();
  EXPECT_EQ(running_on("node1").size(), 3u) << "the group never stopped";
}

// CI, split-brain suite, flapping-link: node2 rejoined, so every member probed again; node2
// was lost while node1 (active) still probed, and node1 fenced only once its probes ended, 6 s
// later, after node2's race delay (5 s) had run out: the passive node shot the active one.
// A lost node is fenced at once; what else is to be done waits for the probes.
TEST_F(Fencing, ALostNodeIsFencedWithoutWaitingForTheSurvivorsProbes) {
  start_both();
  lose("node2");
  settle();
  answer_fence(true);
  settle();
  fence_jobs_.clear();
  cores_["node2"] = std::make_unique<ClusterCore>(cfg_, "node2");  // fenced, booted again
  membership({"node1", "node2"});
  lose("node2");  // the flapping link, before node1's probes of the join are done
  std::deque<Pending> held;  // node1's probes: slow under load
  for (int i = 0; i < 400; ++i) {
    for (auto& p : pending_) held.push_back(p);
    pending_.clear();
    step();
    if (!fence_jobs_.empty()) break;
  }
  ASSERT_EQ(fence_jobs_.size(), 1u) << "node1 waited for its own probes before fencing";
  ASSERT_FALSE(held.empty()) << "the probes were held";
  EXPECT_EQ(fence_jobs_.front().node, "node1");
  EXPECT_EQ(fence_jobs_.front().job.target, "node2");
  EXPECT_EQ(fence_jobs_.front().job.delay_ms, 0) << "the active side shoots at once";
  for (auto& p : held) pending_.push_back(p);
  answer_fence(true);
  settle();
  EXPECT_EQ(running_on("node1").size(), 3u) << "the group never stopped";
  EXPECT_EQ(double_starts_, std::vector<std::string>{});
}

TEST_F(Fencing, AFailedFenceKeepsTheResourcesStoppedAndIsRetriedUntilConfirmedOff) {
  start_both();
  lose("node1");
  settle();
  answer_fence(false, "every level failed: level 1 (lab-fence): exit code 1: Unable to connect");
  settle();
  EXPECT_TRUE(running_on("node2").empty());
  json failed = last_event("node2", "fence_failed");
  EXPECT_EQ(failed["target"], "node1");
  EXPECT_NE(failed["reason"].get<std::string>().find("Unable to connect"), std::string::npos);
  EXPECT_NE(failed["consequence"].get<std::string>().find("--confirm-off"), std::string::npos);
  EXPECT_EQ(cores_["node2"]->status()["nodes"][0]["fencing"]["failures"], 1);
  // Retried after a back-off: a second job, failing again; nothing ever starts.
  EXPECT_TRUE(fence_jobs_.empty());
  mono_ += 1500;
  settle();
  ASSERT_EQ(fence_jobs_.size(), 1u) << "retried after the back-off";
  answer_fence(false, "exit code 1");
  settle();
  EXPECT_TRUE(running_on("node2").empty());
  mono_ += 5000;
  settle();
  ASSERT_EQ(fence_jobs_.size(), 1u) << "a third try waits in the fence runner";
  // An operator says node1 is off: recorded with who said so, and the group starts. The
  // waiting try is dropped: run later, it would shoot node1 once it boots again.
  ASSERT_TRUE(command("node2", {{"cmd", "fence"}, {"node", "node1"}, {"confirm_off", true}}));
  settle();
  EXPECT_TRUE(fence_jobs_.empty());
  json confirmed = last_event("node2", "fence_confirmed");
  EXPECT_EQ(confirmed["node"], "node1");
  EXPECT_EQ(confirmed["by"], "hactl");
  EXPECT_EQ(running_on("node2").size(), 3u);
  EXPECT_EQ(cores_["node2"]->status()["nodes"][0]["fencing"]["confirmed_by"], "hactl");
}

TEST_F(Fencing, ConfirmOffOfAMemberIsRefused) {
  start_both();
  auto r = decode_control_request({{"cmd", "fence"}, {"node", "node2"}, {"confirm_off", true}});
  ASSERT_TRUE(r);
  auto m = cores_["node1"]->command(std::get<OperatorCommand>(*r), now(), "user bob");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().find("is a member of the cluster"), std::string::npos);
}

TEST_F(Fencing, ANodeThatBootsAloneWaitsForItsPeerOrAnOperator) {
  cores_.erase("node1");  // node1 is off; node2 boots alone (its corosync gave it quorum)
  membership({"node2"});
  settle();
  EXPECT_TRUE(fence_jobs_.empty()) << "no fence at boot";
  EXPECT_TRUE(running_on("node2").empty()) << "nothing starts at boot";
  json wait = last_event("node2", "boot_wait");
  EXPECT_EQ(wait["waiting_for"], json::array({"node1"}));
  EXPECT_EQ(cores_["node2"]->status()["fencing"]["boot_waiting_for"], json::array({"node1"}));
  ASSERT_TRUE(command("node2", {{"cmd", "fence"}, {"node", "node1"}, {"confirm_off", true}}));
  settle();
  EXPECT_EQ(running_on("node2").size(), 3u);
  EXPECT_TRUE(fence_jobs_.empty());
}

TEST_F(Fencing, AnOperatorFencesAMemberAndItsLeavingIsExpected) {
  start_both();
  ASSERT_TRUE(command("node2", {{"cmd", "fence"}, {"node", "node1"}}));
  settle();
  ASSERT_EQ(fence_jobs_.size(), 1u);
  EXPECT_EQ(fence_jobs_.front().node, "node2") << "the target never fences itself";
  EXPECT_EQ(fence_jobs_.front().job.delay_ms, 0) << "no race delay for an operator's fence";
  EXPECT_EQ(last_event("node1", "fence_requested")["by"], "hactl");
  answer_fence(true);
  settle();
  EXPECT_EQ(running_on("node2").size(), 3u) << "node1 is off: its group moved";
  lose("node1");  // powered off: it leaves the group
  settle();
  EXPECT_TRUE(fence_jobs_.empty()) << "fenced already: not fenced again";
  EXPECT_EQ(last_event("node2", "node_left")["fenced"], true);
  EXPECT_EQ(running_on("node2").size(), 3u);
}

TEST_F(Fencing, FencePeerOutdatesAMemberAndWaitsForALostPeersFence) {
  start_both();
  ClusterCore& n1 = *cores_["node1"];
  // The replication link alone is cut: node2 is still a member. Outdated through the cluster.
  EXPECT_EQ(n1.fence_peer({"r0", "", true}).code, ClusterCore::kNotDone) << "a query never outdates";
  auto a = n1.fence_peer({"r0", "", false});
  EXPECT_EQ(a.code, ClusterCore::kPending);
  ASSERT_TRUE(a.send);
  EXPECT_FALSE(n1.fence_peer({"r0", "", false}).send) << "sent once";
  cpg_.push_back({"node1", protocol::encode(*a.send)});
  settle();
  EXPECT_EQ(n1.fence_peer({"r0", "", false}).code, ClusterCore::kOutdated);
  EXPECT_EQ(n1.fence_peer({"r0", "", true}).code, ClusterCore::kNotDone) << "outdated is not fenced: no force";
  EXPECT_EQ(last_event("node2", "volume_outdated")["node"], "node2");
  EXPECT_EQ(n1.fence_peer({"nope", "", false}).code, ClusterCore::kNotDone);
  // The group cannot move to node2 while r0 is outdated there.
  ASSERT_TRUE(command("node1", {{"cmd", "switchover"}}));
  settle();
  EXPECT_EQ(running_on("node1").size(), 3u);
  EXPECT_TRUE(running_on("node2").empty());
  json end = last_event("node1", "switchover_failed");
  ASSERT_FALSE(end.is_null());
  EXPECT_NE(end["reason"].get<std::string>().find("volume r0 is outdated on node2"), std::string::npos)
      << "the operator is told why: " << end["reason"];
  ASSERT_TRUE(command("node2", {{"cmd", "unfence_peer"}, {"volume", "r0"}}));
  settle();
  EXPECT_TRUE(has_event("node1", "volume_outdate_cleared"));
  EXPECT_EQ(n1.fence_peer({"r0", "", true}).code, ClusterCore::kNotDone);
  // node2 is lost: pending until it is fenced, then 7.
  lose("node2");
  settle();
  EXPECT_EQ(n1.fence_peer({"r0", "", false}).code, ClusterCore::kPending);
  answer_fence(true);
  settle();
  EXPECT_EQ(n1.fence_peer({"r0", "", false}).code, ClusterCore::kFenced);
  EXPECT_EQ(n1.fence_peer({"r0", "", true}).code, ClusterCore::kFenced);
}

TEST_F(Fencing, APeerThatLeftCleanlyIsDown) {
  start_both();
  cpg_.push_back({"node2", protocol::encode(cores_["node2"]->shutdown_request())});
  settle();
  std::vector<std::string> rest = {"node1"};
  membership(rest);
  settle();
  EXPECT_TRUE(fence_jobs_.empty());
  EXPECT_EQ(cores_["node1"]->fence_peer({"r0", "", false}).code, ClusterCore::kPeerDown);
}

}  // namespace
}  // namespace hamail::cluster
