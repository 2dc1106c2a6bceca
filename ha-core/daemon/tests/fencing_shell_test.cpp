// Two hacored shells with stonith enabled over fake fence devices (one power switch for
// both nodes): a power-off of the active node is fenced and the group moves; a fence
// device that fails keeps everything stopped until an operator confirms the node off;
// device health and fencing state in status; fence-peer and unfence-peer over the
// control socket.
#include "two_nodes.h"

namespace hamail::hacore {
namespace {

class FencingShell : public TwoNodes {
 protected:
  std::string config_text() const override { return cluster::testing_config::kTwoNodeFencingConfig; }
  // The node loses power: its device reports it off, it vanishes from the group.
  void power_off(std::uint32_t id) {
    std::string name = "node" + std::to_string(id);
    fence_.off.insert(name);
    cpg_.drop(id);
    node(id).stopped = true;
    std::erase_if(truth_, [&](const auto& kv) { return kv.first.second == name; });
  }
  json last(std::uint32_t id, const std::string& event) {
    json found;
    for (const auto& e : node(id).events)
      if (e["event"] == event) found = e;
    return found;
  }
};

TEST_F(FencingShell, PowerOffOfTheActiveNodeIsFencedThenTheGroupMoves) {
  start();
  ASSERT_EQ(running_on("node1"), all_);
  power_off(1);
  settle();
  EXPECT_EQ(running_on("node2"), all_);
  std::vector<std::string> fenced;
  for (const auto& c : fence_.calls)
    if (c.find("node1") != std::string::npos) fenced.push_back(c);
  EXPECT_EQ(fenced, (std::vector<std::string>{"lab status node1", "lab off node1", "lab status node1"}))
      << "the race delay was skipped (node1 is already off); off, then confirmed";
  json end = last(2, "fence_end");
  EXPECT_EQ(end["ok"], true);
  EXPECT_EQ(end["target"], "node1");
  EXPECT_EQ(end["devices"], json::array({"lab"}));
  EXPECT_TRUE(end["duration_ms"].is_number());
  EXPECT_TRUE(node(2).logged({"event=fence_end", "target=node1", "result=fenced"}));
  EXPECT_TRUE(last(2, "failover_end").is_object());
}

TEST_F(FencingShell, AFailingDeviceKeepsEverythingStoppedUntilAnOperatorConfirms) {
  start();
  fence_.failing = {"lab"};
  power_off(1);
  settle();
  EXPECT_TRUE(running_on("node2").empty()) << "nothing starts twice";
  json failed = last(2, "fence_failed");
  ASSERT_TRUE(failed.is_object());
  EXPECT_NE(failed["reason"].get<std::string>().find("Unable to connect"), std::string::npos) << failed.dump();
  EXPECT_TRUE(node(2).logged({"level=warning", "event=fence_failed", "target=node1"}));
  json status = node(2).ask({{"cmd", "status"}})["status"];
  EXPECT_GE(status["nodes"][0]["fencing"]["failures"].get<int>(), 1);
  EXPECT_EQ(status["nodes"][0]["status"], "unclean");
  json reply = node(2).ask({{"cmd", "fence"}, {"node", "node1"}, {"confirm_off", true}});
  ASSERT_EQ(reply["ok"], true) << reply.dump();
  settle();
  EXPECT_EQ(running_on("node2"), all_);
  EXPECT_EQ(last(2, "fence_confirmed")["by"], "hactl");
  EXPECT_TRUE(node(2).logged({"event=command", "cmd=\"fence --confirm-off\"", "by=hactl"}));
}

TEST_F(FencingShell, StatusShowsDeviceHealthAndADeadDeviceIsAnAlarm) {
  start();
  json devices = node(1).ask({{"cmd", "status"}})["status"]["fencing"]["devices"];
  EXPECT_EQ(devices["lab"]["ok"], true) << devices.dump();
  fence_.failing = {"lab"};
  advance(10'000);
  tick_all();
  settle();
  EXPECT_EQ(last(1, "fence_device_failed")["device"], "lab");
  EXPECT_TRUE(node(1).logged({"level=warning", "event=fence_device_failed", "device=lab"}));
  EXPECT_EQ(node(1).ask({{"cmd", "status"}})["status"]["fencing"]["devices"]["lab"]["ok"], false);
}

TEST_F(FencingShell, FencePeerOutdatesAMemberThroughTheCluster) {
  start();
  json first = node(1).ask({{"cmd", "fence_peer"}, {"volume", "r0"}});
  EXPECT_EQ(first["ok"], true);
  EXPECT_EQ(first["pending"], true);
  settle();
  json answer = node(1).ask({{"cmd", "fence_peer"}, {"volume", "r0"}});
  EXPECT_EQ(answer["code"], 4) << answer.dump();
  EXPECT_EQ(node(2).ask({{"cmd", "status"}})["status"]["fencing"]["outdated"][0]["node"], "node2");
  EXPECT_EQ(node(2).ask({{"cmd", "unfence_peer"}, {"volume", "r0"}})["ok"], true);
  settle();
  EXPECT_TRUE(node(1).ask({{"cmd", "status"}})["status"]["fencing"]["outdated"].empty());
  EXPECT_EQ(node(1).ask({{"cmd", "fence_peer"}, {"volume", "nope"}})["code"], 1);
}

}  // namespace
}  // namespace hamail::hacore
