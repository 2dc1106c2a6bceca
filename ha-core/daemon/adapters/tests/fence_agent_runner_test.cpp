// FenceAgentRunner with real programs on a real loop: Debian's fence_dummy (its status
// file) and fence_ipmilan against a fake ipmitool on this machine, both unchanged; and a
// spy agent showing that a password_file's secret reaches the agent on stdin only (never
// its argv or environment) and that a failure's detail hides it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "hamail/hacore/daemon/adapters/fence_agent_runner.h"

namespace hamail::hacore {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& p, const std::string& text, fs::perms mode = fs::perms::owner_read | fs::perms::owner_write) {
  std::ofstream(p) << text;
  fs::permissions(p, mode);
}

class FenceAgentRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fence-runner-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    auto loop = uv::EventLoop::create();
    ASSERT_TRUE(loop) << loop.error();
    loop_ = std::move(*loop);
    log_.set_stderr(false);
    runner_ = std::make_unique<FenceAgentRunner>(*loop_, log_, std::vector<std::string>{dir_.string(), "/usr/sbin"},
                                                 20000);
  }
  void TearDown() override { fs::remove_all(dir_); }

  FenceDevices::Run run(const config::StonithDevice& d, const std::string& action, const std::string& target) {
    std::optional<FenceDevices::Run> result;
    Status st = runner_->run(d, action, target, [&](const FenceDevices::Run& r) { result = r; });
    EXPECT_TRUE(st) << st.message();
    if (!st) return {};
    while (!result) loop_->run_once();
    return *result;
  }
  static bool installed(const char* agent) { return access((std::string("/usr/sbin/") + agent).c_str(), X_OK) == 0; }

  fs::path dir_;
  std::unique_ptr<uv::EventLoop> loop_;
  Logger log_{"test", LogLevel::error};
  std::unique_ptr<FenceAgentRunner> runner_;
};

TEST_F(FenceAgentRunnerTest, DebiansFenceDummyPowersOffAndStatusSaysOff) {
  if (!installed("fence_dummy")) GTEST_SKIP() << "fence_dummy not installed (Debian's fence-agents: scripts/setup)";
  write(dir_ / "power", "on");
  config::StonithDevice d{"dummy", "fence_dummy", {"node2"}, {{"type", "file"}, {"status_file", (dir_ / "power").string()}}};
  EXPECT_EQ(run(d, "status", "node2").rc, 0) << "on";
  EXPECT_EQ(run(d, "monitor", "").rc, 0);
  auto off = run(d, "off", "node2");
  EXPECT_EQ(off.rc, 0) << off.detail;
  EXPECT_EQ(slurp(dir_ / "power"), "off");
  EXPECT_EQ(run(d, "status", "node2").rc, 2) << "off";
}

TEST_F(FenceAgentRunnerTest, DebiansFenceIpmilanAgainstAFakeIpmitool) {
  if (!installed("fence_ipmilan")) GTEST_SKIP() << "fence_ipmilan not installed (Debian's fence-agents: scripts/setup)";
  write(dir_ / "power", "on");
  write(dir_ / "ipmitool",
        "#!/bin/sh\n"
        "echo \"$*\" >>" + (dir_ / "ipmitool.log").string() + "\n"
        "state=" + (dir_ / "power").string() + "\n"
        "case \"$*\" in\n"
        "  *'power status'*) echo \"Chassis Power is $(cat $state)\" ;;\n"
        "  *'power off'*) echo off >$state; echo 'Chassis Power Control: Down/Off' ;;\n"
        "  *'power on'*) echo on >$state; echo 'Chassis Power Control: Up/On' ;;\n"
        "  *) exit 1 ;;\n"
        "esac\n",
        fs::perms::owner_all);
  write(dir_ / "ipmi.pass", "s3cret\n");
  config::StonithDevice d{"ipmi", "fence_ipmilan", {"node2"},
                          {{"ip", "127.0.0.1"}, {"username", "admin"}, {"ipmitool_path", (dir_ / "ipmitool").string()},
                           {"power_wait", "0"}}};
  d.password_file = (dir_ / "ipmi.pass").string();
  EXPECT_EQ(run(d, "status", "node2").rc, 0);
  auto off = run(d, "off", "node2");
  EXPECT_EQ(off.rc, 0) << off.detail;
  EXPECT_EQ(run(d, "status", "node2").rc, 2);
  std::string calls = slurp(dir_ / "ipmitool.log");
  EXPECT_NE(calls.find("-H 127.0.0.1"), std::string::npos) << calls;
  EXPECT_NE(calls.find("-U admin"), std::string::npos) << calls;
  EXPECT_NE(calls.find("-P s3cret"), std::string::npos) << "the password reached the agent (on its stdin): " << calls;
}

TEST_F(FenceAgentRunnerTest, ASecretIsOnStdinOnlyAndHiddenInTheDetail) {
  write(dir_ / "fence_spy",
        "#!/bin/sh\n"
        "tr '\\0' ' ' </proc/$$/cmdline >" + (dir_ / "cmdline").string() + "\n"
        "env >" + (dir_ / "environ").string() + "\n"
        "cat >" + (dir_ / "stdin").string() + "\n"
        "echo 'ERROR: login refused with password s3cret' >&2\n"
        "exit 1\n",
        fs::perms::owner_all);
  write(dir_ / "spy.pass", "s3cret\n");
  config::StonithDevice d{"spy", "fence_spy", {"node2"}, {{"ip", "192.0.2.9"}}};
  d.password_file = (dir_ / "spy.pass").string();
  d.host_map = {{"node2", "vm-2"}};
  auto r = run(d, "off", "node2");
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.detail, "exit code 1: ERROR: login refused with password ***");
  EXPECT_EQ(slurp(dir_ / "cmdline").find("s3cret"), std::string::npos) << slurp(dir_ / "cmdline");
  EXPECT_EQ(slurp(dir_ / "environ").find("s3cret"), std::string::npos);
  EXPECT_EQ(slurp(dir_ / "stdin"), "action=off\nplug=vm-2\nnodename=node2\nip=192.0.2.9\npassword=s3cret\n");
}

TEST_F(FenceAgentRunnerTest, AMissingAgentOrPasswordFileIsAnErrorAtOnce) {
  config::StonithDevice d{"x", "fence_nosuchagent", {"node2"}, {}};
  Status st = runner_->run(d, "off", "node2", [](const FenceDevices::Run&) { FAIL() << "never runs"; });
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("fence agent fence_nosuchagent not found"), std::string::npos) << st.message();
  write(dir_ / "fence_ok", "#!/bin/sh\nexit 0\n", fs::perms::owner_all);
  config::StonithDevice e{"y", "fence_ok", {"node2"}, {}};
  e.password_file = (dir_ / "absent").string();
  st = runner_->run(e, "off", "node2", [](const FenceDevices::Run&) { FAIL() << "never runs"; });
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("cannot read password_file"), std::string::npos);
}

}  // namespace
}  // namespace hamail::hacore
