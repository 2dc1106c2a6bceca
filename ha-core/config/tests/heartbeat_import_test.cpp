// import_heartbeat(): golden cases (tests/heartbeat/<case>/: ha.cf, haresources, maybe
// authkeys -> expected.yaml), each loaded by the real parser; errors with file:line; notes
// for what is not mapped; secrets never copied; garbage never crashes it.
// HEARTBEAT_REGEN=1 rewrites the expected.yaml files (read every diff).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "hamail/hacore/config/cluster_config_loader.h"
#include "hamail/hacore/config/heartbeat_import.h"

namespace hamail::config {
namespace {

const std::filesystem::path kCases = std::filesystem::path(HAMAIL_SOURCE_DIR) / "ha-core/config/tests/heartbeat";

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

HeartbeatInput input(std::string ha_cf, std::string haresources) {
  return HeartbeatInput{{"ha.cf", std::move(ha_cf)}, {"haresources", std::move(haresources)}, std::nullopt};
}

const char* const kTwoNodes = "node node1\nnode node2\nucast eth0 10.0.0.1\nucast eth0 10.0.0.2\n";

// The YAML loads with the real loader, without a single error.
void expect_loads(const std::string& yaml) {
  ConfigLoad load = parse_cluster_config(yaml, "imported.yaml");
  for (const auto& e : load.errors) ADD_FAILURE() << e.to_string() << "\n" << yaml;
  EXPECT_TRUE(load.config.has_value());
}

std::string error_of(const HeartbeatInput& in) {
  auto r = import_heartbeat(in);
  EXPECT_FALSE(r) << "expected an error";
  return r ? std::string() : r.error();
}

bool has_note(const HeartbeatImport& r, const std::string& where, const std::string& part) {
  for (const auto& n : r.notes)
    if (n.where == where && n.text.find(part) != std::string::npos) return true;
  return false;
}

TEST(HeartbeatImport, GoldenCasesMatchAndLoad) {
  int cases = 0;
  for (const auto& dir : std::filesystem::directory_iterator(kCases)) {
    SCOPED_TRACE(dir.path().filename().string());
    HeartbeatInput in = input(read(dir.path() / "ha.cf"), read(dir.path() / "haresources"));
    if (std::filesystem::exists(dir.path() / "authkeys"))
      in.authkeys = HeartbeatAuthkeys{{"authkeys", read(dir.path() / "authkeys")}, 0600};  // git keeps no 0600
    auto r = import_heartbeat(in);
    ASSERT_TRUE(r) << r.error();
    if (std::getenv("HEARTBEAT_REGEN")) std::ofstream(dir.path() / "expected.yaml", std::ios::binary) << r->yaml;
    EXPECT_EQ(r->yaml, read(dir.path() / "expected.yaml"));
    expect_loads(r->yaml);
    ++cases;
  }
  EXPECT_EQ(cases, 3);
}

TEST(HeartbeatImport, TheClassicMailServerBecomesOneGroupWithFencing) {
  const auto dir = kCases / "classic";
  auto r = import_heartbeat(input(read(dir / "ha.cf"), read(dir / "haresources")));
  ASSERT_TRUE(r) << r.error();
  ConfigLoad load = parse_cluster_config(r->yaml, "imported.yaml");
  ASSERT_TRUE(load.config);
  const ClusterConfig& c = *load.config;
  ASSERT_EQ(c.nodes.size(), 2u);
  EXPECT_EQ(c.nodes[0].ring_addrs, (std::vector<std::string>{"10.0.1.1", "192.168.10.11"}));
  EXPECT_EQ(c.nodes[1].ring_addrs, (std::vector<std::string>{"10.0.1.2", "192.168.10.12"}));
  EXPECT_EQ(c.timing.token.count(), 13600);  // deadtime 30 s = token + consensus
  EXPECT_TRUE(c.stonith.enabled);
  ASSERT_EQ(c.stonith.devices.size(), 2u);
  EXPECT_EQ(c.stonith.devices[0].agent, "fence_ipmilan");
  EXPECT_EQ(c.stonith.devices[0].hosts, std::vector<std::string>{"mail2"});
  EXPECT_EQ(c.stonith.devices[0].params.at("ip"), "192.168.10.102");
  ASSERT_EQ(c.groups.size(), 1u);
  const GroupConfig& g = c.groups[0];
  EXPECT_EQ(g.preferred_node, "mail1");
  EXPECT_FALSE(g.auto_failback);
  std::vector<std::string> agents;
  for (const auto& res : g.resources) agents.push_back(res.agent);
  EXPECT_EQ(agents, (std::vector<std::string>{"ocf:hamail:vip", "ocf:hamail:volume", "ocf:hamail:filesystem",
                                              "lsb:postfix", "lsb:dovecot"}));
  EXPECT_EQ(g.resources[0].params.at("cidr_netmask"), "24");
  EXPECT_EQ(g.resources[0].params.at("nic"), "eth0");
  EXPECT_TRUE(g.resources[1].promotable);
  EXPECT_EQ(g.resources[2].params.at("device"), "/run/hamail/dev/r0");
  EXPECT_EQ(c.connectivity.targets, std::vector<std::string>{"192.168.10.1"});
  EXPECT_TRUE(has_note(*r, "ha.cf:4", "not mapped: `keepalive 2`"));
  EXPECT_TRUE(has_note(*r, "ha.cf:21", "the CIB was not read"));
}

TEST(HeartbeatImport, SecretsAreNeverCopied) {
  const auto dir = kCases / "classic";
  HeartbeatInput in = input(read(dir / "ha.cf"), read(dir / "haresources"));
  in.authkeys = HeartbeatAuthkeys{{"authkeys", read(dir / "authkeys") + "garbage line ThisIsTheHeartbeatKey42\n"}, 0644};
  auto r = import_heartbeat(in);
  ASSERT_TRUE(r) << r.error();
  for (const std::string secret : {"Sup3rS3cret", "ThisIsTheHeartbeatKey42"}) {
    EXPECT_EQ(r->yaml.find(secret), std::string::npos) << secret;
    for (const auto& n : r->notes) EXPECT_EQ(n.text.find(secret), std::string::npos) << n.where << ": " << n.text;
  }
  EXPECT_TRUE(has_note(*r, "authkeys", "mode 644"));
  EXPECT_TRUE(has_note(*r, "authkeys:3", "its text is not shown"));
  EXPECT_NE(r->yaml.find("password_file: \"/etc/hamail/fence-mail2.pass\""), std::string::npos);
}

TEST(HeartbeatImport, AWeakAuthkeysMethodIsSaid) {
  HeartbeatInput in = input(kTwoNodes, "node1 lsb-thing\n");
  in.authkeys = HeartbeatAuthkeys{{"/etc/ha.d/authkeys", "auth 2\n2 crc\n"}, 0600};
  auto r = import_heartbeat(in);
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(has_note(*r, "/etc/ha.d/authkeys", "crc authenticates nothing"));
  EXPECT_FALSE(has_note(*r, "/etc/ha.d/authkeys", "mode"));
}

TEST(HeartbeatImport, WithoutUsableStonithFencingIsOffAndSaysSoLoudly) {
  auto r = import_heartbeat(input(std::string(kTwoNodes) + "stonith_host * meatware node1\n", "node1 postfix\n"));
  ASSERT_TRUE(r) << r.error();
  EXPECT_NE(r->yaml.find("# !!! FENCING IS OFF"), std::string::npos);
  EXPECT_TRUE(has_note(*r, "ha.cf:5", "hactl fence NODE --confirm-off"));
  ConfigLoad load = parse_cluster_config(r->yaml, "imported.yaml");
  ASSERT_TRUE(load.config);
  EXPECT_FALSE(load.config->stonith.enabled);
  // One device that fences only node2 is not enough either.
  r = import_heartbeat(input(std::string(kTwoNodes) + "stonith_host node1 external/ipmi node2 10.0.9.2 admin x\n", "node1 postfix\n"));
  ASSERT_TRUE(r) << r.error();
  expect_loads(r->yaml);
  EXPECT_NE(r->yaml.find("enabled: false"), std::string::npos);
}

TEST(HeartbeatImport, NotExactlyTwoNodesIsAnErrorWithTheLine) {
  EXPECT_EQ(error_of(input("keepalive 2\nnode a b c\n", "a x\n")),
            "ha.cf:2: hamail runs two-node clusters: ha.cf names 3 nodes in `node` lines, expected exactly 2");
  EXPECT_EQ(error_of(input("node solo\n", "solo x\n")),
            "ha.cf:1: hamail runs two-node clusters: ha.cf names 1 node in `node` lines, expected exactly 2");
  EXPECT_EQ(error_of(input("keepalive 2\n", "")),
            "ha.cf: hamail runs two-node clusters: ha.cf names 0 nodes in `node` lines, expected exactly 2");
  EXPECT_EQ(error_of(input("node a\nnode a\n", "")), "ha.cf:2: node 'a' is listed twice");
  EXPECT_EQ(error_of(input("node a b/c\n", "")),
            "ha.cf:1: node name 'b/c' is not a host name hamail accepts (letters, digits, '-', '_', '.'; at most 63)");
}

TEST(HeartbeatImport, MalformedHaresourcesLinesAreErrorsWithFileAndLine) {
  const std::string hb = kTwoNodes;
  EXPECT_EQ(error_of(input(hb, "# mail\nnode3 postfix\n")),
            "haresources:2: the preferred node 'node3' is not a `node` of ha.cf (node1, node2); a line is `NODE RESOURCE...`");
  EXPECT_EQ(error_of(input(hb, "node1\n")), "haresources:1: group on node1 has no resources; a line is `NODE RESOURCE...`");
  EXPECT_EQ(error_of(input(hb, "node1 IPaddr::10.0.0/24\n")),
            "haresources:1: `IPaddr::10.0.0/24`: '10.0.0' is not an IP address");
  EXPECT_EQ(error_of(input(hb, "node1 IPaddr::10.0.0.5/40/eth0\n")),
            "haresources:1: `IPaddr::10.0.0.5/40/eth0`: '40' is not a netmask (bits, e.g. 24)");
  EXPECT_EQ(error_of(input(hb, "node1 IPaddr\n")),
            "haresources:1: `IPaddr`: expected IPaddr::ADDRESS[/BITS[/INTERFACE]]");
  EXPECT_EQ(error_of(input(hb, "node1 Filesystem::/dev/drbd0\n")),
            "haresources:1: `Filesystem::/dev/drbd0`: expected Filesystem::DEVICE::DIRECTORY[::FSTYPE[::OPTIONS]]");
  EXPECT_EQ(error_of(input(hb, "node1 Filesystem::/dev/sdb1::var/mail\n")),
            "haresources:1: `Filesystem::/dev/sdb1::var/mail`: the mount point 'var/mail' is not an absolute path");
  EXPECT_EQ(error_of(input(hb, "node1 drbddisk::r0\nnode2 \\\n  drbddisk::r0\n")),
            "haresources:2: drbddisk r0 is already used by the group of haresources:1");
  EXPECT_EQ(error_of(input(hb, "node1 ::x\n")), "haresources:1: `::x`: '' is not a resource script or init script name");
}

TEST(HeartbeatImport, UnknownAndUnmappedDirectivesAreNotesNotErrors) {
  auto r = import_heartbeat(input(std::string(kTwoNodes) + "frobnicate 3\nserial /dev/ttyS0\nwarntime 5\n", "node1 postfix\n"));
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(has_note(*r, "ha.cf:5", "not a Heartbeat directive this import knows"));
  EXPECT_TRUE(has_note(*r, "ha.cf:6", "corosync links are IP only"));
  EXPECT_TRUE(has_note(*r, "ha.cf:7", "not mapped: `warntime 5`"));
  EXPECT_NE(r->yaml.find("# ha.cf:5: not mapped: `frobnicate 3`"), std::string::npos);
  expect_loads(r->yaml);
}

TEST(HeartbeatImport, DeadtimeBecomesATokenWithTheSameDetectionTime) {
  auto token_for = [](const std::string& deadtime) {
    auto r = import_heartbeat(input(std::string(kTwoNodes) + "deadtime " + deadtime + "\n", "node1 postfix\n"));
    EXPECT_TRUE(r);
    ConfigLoad load = parse_cluster_config(r->yaml, "x");
    EXPECT_TRUE(load.config);
    return load.config ? load.config->timing.token.count() : -1;
  };
  EXPECT_EQ(token_for("30"), 13600);
  EXPECT_EQ(token_for("2"), 900);
  EXPECT_EQ(token_for("2.2s"), 1000);
  EXPECT_EQ(token_for("500ms"), 200);     // clamped to corosync's least
  EXPECT_EQ(token_for("3600"), 120000);   // clamped to the loader's most
  EXPECT_EQ(token_for("soon"), 3000);     // a note, and the usual token
}

TEST(HeartbeatImport, AOneSidedUcastGetsAPlaceholderForTheOtherNode) {
  auto r = import_heartbeat(input("node node1 node2\nucast eth1 10.0.1.2\n", "node1 postfix\n"));
  ASSERT_TRUE(r) << r.error();
  ConfigLoad load = parse_cluster_config(r->yaml, "x");
  ASSERT_TRUE(load.config);
  EXPECT_EQ(load.config->nodes[0].ring_addrs, std::vector<std::string>{"192.0.2.1"});
  EXPECT_EQ(load.config->nodes[1].ring_addrs, std::vector<std::string>{"10.0.1.2"});
  EXPECT_TRUE(has_note(*r, "ha.cf:2", "names one peer (10.0.1.2): given to node2"));
}

TEST(HeartbeatImport, AnAddressOnBothNodesBecomesAPlaceholder) {
  auto r = import_heartbeat(input("node node1 node2\nucast eth0 10.0.0.1\nucast eth0 10.0.0.2\n"
                                  "ucast eth1 10.0.0.2\nucast eth1 10.0.0.1\n",
                                  "node1 10.0.0.9 drbddisk::r0\n"));
  ASSERT_TRUE(r) << r.error();
  expect_loads(r->yaml);
  EXPECT_TRUE(has_note(*r, "ha.cf:4", "10.0.0.2 would belong to both nodes"));
}

// Lines of random printable words and bytes around valid ones: never a crash, and
// whatever imports loads.
TEST(HeartbeatImport, GarbageNeverCrashesAndWhatImportsLoads) {
  std::mt19937 rng(16);
  const std::vector<std::string> words = {"node", "node1", "node2", "ucast", "bcast", "mcast", "eth0", "10.0.0.1",
                                          "10.0.0.2", "::", "IPaddr::", "drbddisk::r0", "Filesystem::", "/dev/drbd0",
                                          "/srv", "stonith_host", "*", "external/ipmi", "deadtime", "auto_failback",
                                          "on", "\\", "#", "\"", "'", "{", "}", "- ", ": ", "ping", "respawn", "x/ipfail",
                                          "2001:db8::1", "\x01", "\xff", "\t", "300000000000000000000", "legacy"};
  int imported = 0;
  for (int round = 0; round < 400; ++round) {
    std::string files[2];
    for (int i = 0; i < 2; ++i) {
      std::string& f = files[i];
      int lines = static_cast<int>(rng() % 8);
      for (int l = 0; l < lines; ++l) {
        if (i == 1) f += rng() % 2 ? "node2 " : "node1 ";  // haresources lines start with a node
        int n = static_cast<int>(rng() % 6);
        for (int w = 0; w < n; ++w) f += words[rng() % words.size()] + (rng() % 4 ? " " : "");
        f += "\n";
      }
    }
    HeartbeatInput in = input("node node1 node2\n" + files[0], files[1]);
    auto r = import_heartbeat(in);
    if (!r) {
      EXPECT_NE(r.error().find(":"), std::string::npos) << r.error();
      continue;
    }
    ++imported;
    expect_loads(r->yaml);
  }
  EXPECT_GT(imported, 40);  // enough garbage gets through to test the loading
}

TEST(HeartbeatImport, AFileTooLargeIsRefused) {
  EXPECT_EQ(error_of(input(std::string(kHeartbeatMaxFileBytes + 1, '#'), "")),
            "ha.cf: larger than 1 MiB: not a Heartbeat configuration file");
}

}  // namespace
}  // namespace hamail::config
