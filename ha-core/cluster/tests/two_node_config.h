// The two-node cluster the core, shell and fuzz tests run: node1 (id 1, the DC when
// present) and node2, stonith disabled, one group "mail" (vip, vol promotable, smtpd)
// preferring node1, each with a 10 s monitor, migration_threshold 3.
#pragma once

namespace hamail::cluster::testing_config {

inline const char* const kTwoNodeConfig = R"(cluster: {name: t}
nodes:
  - {name: node1, id: 1, ring_addrs: [10.0.0.1]}
  - {name: node2, id: 2, ring_addrs: [10.0.0.2]}
stonith: {enabled: false}
defaults: {migration_threshold: 3}
groups:
  - name: mail
    preferred_node: node1
    resources:
      - {name: vip, agent: "ocf:test:Dummy", ops: {monitor: {interval: 10s}}}
      - {name: vol, agent: "ocf:test:Dummy", promotable: true, ops: {monitor: {interval: 10s}}}
      - {name: smtpd, agent: "ocf:test:Dummy", ops: {monitor: {interval: 10s}}}
)";

}  // namespace hamail::cluster::testing_config
