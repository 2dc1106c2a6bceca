// hacore-sim: runs the deterministic simulator of ha-core. `--seed N [--trace]` replays one
// seed (the whole trace with --trace, printed as it is made, so a core that aborts on a
// broken HAMAIL_INVARIANT still leaves it); `--seeds N [--first F]` runs N seeds and prints
// totals and seeds/s; a failing seed prints the broken invariant, the trace's last lines and
// how to replay it.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "hamail/hacore/sim/simulator.h"

namespace {

using hamail::hacore::sim::SimOptions;
using hamail::hacore::sim::SimResult;

// The seed running now, for the abort report (a HAMAIL_INVARIANT of the core aborts the
// process: the report names the seed to replay). Written only by main's loop.
volatile std::sig_atomic_t g_seed_hi = 0, g_seed_lo = 0;

void on_abort(int sig) {
  char buf[160];
  std::uint64_t seed = (static_cast<std::uint64_t>(g_seed_hi) << 32) | static_cast<std::uint32_t>(g_seed_lo);
  std::string s = "FAILED seed " + std::to_string(seed) +
                  (sig == SIGSEGV ? ": the process crashed (SIGSEGV)\n" : ": the process aborted (a HAMAIL_INVARIANT broke, see above)\n") +
                  "  replay: hacore-sim --seed " +
                  std::to_string(seed) + " --trace\n";
  std::size_t n = std::min(s.size(), sizeof buf);
  std::memcpy(buf, s.data(), n);
  (void)!write(STDOUT_FILENO, buf, n);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

int usage() {
  std::cerr << "usage: hacore-sim (--seed N [--trace] | --seeds N [--first N]) [--fault-seconds N]\n";
  return 2;
}

bool number(const char* s, std::uint64_t& out) {
  char* end = nullptr;
  out = std::strtoull(s, &end, 10);
  return end && *end == '\0' && *s != '\0';
}

void set_seed(std::uint64_t s) {
  g_seed_hi = static_cast<std::sig_atomic_t>(s >> 32);
  g_seed_lo = static_cast<std::sig_atomic_t>(s & 0xffffffffu);
}

void print_failure(const SimResult& r, std::uint64_t seed, bool with_trace) {
  if (with_trace)
    for (const auto& l : r.trace) std::cout << l << "\n";
  std::cout << "FAILED seed " << seed << ": " << r.failure << "\n  replay: hacore-sim --seed " << seed
            << " --trace\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 0, seeds = 0, first = 1, fault_seconds = 30;
  bool one = false, trace = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool has = i + 1 < argc;
    if (a == "--seed" && has && number(argv[++i], seed)) {
      one = true;
    } else if (a == "--seeds" && has && number(argv[++i], seeds)) {
    } else if (a == "--first" && has && number(argv[++i], first)) {
    } else if (a == "--fault-seconds" && has && number(argv[++i], fault_seconds)) {
    } else if (a == "--trace") {
      trace = true;
    } else {
      return usage();
    }
  }
  if ((!one && seeds == 0) || fault_seconds == 0 || fault_seconds > 3600) return usage();
  std::signal(SIGABRT, on_abort);
  std::signal(SIGSEGV, on_abort);
  SimOptions o;
  o.fault_ms = static_cast<std::int64_t>(fault_seconds) * 1000;
  if (one) {
    set_seed(seed);
    o.seed = seed;
    if (trace) o.trace_sink = [](const std::string& l) { std::cout << l << "\n"; };
    SimResult r = hamail::hacore::sim::run_seed(o);
    if (!r.ok) print_failure(r, seed, !trace);
    std::cout << "seed " << seed << " " << (r.ok ? "passed" : "FAILED") << " (" << r.scenario << ")\n";
    return r.ok ? 0 : 1;
  }
  auto start = std::chrono::steady_clock::now();
  std::uint64_t ran = 0, failed = 0;
  hamail::hacore::sim::SimStats t;
  std::int64_t slowest_heal = 0;
  for (std::uint64_t s = first; s < first + seeds; ++s) {
    set_seed(s);
    o.seed = s;
    SimResult r = hamail::hacore::sim::run_seed(o);
    ++ran;
    t.partitions += r.stats.partitions;
    t.power_cuts += r.stats.power_cuts;
    t.process_crashes += r.stats.process_crashes;
    t.fences_ok += r.stats.fences_ok;
    t.fences_failed += r.stats.fences_failed;
    t.failovers += r.stats.failovers;
    t.switchovers += r.stats.switchovers;
    t.messages += r.stats.messages;
    slowest_heal = std::max(slowest_heal, r.stats.heal_to_running_ms);
    if (!r.ok) {
      ++failed;
      print_failure(r, s, true);
      if (failed >= 3) break;  // the first failures say enough; each replays with --seed
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "seeds " << first << ".." << first + ran - 1 << ": " << ran - failed << " passed, " << failed
            << " failed; " << t.partitions << " partitions, " << t.power_cuts << " power cuts, " << t.process_crashes
            << " hacored crashes, " << t.fences_ok << " fences ok, " << t.fences_failed << " failed, "
            << t.failovers << " failovers, " << t.switchovers << " switchovers, " << t.messages
            << " messages; slowest heal->running " << slowest_heal << " ms; " << secs << " s, "
            << static_cast<std::uint64_t>(static_cast<double>(ran) / secs) << " seeds/s\n";
  return failed == 0 ? 0 : 1;
}
