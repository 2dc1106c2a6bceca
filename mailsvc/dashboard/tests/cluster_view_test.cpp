// cluster_view over documents in the real tools' formats: node states, groups and their
// resources, drbd-lite volumes with sync progress, fencing; a source that did not answer.
#include <gtest/gtest.h>

#include <map>

#include "fixtures.h"
#include "hamail/mailsvc/dashboard/cluster_view.h"

namespace hamail::mailsvc::dashboard {
namespace {

using nlohmann::json;
using testing::fixture;
using testing::fixture_events;

ClusterSources full() {
  ClusterSources s;
  s.hacored.document = fixture("hacored_status.json");
  s.drbdlited.document = fixture("drbdlited_status.json");
  s.events = fixture_events();
  return s;
}

TEST(ClusterView, BothSourcesAnswered) {
  json v = cluster_view(full());
  EXPECT_EQ(v["sources"]["hacored"], (json{{"ok", true}}));
  EXPECT_EQ(v["sources"]["drbdlited"], (json{{"ok", true}}));
  EXPECT_EQ(v["cluster"]["name"], "halab");
  EXPECT_EQ(v["cluster"]["quorate"], true);
  EXPECT_EQ(v["cluster"]["dc"], "node1");
}

TEST(ClusterView, NodeStates) {
  json nodes = cluster_view(full())["nodes"];
  ASSERT_EQ(nodes.size(), 4u);
  EXPECT_EQ(nodes[0]["state"], "online");
  EXPECT_EQ(nodes[0]["local"], true);
  EXPECT_EQ(nodes[0]["dc"], true);
  EXPECT_EQ(nodes[1]["state"], "standby");
  EXPECT_EQ(nodes[1]["status"], "online (probing)");
  EXPECT_EQ(nodes[1]["connectivity_ok"], false);
  EXPECT_EQ(nodes[2]["state"], "off");
  EXPECT_EQ(nodes[2]["fencing"]["fenced"], true);
  EXPECT_EQ(nodes[3]["state"], "unclean");
}

TEST(ClusterView, GroupsAndResources) {
  json g = cluster_view(full())["groups"];
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0]["name"], "mail");
  EXPECT_EQ(g[0]["node"], "node1");
  ASSERT_EQ(g[0]["resources"].size(), 4u);
  EXPECT_EQ(g[0]["resources"][1]["on"]["node1"], "promoted");
  EXPECT_EQ(g[0]["resources"][2]["fail_counts"]["node2"], 2);
  EXPECT_TRUE(g[0]["resources"][3]["on"].empty());
  EXPECT_EQ(g[0]["switchover"]["done"], true);
  EXPECT_EQ(cluster_view(full())["failed_actions"][0]["resource"], "smtpd");
}

TEST(ClusterView, VolumesWithSyncProgress) {
  json v = cluster_view(full())["volumes"];
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0]["role"], "Primary");
  EXPECT_EQ(v[0]["peer_disk"], "Inconsistent");
  EXPECT_EQ(v[0]["connection"], "SyncSource");
  EXPECT_EQ(v[0]["out_of_sync_kib"], 262144u);
  EXPECT_DOUBLE_EQ(v[0]["sync"]["percent"].get<double>(), 75.0);
  EXPECT_EQ(v[0]["sync"]["rate_kib_per_s"], 40960u);
  EXPECT_EQ(v[0]["sync"]["eta_s"], 7u) << "262144 KiB left at 40 MiB/s, rounded up";
  EXPECT_FALSE(v[1].contains("sync")) << "Connecting: no progress to show";
  EXPECT_EQ(v[1]["io_frozen"], true);
  EXPECT_EQ(v[1]["last_error"], "fence-peer failed (exit 1)");
  EXPECT_EQ(v[2]["up"], false);
  EXPECT_FALSE(v[2].contains("role"));
}

TEST(ClusterView, CorosyncLinksOfEachOtherNode) {
  json v = cluster_view(full());
  const json& nodes = v["nodes"];
  EXPECT_FALSE(nodes[0].contains("links")) << "node1 is this node";
  ASSERT_EQ(nodes[1]["links"].size(), 2u) << nodes[1].dump();
  EXPECT_EQ(nodes[1]["links"][0]["connected"], true);
  EXPECT_EQ(nodes[1]["links"][1]["peer_addr"], "10.201.4.12");
  EXPECT_FALSE(v["cluster"].contains("links_error"));
  ClusterSources s = full();
  (*s.hacored.document)["corosync_links"] = json{{"ok", false}, {"error", "corosync_cfg_initialize: CS_ERR_LIBRARY"}};
  v = cluster_view(s);
  EXPECT_FALSE(v["nodes"][1].contains("links"));
  EXPECT_EQ(v["cluster"]["links_error"], "corosync_cfg_initialize: CS_ERR_LIBRARY");
}

TEST(ClusterView, Fencing) {
  json f = cluster_view(full())["fencing"];
  EXPECT_EQ(f["enabled"], true);
  EXPECT_EQ(f["devices"], (json{"fence_lab", "fence_ipmilan"}));
  EXPECT_EQ(f["last_result"]["target"], "node4");
  EXPECT_EQ(f["last_result"]["result"], "failed");
  EXPECT_EQ(f["history"][0]["node"], "node3");
}

TEST(ClusterView, FenceDevicesLastMonitor) {
  json m = cluster_view(full())["fencing"]["monitors"];
  ASSERT_EQ(m.size(), 3u) << m.dump();
  std::map<std::string, json> by_name;
  for (const auto& d : m) by_name[d["name"]] = d;
  EXPECT_EQ(by_name["fence_lab"]["ok"], true);
  EXPECT_EQ(by_name["fence_lab"]["checked_ago_ms"], 4200);
  EXPECT_EQ(by_name["fence_lab"]["hosts"], (json{"node1", "node2"}));
  EXPECT_EQ(by_name["fence_ipmilan"]["ok"], false);
  EXPECT_EQ(by_name["fence_ipmilan"]["detail"], "timed out: no answer from 192.0.2.9");
  EXPECT_TRUE(by_name["fence_spare"]["ok"].is_null());
  EXPECT_EQ(by_name["fence_spare"]["monitored"], false);
  ClusterSources s = full();
  s.hacored.document = json{{"fencing", {{"devices", 5}}}};
  EXPECT_TRUE(cluster_view(s)["fencing"]["monitors"].empty());
}

TEST(ClusterView, FencingLastResultFromStatusWithoutEvents) {
  ClusterSources s = full();
  s.events.clear();
  json f = cluster_view(s)["fencing"];
  EXPECT_TRUE(f["devices"].empty());
  EXPECT_EQ(f["last_result"]["node"], "node3");
}

TEST(ClusterView, HacoredNotAnswering) {
  ClusterSources s = full();
  s.hacored.document.reset();
  s.hacored.error = "hacored on this node not answering (timed out after 3000 ms)";
  s.events.clear();
  json v = cluster_view(s);
  EXPECT_EQ(v["sources"]["hacored"]["ok"], false);
  EXPECT_EQ(v["sources"]["hacored"]["error"], "hacored on this node not answering (timed out after 3000 ms)");
  EXPECT_TRUE(v["cluster"].is_null());
  EXPECT_TRUE(v["nodes"].empty());
  EXPECT_TRUE(v["groups"].empty());
  EXPECT_EQ(v["volumes"].size(), 3u) << "drbdlited's part still shown";
}

TEST(ClusterView, DrbdlitedNotAnswering) {
  ClusterSources s = full();
  s.drbdlited.document.reset();
  json v = cluster_view(s);
  EXPECT_EQ(v["sources"]["drbdlited"]["ok"], false);
  EXPECT_FALSE(v["sources"]["drbdlited"]["error"].get<std::string>().empty());
  EXPECT_TRUE(v["volumes"].empty());
  EXPECT_EQ(v["nodes"].size(), 4u);
}

TEST(ClusterView, WrongShapesAreIgnoredNotFatal) {
  ClusterSources s;
  s.hacored.document = json{{"nodes", "x"}, {"groups", {1, "a", json::object()}}, {"quorate", "yes"}};
  s.drbdlited.document = json::array({1, 2});
  s.events = {json("x"), json{{"event", 5}}, json{{"event", "switchover_phase"}}};
  json v = cluster_view(s);
  EXPECT_TRUE(v["nodes"].empty());
  EXPECT_EQ(v["groups"].size(), 1u);
  EXPECT_EQ(v["cluster"]["quorate"], false);
  EXPECT_TRUE(v["volumes"].empty());
  EXPECT_EQ(v["history"].size(), 1u);
}

}  // namespace
}  // namespace hamail::mailsvc::dashboard
