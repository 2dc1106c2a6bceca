// drbdlite-sim: runs the deterministic simulator. `--seed N [--trace]` replays one seed (its
// whole trace with --trace); `--seeds N [--first F]` runs N seeds and prints the totals and
// seeds/s; a failing seed prints the broken invariant, the trace's last lines and how to
// replay it (the command line and the seed loop: hamail/base/seed_runner.h).

#include <climits>
#include <iostream>
#include <string>

#include "hamail/base/large_buffer_heap.h"
#include "hamail/base/seed_runner.h"
#include "hamail/drbdlite/sim/simulator.h"

int main(int argc, char** argv) {
  using hamail::drbdlite::sim::SimResult;
  std::uint64_t steps = 1500;
  hamail::drbdlite::sim::SimStats t;
  hamail::SeedProgram p;
  p.name = "drbdlite-sim";
  p.summary = "Runs drbd-lite's deterministic simulator: --seed N [--trace] replays one seed, --seeds N many.";
  p.numbers = {{"steps", &steps, 0, INT_MAX, "schedule steps of 20 ms a run, then the heal"}};
  p.run = [&](std::uint64_t seed, const hamail::TraceSink& sink) -> hamail::SeedOutcome {
    hamail::drbdlite::sim::SimOptions o;
    o.seed = seed;
    o.steps = static_cast<int>(steps);
    o.trace_sink = sink;
    SimResult r = hamail::drbdlite::sim::run_seed(o);
    t.writes_ok += r.stats.writes_ok;
    t.crashes += r.stats.crashes;
    t.split_brains += r.stats.split_brains;
    t.survivor_checks += r.stats.survivor_checks;
    t.fences += r.stats.fences;
    t.reads_checked += r.stats.reads_checked;
    return r;
  };
  p.totals = [&] {
    return std::to_string(t.writes_ok) + " acknowledged writes, " + std::to_string(t.reads_checked) +
           " reads checked, " + std::to_string(t.crashes) + " crashes, " + std::to_string(t.fences) +
           " fence-peer runs, " + std::to_string(t.split_brains) + " split-brain events, " +
           std::to_string(t.survivor_checks) + " converged on a discard policy's survivor";
  };
  // Each run allocates and frees a few 512 KiB disk images: keep them in the heap instead of
  // fresh mmaps, whose page faults cost more than the run itself (3x the seeds/s in a VM).
  // (Refused under ASan, whose allocator is its own: the seeds run slower, nothing else.)
  (void)hamail::keep_large_buffers_in_heap(256 << 20);
  return hamail::run_seed_program(p, argc, argv, std::cout, std::cerr);
}
