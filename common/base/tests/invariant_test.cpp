#include "hamail/base/invariant.h"

#include <gtest/gtest.h>

namespace hamail {
namespace {

TEST(Invariant, HoldingInvariantCostsNothing) {
  int primaries = 1;
  HAMAIL_INVARIANT(primaries <= 1, "at most one Primary");
  SUCCEED();
}

TEST(InvariantDeathTest, BrokenInvariantAbortsNamingIt) {
  int primaries = 2;
  EXPECT_DEATH(HAMAIL_INVARIANT(primaries <= 1, "at most one Primary per volume"),
               "event=invariant_broken location=.*invariant_test.cpp:[0-9]+ condition=\"primaries <= 1\" "
               "what=\"at most one Primary per volume\"");
}

}  // namespace
}  // namespace hamail
