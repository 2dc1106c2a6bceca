#include "hamail/drbdlite/meta/generation.h"

#include <gtest/gtest.h>

namespace hamail::drbdlite::meta {
namespace {

using O = SyncOutcome;

O decide(const GenerationIds& l, const GenerationIds& p) { return decide_sync(l, p).outcome; }

// Checks the decision from both ends: the peer must reach the mirror outcome.
void expect_pair(const GenerationIds& a, const GenerationIds& b, O from_a, O from_b) {
  EXPECT_EQ(to_string(decide(a, b)), to_string(from_a)) << a.to_string() << " vs " << b.to_string();
  EXPECT_EQ(to_string(decide(b, a)), to_string(from_b)) << b.to_string() << " vs " << a.to_string();
}

GenerationIds ids(std::uint64_t c, std::uint64_t b = 0, std::uint64_t h0 = 0, std::uint64_t h1 = 0) {
  return GenerationIds{c, b, {h0, h1}};
}

TEST(Generation, BothFreshNeedsForcedPrimary) {
  expect_pair({}, {}, O::both_fresh, O::both_fresh);
  EXPECT_NE(decide_sync(GenerationIds{}, GenerationIds{}).reason.find("primary --force"), std::string::npos);
}

TEST(Generation, ForcedPrimaryThenInitialFullSync) {
  GenerationIds a, b;
  ASSERT_TRUE(a.new_current(0xA1));  // `primary --force` on a
  EXPECT_EQ(a, ids(0xA1));
  expect_pair(a, b, O::full_sync_source, O::full_sync_target);
  GenerationIds source = a;
  a.finish_resync_as_source();
  b.finish_resync_as_target(source);
  EXPECT_EQ(a, b);
  expect_pair(a, b, O::no_sync, O::no_sync);
}

TEST(Generation, WritesWhileDisconnectedGiveBitmapSync) {
  GenerationIds a = ids(0xA1), b = ids(0xA1);
  ASSERT_TRUE(a.new_current(0xA2));  // a is Primary and loses its peer
  EXPECT_EQ(a, ids(0xA2, 0xA1));
  EXPECT_FALSE(a.new_current(0xA3));  // demote + promote again while still apart: same version
  EXPECT_EQ(a, ids(0xA2, 0xA1));
  expect_pair(a, b, O::bitmap_sync_source, O::bitmap_sync_target);
  GenerationIds source = a;
  a.finish_resync_as_source();
  EXPECT_EQ(a, ids(0xA2, 0, 0xA1));
  b.finish_resync_as_target(source);
  EXPECT_EQ(b, a);
  expect_pair(a, b, O::no_sync, O::no_sync);
}

TEST(Generation, CrashedPrimaryWithSameVersionResyncsItsActivityLog) {
  SyncSide crashed{ids(0xA1), true}, clean{ids(0xA1)};
  EXPECT_EQ(decide_sync(crashed, clean).outcome, O::bitmap_sync_source);
  EXPECT_EQ(decide_sync(clean, crashed).outcome, O::bitmap_sync_target);
  EXPECT_EQ(decide_sync(crashed, crashed).outcome, O::split_brain);
  EXPECT_EQ(decide_sync(clean, clean).outcome, O::no_sync);
}

TEST(Generation, FarBehindPeerNeedsFullSync) {
  // b was away while a went through two versions and resyncs with another disk.
  GenerationIds a = ids(0xA3, 0, 0xA2, 0xA1), b = ids(0xA2);
  expect_pair(a, b, O::full_sync_source, O::full_sync_target);
  b = ids(0xA1);
  expect_pair(a, b, O::full_sync_source, O::full_sync_target);
}

TEST(Generation, BothPromotedWhileApartIsSplitBrain) {
  GenerationIds a = ids(0xA1), b = ids(0xA1);
  a.new_current(0xA2);
  b.new_current(0xB2);
  expect_pair(a, b, O::split_brain, O::split_brain);
  EXPECT_NE(decide_sync(a, b).reason.find("0xa1"), std::string::npos) << decide_sync(a, b).reason;
  // The operator resolves it: b discards its changes; the bitmaps cover both sides' writes.
  SyncSide keep{a}, lose{b, false, true};
  EXPECT_EQ(decide_sync(keep, lose).outcome, O::bitmap_sync_source);
  EXPECT_EQ(decide_sync(lose, keep).outcome, O::bitmap_sync_target);
  SyncSide lose_too{a, false, true};
  EXPECT_EQ(decide_sync(lose_too, lose).outcome, O::split_brain);
}

TEST(Generation, SplitBrainFoundThroughHistory) {
  GenerationIds a = ids(0xA3, 0, 0xA2, 0xC0), b = ids(0xB3, 0xB2, 0xC0);
  expect_pair(a, b, O::split_brain, O::split_brain);
  SyncSide keep{a}, lose{b, false, true};
  EXPECT_EQ(decide_sync(lose, keep).outcome, O::full_sync_target);
  EXPECT_EQ(decide_sync(keep, lose).outcome, O::full_sync_source);
}

TEST(Generation, UnrelatedDataIsRefused) {
  GenerationIds a = ids(0xA1, 0xA0, 0xA9), b = ids(0xB1, 0xB0, 0xB9);
  expect_pair(a, b, O::unrelated, O::unrelated);
  EXPECT_EQ(decide_sync(SyncSide{a}, SyncSide{b, false, true}).outcome, O::unrelated);
  auto d = decide_sync(a, b);
  EXPECT_NE(d.reason.find("refusing to connect"), std::string::npos);
  // The operator's way out: discard one side's data, which makes it fresh.
  b.forget();
  expect_pair(a, b, O::full_sync_source, O::full_sync_target);
}

TEST(Generation, ToString) {
  EXPECT_EQ(ids(0xA1, 0, 0xff).to_string(), "C:00000000000000a1 B:0000000000000000 H:00000000000000ff:0000000000000000");
  EXPECT_EQ(to_string(O::bitmap_sync_target), "bitmap_sync_target");
}

}  // namespace
}  // namespace hamail::drbdlite::meta
