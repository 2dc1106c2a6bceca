// Whether every agent cluster.yaml names is installed on this node (hactl config
// validate): OCF agents under the OCF root, LSB scripts in /etc/init.d, systemd units, and
// fence agents in the fence path. A missing one is a warning, not an error: the file may
// be checked on a machine other than the nodes.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "hamail/hacore/config/cluster_config.h"

namespace hamail::hactl {

struct AgentPaths {
  std::string ocf_root = "/usr/lib/ocf";
  std::vector<std::string> fence_path = {"/usr/sbin", "/sbin", "/usr/local/sbin"};
  std::vector<std::string> systemd_dirs = {"/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"};
  std::string init_dir = "/etc/init.d";
};

// One warning per agent not found; `exists` says whether a path is an installed file.
std::vector<std::string> missing_agents(const config::ClusterConfig& cfg, const AgentPaths& paths,
                                        const std::function<bool(const std::string&)>& exists);

}  // namespace hamail::hactl
