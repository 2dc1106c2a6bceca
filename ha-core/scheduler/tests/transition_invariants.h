// Safety rules every transition must keep, checked on every golden case: a group
// starts on at most one node, a node's stops come before starts elsewhere, and a
// group leaving an unclean node starts elsewhere only after the fence (or loudly).
#pragma once

#include <string>
#include <vector>

#include "hamail/hacore/scheduler/cluster_state.h"
#include "hamail/hacore/scheduler/transition.h"
#include "hamail/hacore/config/cluster_config.h"

namespace hamail::scheduler {

// One line per broken rule; empty when the transition is safe.
std::vector<std::string> invariant_violations(const config::ClusterConfig& cfg, const ClusterState& state,
                                              const Transition& t);

}  // namespace hamail::scheduler
