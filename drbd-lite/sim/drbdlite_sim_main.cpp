// drbdlite-sim: runs the deterministic simulator. `--seed N` replays one seed and prints its
// trace; `--seeds N` runs N seeds from --first (default 1) and prints seeds/s; a failing
// seed prints the seed, the broken invariant and the trace's last lines.
#include <malloc.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "hamail/drbdlite/sim/simulator.h"

namespace {

using hamail::drbdlite::sim::SimOptions;
using hamail::drbdlite::sim::SimResult;

int usage() {
  std::cerr << "usage: drbdlite-sim (--seed N [--trace] | --seeds N [--first N]) [--steps N]\n";
  return 2;
}

bool number(const char* s, std::uint64_t& out) {
  char* end = nullptr;
  out = std::strtoull(s, &end, 10);
  return end && *end == '\0' && *s != '\0';
}

void print(const SimResult& r, std::uint64_t seed, bool ok_trace) {
  if (!r.ok || ok_trace) {
    for (const auto& l : r.trace) std::cout << l << "\n";
  }
  if (!r.ok) std::cout << "FAILED seed " << seed << ": " << r.failure << "\n  replay: drbdlite-sim --seed " << seed
                       << " --trace\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 0, seeds = 0, first = 1, steps = 1500;
  bool one = false, trace = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool has = i + 1 < argc;
    if (a == "--seed" && has && number(argv[++i], seed)) {
      one = true;
    } else if (a == "--seeds" && has && number(argv[++i], seeds)) {
    } else if (a == "--first" && has && number(argv[++i], first)) {
    } else if (a == "--steps" && has && number(argv[++i], steps)) {
    } else if (a == "--trace") {
      trace = true;
    } else {
      return usage();
    }
  }
  if (!one && seeds == 0) return usage();
  // Each run allocates and frees a few 512 KiB disk images: keep them in the heap instead of
  // fresh mmaps, whose page faults cost more than the run itself (3x the seeds/s in a VM).
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  SimOptions o;
  o.steps = static_cast<int>(steps);
  if (one) {
    o.seed = seed;
    o.full_trace = trace;
    SimResult r = hamail::drbdlite::sim::run_seed(o);
    print(r, seed, trace);
    std::cout << "seed " << seed << " " << (r.ok ? "passed" : "FAILED") << " (" << r.scenario << ")\n";
    return r.ok ? 0 : 1;
  }
  auto start = std::chrono::steady_clock::now();
  std::uint64_t ran = 0, failed = 0, writes = 0, crashes = 0, splits = 0, fences = 0, reads = 0, survivors = 0;
  for (std::uint64_t s = first; s < first + seeds; ++s) {
    o.seed = s;
    SimResult r = hamail::drbdlite::sim::run_seed(o);
    ++ran;
    writes += r.stats.writes_ok;
    crashes += r.stats.crashes;
    splits += r.stats.split_brains;
    survivors += r.stats.survivor_checks;
    fences += r.stats.fences;
    reads += r.stats.reads_checked;
    if (!r.ok) {
      ++failed;
      print(r, s, false);
      if (failed >= 3) break;  // the first failures say enough; each replays with --seed
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "seeds " << first << ".." << first + ran - 1 << ": " << ran - failed << " passed, " << failed
            << " failed; " << writes << " acknowledged writes, " << reads << " reads checked, " << crashes
            << " crashes, " << fences << " fence-peer runs, " << splits << " split-brain events, " << survivors
            << " converged on a discard policy's survivor; " << secs << " s, "
            << static_cast<std::uint64_t>(static_cast<double>(ran) / secs) << " seeds/s\n";
  return failed == 0 ? 0 : 1;
}
