// `hactl config validate FILE` and `hactl config corosync FILE`: offline commands on
// cluster.yaml that need no running daemon.
#pragma once

#include <string>
#include <vector>

namespace hamail::hactl {

// Returns the process exit code: 0 valid / rendered, 1 invalid, 2 usage error.
int run_config_command(const std::vector<std::string>& args);

}  // namespace hamail::hactl
