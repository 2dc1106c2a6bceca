// The ha-core scheduler: a pure function from (configuration, cluster state) to a
// transition. Same input, same output, byte for byte; no I/O, no clock, no globals.
#pragma once

#include "hamail/hacore/scheduler/cluster_state.h"
#include "hamail/hacore/config/cluster_config.h"
#include "hamail/base/result.h"
#include "hamail/hacore/scheduler/transition.h"

namespace hamail::scheduler {

// Checks that `state` speaks about the configured cluster: every configured node has
// a state, and every node, resource and group it names exists.
Status validate_state(const config::ClusterConfig& cfg, const ClusterState& state);

// Decides what to do. Errors only when validate_state() fails.
Result<Transition> schedule(const config::ClusterConfig& cfg, const ClusterState& state);

}  // namespace hamail::scheduler
