// The simulator itself: a seed is a run, the same byte for byte every time (what makes a
// failing seed replayable), and different seeds are different schedules.
#include <gtest/gtest.h>

#include "hamail/drbdlite/sim/simulator.h"

namespace hamail::drbdlite::sim {
namespace {

SimResult run_traced(std::uint64_t seed) {
  SimOptions o;
  o.seed = seed;
  o.full_trace = true;
  return run_seed(o);
}

TEST(Simulator, TheSameSeedGivesTheSameTraceByteForByte) {
  for (std::uint64_t seed : {1u, 156u, 630u, 1946u, 2711u}) {
    SimResult a = run_traced(seed);
    SimResult b = run_traced(seed);
    ASSERT_GT(a.trace.size(), 100u) << "seed " << seed << ": a run with a schedule";
    EXPECT_EQ(a.trace, b.trace) << "seed " << seed;
    EXPECT_EQ(a.scenario, b.scenario);
    EXPECT_EQ(a.ok, b.ok);
    EXPECT_TRUE(a.ok) << "seed " << seed << ": " << a.failure;
  }
}

TEST(Simulator, DifferentSeedsAreDifferentRuns) {
  SimResult a = run_traced(11);
  SimResult b = run_traced(12);
  EXPECT_NE(a.trace, b.trace);
}

TEST(Simulator, WithoutFullTraceTheTailIsKept) {
  SimOptions o;
  o.seed = 1;
  SimResult tail = run_seed(o);
  SimResult full = run_traced(1);
  ASSERT_EQ(tail.trace.size(), kTraceTail);
  EXPECT_TRUE(std::equal(tail.trace.begin(), tail.trace.end(), full.trace.end() - kTraceTail));
}

}  // namespace
}  // namespace hamail::drbdlite::sim
