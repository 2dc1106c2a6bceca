#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hamail/hacore/config/cluster_config_loader.h"

namespace hamail::config {
namespace {

// A small valid cluster; tests change one thing and check the exact error.
const std::string kValid = R"(cluster:
  name: t
nodes:
  - name: a
    ring_addrs: [10.0.0.1]
    replication_addr: 10.1.0.1
  - name: b
    ring_addrs: [10.0.0.2]
    replication_addr: 10.1.0.2
stonith:
  enabled: false
)";

std::vector<std::string> errors_of(const std::string& yaml) {
  ConfigLoad load = parse_cluster_config(yaml, "c.yaml");
  std::vector<std::string> out;
  for (const auto& e : load.errors) out.push_back(e.to_string());
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

void expect_single_error(const std::string& yaml, const std::string& expected) {
  auto errs = errors_of(yaml);
  ASSERT_EQ(errs.size(), 1u) << joined(errs);
  EXPECT_EQ(errs[0], expected);
}

TEST(ClusterConfig, ValidConfigLoadsWithDefaults) {
  ConfigLoad load = parse_cluster_config(kValid, "c.yaml");
  ASSERT_TRUE(load.errors.empty()) << load.errors[0].to_string();
  ASSERT_TRUE(load.config);
  const ClusterConfig& c = *load.config;
  EXPECT_EQ(c.name, "t");
  ASSERT_EQ(c.nodes.size(), 2u);
  EXPECT_EQ(c.nodes[0].id, 1u);
  EXPECT_EQ(c.nodes[1].id, 2u);
  EXPECT_TRUE(c.quorum.two_node);
  EXPECT_EQ(c.timing.token.count(), 3000);
  EXPECT_FALSE(c.stonith.enabled);
  ASSERT_FALSE(load.warnings.empty());
  EXPECT_NE(joined(load.warnings).find("stonith.enabled is false"), std::string::npos);
}

TEST(ClusterConfig, ShippedExamplesAreValid) {
  for (const char* f : {"/conf/cluster.yaml", "/conf/lab/cluster.yaml", "/conf/lab/cluster-qnetd.yaml"}) {
    ConfigLoad load = load_cluster_config(std::string(HAMAIL_SOURCE_DIR) + f);
    std::vector<std::string> errs;
    for (const auto& e : load.errors) errs.push_back(e.to_string());
    EXPECT_TRUE(load.config) << f << "\n" << joined(errs);
  }
}

TEST(ClusterConfig, ExampleHasFullModel) {
  ConfigLoad load = load_cluster_config(std::string(HAMAIL_SOURCE_DIR) + "/conf/cluster.yaml");
  ASSERT_TRUE(load.config);
  const ClusterConfig& c = *load.config;
  ASSERT_EQ(c.groups.size(), 1u);
  ASSERT_EQ(c.groups[0].resources.size(), 8u);  // vip, dnsd, volume, fs, trace, smtpd, pop3d, imapd
  EXPECT_EQ(c.groups[0].resources[4].params.at("service"), "trace");
  EXPECT_EQ(c.groups[0].resources[1].params.at("service"), "dnsd");
  EXPECT_EQ(c.groups[0].resources[2].agent, "ocf:hamail:volume");
  EXPECT_TRUE(c.groups[0].resources[2].promotable);
  EXPECT_EQ(c.groups[0].resources[0].ops[0].interval.count(), 10000);
  EXPECT_EQ(c.stonith.devices.size(), 2u);
  EXPECT_EQ(c.stonith.devices[0].params.at("ip"), "192.0.2.211");
  EXPECT_EQ(c.nodes[0].ring_addrs.size(), 2u);
  EXPECT_EQ(c.defaults.failure_timeout.count(), 600000);
}

TEST(ClusterConfig, UnknownKeySuggestsTheClosestKnownKey) {
  expect_single_error(kValid + "qourum:\n  two_node: true\n",
                      "c.yaml:12:1: qourum: unknown key 'qourum' (did you mean 'quorum'?)");
}

TEST(ClusterConfig, UnknownNestedKeyNamesItsPath) {
  std::string y = kValid;
  y.replace(y.find("    replication_addr: 10.1.0.2"), 30, "    replication_adr: 10.1.0.2");
  auto errs = errors_of(y);
  ASSERT_FALSE(errs.empty());
  EXPECT_EQ(errs[0], "c.yaml:9:5: nodes[1].replication_adr: unknown key 'replication_adr' (did you mean 'replication_addr'?)");
}

TEST(ClusterConfig, UnknownKeyFarFromAnyGetsNoSuggestion) {
  expect_single_error(kValid + "frobnicate: 1\n", "c.yaml:12:1: frobnicate: unknown key 'frobnicate'");
}

TEST(ClusterConfig, WrongTypeNamesKeyAndExpectation) {
  expect_single_error(kValid + "timing:\n  token: fast\n",
                      "c.yaml:13:10: timing.token: expected a duration such as 500ms, 3s, 2m, 1h or 5d, found 'fast'");
}

TEST(ClusterConfig, MappingWhereScalarExpected) {
  expect_single_error(kValid + "quorum:\n  two_node: {x: 1}\n",
                      "c.yaml:13:13: quorum.two_node: expected true or false, found a mapping");
}

TEST(ClusterConfig, ListExpected) {
  std::string y = kValid;
  y.replace(y.find("[10.0.0.2]"), 10, "10.0.0.2");
  expect_single_error(y, "c.yaml:8:17: nodes[1].ring_addrs: expected a list of strings, found a scalar");
}

TEST(ClusterConfig, MissingRequiredKey) {
  std::string y = kValid;
  y.replace(y.find("  name: t\n"), 10, "  nam: t\n");
  auto errs = errors_of(y);
  ASSERT_EQ(errs.size(), 2u) << joined(errs);
  EXPECT_EQ(errs[0], "c.yaml:2:3: cluster.name: missing required key 'name'");
  EXPECT_EQ(errs[1], "c.yaml:2:3: cluster.nam: unknown key 'nam' (did you mean 'name'?)");
}

TEST(ClusterConfig, MissingTopLevelSection) {
  expect_single_error("cluster: {name: t}\nstonith: {enabled: false}\n", "c.yaml:1:1: nodes: missing required key 'nodes'");
}

TEST(ClusterConfig, DuplicateNodeName) {
  std::string y = kValid;
  y.replace(y.find("name: b"), 7, "name: a");
  expect_single_error(y, "c.yaml:7:11: nodes[1].name: duplicate node name 'a' (also nodes[0])");
}

TEST(ClusterConfig, DuplicateNodeId) {
  std::string y = kValid;
  y.replace(y.find("  - name: b\n"), 12, "  - name: b\n    id: 1\n");
  expect_single_error(y, "c.yaml:8:9: nodes[1].id: duplicate node id 1 (also nodes[0])");
}

TEST(ClusterConfig, BadAddress) {
  std::string y = kValid;
  y.replace(y.find("10.0.0.2"), 8, "10.0.0.300");
  expect_single_error(y, "c.yaml:8:18: nodes[1].ring_addrs[0]: '10.0.0.300' is not an IPv4 or IPv6 address");
}

TEST(ClusterConfig, SameAddressOnTwoNodes) {
  std::string y = kValid;
  y.replace(y.find("10.0.0.2"), 8, "10.0.0.1");
  expect_single_error(y, "c.yaml:7:5: nodes[1]: address 10.0.0.1 is also used by nodes[0]");
}

TEST(ClusterConfig, TwoNodeNeedsExactlyTwoNodes) {
  std::string y = kValid + "quorum:\n  two_node: true\n";
  y.replace(y.find("  - name: b"), std::string("  - name: b\n    ring_addrs: [10.0.0.2]\n    replication_addr: 10.1.0.2\n").size(),
            "  - name: b\n    ring_addrs: [10.0.0.2]\n    replication_addr: 10.1.0.2\n  - name: c\n    ring_addrs: [10.0.0.3]\n");
  expect_single_error(y, "c.yaml:15:13: quorum.two_node: two_node needs exactly 2 nodes, found 3");
}

TEST(ClusterConfig, ThreeNodesWithoutTwoNodeAreAccepted) {
  std::string y = kValid;
  y.replace(y.find("stonith:"), 0, "  - name: c\n    ring_addrs: [10.0.0.3]\n");
  ConfigLoad load = parse_cluster_config(y, "c.yaml");
  ASSERT_TRUE(load.config) << load.errors[0].to_string();
  EXPECT_FALSE(load.config->quorum.two_node);
}

TEST(ClusterConfig, TwoNodeAndQdeviceExcludeEachOther) {
  expect_single_error(kValid + "quorum:\n  two_node: true\n  qdevice: {host: 10.9.9.9}\n",
                      "c.yaml:14:12: quorum.qdevice: two_node and a qdevice exclude each other: set two_node: false");
}

TEST(ClusterConfig, RingCountMustMatch) {
  std::string y = kValid;
  y.replace(y.find("[10.0.0.2]"), 10, "[10.0.0.2, 10.2.0.2]");
  expect_single_error(y, "c.yaml:8:17: nodes[1].ring_addrs: every node needs the same number of ring addresses (nodes[0] has 1)");
}

TEST(ClusterConfig, StonithEnabledNeedsADevicePerNode) {
  std::string y = kValid;
  y.replace(y.find("  enabled: false"), 16,
            "  enabled: true\n  devices:\n    - {name: f1, agent: fence_ipmilan, hosts: [a]}");
  expect_single_error(y, "c.yaml:11:3: stonith.devices: no stonith device can fence node 'b' (or set stonith.enabled: false)");
}

TEST(ClusterConfig, StonithDeviceNamesUnknownHost) {
  std::string y = kValid;
  y.replace(y.find("  enabled: false"), 16,
            "  enabled: true\n  devices:\n    - {name: f1, agent: fence_ipmilan, hosts: [a, bb]}\n"
            "    - {name: f2, agent: fence_ipmilan, hosts: [b]}");
  expect_single_error(y, "c.yaml:13:51: stonith.devices[0].hosts[1]: no node named 'bb' (did you mean 'b'?)");
}

TEST(ClusterConfig, FenceOnFailNeedsStonith) {
  std::string y = kValid + R"(groups:
  - name: g
    resources:
      - name: r
        agent: ocf:heartbeat:Dummy
        ops:
          stop: {timeout: 20s, on_fail: fence}
)";
  expect_single_error(y, "c.yaml:18:41: groups[0].resources[0].ops.stop.on_fail: on_fail: fence needs stonith.enabled: true");
}

TEST(ClusterConfig, BadAgentAndUnknownOperation) {
  std::string y = kValid + R"(groups:
  - name: g
    preferred_node: aa
    resources:
      - name: r
        agent: heartbeat:Dummy
        ops:
          monitr: {interval: 10s}
)";
  auto errs = errors_of(y);
  ASSERT_EQ(errs.size(), 3u) << joined(errs);
  EXPECT_EQ(errs[0], "c.yaml:17:16: groups[0].resources[0].agent: expected ocf:PROVIDER:TYPE, lsb:NAME or systemd:UNIT, found 'heartbeat:Dummy'");
  EXPECT_EQ(errs[1], "c.yaml:19:11: groups[0].resources[0].ops.monitr: unknown key 'monitr' (did you mean 'monitor'?)");
  EXPECT_EQ(errs[2], "c.yaml:14:21: groups[0].preferred_node: no node named 'aa' (did you mean 'a'?)");
}

TEST(ClusterConfig, DuplicateResourceNameAcrossGroups) {
  std::string y = kValid + R"(groups:
  - name: g1
    resources: [{name: r, agent: "ocf:heartbeat:Dummy"}]
  - name: g2
    resources: [{name: r, agent: "lsb:postfix"}]
)";
  expect_single_error(y, "c.yaml:16:24: groups[1].resources[0].name: name 'r' is already used by groups[0].resources[0]");
}

TEST(ClusterConfig, EnumValueSuggestsClosestChoice) {
  expect_single_error(kValid + "defaults:\n  no_quorum_policy: freez\n",
                      "c.yaml:13:21: defaults.no_quorum_policy: 'freez' is not one of: stop, freeze, ignore (did you mean 'freeze'?)");
}

TEST(ClusterConfig, IntegerOutOfRange) {
  std::string y = kValid + "timing:\n  token_retransmits_before_loss: 1000\n";
  expect_single_error(y, "c.yaml:13:34: timing.token_retransmits_before_loss: value 1000 out of range (1..100)");
}

TEST(ClusterConfig, ControlGroups) {
  ConfigLoad load = parse_cluster_config(kValid + "control:\n  group: haclient\n  read_group: hamail-ro\n", "c.yaml");
  ASSERT_TRUE(load.config) << joined(errors_of(kValid + "control:\n  group: haclient\n  read_group: hamail-ro\n"));
  EXPECT_EQ(load.config->control.group, "haclient");
  EXPECT_EQ(load.config->control.read_group, "hamail-ro");
  ConfigLoad defaults = parse_cluster_config(kValid, "c.yaml");
  ASSERT_TRUE(defaults.config);
  EXPECT_EQ(defaults.config->control.group, "root");
  EXPECT_TRUE(defaults.config->control.read_group.empty());
}

TEST(ClusterConfig, MetricsEndpointIsOffByDefaultAndValidated) {
  ConfigLoad off = parse_cluster_config(kValid, "c.yaml");
  ASSERT_TRUE(off.config);
  EXPECT_TRUE(off.config->metrics.listen.empty());
  std::string on = kValid + "metrics:\n  hacored: {listen: \"127.0.0.1:9664\"}\n  drbdlited: {listen: \"[::1]:9665\"}\n";
  ConfigLoad load = parse_cluster_config(on, "c.yaml");
  ASSERT_TRUE(load.config) << joined(errors_of(on));
  EXPECT_EQ(load.config->metrics.listen, "127.0.0.1:9664");
  auto errs = errors_of(kValid + "metrics:\n  hacored:\n    listen: localhost:9664\n");
  ASSERT_EQ(errs.size(), 1u) << joined(errs);
  EXPECT_EQ(errs[0].rfind("c.yaml:14:13: metrics.hacored.listen: expected HOST:PORT", 0), 0u) << errs[0];
  EXPECT_NE(errs[0].find("metrics.hacored.listen"), std::string::npos) << errs[0];
  EXPECT_NE(errs[0].find("HOST:PORT"), std::string::npos) << errs[0];
  EXPECT_EQ(errors_of(kValid + "metrics:\n  hacored: {}\n").size(), 1u);
  EXPECT_EQ(errors_of(kValid + "metrics:\n  hacored: {listen: \"127.0.0.1:1\", port: 3}\n").size(), 1u);
  EXPECT_EQ(errors_of(kValid + "metrics:\n  mailsvc: {}\n").size(), 1u);
  auto same = errors_of(kValid + "metrics:\n  hacored: {listen: \"127.0.0.1:9664\"}\n  drbdlited: {listen: \"127.0.0.1:9664\"}\n");
  ASSERT_EQ(same.size(), 1u) << joined(same);
  EXPECT_NE(same[0].find("metrics.drbdlited.listen: the same address as metrics.hacored.listen"), std::string::npos)
      << same[0];
}

TEST(ClusterConfig, VolumesSectionBelongsToDrbdLite) {
  // Read and checked by drbd-lite's loader (hamail/drbdlite/config), not here.
  ConfigLoad load = parse_cluster_config(kValid + "volumes:\n  - {name: r0, devize: vdb}\n", "c.yaml");
  EXPECT_TRUE(load.config) << joined(errors_of(kValid + "volumes:\n  - {name: r0, devize: vdb}\n"));
}

TEST(ClusterConfig, DuplicateYamlKey) {
  expect_single_error(kValid + "timing:\n  token: 1s\n  token: 2s\n", "c.yaml:14:3: timing.token: duplicate key");
}

TEST(ClusterConfig, YamlSyntaxErrorHasPosition) {
  auto errs = errors_of("cluster:\n  name: [t\nnodes: []\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].rfind("c.yaml:", 0), 0u);
  EXPECT_NE(errs[0].find("YAML syntax error"), std::string::npos) << errs[0];
}

TEST(ClusterConfig, EmptyFileAndMissingFile) {
  EXPECT_EQ(errors_of(""), std::vector<std::string>{"c.yaml: the file is empty"});
  ConfigLoad load = load_cluster_config("/nonexistent/cluster.yaml");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].to_string(), "/nonexistent/cluster.yaml: cannot read the file: No such file or directory");
}

TEST(ClusterConfig, TopLevelMustBeAMapping) {
  expect_single_error("- a\n- b\n", "c.yaml:1:1: (top level): expected a mapping of keys, found a list");
}

TEST(ClusterConfig, EveryErrorIsReportedInOneRun) {
  std::string y = R"(cluster: {name: t, crypto: {cipher: aes512}}
nodes:
  - {name: a, ring_addrs: [1.2.3.4], bogus: 1}
  - {name: a, ring_addrs: [1.2.3.5]}
timing: {token: 10}
)";
  auto errs = errors_of(y);
  EXPECT_EQ(errs.size(), 5u) << joined(errs);
}

}  // namespace
}  // namespace hamail::config
