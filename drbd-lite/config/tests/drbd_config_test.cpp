#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hamail/drbdlite/config/drbd_config.h"

namespace hamail::drbdlite {
namespace {

// ha-core's sections are present but none of drbd-lite's business.
const std::string kValid = R"(cluster:
  name: t
nodes:
  - name: a
    ring_addrs: [10.0.0.1]
    replication_addr: 10.1.0.1
  - name: b
    ring_addrs: [10.0.0.2]
    replication_addr: 10.1.0.2
volumes:
  - name: r0
    device: /srv/r0-%n.img
    secret_file: /etc/hamail/r0.secret
    fencing: dont-care
)";

std::vector<std::string> errors_of(const std::string& yaml) {
  DrbdConfigLoad load = parse_drbd_config(yaml, "c.yaml");
  std::vector<std::string> out;
  for (const auto& e : load.errors) out.push_back(e.to_string());
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

TEST(DrbdConfig, ValidVolumeWithDefaults) {
  DrbdConfigLoad load = parse_drbd_config(kValid, "c.yaml");
  ASSERT_TRUE(load.config) << joined(errors_of(kValid));
  const DrbdConfig& c = *load.config;
  ASSERT_EQ(c.nodes.size(), 2u);
  EXPECT_EQ(c.find_node("b")->replication_addr, "10.1.0.2");
  EXPECT_EQ(c.peer_of("a")->name, "b");
  EXPECT_EQ(c.find_node("c"), nullptr);
  ASSERT_EQ(c.volumes.size(), 1u);
  const VolumeConfig& v = c.volumes[0];
  EXPECT_EQ(v.protocol, 'C');
  EXPECT_EQ(v.port, 7789);
  EXPECT_EQ(v.meta, "internal");
  EXPECT_EQ(v.resync_rate_bytes, 100ull << 20);
  EXPECT_FALSE(v.size_bytes);
  EXPECT_TRUE(v.nbd_socket.empty());
}

TEST(DrbdConfig, ShippedExamplesAreValid) {
  for (const char* f : {"/conf/cluster.yaml", "/conf/lab/cluster.yaml", "/conf/lab/cluster-qnetd.yaml"}) {
    DrbdConfigLoad load = load_drbd_config(std::string(HAMAIL_SOURCE_DIR) + f);
    std::vector<std::string> errs;
    for (const auto& e : load.errors) errs.push_back(e.to_string());
    EXPECT_TRUE(load.config) << f << "\n" << joined(errs);
  }
  DrbdConfigLoad example = load_drbd_config(std::string(HAMAIL_SOURCE_DIR) + "/conf/cluster.yaml");
  ASSERT_TRUE(example.config);
  ASSERT_EQ(example.config->volumes.size(), 1u);
  EXPECT_EQ(example.config->volumes[0].nbd_socket, "/run/drbd-lite/r0.nbd");
  EXPECT_EQ(example.config->volumes[0].device, "/dev/vdb");
}

// What `hactl cluster setup` writes (ha-core's golden output for one --volume): the volume
// and its secret as drbd-lite reads them.
TEST(DrbdConfig, ClusterSetupOutputLoads) {
  std::string f = std::string(HAMAIL_SOURCE_DIR) + "/ha-core/bootstrap/tests/golden/cluster.yaml";
  DrbdConfigLoad load = load_drbd_config(f);
  std::vector<std::string> errs;
  for (const auto& e : load.errors) errs.push_back(e.to_string());
  ASSERT_TRUE(load.config) << joined(errs);
  ASSERT_EQ(load.config->volumes.size(), 1u);
  EXPECT_EQ(load.config->volumes[0].secret_file, "/etc/hamail/r0.secret");
  EXPECT_EQ(load.config->volumes[0].device, "/dev/vg/mail");
  ASSERT_NE(load.config->peer_of("mail-ha1"), nullptr);
  EXPECT_EQ(load.config->peer_of("mail-ha1")->replication_addr, "203.0.113.12");
}

TEST(DrbdConfig, ErrorsInHaCoreSectionsDoNotStopDrbdLite) {
  std::string y = kValid + "groups: 5\nstonith:\n  enabld: true\nbogus_section: [1, 2]\n";
  EXPECT_TRUE(errors_of(y).empty()) << joined(errors_of(y));
}

TEST(DrbdConfig, MetricsEndpointIsOffByDefaultAndValidated) {
  DrbdConfigLoad off = parse_drbd_config(kValid, "c.yaml");
  ASSERT_TRUE(off.config);
  EXPECT_TRUE(off.config->metrics_listen.empty());
  std::string on = kValid + "metrics:\n  hacored: {listen: bogus}\n  drbdlited: {listen: \"127.0.0.1:9665\"}\n";
  DrbdConfigLoad load = parse_drbd_config(on, "c.yaml");
  ASSERT_TRUE(load.config) << joined(errors_of(on)) << "metrics.hacored is ha-core's to check";
  EXPECT_EQ(load.config->metrics_listen, "127.0.0.1:9665");
  auto errs = errors_of(kValid + "metrics:\n  drbdlited:\n    listen: \"127.0.0.1:99999\"\n");
  ASSERT_EQ(errs.size(), 1u) << joined(errs);
  EXPECT_EQ(errs[0].rfind("c.yaml:17:13: metrics.drbdlited.listen: expected HOST:PORT", 0), 0u) << errs[0];
  EXPECT_EQ(errors_of(kValid + "metrics:\n  drbdlited: {listen: \"[::1]:9665\", extra: 1}\n").size(), 1u);
}

TEST(DrbdConfig, ReadersAreTheGroupOfHacoredsSocket) {
  auto readers = [](const std::string& control) {
    std::string y = kValid + control;
    DrbdConfigLoad load = parse_drbd_config(y, "c.yaml");
    EXPECT_TRUE(load.config) << joined(errors_of(y));
    return load.config ? load.config->control_read_group : "?";
  };
  EXPECT_EQ(readers(""), "");
  EXPECT_EQ(readers("control:\n  group: root\n"), "") << "root only";
  EXPECT_EQ(readers("control:\n  socket: /run/hamail/hacored.sock\n  group: haclient\n"), "haclient");
  EXPECT_EQ(readers("control:\n  group: haclient\n  read_group: hamail-ro\n"), "hamail-ro");
  auto errs = errors_of(kValid + "control:\n  read_group: [a, b]\n");
  ASSERT_EQ(errs.size(), 1u) << joined(errs);
  EXPECT_NE(errs[0].find("control.read_group"), std::string::npos) << errs[0];
}

TEST(DrbdConfig, EveryVolumeKeyIsRead) {
  std::string y = kValid + R"(    meta: /srv/meta-%n.img
    size: 1G
    protocol: B
    port: 7790
    resync_rate: 40M
    nbd_socket: /run/x/%n-r0.nbd
)";
  DrbdConfigLoad load = parse_drbd_config(y, "c.yaml");
  ASSERT_TRUE(load.config) << joined(errors_of(y));
  const VolumeConfig& v = load.config->volumes[0];
  EXPECT_EQ(v.meta, "/srv/meta-%n.img");
  EXPECT_EQ(*v.size_bytes, 1ull << 30);
  EXPECT_EQ(v.protocol, 'B');
  EXPECT_EQ(v.port, 7790);
  EXPECT_EQ(v.resync_rate_bytes, 40ull << 20);
  VolumeConfig mine = for_node(v, "a", "/run/drbd-lite");
  EXPECT_EQ(mine.device, "/srv/r0-a.img");
  EXPECT_EQ(mine.meta, "/srv/meta-a.img");
  EXPECT_EQ(mine.nbd_socket, "/run/x/a-r0.nbd");
}

TEST(DrbdConfig, NbdSocketDefaultsToTheRuntimeDirectory) {
  DrbdConfigLoad load = parse_drbd_config(kValid, "c.yaml");
  ASSERT_TRUE(load.config);
  VolumeConfig mine = for_node(load.config->volumes[0], "b", "/tmp/rt");
  EXPECT_EQ(mine.nbd_socket, "/tmp/rt/r0.nbd");
  EXPECT_EQ(mine.meta, "internal");
}

TEST(DrbdConfig, UnknownVolumeKeySuggestsTheClosest) {
  auto errs = errors_of(kValid + "    nbd_sockte: /run/r0.nbd\n");
  ASSERT_EQ(errs.size(), 1u) << joined(errs);
  EXPECT_EQ(errs[0], "c.yaml:15:5: volumes[0].nbd_sockte: unknown key 'nbd_sockte' (did you mean 'nbd_socket'?)");
}

TEST(DrbdConfig, IntegerOutOfRange) {
  auto errs = errors_of(kValid + "    port: 70000\n");
  ASSERT_EQ(errs.size(), 1u) << joined(errs);
  EXPECT_EQ(errs[0], "c.yaml:15:11: volumes[0].port: value 70000 out of range (1..65535)");
}

TEST(DrbdConfig, VolumeNeedsAbsolutePathsAndReplicationAddress) {
  std::string y = kValid;
  y.replace(y.find("    replication_addr: 10.1.0.2\n"), 31, "");
  y.replace(y.find("device: /srv/r0-%n.img"), 22, "device: vdb");
  auto errs = errors_of(y);
  ASSERT_EQ(errs.size(), 2u) << joined(errs);
  EXPECT_EQ(errs[0], "c.yaml:11:13: volumes[0].device: expected an absolute path, found 'vdb'");
  EXPECT_EQ(errs[1], "c.yaml:7:5: nodes[1].replication_addr: missing required key 'replication_addr' (volumes are configured)");
}

TEST(DrbdConfig, DuplicateNamesAndPorts) {
  std::string y = kValid + "  - {name: r0, device: /srv/x, secret_file: /etc/s, fencing: dont-care}\n";
  auto errs = errors_of(y);
  ASSERT_EQ(errs.size(), 2u) << joined(errs);
  EXPECT_EQ(errs[0], "c.yaml:15:12: volumes[1].name: duplicate volume name 'r0'");
  EXPECT_EQ(errs[1], "c.yaml:15:5: volumes[1].port: port 7789 is used by volumes[0]");
}

TEST(DrbdConfig, BadReplicationAddress) {
  std::string y = kValid;
  y.replace(y.find("10.1.0.2"), 8, "10.1.0.x");
  auto errs = errors_of(y);
  ASSERT_EQ(errs.size(), 1u) << joined(errs);
  EXPECT_EQ(errs[0], "c.yaml:9:23: nodes[1].replication_addr: '10.1.0.x' is not an IPv4 or IPv6 address");
}

// kValid without its `fencing: dont-care`: the key's default.
std::string without_fencing() {
  std::string y = kValid;
  y.replace(y.find("    fencing: dont-care\n"), 23, "");
  return y;
}

TEST(DrbdConfig, FencingDefaultsToResourceAndStonithWhichNeedsAFencePeerHandler) {
  auto errs = errors_of(without_fencing());
  ASSERT_EQ(errs.size(), 1u) << joined(errs);
  EXPECT_EQ(errs[0], "c.yaml:11:5: volumes[0].handlers.fence_peer: fencing: resource-and-stonith (the default) needs "
                     "handlers.fence_peer (the command that outdates or fences the peer), or set fencing: dont-care");
  std::string y = without_fencing() + "    handlers: {fence_peer: /usr/sbin/fence-it, unfence_peer: /bin/true}\n";
  DrbdConfigLoad load = parse_drbd_config(y, "c.yaml");
  ASSERT_TRUE(load.config) << joined(errors_of(y));
  const VolumeConfig& v = load.config->volumes[0];
  EXPECT_EQ(v.fencing, "resource-and-stonith");
  EXPECT_EQ(v.handlers.fence_peer, "/usr/sbin/fence-it");
  EXPECT_EQ(v.handlers.unfence_peer, "/bin/true");
  EXPECT_EQ(v.after_sb_0pri, "disconnect");
  EXPECT_EQ(v.after_sb_1pri, "disconnect");
  EXPECT_EQ(v.after_sb_2pri, "disconnect");
  EXPECT_EQ(v.handler_timeout_ms, 60000u);
}

TEST(DrbdConfig, SplitBrainPoliciesAndHandlers) {
  std::string y = kValid + R"(    after_sb_0pri: discard-node-b
    after_sb_1pri: call-pri-lost-after-sb
    after_sb_2pri: call-pri-lost-after-sb
    handler_timeout: 5s
    handlers:
      split_brain: /usr/local/bin/sb "x y"
      pri_lost_after_sb: /sbin/reboot
      after_resync_target: /bin/true
)";
  DrbdConfigLoad load = parse_drbd_config(y, "c.yaml");
  ASSERT_TRUE(load.config) << joined(errors_of(y));
  const VolumeConfig& v = load.config->volumes[0];
  EXPECT_EQ(v.after_sb_0pri, "discard-node-b");
  EXPECT_EQ(v.after_sb_1pri, "call-pri-lost-after-sb");
  EXPECT_EQ(v.handler_timeout_ms, 5000u);
  EXPECT_EQ(v.handlers.split_brain, "/usr/local/bin/sb \"x y\"");
  EXPECT_EQ(v.handlers.pri_lost_after_sb, "/sbin/reboot");
  EXPECT_EQ(v.handlers.after_resync_target, "/bin/true");
}

TEST(DrbdConfig, BadPoliciesAreNamed) {
  auto errs = errors_of(kValid + "    after_sb_0pri: discard-node-zz\n    after_sb_1pri: call-pri-lost-after-sb\n"
                                 "    after_sb_2pri: consensus\n    handlers: {fence_pear: x}\n");
  ASSERT_EQ(errs.size(), 4u) << joined(errs);
  EXPECT_NE(errs[0].find("volumes[0].after_sb_2pri"), std::string::npos) << errs[0];
  EXPECT_NE(errs[1].find("volumes[0].handlers.fence_pear: unknown key 'fence_pear'"), std::string::npos) << errs[1];
  EXPECT_NE(errs[2].find("call-pri-lost-after-sb needs handlers.pri_lost_after_sb"), std::string::npos) << errs[2];
  EXPECT_EQ(errs[3], "c.yaml:15:20: volumes[0].after_sb_0pri: 'discard-node-zz' names no node of nodes:");
  errs = errors_of(kValid + "    after_sb_0pri: discard-everything\n");
  ASSERT_EQ(errs.size(), 1u) << joined(errs);
  EXPECT_NE(errs[0].find("expected one of disconnect, discard-younger-primary"), std::string::npos) << errs[0];
}

TEST(DrbdConfig, UnreadableAndBrokenFiles) {
  DrbdConfigLoad missing = load_drbd_config("/nonexistent/cluster.yaml");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].to_string(), "/nonexistent/cluster.yaml: cannot read the file: No such file or directory");
  auto errs = errors_of("nodes: [\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].find("YAML syntax error"), std::string::npos) << errs[0];
  errs = errors_of("volumes: []\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], "c.yaml:1:1: nodes: missing required key 'nodes'");
}

}  // namespace
}  // namespace hamail::drbdlite
