// SimTrace: the stamped lines, the sink that sees each as it is made, the tail and the whole.
#include "hamail/base/sim_trace.h"

#include <gtest/gtest.h>

namespace hamail {
namespace {

TEST(SimTrace, StampsEachLineWithSimulatedTimeAndTheNode) {
  std::vector<std::string> sunk;
  SimTrace t(10, false, [&](const std::string& l) { sunk.push_back(l); });
  t.add(12340, "node1", "promoted");
  t.add(5, "", "network partitioned");
  const std::vector<std::string> want = {"t=12.340 node1 promoted", "t=0.005 network partitioned"};
  EXPECT_EQ(sunk, want);
  EXPECT_EQ(t.lines(), want);
}

TEST(SimTrace, KeepsTheTailOrEveryLine) {
  SimTrace tail(3, false, nullptr), all(3, true, nullptr);
  for (int i = 0; i < 5; ++i) {
    tail.add(i * 1000, "n", std::to_string(i));
    all.add(i * 1000, "n", std::to_string(i));
  }
  EXPECT_EQ(tail.lines(), (std::vector<std::string>{"t=2.000 n 2", "t=3.000 n 3", "t=4.000 n 4"}));
  ASSERT_EQ(all.lines().size(), 5u);
  EXPECT_EQ(all.lines().front(), "t=0.000 n 0");
}

TEST(SimTrace, SimSecondsHasThreeDecimals) {
  EXPECT_EQ(sim_seconds(0), "0.000");
  EXPECT_EQ(sim_seconds(1005), "1.005");
  EXPECT_EQ(sim_seconds(123456789), "123456.789");
}

}  // namespace
}  // namespace hamail
