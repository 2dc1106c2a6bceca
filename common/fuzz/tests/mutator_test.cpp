#include "hamail/fuzz/mutator.h"

#include <gtest/gtest.h>

#include <set>

namespace hamail::fuzz {
namespace {

TEST(FuzzMutator, IsDeterministicForASeedAndBounded) {
  const std::string seed = R"({"v":2,"t":"hello","from":"node1","node":"node1"})";
  Mutator a(7, 256), b(7, 256), c(8, 256);
  std::set<std::string> distinct;
  bool differs_from_other_seed = false;
  for (int i = 0; i < 500; ++i) {
    std::string x = a.mutate(seed, "[1,2]"), y = b.mutate(seed, "[1,2]");
    EXPECT_EQ(x, y);
    EXPECT_LE(x.size(), 256u);
    differs_from_other_seed |= c.mutate(seed, "[1,2]") != x;
    distinct.insert(x);
  }
  EXPECT_TRUE(differs_from_other_seed);
  EXPECT_GT(distinct.size(), 400u) << "mutations explore";
}

}  // namespace
}  // namespace hamail::fuzz
