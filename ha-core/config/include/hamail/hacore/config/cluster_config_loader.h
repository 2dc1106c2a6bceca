// Reads and validates cluster.yaml strictly: YAML syntax, unknown keys (with a
// suggestion), types, ranges, required keys, and the cross-checks between sections
// (duplicate nodes, bad addresses, two_node with a node count other than 2, ...).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hamail/hacore/config/cluster_config.h"
#include "hamail/base/config_error.h"

namespace hamail::config {

struct ConfigLoad {
  std::optional<ClusterConfig> config;  // set only when errors is empty
  std::vector<ConfigError> errors;
  std::vector<std::string> warnings;    // valid but worth saying (e.g. fencing disabled)
};

ConfigLoad load_cluster_config(const std::string& path);
ConfigLoad parse_cluster_config(const std::string& text, const std::string& file_name);

}  // namespace hamail::config
