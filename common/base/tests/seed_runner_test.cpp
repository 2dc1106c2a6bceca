// run_seed_program: the command line and seed loop the simulators share. A fake simulator
// records the seeds it ran and fails (or aborts) the seeds it is told to.
#include "hamail/base/seed_runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <set>
#include <sstream>

namespace hamail {
namespace {

struct FakeSim {
  std::set<std::uint64_t> failing;
  std::uint64_t aborting = 0, crashing = 0;  // 0: none
  std::uint64_t steps = 10;
  std::vector<std::uint64_t> ran;
  SeedProgram program;

  FakeSim() {
    program.name = "testsim";
    program.summary = "A fake simulator.";
    program.numbers = {{"steps", &steps, 1, 1000, "steps a run"}};
    program.run = [this](std::uint64_t seed, const TraceSink& sink) {
      ran.push_back(seed);
      if (seed == aborting) std::abort();
      if (seed == crashing) std::raise(SIGSEGV);
      SeedOutcome r;
      r.scenario = "steps=" + std::to_string(steps);
      r.trace = {"t=0.000 seed " + std::to_string(seed), "t=0.020 done"};
      if (sink)
        for (const auto& l : r.trace) sink(l);
      if (failing.count(seed)) {
        r.ok = false;
        r.failure = "broke on " + std::to_string(seed);
      }
      return r;
    };
    program.totals = [this] { return std::to_string(ran.size()) + " runs"; };
  }

  int main(std::vector<const char*> args) {
    args.insert(args.begin(), "testsim");
    out.str("");
    err.str("");
    return run_seed_program(program, static_cast<int>(args.size()), args.data(), out, err);
  }
  std::ostringstream out, err;
};

TEST(SeedRunner, SeedReplaysExactlyThatSeed) {
  FakeSim sim;
  EXPECT_EQ(sim.main({"--seed", "5"}), 0);
  EXPECT_EQ(sim.ran, std::vector<std::uint64_t>{5});
  EXPECT_EQ(sim.out.str(), "seed 5 passed (steps=10)\n");
}

TEST(SeedRunner, SeedWithTracePrintsTheTraceOnceAndTheReplay) {
  FakeSim sim;
  sim.failing = {5};
  EXPECT_EQ(sim.main({"--seed", "5", "--trace", "--steps", "7"}), 1);
  EXPECT_EQ(sim.ran, std::vector<std::uint64_t>{5});
  EXPECT_EQ(sim.out.str(),
            "t=0.000 seed 5\nt=0.020 done\nFAILED seed 5: broke on 5\n  replay: testsim --seed 5 --trace\n"
            "seed 5 FAILED (steps=7)\n");
}

TEST(SeedRunner, AFailingSeedWithoutTracePrintsTheTraceTail) {
  FakeSim sim;
  sim.failing = {9};
  EXPECT_EQ(sim.main({"--seed", "9"}), 1);
  EXPECT_EQ(sim.out.str(),
            "t=0.000 seed 9\nt=0.020 done\nFAILED seed 9: broke on 9\n  replay: testsim --seed 9 --trace\n"
            "seed 9 FAILED (steps=10)\n");
}

TEST(SeedRunner, SeedsRunFromFirstAndPrintTheTotals) {
  FakeSim sim;
  EXPECT_EQ(sim.main({"--seeds", "4", "--first", "10"}), 0);
  EXPECT_EQ(sim.ran, (std::vector<std::uint64_t>{10, 11, 12, 13}));
  const std::string out = sim.out.str();
  EXPECT_EQ(out.rfind("seeds 10..13: 4 passed, 0 failed; 4 runs; ", 0), 0u) << out;
  EXPECT_NE(out.find(" s, "), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 9), " seeds/s\n") << out;
}

TEST(SeedRunner, SeedsStopAtTheThirdFailure) {
  FakeSim sim;
  sim.failing = {4, 6, 8, 9};
  EXPECT_EQ(sim.main({"--seeds", "10", "--first", "3"}), 1);
  EXPECT_EQ(sim.ran, (std::vector<std::uint64_t>{3, 4, 5, 6, 7, 8}));
  const std::string out = sim.out.str();
  for (std::uint64_t s : {4, 6, 8}) {
    const std::string n = std::to_string(s);
    EXPECT_NE(out.find("t=0.000 seed " + n + "\nt=0.020 done\nFAILED seed " + n + ": broke on " + n +
                       "\n  replay: testsim --seed " + n + " --trace\n"),
              std::string::npos)
        << out;
  }
  EXPECT_EQ(out.find("FAILED seed 9"), std::string::npos);
  EXPECT_NE(out.find("seeds 3..8: 3 passed, 3 failed; 6 runs; "), std::string::npos) << out;
}

TEST(SeedRunner, BadArgumentsPrintWhatIsWrongAndTheUsageAndExit2) {
  const std::vector<std::vector<const char*>> bad = {
      {},
      {"--trace"},
      {"--seed"},
      {"--seed", "x"},
      {"--seed", "-1"},
      {"--seed", "5 "},
      {"--seeds", "0"},
      {"--seed", "1", "--seeds", "2"},
      {"--seeds", "2", "--first", "18446744073709551615"},
      {"--seeds", "2", "--steps", "0"},
      {"--seeds", "2", "--steps", "1001"},
      {"--seeds", "2", "--bogus"},
      {"--seeds", "2", "stray"},
  };
  for (const auto& args : bad) {
    FakeSim sim;
    std::string line;
    for (const char* a : args) line += std::string(a) + " ";
    EXPECT_EQ(sim.main(args), 2) << line;
    EXPECT_TRUE(sim.ran.empty()) << line;
    EXPECT_EQ(sim.out.str(), "") << line;
    EXPECT_EQ(sim.err.str().rfind("testsim: ", 0), 0u) << line << sim.err.str();
    EXPECT_NE(sim.err.str().find("\nUsage: testsim "), std::string::npos) << line << sim.err.str();
  }
}

TEST(SeedRunner, ErrorsNameTheOption) {
  FakeSim sim;
  EXPECT_EQ(sim.main({"--seeds", "2", "--steps", "1001"}), 2);
  EXPECT_NE(sim.err.str().find("--steps: 1001 is outside 1..1000"), std::string::npos) << sim.err.str();
  EXPECT_EQ(sim.main({"--seeds", "0"}), 2);
  EXPECT_NE(sim.err.str().find("--seeds: 0 is below 1"), std::string::npos) << sim.err.str();
  EXPECT_EQ(sim.main({"--seed", "x"}), 2);
  EXPECT_NE(sim.err.str().find("--seed: 'x' is not a number"), std::string::npos) << sim.err.str();
}

TEST(SeedRunner, HelpPrintsTheUsageWithTheSimulatorsOptions) {
  FakeSim sim;
  EXPECT_EQ(sim.main({"--steps", "20", "--help"}), 0);
  EXPECT_TRUE(sim.ran.empty());
  EXPECT_NE(sim.out.str().find("--steps N"), std::string::npos) << sim.out.str();
  EXPECT_NE(sim.out.str().find("(default 10)"), std::string::npos) << sim.out.str();
}

TEST(SeedRunner, VersionPrintsTheVersionAndRunsNothing) {
  FakeSim sim;
  EXPECT_EQ(sim.main({"--version"}), 0);
  EXPECT_TRUE(sim.ran.empty());
  EXPECT_EQ(sim.out.str().rfind("testsim (hamail) ", 0), 0u) << sim.out.str();
}

// The abort report goes to stdout; the death test matches stderr, so the child sends one to the other.
int run_in_child(FakeSim& sim, std::vector<const char*> args) {
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
  args.insert(args.begin(), "testsim");
  return run_seed_program(sim.program, static_cast<int>(args.size()), args.data(), std::cout, std::cerr);
}

TEST(SeedRunnerDeathTest, AnAbortNamesTheRunningSeedAndTheReplay) {
  FakeSim sim;
  sim.aborting = 42;
  EXPECT_EXIT(run_in_child(sim, {"--seeds", "5", "--first", "40"}), testing::KilledBySignal(SIGABRT),
              "FAILED seed 42: the process aborted \\(a HAMAIL_INVARIANT broke, see above\\)\n"
              "  replay: testsim --seed 42 --trace\n");
}

TEST(SeedRunnerDeathTest, ACrashInAReplayNamesTheSeed) {
  FakeSim sim;
  sim.crashing = 18446744073709551615u;
  EXPECT_EXIT(run_in_child(sim, {"--seed", "18446744073709551615"}), testing::KilledBySignal(SIGSEGV),
              "FAILED seed 18446744073709551615: the process crashed \\(SIGSEGV\\)\n"
              "  replay: testsim --seed 18446744073709551615 --trace\n");
}

TEST(SeedRunnerDeathTest, AFailureReportedBeforeAnAbortIsNotLost) {
  FakeSim sim;
  sim.failing = {40};
  sim.aborting = 41;
  EXPECT_EXIT(run_in_child(sim, {"--seeds", "5", "--first", "40"}), testing::KilledBySignal(SIGABRT),
              "FAILED seed 40: broke on 40\n  replay: testsim --seed 40 --trace\n"
              "FAILED seed 41: the process aborted");
}

}  // namespace
}  // namespace hamail
