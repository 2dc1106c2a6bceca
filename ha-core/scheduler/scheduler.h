// The ha-core scheduler: a pure function from (configuration, cluster state) to a
// transition. Same input, same output, byte for byte; no I/O, no clock, no globals.
#pragma once

#include "cluster_state.h"
#include "config/cluster_config.h"
#include "hamail/common/result.h"
#include "transition.h"

namespace hamail::scheduler {

// Checks that `state` speaks about the configured cluster: every configured node has
// a state, and every node, resource and group it names exists.
Status validate_state(const config::ClusterConfig& cfg, const ClusterState& state);

// Decides what to do. Errors only when validate_state() fails.
Result<Transition> schedule(const config::ClusterConfig& cfg, const ClusterState& state);

}  // namespace hamail::scheduler
