// hacored's metrics from real shells (the two-node fixture): the event stream of a
// switchover, a failover and a fence counted and timed; gauges read from the status
// hactl sees. With HAMAIL_METRICS_OUT set, the fenced-failover text is also written there
// for the promtool check (ha-core/daemon/CMakeLists.txt).
#include "hamail/hacore/daemon/hacore_metrics.h"

#include <cstdlib>
#include <fstream>

#include "two_nodes.h"

namespace hamail::hacore {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

std::string metrics_of(Node& n) {
  HacoreMetrics m;
  for (const auto& e : n.events) m.on_event(e);
  return m.render(n.ask({{"cmd", "status"}})["status"]);
}

TEST_F(TwoNodes, MetricsShowPlacementAndCountASwitchoverAndAFailover) {
  start();
  std::string before = metrics_of(node(2));
  EXPECT_TRUE(has_line(before, "hamail_cluster_quorate 1")) << before;
  EXPECT_TRUE(has_line(before, "hamail_cluster_is_dc 0")) << before;
  EXPECT_TRUE(has_line(before, "hamail_cluster_nodes{state=\"online\"} 2")) << before;
  EXPECT_TRUE(has_line(before, "hamail_cluster_node_state{node=\"node1\",state=\"online\"} 1")) << before;
  EXPECT_TRUE(has_line(before, "hamail_group_placement{group=\"mail\",node=\"node1\"} 1")) << before;
  EXPECT_TRUE(has_line(before, "hamail_group_placement{group=\"mail\",node=\"node2\"} 0")) << before;
  EXPECT_TRUE(
      has_line(before, "hamail_resource_state{group=\"mail\",resource=\"vol\",node=\"node1\",state=\"promoted\"} 1"))
      << before;
  EXPECT_TRUE(has_line(before, "# TYPE hamail_switchovers_total counter")) << before;
  EXPECT_TRUE(has_line(before, "hamail_switchovers_total{group=\"mail\",result=\"done\"} 0")) << "at 0 from the start";
  EXPECT_TRUE(has_line(before, "hamail_fence_actions_total{target=\"node2\",result=\"failed\"} 0")) << before;

  ASSERT_EQ(node(2).ask({{"cmd", "switchover"}})["ok"], true);
  settle();
  cpg_.drop(2);  // powered off (stonith disabled in this cluster): node1 takes the group back
  std::erase_if(truth_, [](const auto& kv) { return kv.first.second == "node2"; });
  settle();
  std::string after = metrics_of(node(1));
  EXPECT_TRUE(has_line(after, "hamail_switchovers_total{group=\"mail\",result=\"done\"} 1")) << after;
  EXPECT_TRUE(has_line(after, "hamail_switchover_duration_seconds_count{group=\"mail\",result=\"done\"} 1")) << after;
  EXPECT_TRUE(has_line(after, "hamail_failovers_total{group=\"mail\"} 1")) << after;
  EXPECT_TRUE(has_line(after, "hamail_failover_duration_seconds_count{group=\"mail\"} 1")) << after;
  EXPECT_TRUE(has_line(after, "hamail_failover_duration_seconds_bucket{group=\"mail\",le=\"+Inf\"} 1")) << after;
  EXPECT_TRUE(has_line(after, "hamail_cluster_is_dc 1")) << after;
  EXPECT_TRUE(has_line(after, "hamail_cluster_nodes{state=\"online\"} 1")) << after;
  EXPECT_TRUE(has_line(after, "hamail_cluster_node_state{node=\"node2\",state=\"online\"} 0")) << after;
  EXPECT_TRUE(has_line(after, "hamail_group_placement{group=\"mail\",node=\"node1\"} 1")) << after;
}

TEST_F(TwoNodes, MetricsCountResourceOperationFailures) {
  start();
  HacoreMetrics m;
  m.on_event({{"event", "resource_failed"}, {"node", "node1"}, {"resource", "smtpd"}, {"op", "monitor"}, {"rc", 7}});
  m.on_event({{"event", "resource_failed"}, {"node", "node1"}, {"resource", "smtpd"}, {"op", "monitor"}, {"rc", 7}});
  m.on_event({{"event", "probe_failed"}, {"node", "node2"}, {"resource", "vip"}, {"rc", 1}});
  m.on_event({{"event", "node_joined"}, {"node", "node2"}});  // not counted anywhere
  std::string text = m.render(node(1).ask({{"cmd", "status"}})["status"]);
  EXPECT_TRUE(has_line(
      text, "hamail_resource_operation_failures_total{resource=\"smtpd\",node=\"node1\",operation=\"monitor\"} 2"))
      << text;
  EXPECT_TRUE(
      has_line(text, "hamail_resource_operation_failures_total{resource=\"vip\",node=\"node2\",operation=\"probe\"} 1"))
      << text;
}

TEST(HacoreMetrics, FenceDeviceHealthIsShownOnceChecked) {
  HacoreMetrics m;
  json status = {{"fencing",
                  {{"devices",
                    {{"lab", {{"agent", "fence_dummy"}, {"ok", true}}},
                     {"ipmi", {{"agent", "fence_ipmilan"}, {"ok", false}}},
                     {"spare", {{"agent", "fence_dummy"}}}}}}}};
  std::string text = m.render(status);
  EXPECT_TRUE(has_line(text, "hamail_fence_device_healthy{device=\"lab\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_fence_device_healthy{device=\"ipmi\"} 0")) << text;
  EXPECT_EQ(text.find("device=\"spare\""), std::string::npos) << "never checked: no value";
}

class FencingMetrics : public TwoNodes {
 protected:
  std::string config_text() const override { return cluster::testing_config::kTwoNodeFencingConfig; }
};

TEST_F(FencingMetrics, AFenceIsCountedByTargetAndResult) {
  start();
  fence_.off.insert("node1");
  cpg_.drop(1);
  node(1).stopped = true;
  std::erase_if(truth_, [](const auto& kv) { return kv.first.second == "node1"; });
  settle();
  std::string text = metrics_of(node(2));
  EXPECT_TRUE(has_line(text, "hamail_fence_actions_total{target=\"node1\",result=\"fenced\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_failovers_total{group=\"mail\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_group_placement{group=\"mail\",node=\"node2\"} 1")) << text;
  if (const char* out = std::getenv("HAMAIL_METRICS_OUT")) std::ofstream(out) << text;
}

// A status with what the two-node fixture never shows (a fail count, standby, maintenance):
// every family then has a series, so the promtool check (hacored_metrics_promtool_status)
// sees all the names. `hamail_resource_fail_count` was one promtool refuses (a gauge named
// _count): found only in the lab, where a resource had failed.
TEST(HacoreMetricsText, AStatusWithAFailCountAndStandbyRendersEveryFamily) {
  HacoreMetrics m;
  auto status = nlohmann::json::parse(R"({
    "quorate": true, "maintenance": true, "fencing": {"devices": {"halab": {"ok": true}}},
    "corosync_links": {"ok": true, "nodes": {"node2": {"reachable": true, "links": [
      {"link": 0, "connected": true}, {"link": 1, "connected": false}]}}},
    "nodes": [{"name": "node1", "status": "online", "standby": true},
              {"name": "node2", "status": "unclean"}],
    "groups": [{"name": "mail", "node": "node2", "resources": [
      {"name": "vip", "on": {"node2": "started", "node1": "failed"}, "fail_counts": {"node1": 2}}]}]
  })");
  std::string text = m.render(status);
  EXPECT_TRUE(has_line(text, "hamail_resource_failcount{resource=\"vip\",node=\"node1\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "hamail_resource_state{group=\"mail\",resource=\"vip\",node=\"node1\",state=\"failed\"} 1"))
      << text;
  EXPECT_TRUE(has_line(text, "hamail_cluster_maintenance 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_fence_device_healthy{device=\"halab\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_corosync_link_connected{node=\"node2\",link=\"0\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_corosync_link_connected{node=\"node2\",link=\"1\"} 0")) << text;
  if (const char* out = std::getenv("HAMAIL_METRICS_OUT")) std::ofstream(out) << text;
}

}  // namespace
}  // namespace hamail::hacore
