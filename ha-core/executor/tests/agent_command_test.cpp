#include <gtest/gtest.h>

#include <algorithm>

#include "hamail/hacore/executor/agent_command.h"
#include "hamail/hacore/executor/ocf_environment.h"

namespace hamail::executor {
namespace {

config::ResourceConfig vip() {
  config::ResourceConfig r;
  r.name = "vip";
  r.agent = "ocf:hamail:vip";
  r.params = {{"ip", "10.0.0.10"}, {"cidr_netmask", "24"}};
  r.ops = {{"start", config::Milliseconds{0}, config::Milliseconds{30000}, std::nullopt},
           {"monitor", config::Milliseconds{10000}, config::Milliseconds{15000}, std::nullopt},
           {"monitor", config::Milliseconds{60000}, config::Milliseconds{40000}, std::nullopt}};
  return r;
}

AgentSpec spec(const char* text) { return *parse_agent_spec(text); }

TEST(ExecutorAgentCommand, OcfAgentGetsExactlyTheOcfEnvironment) {
  ExecutorOptions o;
  o.node_name = "node1";
  o.node_uuid = "1";
  auto cmd = agent_command(o, vip(), spec("ocf:hamail:vip"), Action::monitor, 10000, 15000);
  ASSERT_TRUE(cmd) << cmd.error();
  EXPECT_EQ(cmd->argv, (std::vector<std::string>{"/usr/lib/ocf/resource.d/hamail/vip", "monitor"}));
  EXPECT_EQ(cmd->timeout_ms, 15000u);
  std::vector<std::string> expected = {
      "OCF_EXIT_REASON_PREFIX=ocf-exit-reason:",
      "OCF_FUNCTIONS_DIR=/usr/lib/ocf/lib/heartbeat",
      "OCF_RA_VERSION_MAJOR=1",
      "OCF_RA_VERSION_MINOR=1",
      "OCF_RESKEY_CRM_meta_interval=10000",
      "OCF_RESKEY_CRM_meta_on_node=node1",
      "OCF_RESKEY_CRM_meta_on_node_uuid=1",
      "OCF_RESKEY_CRM_meta_timeout=15000",
      "OCF_RESKEY_cidr_netmask=24",
      "OCF_RESKEY_ip=10.0.0.10",
      "OCF_RESOURCE_INSTANCE=vip",
      "OCF_RESOURCE_PROVIDER=hamail",
      "OCF_RESOURCE_TYPE=vip",
      "OCF_ROOT=/usr/lib/ocf",
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  };
  EXPECT_EQ(cmd->env, expected);
}

TEST(ExecutorAgentCommand, NodeKeysOnlyWhenKnown) {
  auto cmd = agent_command(ExecutorOptions{}, vip(), spec("ocf:hamail:vip"), Action::start, 0, 20000);
  ASSERT_TRUE(cmd);
  for (const std::string& e : cmd->env) EXPECT_EQ(e.find("CRM_meta_on_node"), std::string::npos) << e;
}

TEST(ExecutorAgentCommand, LsbAndSystemdCommandLines) {
  ExecutorOptions o;
  o.lsb_dir = "/etc/init.d";
  o.systemctl = "/bin/systemctl";
  config::ResourceConfig r;
  r.name = "postfix";
  auto lsb = agent_command(o, r, spec("lsb:postfix"), Action::monitor, 0, 1000);
  ASSERT_TRUE(lsb);
  EXPECT_EQ(lsb->argv, (std::vector<std::string>{"/etc/init.d/postfix", "status"}));
  EXPECT_EQ(lsb->env, (std::vector<std::string>{"LC_ALL=C", "PATH=" + o.path_env}));
  auto sd = agent_command(o, r, spec("systemd:postfix"), Action::monitor, 0, 1000);
  ASSERT_TRUE(sd);
  EXPECT_EQ(sd->argv, (std::vector<std::string>{"/bin/systemctl", "is-active", "postfix.service"}));
  auto sd_start = agent_command(o, r, spec("systemd:postfix@main.service"), Action::start, 0, 1000);
  ASSERT_TRUE(sd_start);
  EXPECT_EQ(sd_start->argv, (std::vector<std::string>{"/bin/systemctl", "start", "postfix@main.service"}));
}

TEST(ExecutorAgentCommand, LsbAndSystemdHaveOnlyStartStopMonitor) {
  config::ResourceConfig r;
  r.name = "postfix";
  for (const char* agent : {"lsb:postfix", "systemd:postfix"}) {
    for (Action a : {Action::promote, Action::demote, Action::meta_data, Action::validate_all}) {
      auto cmd = agent_command(ExecutorOptions{}, r, spec(agent), a, 0, 1000);
      ASSERT_FALSE(cmd) << agent << " " << to_string(a);
      EXPECT_NE(cmd.error().find("have no '" + std::string(to_string(a)) + "' action"), std::string::npos)
          << cmd.error();
    }
  }
}

TEST(ExecutorAgentCommand, RejectsParameterNamesThatAreNotShellNames) {
  config::ResourceConfig r = vip();
  r.params["bad-name"] = "x";
  auto cmd = agent_command(ExecutorOptions{}, r, spec("ocf:hamail:vip"), Action::start, 0, 1000);
  ASSERT_FALSE(cmd);
  EXPECT_NE(cmd.error().find("'bad-name'"), std::string::npos) << cmd.error();
  EXPECT_FALSE(valid_param_name("1abc"));
  EXPECT_FALSE(valid_param_name("a=b"));
  EXPECT_TRUE(valid_param_name("_a1"));
}

TEST(ExecutorAgentCommand, ParamsCannotOverrideClusterKeys) {
  config::ResourceConfig r = vip();
  r.params["CRM_meta_timeout"] = "1";
  auto cmd = agent_command(ExecutorOptions{}, r, spec("ocf:hamail:vip"), Action::start, 0, 5000);
  ASSERT_TRUE(cmd);
  EXPECT_EQ(std::count(cmd->env.begin(), cmd->env.end(), "OCF_RESKEY_CRM_meta_timeout=5000"), 1);
  EXPECT_EQ(std::count(cmd->env.begin(), cmd->env.end(), "OCF_RESKEY_CRM_meta_timeout=1"), 0);
}

TEST(ExecutorOperationTimeout, FromTheMatchingOpElseTheDefault) {
  EXPECT_EQ(operation_timeout_ms(vip(), Action::start, 0, 20000), 30000u);
  EXPECT_EQ(operation_timeout_ms(vip(), Action::monitor, 60000, 20000), 40000u);
  EXPECT_EQ(operation_timeout_ms(vip(), Action::monitor, 10000, 20000), 15000u);
  EXPECT_EQ(operation_timeout_ms(vip(), Action::monitor, 0, 20000), 15000u);  // a probe: the first monitor op
  EXPECT_EQ(operation_timeout_ms(vip(), Action::stop, 0, 20000), 20000u);
}

}  // namespace
}  // namespace hamail::executor
