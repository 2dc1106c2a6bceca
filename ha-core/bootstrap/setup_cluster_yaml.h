// The cluster.yaml that `hactl cluster setup` writes: readable, commented YAML that both
// loaders (ha-core's and drbd-lite's) accept. Private to hacore_bootstrap.
#pragma once

#include <string>

#include "hamail/hacore/bootstrap/setup_request.h"

namespace hamail::bootstrap {

std::string render_setup_cluster_yaml(const SetupRequest& request);

// A volume's secret file: /etc/hamail/NAME.secret.
std::string secret_path(const std::string& volume);
inline constexpr const char* kAuthkeyPath = "/etc/corosync/authkey";

}  // namespace hamail::bootstrap
