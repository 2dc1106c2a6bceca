#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "hamail/hacore/bootstrap/bootstrap_plan.h"
#include "hamail/hacore/config/cluster_config_loader.h"

namespace hamail::bootstrap {
namespace {

// Bytes seed, seed+1, ... : a different seed is a different "run".
RandomBytes counter(unsigned char seed) {
  return [seed](std::size_t n) mutable -> Result<std::string> {
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(seed++);
    return out;
  };
}

SetupRequest golden_request() {
  auto r = parse_setup_request({"--name", "mail", "mail-ha1=192.0.2.11", "mail-ha2=192.0.2.12", "--ring2",
                                "mail-ha1=198.51.100.11", "--ring2", "mail-ha2=198.51.100.12", "--replication",
                                "mail-ha1=203.0.113.11", "--replication", "mail-ha2=203.0.113.12", "--volume",
                                "r0=/dev/vg/mail"});
  EXPECT_TRUE(r) << r.error();
  return *r;
}

const PlannedFile* find(const BootstrapPlan& p, const std::string& path) {
  for (const auto& f : p.files)
    if (f.path == path) return &f;
  return nullptr;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(BootstrapPlan, GoldenClusterYaml) {
  auto plan = make_bootstrap_plan(golden_request(), counter(1));
  ASSERT_TRUE(plan) << plan.error();
  const PlannedFile* yaml = find(*plan, "/etc/hamail/cluster.yaml");
  ASSERT_NE(yaml, nullptr);
  std::string golden = std::string(BOOTSTRAP_TEST_DIR) + "/golden/cluster.yaml";
  if (std::getenv("HAMAIL_UPDATE_GOLDEN")) std::ofstream(golden, std::ios::binary) << yaml->content;
  EXPECT_EQ(yaml->content, read(golden)) << "to accept the new output: HAMAIL_UPDATE_GOLDEN=1 hacore_bootstrap_tests";
}

TEST(BootstrapPlan, FilesModesAndOrder) {
  auto plan = make_bootstrap_plan(golden_request(), counter(1));
  ASSERT_TRUE(plan) << plan.error();
  std::vector<std::pair<std::string, unsigned>> got;
  for (const auto& f : plan->files) got.emplace_back(f.path, f.mode);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, unsigned>>{{"/etc/corosync/authkey", 0400},
                                                                {"/etc/hamail/r0.secret", 0600},
                                                                {"/etc/corosync/corosync.conf", 0644},
                                                                {"/etc/hamail/cluster.yaml", 0644}}));
  EXPECT_EQ(plan->files.back().on_existing, OnExisting::keep_unless_example) << "cluster.yaml last: its presence means configured";
  EXPECT_EQ(find(*plan, "/etc/corosync/corosync.conf")->on_existing, OnExisting::replace);
  EXPECT_EQ(find(*plan, "/etc/corosync/authkey")->on_existing, OnExisting::keep);
}

TEST(BootstrapPlan, ClusterYamlLoadsAndCorosyncConfMatchesIt) {
  auto plan = make_bootstrap_plan(golden_request(), counter(1));
  ASSERT_TRUE(plan) << plan.error();
  auto load = config::parse_cluster_config(find(*plan, "/etc/hamail/cluster.yaml")->content, "cluster.yaml");
  ASSERT_TRUE(load.config) << load.errors[0].to_string();
  EXPECT_EQ(load.config->name, "mail");
  ASSERT_EQ(load.config->nodes.size(), 2u);
  EXPECT_EQ(load.config->nodes[1].ring_addrs, (std::vector<std::string>{"192.0.2.12", "198.51.100.12"}));
  EXPECT_EQ(load.config->nodes[1].replication_addr, "203.0.113.12");
  EXPECT_EQ(load.config->crypto.authkey, "/etc/corosync/authkey");
  EXPECT_TRUE(load.config->quorum.two_node);
  const std::string& conf = find(*plan, "/etc/corosync/corosync.conf")->content;
  for (const char* want : {"cluster_name: mail\n", "keyfile: /etc/corosync/authkey\n", "ring1_addr: 198.51.100.12\n",
                           "two_node: 1\n", "`hactl config corosync /etc/hamail/cluster.yaml`"})
    EXPECT_NE(conf.find(want), std::string::npos) << want;
}

TEST(BootstrapPlan, KeysComeFromTheRandomSource) {
  auto a = make_bootstrap_plan(golden_request(), counter(1));
  auto b = make_bootstrap_plan(golden_request(), counter(1));
  auto c = make_bootstrap_plan(golden_request(), counter(77));
  ASSERT_TRUE(a && b && c);
  const std::string& key = find(*a, "/etc/corosync/authkey")->content;
  ASSERT_EQ(key.size(), kAuthkeyBytes);
  EXPECT_EQ(static_cast<unsigned char>(key[0]), 1);
  EXPECT_EQ(static_cast<unsigned char>(key[255]), 0) << "256 bytes of the counter, the last wrapped";
  const std::string& secret = find(*a, "/etc/hamail/r0.secret")->content;
  EXPECT_EQ(secret.substr(0, 8), "01020304") << "drawn after the authkey, as hex";
  ASSERT_EQ(secret.size(), kSecretBytes * 2 + 1);
  EXPECT_EQ(secret.back(), '\n');
  for (const char* p : {"/etc/corosync/authkey", "/etc/hamail/r0.secret"}) {
    EXPECT_EQ(find(*a, p)->content, find(*b, p)->content) << p << ": same randomness, same key";
    EXPECT_NE(find(*a, p)->content, find(*c, p)->content) << p << ": other randomness, other key";
  }
  EXPECT_NE(find(*a, "/etc/corosync/authkey")->content, find(*a, "/etc/hamail/r0.secret")->content);
  EXPECT_EQ(find(*a, "/etc/hamail/cluster.yaml")->content, find(*c, "/etc/hamail/cluster.yaml")->content)
      << "no key in cluster.yaml";
}

TEST(BootstrapPlan, RandomSourceFailureIsAnError) {
  auto plan = make_bootstrap_plan(golden_request(), [](std::size_t) -> Result<std::string> { return Error{"ENOSYS"}; });
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error(), "cannot draw random bytes for the keys: ENOSYS");
}

TEST(BootstrapPlan, NoVolumeNoSecret) {
  auto r = parse_setup_request({"--name", "m", "a=192.0.2.11", "b=192.0.2.12"});
  ASSERT_TRUE(r);
  auto plan = make_bootstrap_plan(*r, counter(1));
  ASSERT_TRUE(plan) << plan.error();
  EXPECT_EQ(plan->files.size(), 3u);
  auto load = config::parse_cluster_config(plan->files.back().content, "cluster.yaml");
  EXPECT_TRUE(load.config) << load.errors[0].to_string();
}

TEST(BootstrapPlan, BlockingFiles) {
  auto plan = make_bootstrap_plan(golden_request(), counter(1));
  ASSERT_TRUE(plan);
  std::map<std::string, ExistingState> disk;
  std::vector<std::string> asked;
  auto state_of = [&](const std::string& p) {
    asked.push_back(p);
    auto it = disk.find(p);
    return it == disk.end() ? ExistingState::absent : it->second;
  };
  EXPECT_TRUE(blocking_files(plan->files, state_of).empty()) << "a fresh node";
  EXPECT_EQ(asked, (std::vector<std::string>{"/etc/corosync/authkey", "/etc/hamail/r0.secret", "/etc/hamail/cluster.yaml"}))
      << "corosync.conf is generated: never asked about";
  disk["/etc/corosync/corosync.conf"] = ExistingState::other;  // Debian's example
  disk["/etc/hamail/cluster.yaml"] = ExistingState::packaged_example;
  EXPECT_TRUE(blocking_files(plan->files, state_of).empty()) << "the packages' examples are no cluster";
  disk["/etc/hamail/cluster.yaml"] = ExistingState::other;
  disk["/etc/hamail/r0.secret"] = ExistingState::other;
  EXPECT_EQ(blocking_files(plan->files, state_of),
            (std::vector<std::string>{"/etc/hamail/r0.secret", "/etc/hamail/cluster.yaml"}));
}

}  // namespace
}  // namespace hamail::bootstrap
