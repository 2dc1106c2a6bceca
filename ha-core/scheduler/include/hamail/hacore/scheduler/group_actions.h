// The agent actions that take one group from where it runs now to its target node:
// demote/stop in reverse member order wherever it must not run, then start/promote in
// member order on the target, where a failed member and every member after it restart.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hamail/hacore/scheduler/cluster_state.h"
#include "hamail/hacore/config/cluster_config.h"
#include "hamail/hacore/scheduler/transition.h"

namespace hamail::scheduler {

struct GroupActionInput {
  const config::ClusterConfig& cfg;
  const config::GroupConfig& group;
  const ClusterState& state;
  std::optional<std::string> current;  // where it runs now (PlacementDecision::current)
  std::optional<std::string> target;   // where it must run (none: stop everywhere)
  std::set<std::string> reachable;     // online nodes not being fenced: stops can run there
  std::string group_reason;            // "group mail moves node1 -> node2: ..." (starts/moves/stops)
  std::string start_warning;           // appended to start/promote reasons (e.g. an unfenced node)
};

struct GroupActions {
  std::vector<Action> stops;   // demotes and stops, in execution order
  std::vector<Action> starts;  // starts and promotes, in execution order
};

GroupActions plan_group_actions(const GroupActionInput& in);

}  // namespace hamail::scheduler
