#include "hamail/hacore/cli/status_text.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace hamail::hactl {
namespace {

nlohmann::json sample() {
  std::ifstream in(std::string(HACTL_TEST_DIR) + "/sample_status.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

TEST(StatusText, FullSample) {
  EXPECT_EQ(render_status(sample()),
            "Cluster: halab   DC: node1   quorum: yes   this node: node1\n"
            "*** STONITH IS DISABLED: a lost node cannot be fenced; its resources are recovered without proof it "
            "stopped them (data at risk) ***\n"
            "Transition 4 running: 2/8 actions done\n"
            "Last transition: 3 done, 8 actions in 0.41 s (ended 2026-11-26T14:08:50.000Z)\n"
            "\n"
            "Nodes:\n"
            "  node1 (id 1): online\n"
            "  node2 (id 2): online (probing), standby, CONNECTIVITY LOST (ping targets unreachable)\n"
            "\n"
            "Groups:\n"
            "  mail: on node1\n"
            "    vip     (ocf:hamail:vip)  started on node1\n"
            "    volume  (ocf:hamail:drbdlite)  promoted on node1, started on node2\n"
            "    smtpd   (ocf:hamail:smtpd)  failed on node1   fail count: node1=1 node2=2\n"
            "    imapd   (ocf:hamail:imapd)  stopped\n"
            "    switchover to node1: done (placed by an operator switchover; `hactl switchover mail --clear` "
            "removes it)\n"
            "\n"
            "Failed actions:\n"
            "  smtpd monitor on node1: not running (exit code 7) (rc 7) at 2026-11-26T14:08:51.123Z\n"
            "  (hactl resource cleanup [RESOURCE] clears them and the fail counts)\n"
            "\n"
            "Fencing history:\n"
            "  node2: fenced at 2026-11-26T14:00:00.000Z (fence_lab: powered off)\n");
}

TEST(StatusText, DegradedResourceIsAWarningLine) {
  auto s = sample();
  s["groups"][0]["resources"][1]["degraded"] = {{"node1", "volume_monitor_10000: promoted (degraded): StandAlone"}};
  std::string text = render_status(s);
  EXPECT_NE(text.find("    volume  (ocf:hamail:drbdlite)  promoted on node1, started on node2\n"
                      "            WARNING: degraded on node1: volume_monitor_10000: promoted (degraded): StandAlone\n"),
            std::string::npos)
      << text;
}

TEST(StatusText, CorosyncLinksOfTheOtherNode) {
  auto s = sample();
  s["corosync_links"] = nlohmann::json::parse(R"({"ok": true, "nodes": {"node2": {"reachable": true, "links": [
      {"link": 0, "connected": true, "peer_addr": "10.201.2.12"},
      {"link": 1, "connected": false, "peer_addr": "10.201.4.12"}]}}})");
  std::string text = render_status(s);
  EXPECT_NE(text.find("  node1 (id 1): online\n"), std::string::npos) << text;
  EXPECT_NE(text.find("CONNECTIVITY LOST (ping targets unreachable), corosync link0 up, link1 DOWN (10.201.4.12)\n"),
            std::string::npos)
      << text;
  s["corosync_links"] = {{"ok", false}, {"error", "corosync_cfg_initialize: CS_ERR_LIBRARY"}};
  EXPECT_EQ(render_status(s).find("corosync link"), std::string::npos);
}

TEST(StatusText, BannersForNoQuorumAndMaintenance) {
  auto s = sample();
  s["quorate"] = false;
  s["maintenance"] = true;
  s["stonith_enabled"] = true;
  s["dc"] = "";
  std::string text = render_status(s);
  EXPECT_NE(text.find("DC: none   quorum: NO"), std::string::npos) << text;
  EXPECT_NE(text.find("*** NO QUORUM"), std::string::npos);
  EXPECT_NE(text.find("*** MAINTENANCE MODE"), std::string::npos);
  EXPECT_EQ(text.find("STONITH"), std::string::npos);
}

TEST(StatusText, QuietWhenHealthyAndToleratesMissingFields) {
  nlohmann::json s = {{"cluster", "c"}, {"dc", "n1"}, {"quorate", true}, {"stonith_enabled", true}, {"local_node", "n1"},
                      {"nodes", {{{"name", "n1"}, {"status", "online"}}}}, {"groups", nlohmann::json::array()}};
  EXPECT_EQ(render_status(s),
            "Cluster: c   DC: n1   quorum: yes   this node: n1\n\nNodes:\n  n1: online\n\nGroups:\n  (none configured)\n");
  EXPECT_EQ(render_status(nlohmann::json::array()), "(no status)\n");
}

TEST(StatusText, Seconds) {
  EXPECT_EQ(seconds_text(412), "0.41 s");
  EXPECT_EQ(seconds_text(2315), "2.31 s");
  EXPECT_EQ(seconds_text(60000), "60.00 s");
}

}  // namespace
}  // namespace hamail::hactl
