// hacore-sim: runs the deterministic simulator of ha-core. `--seed N [--trace]` replays one
// seed (the whole trace with --trace, printed as it is made, so a core that aborts on a
// broken HAMAIL_INVARIANT still leaves it); `--seeds N [--first F]` runs N seeds and prints
// totals and seeds/s; a failing seed prints the broken invariant, the trace's last lines and
// how to replay it (the command line and the seed loop: hamail/base/seed_runner.h).
#include <algorithm>
#include <iostream>
#include <string>

#include "hamail/base/seed_runner.h"
#include "hamail/hacore/sim/simulator.h"

int main(int argc, char** argv) {
  using hamail::hacore::sim::SimResult;
  std::uint64_t fault_seconds = 30;
  hamail::hacore::sim::SimStats t;
  hamail::SeedProgram p;
  p.name = "hacore-sim";
  p.summary = "Runs ha-core's deterministic simulator: --seed N [--trace] replays one seed, --seeds N many.";
  p.numbers = {{"fault-seconds", &fault_seconds, 1, 3600, "the seeded faults run this long, then the heal"}};
  p.run = [&](std::uint64_t seed, const hamail::TraceSink& sink) -> hamail::SeedOutcome {
    hamail::hacore::sim::SimOptions o;
    o.seed = seed;
    o.fault_ms = static_cast<std::int64_t>(fault_seconds) * 1000;
    o.trace_sink = sink;
    SimResult r = hamail::hacore::sim::run_seed(o);
    t.partitions += r.stats.partitions;
    t.power_cuts += r.stats.power_cuts;
    t.process_crashes += r.stats.process_crashes;
    t.fences_ok += r.stats.fences_ok;
    t.fences_failed += r.stats.fences_failed;
    t.failovers += r.stats.failovers;
    t.switchovers += r.stats.switchovers;
    t.messages += r.stats.messages;
    t.heal_to_running_ms = std::max(t.heal_to_running_ms, r.stats.heal_to_running_ms);  // the slowest
    return r;
  };
  p.totals = [&] {
    return std::to_string(t.partitions) + " partitions, " + std::to_string(t.power_cuts) + " power cuts, " +
           std::to_string(t.process_crashes) + " hacored crashes, " + std::to_string(t.fences_ok) +
           " fences ok, " + std::to_string(t.fences_failed) + " failed, " + std::to_string(t.failovers) +
           " failovers, " + std::to_string(t.switchovers) + " switchovers, " + std::to_string(t.messages) +
           " messages; slowest heal->running " + std::to_string(t.heal_to_running_ms) + " ms";
  };
  return hamail::run_seed_program(p, argc, argv, std::cout, std::cerr);
}
