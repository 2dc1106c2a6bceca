// The simulator itself: a seed is a run, the same byte for byte every time (what makes a
// failing seed replayable), and different seeds are different schedules.
#include <gtest/gtest.h>

#include <algorithm>

#include "hamail/hacore/sim/simulator.h"

namespace hamail::hacore::sim {
namespace {

SimResult run_traced(std::uint64_t seed) {
  SimOptions o;
  o.seed = seed;
  o.full_trace = true;
  return run_seed(o);
}

TEST(Simulator, TheSameSeedGivesTheSameTraceByteForByte) {
  for (std::uint64_t seed : {1u, 7u, 42u}) {
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
  EXPECT_NE(run_traced(11).trace, run_traced(12).trace);
}

TEST(Simulator, WithoutFullTraceTheTailIsKept) {
  SimOptions o;
  o.seed = 3;
  SimResult tail = run_seed(o);
  SimResult full = run_traced(3);
  ASSERT_EQ(tail.trace.size(), kTraceTail);
  EXPECT_TRUE(std::equal(tail.trace.begin(), tail.trace.end(), full.trace.end() - kTraceTail));
}

}  // namespace
}  // namespace hamail::hacore::sim
