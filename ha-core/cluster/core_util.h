// Small helpers the ClusterCore's files share (internal).
#pragma once

#include <cstdint>
#include <string>

#include "hamail/hacore/scheduler/cluster_state.h"
#include "hamail/hacore/scheduler/transition.h"

namespace hamail::cluster {

// A wall-clock time for the operator: "2026-11-26T14:08:51.123Z".
std::string iso_time(std::int64_t wall_ms);
// What an agent's exit code says about the resource.
scheduler::ResourceStatus observed_status(int rc);
// "start vip on node1", "fence on node2".
std::string action_text(const scheduler::Action& a);

}  // namespace hamail::cluster
