// Where hactl finds hacored: `--socket PATH`, else cluster.yaml's control.socket
// (`--config FILE`, default /etc/hamail/cluster.yaml), else /run/hamail/hacored.sock.
// Also the group allowed on the socket (control.group), for permission errors.
#pragma once

#include <optional>
#include <string>

#include "hamail/control/control_client.h"
#include "hamail/base/result.h"

namespace hamail::hactl {

inline constexpr const char* kDefaultConfigFile = "/etc/hamail/cluster.yaml";
inline constexpr const char* kDefaultSocket = "/run/hamail/hacored.sock";

// An explicit --config that cannot be read is an error; a missing default config is not.
Result<ControlEndpoint> resolve_control_endpoint(const std::optional<std::string>& config_file,
                                                 const std::optional<std::string>& socket);

}  // namespace hamail::hactl
