#include <gtest/gtest.h>

#include "hamail/hacore/scheduler/scenario_file.h"
#include "test_cluster.h"

namespace hamail::scheduler {
namespace {

using testing_support::scenario_with_state;

TEST(SchedulerScenarioFile, ReadsEveryStateField) {
  auto sc = parse_scenario(scenario_with_state(R"(  now: 2h
  quorate: false
  nodes:
    node1: {status: online, standby: true, connectivity: lost}
    node2: unclean
  resources:
    node2: {mail-vip: started, mail-volume: promoted, mail-fs: stop_failed, smtpd: unknown}
  failures:
    - {resource: smtpd, node: node1, count: 2, last: 90m, operation: start}
  switchover: {group: mail, to: other}
)"), "t.yaml");
  ASSERT_TRUE(sc.is_ok()) << sc.error();
  const ClusterState& s = sc->state;
  EXPECT_EQ(s.now, std::chrono::hours(2));
  EXPECT_FALSE(s.quorate);
  EXPECT_TRUE(s.nodes.at("node1").standby);
  EXPECT_FALSE(s.nodes.at("node1").connectivity_ok);
  EXPECT_EQ(s.nodes.at("node2").status, NodeStatus::unclean);
  EXPECT_EQ(s.resource_status("mail-volume", "node2"), ResourceStatus::promoted);
  EXPECT_EQ(s.resource_status("mail-fs", "node2"), ResourceStatus::stop_failed);
  EXPECT_EQ(s.resource_status("mail-fs", "node1"), ResourceStatus::stopped);
  const FailureRecord& f = s.failures.at({"smtpd", "node1"});
  EXPECT_EQ(f.count, 2);
  EXPECT_EQ(f.last_failure, std::chrono::minutes(90));
  EXPECT_EQ(f.operation, "start");
  ASSERT_TRUE(s.switchover.has_value());
  EXPECT_FALSE(s.switchover->target_node.has_value());
}

TEST(SchedulerScenarioFile, ReportsBadValuesWithLineAndKey) {
  auto sc = parse_scenario(scenario_with_state(R"(  nodes:
    node1: onlin
    node2: online
  resources:
    node1: {mail-vip: running}
  quorum: true
)"), "t.yaml");
  ASSERT_FALSE(sc.is_ok());
  EXPECT_NE(sc.error().find("t.yaml:18:12: state.nodes.node1: expected online, offline or unclean, found 'onlin'"),
            std::string::npos) << sc.error();
  EXPECT_NE(sc.error().find("state.resources.node1.mail-vip: expected stopped, started"), std::string::npos) << sc.error();
  EXPECT_NE(sc.error().find("unknown key 'quorum'"), std::string::npos) << sc.error();
}

TEST(SchedulerScenarioFile, ReportsConfigErrorsUnderConfigKeyPath) {
  std::string text = scenario_with_state("  nodes: {node1: online, node2: online}\n");
  text.replace(text.find("preferred_node: node1"), 21, "preferred_node: nod1");
  auto sc = parse_scenario(text, "t.yaml");
  ASSERT_FALSE(sc.is_ok());
  EXPECT_NE(sc.error().find("config.groups[0].preferred_node: no node named 'nod1'"), std::string::npos) << sc.error();
}

TEST(SchedulerScenarioFile, RejectsStateAboutUnknownResources) {
  auto sc = parse_scenario(scenario_with_state(R"(  nodes: {node1: online, node2: online}
  resources:
    node1: {imapd: started}
)"), "t.yaml");
  ASSERT_FALSE(sc.is_ok());
  EXPECT_NE(sc.error().find("resource 'imapd', which is not configured"), std::string::npos) << sc.error();
}

}  // namespace
}  // namespace hamail::scheduler
