// The pure and file-level parts of `hactl cluster`: option taking, finding the peer, the
// status hint, and FileInstaller on a temp root (modes, atomic replace, what blocks).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hamail/hacore/cli/cluster_commands.h"
#include "hamail/hacore/cli/file_installer.h"
#include "hamail/hacore/cli/node_services.h"

namespace hamail::hactl {
namespace {

namespace fs = std::filesystem;
using bootstrap::OnExisting;
using bootstrap::PlannedFile;

TEST(ClusterOptions, TakesOnlyTheAllowedOnes) {
  auto o = take_cluster_options({"--name", "m", "--force", "a=1", "--node", "a", "--all"}, {"--force", "--node"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_TRUE(o->force);
  EXPECT_FALSE(o->all);
  EXPECT_EQ(o->node, "a");
  EXPECT_EQ(o->rest, (std::vector<std::string>{"--name", "m", "a=1", "--all"}));
  EXPECT_EQ(take_cluster_options({"--root"}, {"--root"}).error(), "--root needs a value");
  EXPECT_EQ(take_cluster_options({"--root", "tmp/x"}, {"--root"}).error(), "--root tmp/x: expected an absolute directory");
}

TEST(ClusterOptions, FindPeer) {
  std::vector<std::pair<std::string, std::string>> nodes = {{"mail-ha1", "192.0.2.11"}, {"mail-ha2", "192.0.2.12"}};
  auto p = find_peer(nodes, "mail-ha2", "cluster.yaml");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->name, "mail-ha1");
  EXPECT_EQ(p->address, "192.0.2.11");
  EXPECT_EQ(find_peer(nodes, "other", "the command line").error(),
            "this node is 'other' (given with --node), not a node of the command line (mail-ha1, mail-ha2): "
            "run hactl on one of them, or name this node with --node NAME");
}

TEST(NodeServices, NotRunningHint) {
  EXPECT_EQ(not_running_hint({{"corosync", "active"}, {"hacored", "inactive"}}),
            "hacored is not running on this node (corosync is running): start it with `hactl cluster start` or "
            "`systemctl start hacored`");
  EXPECT_EQ(not_running_hint({{"corosync", "failed"}, {"hacored", "inactive"}}),
            "hacored is not running on this node, nor is corosync (failed): start both with `hactl cluster start` "
            "(systemctl start corosync drbdlited hacored)");
  EXPECT_EQ(not_running_hint({{"corosync", "active"}, {"hacored", "active"}}), "") << "the socket error says why";
  EXPECT_EQ(not_running_hint({{"corosync", "active"}}), "") << "unknown: say nothing";
}

class Installer : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("hactl-install-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string read(const std::string& path) {
    std::ifstream in(root_.string() + path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  unsigned mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat((root_.string() + path).c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  fs::path root_;
};

std::vector<PlannedFile> files() {
  return {{"/etc/corosync/authkey", 0400, std::string("k\0y", 3), OnExisting::keep},
          {"/etc/corosync/corosync.conf", 0644, "totem {}\n", OnExisting::replace},
          {"/etc/hamail/cluster.yaml", 0644, "cluster: {name: m}\n", OnExisting::keep_unless_example}};
}

TEST_F(Installer, WritesUnderTheRootWithModes) {
  FileInstaller in(root_.string());
  EXPECT_EQ(in.on_disk("/etc/hamail/cluster.yaml"), root_.string() + "/etc/hamail/cluster.yaml");
  EXPECT_EQ(FileInstaller("").on_disk("/etc/x"), "/etc/x");
  std::ostringstream out;
  ASSERT_TRUE(in.install(files(), out));
  EXPECT_EQ(out.str(), "  /etc/corosync/authkey (0400)\n  /etc/corosync/corosync.conf (0644)\n  /etc/hamail/cluster.yaml (0644)\n");
  EXPECT_EQ(read("/etc/corosync/authkey"), std::string("k\0y", 3));
  EXPECT_EQ(mode("/etc/corosync/authkey"), 0400u);
  EXPECT_EQ(mode("/etc/hamail/cluster.yaml"), 0644u);
  for (const auto& e : fs::directory_iterator(root_ / "etc/corosync"))
    EXPECT_EQ(e.path().filename().string().find(".hamail-"), std::string::npos) << "temp file left: " << e.path();
}

TEST_F(Installer, BlockingAndReplacing) {
  FileInstaller in(root_.string());
  EXPECT_TRUE(in.blocking(files()).empty());
  fs::create_directories(root_ / "etc/hamail");
  fs::copy_file(std::string(HACTL_TEST_DIR) + "/../../../conf/cluster.yaml", root_ / "etc/hamail/cluster.yaml");
  fs::create_directories(root_ / "etc/corosync");
  std::ofstream(root_ / "etc/corosync/corosync.conf") << "# Debian's example\n";
  EXPECT_TRUE(in.blocking(files()).empty()) << "the packaged cluster.yaml and any corosync.conf are no cluster";
  std::ofstream(root_ / "etc/hamail/cluster.yaml", std::ios::app) << "# edited\n";
  EXPECT_EQ(in.blocking(files()), std::vector<std::string>{"/etc/hamail/cluster.yaml"});
  std::ostringstream out;
  ASSERT_TRUE(in.install(files(), out)) << "install itself does not check: the caller decided (--force)";
  EXPECT_EQ(read("/etc/hamail/cluster.yaml"), "cluster: {name: m}\n");
  EXPECT_EQ(read("/etc/corosync/corosync.conf"), "totem {}\n");
  EXPECT_EQ(in.blocking(files()), (std::vector<std::string>{"/etc/corosync/authkey", "/etc/hamail/cluster.yaml"}));
}

TEST_F(Installer, AFailureNamesTheFile) {
  fs::create_directories(root_ / "etc/hamail/cluster.yaml");  // a directory where the file goes
  std::ostringstream out;
  auto st = FileInstaller(root_.string()).install(files(), out);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message().rfind(root_.string() + "/etc/hamail/cluster.yaml: cannot write: ", 0), 0u) << st.message();
  for (const auto& e : fs::directory_iterator(root_ / "etc/hamail"))
    EXPECT_EQ(e.path().filename().string().find(".hamail-"), std::string::npos) << "temp file left: " << e.path();
}

}  // namespace
}  // namespace hamail::hactl
