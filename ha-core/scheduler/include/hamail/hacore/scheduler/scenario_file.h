// A scheduler scenario in one YAML file: the cluster.yaml under `config:` and the
// cluster state under `state:`. hacore-schedule and the golden tests read it; the
// format is described in README.md.
#pragma once

#include <string>

#include "hamail/hacore/scheduler/cluster_state.h"
#include "hamail/hacore/config/cluster_config.h"
#include "hamail/base/result.h"

namespace hamail::scheduler {

struct Scenario {
  config::ClusterConfig config;
  ClusterState state;
};

// Every error at once, one per line, each with file:line:column and key path
// (errors inside `config:` carry the key path only).
Result<Scenario> parse_scenario(const std::string& text, const std::string& file_name);
Result<Scenario> load_scenario(const std::string& path);

}  // namespace hamail::scheduler
