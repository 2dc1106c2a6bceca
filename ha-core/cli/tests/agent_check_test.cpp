#include <gtest/gtest.h>

#include <set>

#include "hamail/hacore/cli/agent_check.h"
#include "hamail/hacore/config/cluster_config_loader.h"

namespace hamail::hactl {
namespace {

TEST(AgentCheck, EveryAgentNotInstalledHereIsAWarning) {
  auto load = config::parse_cluster_config(R"(cluster: {name: t}
nodes:
  - {name: a, ring_addrs: [10.0.0.1]}
  - {name: b, ring_addrs: [10.0.0.2]}
stonith:
  devices: [{name: ipmi, agent: fence_ipmilan, hosts: [a, b]}, {name: lab, agent: fence_halab, hosts: [a, b]}]
groups:
  - name: mail
    resources:
      - {name: vip, agent: "ocf:hamail:vip"}
      - {name: smtpd, agent: "ocf:hamail:smtpd"}
      - {name: web, agent: "systemd:nginx"}
      - {name: old, agent: "lsb:exim4"}
)", "t.yaml");
  ASSERT_TRUE(load.config) << load.errors[0].to_string();
  std::set<std::string> installed = {"/usr/lib/ocf/resource.d/hamail/vip", "/usr/sbin/fence_ipmilan",
                                     "/lib/systemd/system/nginx.service"};
  auto w = missing_agents(*load.config, AgentPaths{}, [&](const std::string& p) { return installed.count(p) > 0; });
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0], "groups.mail.resources.smtpd: agent ocf:hamail:smtpd is not installed on this node "
                  "(no /usr/lib/ocf/resource.d/hamail/smtpd)");
  EXPECT_EQ(w[1], "groups.mail.resources.old: agent lsb:exim4 is not installed on this node (no /etc/init.d/exim4)");
  EXPECT_NE(w[2].find("stonith.devices.lab: fence agent fence_halab is not installed"), std::string::npos) << w[2];
}

}  // namespace
}  // namespace hamail::hactl
