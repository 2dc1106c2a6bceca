// The two-node cluster the core, shell and fuzz tests run: node1 (id 1, the DC when
// present) and node2, one group "mail" (vip, vol promotable on volume r0, smtpd)
// preferring node1, each with a 10 s monitor, migration_threshold 3. kTwoNodeConfig has
// stonith disabled; kTwoNodeFencingConfig fences with one device for both nodes (action
// off, a 7 s race delay, a device monitor every 10 s).
#pragma once

#include <string>

namespace hamail::cluster::testing_config {

inline const std::string kTwoNodes = R"(cluster: {name: t}
nodes:
  - {name: node1, id: 1, ring_addrs: [10.0.0.1]}
  - {name: node2, id: 2, ring_addrs: [10.0.0.2]}
)";

inline const std::string kMailGroup = R"(defaults: {migration_threshold: 3}
groups:
  - name: mail
    preferred_node: node1
    resources:
      - {name: vip, agent: "ocf:test:Dummy", ops: {monitor: {interval: 10s}}}
      - {name: vol, agent: "ocf:test:Dummy", promotable: true, params: {volume: r0}, ops: {monitor: {interval: 10s}}}
      - {name: smtpd, agent: "ocf:test:Dummy", ops: {monitor: {interval: 10s}}}
)";

inline const std::string kTwoNodeConfig = kTwoNodes + "stonith: {enabled: false}\n" + kMailGroup;

inline const std::string kTwoNodeFencingConfig = kTwoNodes + R"(quorum: {two_node: true, wait_for_all: true}
stonith:
  action: off
  priority_delay: 7s
  devices: [{name: lab, agent: fence_halab, hosts: [node1, node2], params: {spool: /tmp/x}, monitor_interval: 10s}]
)" + kMailGroup;

}  // namespace hamail::cluster::testing_config
