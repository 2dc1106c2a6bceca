// Who may be promoted without --force. A Secondary that loses the link to a Primary cannot
// know what the Primary wrote since: its disk is Consistent, not UpToDate, and stays so
// across restarts (the superblock); only --force promotes it (the claim that the peer is
// down, which ha-core makes after fencing it). A Secondary whose peer demoted cleanly, or
// was Secondary when the link went, is UpToDate and promotable.
#include <gtest/gtest.h>

#include "pair_harness.h"

namespace hamail::drbdlite {
namespace {

using sim::CrashKind;

TEST_F(Pair, ASecondaryCutOffFromItsPrimaryIsNotPromotedWithoutForce) {
  make_primary_synced();
  cut();  // the replication link only: both nodes run on
  EXPECT_EQ(b_.r->disk(), DiskState::consistent);
  EXPECT_TRUE(b_.has_event("peer-primary-lost"));
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'n')));  // node2 never sees it
  crash(a_, CrashKind::power_cut);
  Status st = promote(b_);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(),
            "r0: cannot promote: local disk is Consistent, not UpToDate: the peer was Primary when this node lost it "
            "and may have written since (use --force only once the peer is known to be down or fenced)");
  // A restart does not forget it.
  crash(b_, CrashKind::process_kill);
  restart(b_);
  EXPECT_EQ(b_.r->disk(), DiskState::consistent);
  EXPECT_FALSE(promote(b_));
  // The operator (or ha-core, having fenced node1) forces it: node2's data is used from here.
  ASSERT_TRUE(promote(b_, true));
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(b_.has_event("forced-primary"));
  // node1 comes back with its own write: both changed the data, which is a split brain,
  // never a silent overwrite.
  restart(a_);
  link();
  run();
  EXPECT_TRUE(a_.has_event("split-brain") || b_.has_event("split-brain"));
}

TEST_F(Pair, ASecondaryWhosePrimaryCrashedBootsConsistentToo) {
  make_primary_synced();
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'o')));
  EXPECT_FALSE(b_.disk->superblock_on_medium()->has(meta::kFlagWasUpToDate))
      << "while its peer is Primary, node2's superblock does not claim UpToDate";
  crash(b_, CrashKind::power_cut);
  crash(a_, CrashKind::power_cut);
  restart(b_);
  EXPECT_EQ(b_.r->disk(), DiskState::consistent);
  EXPECT_FALSE(promote(b_));
  // node1 returns: the crashed Primary's activity-log extents resync to node2, which is UpToDate again.
  restart(a_);
  link();
  run();
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

TEST_F(Pair, ASecondaryWhosePeerDemotedIsPromotedWithoutForce) {
  make_primary_synced();
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'p')));
  ASSERT_TRUE(command(a_, &Replica::demote));
  run();
  EXPECT_TRUE(b_.disk->superblock_on_medium()->has(meta::kFlagWasUpToDate));
  cut();
  crash(a_, CrashKind::power_cut);
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate) << "its peer was Secondary when the link went";
  EXPECT_FALSE(b_.has_event("peer-primary-lost"));
  ASSERT_TRUE(promote(b_));
  EXPECT_FALSE(b_.has_event("forced-primary"));
  ASSERT_TRUE(write(b_, 4096, pattern(4096, 'q')));
  restart(a_);
  link();
  run();
  EXPECT_EQ(a_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

TEST_F(Pair, ACleanShutdownOfThePrimaryLeavesItsPeerPromotable) {
  make_primary_synced();
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'r')));
  ASSERT_TRUE(command(a_, &Replica::shutdown));  // `down`: demotes first
  run();
  cut();
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(promote(b_));
}

TEST_F(Pair, AConsistentSecondaryIsUpToDateAgainAfterTheResyncFromItsPrimary) {
  make_primary_synced();
  cut();
  ASSERT_TRUE(write(a_, 0, pattern(4096, 's')));
  link();
  run();
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_EQ(b_.r->status().out_of_sync_bytes, 0u);
  ASSERT_TRUE(command(a_, &Replica::demote));
  run();
  EXPECT_TRUE(promote(b_));
}

TEST_F(Pair, PromotionIsRefusedWhileTheResyncFromThePeerIsBeingSetUp) {
  make_primary_synced();
  cut();
  ASSERT_TRUE(write(a_, 0, pattern(4096, 't')));
  ASSERT_TRUE(command(a_, &Replica::demote));
  ASSERT_TRUE(promote(b_, true));  // both wrote: a split brain, node2 will discard
  ASSERT_TRUE(write(b_, 4096, pattern(4096, 'u')));
  ASSERT_TRUE(command(b_, &Replica::demote));
  connect(b_, true);
  const std::size_t events = b_.events.size();
  link();
  // node2 has read node1's hello and decided to be SyncTarget; the bitmaps are on the way.
  run_until([&] { return b_.has_event_since(events, "sync-decision"); });
  ASSERT_NE(b_.r->conn(), ConnState::sync_target);
  Status st = promote(b_, true);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("resync from the peer is running"), std::string::npos) << st.message();
  run();
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

}  // namespace
}  // namespace hamail::drbdlite
