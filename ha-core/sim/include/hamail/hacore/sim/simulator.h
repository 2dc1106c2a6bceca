// The deterministic simulator of ha-core: two nodes, each the real hacored shell
// (NodeShell: ClusterCore + scheduler + Fencer) over simulated ports, a simulated CPG with
// virtual synchrony (SimCpg), votequorum's two_node/wait_for_all rules, and a seeded fault
// schedule: partitions, node power cuts and restarts, hacored crashes (its resources keep
// running), agent actions that fail or hang, fence devices that fail or hang. Invariants
// are checked after every step; one seed always gives the same run and the same trace.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hamail/base/seed_runner.h"

namespace hamail::hacore::sim {

struct SimOptions {
  std::uint64_t seed = 1;
  std::int64_t fault_ms = 30'000;   // the seeded faults run this long, then the heal
  bool full_trace = false;          // keep every trace line (else the last kTraceTail)
  // Each trace line as it is made (`--seed N --trace` prints them even if the core aborts).
  TraceSink trace_sink;
};

inline constexpr std::size_t kTraceTail = 80;
// Liveness: once the faults stopped and the cluster healed (both nodes up, hacored joined,
// one ring), every group runs on one node within this bound. It covers the longest waits
// the configuration allows: a failure's 30 s expiry (migration threshold reached on both
// nodes), the transition back-off (at most 60 s), a fence retry and the actions.
inline constexpr std::int64_t kLivenessBoundMs = 120'000;

struct SimStats {
  std::uint64_t partitions = 0, power_cuts = 0, process_crashes = 0, fences_ok = 0, fences_failed = 0,
                agent_fault_windows = 0, device_fault_windows = 0, resource_deaths = 0, switchovers = 0,
                messages = 0, failovers = 0;
  std::int64_t heal_to_running_ms = 0;  // from the heal to every group running
};

// ok, failure, scenario ("action=off priority_delay=5s cpg_delay<=20ms detect=2100ms") and
// the trace ("t=12.340 node1 ...", byte for byte the same for a seed), and the counts.
struct SimResult : SeedOutcome {
  SimStats stats;
};

SimResult run_seed(const SimOptions& options);

}  // namespace hamail::hacore::sim
