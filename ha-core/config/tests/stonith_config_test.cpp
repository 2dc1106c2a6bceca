// cluster.yaml's stonith section: devices with their run policy, the fence action, the
// race delay, topology levels, and the errors a wrong one gets (file:line:col, key path).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hamail/hacore/config/cluster_config_loader.h"

namespace hamail::config {
namespace {

const std::string kNodes = R"(cluster: {name: t}
nodes:
  - {name: a, ring_addrs: [10.0.0.1]}
  - {name: b, ring_addrs: [10.0.0.2]}
)";

std::string errors(const ConfigLoad& load) {
  std::string s;
  for (const auto& e : load.errors) s += e.to_string() + "\n";
  return s;
}

TEST(StonithConfig, DevicesTopologyAndPolicyAreRead) {
  auto load = parse_cluster_config(kNodes + R"(stonith:
  action: off
  priority_delay: 3s
  timeout: 30s
  devices:
    - {name: ipmi-a, agent: fence_ipmilan, hosts: [a], params: {ip: 192.0.2.1}, password_file: /etc/hamail/a.pass,
       retries: 2, timeout: 10s, delay_base: 1s, delay_max: 2s, monitor_interval: 0ms, host_map: {a: bmc-a}}
    - {name: pdu-1, agent: fence_apc, hosts: [a, b]}
    - {name: pdu-2, agent: fence_apc, hosts: [a, b]}
  topology:
    a: [ipmi-a, [pdu-1, pdu-2]]
)", "c.yaml");
  ASSERT_TRUE(load.config) << errors(load);
  const StonithConfig& s = load.config->stonith;
  EXPECT_EQ(s.action, "off");
  EXPECT_EQ(s.priority_delay.count(), 3000);
  const StonithDevice* d = s.find_device("ipmi-a");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->password_file, "/etc/hamail/a.pass");
  EXPECT_EQ(d->retries, 2);
  EXPECT_EQ(d->timeout->count(), 10000);
  EXPECT_EQ(d->delay_base.count(), 1000);
  EXPECT_EQ(d->delay_max.count(), 2000);
  EXPECT_EQ(d->monitor_interval.count(), 0);
  EXPECT_EQ(d->host_map.at("a"), "bmc-a");
  EXPECT_EQ(s.levels_for("a"), (FenceLevels{{"ipmi-a"}, {"pdu-1", "pdu-2"}}));
  EXPECT_EQ(s.levels_for("b"), (FenceLevels{{"pdu-1"}, {"pdu-2"}})) << "no topology: each device, in order";
  EXPECT_TRUE(load.warnings.empty());
}

TEST(StonithConfig, WrongTopologiesAndParamsAreNamed) {
  auto load = parse_cluster_config(kNodes + R"(stonith:
  action: poweroff
  devices:
    - {name: pdu, agent: fence_apc, hosts: [a, b], params: {plug: "3"}}
    - {name: ipmi-b, agent: fence_ipmilan, hosts: [b], params: {password: x}, password_file: /p}
  topology:
    a: [ipmi-b, nope]
    c: [pdu]
)", "c.yaml");
  std::string e = errors(load);
  EXPECT_FALSE(load.config);
  EXPECT_NE(e.find("c.yaml:6:11: stonith.action: 'poweroff' is not one of: off, reboot"), std::string::npos) << e;
  EXPECT_NE(e.find("stonith.devices[0].params.plug: 'plug' is set by hacored"), std::string::npos) << e;
  EXPECT_NE(e.find("set either password_file or params.password, not both"), std::string::npos) << e;
  EXPECT_NE(e.find("stonith.topology.a[0]: device 'ipmi-b' cannot fence a"), std::string::npos) << e;
  EXPECT_NE(e.find("stonith.topology.a[1]: no stonith device named 'nope'"), std::string::npos) << e;
  EXPECT_NE(e.find("stonith.topology.c: no node named 'c'"), std::string::npos) << e;
}

TEST(StonithConfig, APasswordInTheFileIsAWarning) {
  auto load = parse_cluster_config(kNodes + R"(stonith:
  devices: [{name: pdu, agent: fence_apc, hosts: [a, b], params: {password: secret}}]
)", "c.yaml");
  ASSERT_TRUE(load.config) << errors(load);
  ASSERT_EQ(load.warnings.size(), 1u);
  EXPECT_NE(load.warnings[0].find("stonith.devices[0].params.password: a secret in cluster.yaml"), std::string::npos);
  EXPECT_EQ(load.warnings[0].find("secret,"), std::string::npos) << "the value itself is never printed";
}

}  // namespace
}  // namespace hamail::config
