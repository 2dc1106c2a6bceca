// A small two-node cluster (node1, node2; group mail: vip, volume (promotable), fs,
// smtpd) as scenario text, for unit tests that change one thing in the state.
#pragma once

#include <string>

namespace hamail::scheduler::testing_support {

inline std::string scenario_with_state(const std::string& state_yaml) {
  return R"(config:
  cluster: {name: lab}
  nodes:
    - {name: node1, ring_addrs: [10.0.0.1]}
    - {name: node2, ring_addrs: [10.0.0.2]}
  stonith:
    devices: [{name: lab-fence, agent: fence_lab, hosts: [node1, node2]}]
  groups:
    - name: mail
      preferred_node: node1
      resources:
        - {name: mail-vip, agent: "ocf:hamail:vip"}
        - {name: mail-volume, agent: "ocf:hamail:volume", promotable: true}
        - {name: mail-fs, agent: "ocf:hamail:filesystem"}
        - {name: smtpd, agent: "ocf:hamail:smtpd"}
state:
)" + state_yaml;
}

}  // namespace hamail::scheduler::testing_support
