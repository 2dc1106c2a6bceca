// `hactl simulate --state FILE`: what `hactl status --json` printed on a live cluster,
// decoded into the simulator's starting state (nodes online/standby, what runs where),
// every name checked against the configuration.
#pragma once

#include <string>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/hacore/config/cluster_config.h"
#include "hamail/hacore/sim/scripted.h"

namespace hamail::hactl {

// `file` names the state in errors; `notes` gets what the simulation does not carry over.
Result<hacore::sim::InitialState> parse_status_state(const std::string& text, const std::string& file,
                                                     const config::ClusterConfig& cfg,
                                                     std::vector<std::string>& notes);

}  // namespace hamail::hactl
