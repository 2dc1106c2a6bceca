// The deterministic simulator: two Replica cores on MemDisks, a simulated network and a
// simulated cluster (fence-peer answers, STONITH), driven by one seeded random schedule of
// application I/O, promotions, demotions, partitions, crashes and restarts, with invariants
// checked after every step. One seed always gives the same run and the same trace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hamail/base/seed_runner.h"

namespace hamail::drbdlite::sim {

struct SimOptions {
  std::uint64_t seed = 1;
  int steps = 1500;              // schedule steps of 20 ms, then the heal phase
  bool full_trace = false;       // keep every trace line (else the last kTraceTail)
  TraceSink trace_sink;          // each trace line as it is made (`--seed N --trace`)
};

inline constexpr std::size_t kTraceTail = 80;

struct SimStats {
  std::uint64_t writes = 0, writes_ok = 0, reads_checked = 0, crashes = 0, partitions = 0, fences = 0,
                split_brains = 0, promotions = 0;
  std::uint64_t survivor_checks = 0;  // runs that ended converged on a discard policy's survivor
};

// ok, failure, scenario ("fencing=resource-and-stonith protocol=C 0pri=... disk faults") and
// the trace ("t=12.340 node1 ...", byte for byte the same for a seed), and the counts.
struct SimResult : SeedOutcome {
  SimStats stats;
};

SimResult run_seed(const SimOptions& options);

}  // namespace hamail::drbdlite::sim
