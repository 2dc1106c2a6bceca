// Chooses the one node a group runs on after this transition, or none, and says why.
// Inputs: where the group runs now, which nodes can host it (membership, standby,
// fencing, failures), connectivity, the preferred node, auto_failback or stickiness,
// and an operator switchover request.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hamail/hacore/scheduler/cluster_state.h"
#include "hamail/hacore/config/cluster_config.h"

namespace hamail::scheduler {

// The nodes where any member of `group` is active (online or unclean nodes only;
// an offline node runs nothing), most active members first, then config order.
std::vector<std::string> active_nodes(const config::ClusterConfig& cfg, const config::GroupConfig& group,
                                      const ClusterState& state);

struct PlacementDecision {
  std::optional<std::string> current;  // where it runs now (first of active_nodes)
  std::optional<std::string> target;   // where it runs after the transition
  std::string why;                     // why it starts, moves, stops or stays off its preferred node
  std::string switchover_note;         // a refused or no-op switchover, explained
};

// `unavailable`: node -> why it can run no group at all in this run.
PlacementDecision place_group(const config::ClusterConfig& cfg, const config::GroupConfig& group,
                              const ClusterState& state, const std::map<std::string, std::string>& unavailable);

}  // namespace hamail::scheduler
