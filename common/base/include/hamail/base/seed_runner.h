// What every deterministic simulator's main() shares (drbdlite-sim, hacore-sim): the command
// line (`--seed N [--trace]` replays one seed, `--seeds N [--first F]` runs many), the seed
// loop, and the reports: a failing seed, or one that aborts or crashes the process, is named
// with the command that replays it; a run of many ends with a totals line and seeds/s.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "hamail/base/sim_trace.h"

namespace hamail {

// One seed's run, as the runner reports it (a simulator's SimResult extends it).
struct SeedOutcome {
  bool ok = true;
  std::string failure;              // the broken invariant, when !ok
  std::string scenario;             // what the seed chose: "seed N passed (scenario)"
  std::vector<std::string> trace;   // "t=12.340 node1 ...": its tail is printed when the seed fails
};

// A run of many stops at this many failing seeds: they say enough, each replays with --seed.
inline constexpr std::uint64_t kMaxFailedSeeds = 3;

struct SeedProgram {
  std::string name;     // "hacore-sim": in the usage and the replay command
  std::string summary;  // one line for the usage
  // The simulator's own `--name N` options: *value holds the default, a value outside
  // [min, max] is a usage error.
  struct Number {
    std::string name;
    std::uint64_t* value = nullptr;
    std::uint64_t min = 0, max = 0;
    std::string help;
  };
  std::vector<Number> numbers;
  // Runs one seed. `sink`, when set, gets every trace line as it is made (`--seed N --trace`):
  // the trace is then not printed again. Adds the run's counts to what `totals` prints.
  std::function<SeedOutcome(std::uint64_t seed, const TraceSink& sink)> run;
  // The simulator's counts for the totals line: "12 partitions, 3 power cuts".
  std::function<std::string()> totals;
};

// A simulator's main(): parses argv (a bad argument prints what is wrong and the usage to
// `err` and returns 2; --help prints the usage to `out` and returns 0), runs the seeds and
// prints to `out`; 0 when every seed passed, else 1. While a seed runs, SIGABRT (a broken
// HAMAIL_INVARIANT) and SIGSEGV print "FAILED seed N: ..." and the replay command on stdout
// (write(2) only) before the process dies of the signal.
int run_seed_program(const SeedProgram& program, int argc, const char* const* argv, std::ostream& out,
                     std::ostream& err);

}  // namespace hamail
