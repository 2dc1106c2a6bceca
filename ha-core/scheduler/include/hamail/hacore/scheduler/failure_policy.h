// What failures mean under the configuration: the effective on_fail of an operation,
// when a failure expires, when a group is banned from a node (migration_threshold),
// and the cluster-wide consequences (fence, standby, block, keep stopped) of failures.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "hamail/hacore/scheduler/cluster_state.h"
#include "hamail/hacore/config/cluster_config.h"

namespace hamail::scheduler {

// The group's own setting, else the cluster default.
int migration_threshold(const config::ClusterConfig& cfg, const config::GroupConfig& group);
int stickiness(const config::ClusterConfig& cfg, const config::GroupConfig& group);
Milliseconds failure_timeout(const config::ClusterConfig& cfg, const config::GroupConfig& group);

// on_fail of `operation` on `resource`: the operation's own setting, else the default
// (a failed stop: fence when stonith is enabled, else block; others: defaults.on_fail).
config::OnFail effective_on_fail(const config::ClusterConfig& cfg, const config::ResourceConfig& resource,
                                 const std::string& operation);

// The failure count of (resource, node) that still counts at state.now (0 once expired).
int live_failure_count(const config::ClusterConfig& cfg, const config::GroupConfig& group,
                       const ClusterState& state, const std::string& resource, const std::string& node);

// Why `group` may not run on `node` because of failures, or nothing when it may.
std::optional<std::string> failure_ban(const config::ClusterConfig& cfg, const config::GroupConfig& group,
                                       const ClusterState& state, const std::string& node);

// Consequences of failures, decided before placement. Each map: name -> reason;
// when several failures hit the same node or group, the first in config order wins.
struct FailureConsequences {
  std::map<std::string, std::string> fence_nodes;     // on_fail=fence, or a failed stop
  std::map<std::string, std::string> standby_nodes;   // on_fail=standby
  std::map<std::string, std::string> blocked_groups;  // on_fail=block, or fencing impossible
  std::map<std::string, std::string> stopped_groups;  // on_fail=stop
};

// `can_fence`: stonith is enabled and this partition may fence (quorum or ignore).
FailureConsequences assess_failures(const config::ClusterConfig& cfg, const ClusterState& state, bool can_fence);

}  // namespace hamail::scheduler
