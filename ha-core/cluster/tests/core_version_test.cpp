// Protocol versions: a peer this node cannot read is recognized, refused with a
// protocol_incompatible event and shown in status; while it is in the group this node is
// frozen (schedules nothing, starts nothing, leaves running resources alone); when it
// leaves or speaks a compatible version, the cluster goes on.
#include <gtest/gtest.h>

#include "core_sim.h"

namespace hamail::cluster {
namespace {

using coresim::Sim;
using nlohmann::json;

// node2 runs another hacored (played by the test): v6, or the unversioned v1.
const std::string kHelloV6 = R"({"v":6,"t":"hello","from":"node2","node":"node2","caps":["x"]})";
const std::string kStartEverythingV5 =
    R"({"v":6,"t":"action_request","from":"node2","transition":{"id":1},"run":"start vip on node1"})";
const std::string kProbeV1 = R"({"t":"probe_report","from":"node2","ts":1,"node":"node2","resources":{}})";

std::size_t count(const std::vector<json>& events, const std::string& name) {
  std::size_t n = 0;
  for (const auto& e : events) n += e["event"] == name;
  return n;
}

TEST_F(Sim, AnIncompatiblePeerFreezesTheNodeUntilItLeaves) {
  cores_.erase("node2");
  membership({"node1"});
  settle();
  ASSERT_EQ(running_on("node1").size(), 3u);
  std::size_t started_before = count(events_["node1"], "transition_started");

  membership({"node1", "node2"});  // node2 joins, speaking v6
  deliver("node2", kHelloV6);
  deliver("node2", kStartEverythingV5);
  deliver("node2", kProbeV1);  // a second incompatible version: a second event
  mono_ += 120000;
  settle();
  ClusterCore& core = *cores_["node1"];
  EXPECT_TRUE(core.frozen());
  json ev = last_event("node1", "protocol_incompatible");
  ASSERT_FALSE(ev.is_null());
  EXPECT_EQ(ev["node"], "node2");
  EXPECT_EQ(ev["local_version"], protocol::kVersion);
  EXPECT_EQ(count(events_["node1"], "protocol_incompatible"), 2u);
  EXPECT_EQ(ev["peer_version"], 1);
  json status = core.status();
  EXPECT_TRUE(status["protocol"]["frozen"]);
  EXPECT_NE(status["nodes"][1]["status"].get<std::string>().find("INCOMPATIBLE PROTOCOL v1"), std::string::npos);
  // Frozen: nothing scheduled, nothing run, the running group left alone.
  EXPECT_EQ(count(events_["node1"], "transition_started"), started_before);
  EXPECT_EQ(running_on("node1").size(), 3u);
  EXPECT_EQ(monitors_["node1"].size(), 3u) << "monitors keep watching what runs";
  EXPECT_EQ(count(events_["node1"], "message_dropped"), 0u) << "refused, not malformed";
  auto refused = core.command(SwitchoverCommand{}, now("node1"));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("frozen"), std::string::npos);

  lose("node2");  // it leaves: the node goes on
  EXPECT_FALSE(core.frozen());
  EXPECT_EQ(last_event("node1", "protocol_incompatible_cleared")["reason"], "it left the group");
  cores_["node2"] = std::make_unique<ClusterCore>(cfg_, "node2");  // back with a compatible hacored
  membership({"node1", "node2"});
  settle();
  ASSERT_TRUE(command("node1", {{"cmd", "switchover"}}));
  settle();
  EXPECT_EQ(running_on("node2").size(), 3u);
}

TEST_F(Sim, TwoNodesThatCannotUnderstandEachOtherStartNothing) {
  cores_.erase("node2");
  membership({"node1", "node2"});
  deliver("node2", kHelloV6);
  mono_ += 600000;
  settle();
  EXPECT_TRUE(cores_["node1"]->frozen());
  EXPECT_TRUE(running_on("node1").empty());
  EXPECT_EQ(count(events_["node1"], "transition_started"), 0u);
}

TEST_F(Sim, AnIncompatiblePeerMidTransitionStopsItThereAndAResumedPeerLetsItFinish) {
  membership({"node1", "node2"});
  settle();
  ASSERT_TRUE(command("node1", {{"cmd", "switchover"}}));
  // Run until the first action of the move has completed.
  while (count(events_["node1"], "action_result") < 4) {
    ASSERT_FALSE(cpg_.empty() && pending_.empty());
    mono_ += 5;
    if (!cpg_.empty()) {
      auto m = cpg_.front();
      cpg_.pop_front();
      deliver(m.sender, m.bytes);
    } else {
      auto p = pending_.front();
      pending_.pop_front();
      run_pending(p);
    }
  }
  deliver("node2", kHelloV6);  // as if node2 now spoke v6
  EXPECT_TRUE(cores_["node1"]->frozen());
  EXPECT_FALSE(cores_["node1"]->state().transition.has_value()) << "aborted at the freeze";
  auto truth_at_freeze = truth_;
  settle();
  EXPECT_EQ(truth_, truth_at_freeze) << "nothing ran after the freeze";
  EXPECT_FALSE(running_on("node1").size() == 3u && running_on("node2").size() == 3u);

  // node2 speaks v5 again.
  deliver("node2", protocol::encode(protocol::Message{protocol::kVersion, "node2", protocol::Hello{"node2", cfg_.digest}}));
  EXPECT_FALSE(cores_["node1"]->frozen());
  EXPECT_EQ(last_event("node1", "protocol_incompatible_cleared")["reason"], "it now speaks protocol v5");
  settle();
  EXPECT_EQ(running_on("node2").size(), 3u);
  EXPECT_TRUE(running_on("node1").empty());
}

// The nodes compare their cluster.yaml (its sha256) when they meet: another file on the
// peer is an error event, said once while it stays a member, and again after it rejoins.
TEST_F(Sim, APeerWithAnotherClusterYamlIsReportedOncePerJoin) {
  membership({"node1", "node2"});
  settle();
  EXPECT_FALSE(has_event("node1", "config_mismatch")) << "the same file on both";
  ASSERT_EQ(cfg_.digest.size(), 64u);
  auto other = protocol::encode(protocol::Message{protocol::kVersion, "node2", protocol::Hello{"node2", "ab12"}});
  deliver("node2", other);
  deliver("node2", other);
  json e = last_event("node1", "config_mismatch");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(e["node"], "node2");
  EXPECT_EQ(e["local_config"], cfg_.digest.substr(0, 16));
  EXPECT_EQ(e["peer_config"], "ab12");
  EXPECT_EQ(count(events_["node1"], "config_mismatch"), 1u);
  lose("node2");
  settle();
  membership({"node1", "node2"});
  deliver("node2", other);
  EXPECT_EQ(count(events_["node1"], "config_mismatch"), 2u);
}

}  // namespace
}  // namespace hamail::cluster
