#include "hamail/drbdlite/meta/activity_log.h"

#include <gtest/gtest.h>

#include <vector>

namespace hamail::drbdlite::meta {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::uint64_t kExt = kAlExtentBytes;
using Ext = std::vector<std::uint32_t>;

ActivityLog make(std::uint64_t data_bytes = 1024 * kMiB, std::uint32_t max = 16) {
  auto al = ActivityLog::create(data_bytes, max);
  EXPECT_TRUE(al) << al.error();
  return std::move(*al);
}

ActivityLog::Begin begin(ActivityLog& al, std::uint64_t offset, std::uint64_t len) {
  auto b = al.begin_write(offset, len);
  EXPECT_TRUE(b) << b.error();
  return b ? *b : ActivityLog::Begin{};
}

// A write to extent `e`, taken through its transaction if one is needed.
void write_done(ActivityLog& al, std::uint32_t e) {
  auto b = begin(al, e * kExt, 4096);
  ASSERT_NE(b.kind, ActivityLog::Kind::must_wait);
  if (b.kind == ActivityLog::Kind::needs_transaction) al.commit_transaction(b.transaction.seq);
  al.end_write(e * kExt, 4096);
}

TEST(ActivityLog, CreateValidatesConfig) {
  EXPECT_EQ(ActivityLog::create(1024 * kMiB, 1001).error(), "activity log: max_al_extents 1001 is outside 16..1000");
  EXPECT_FALSE(ActivityLog::create(1024 * kMiB, 15));
  EXPECT_FALSE(ActivityLog::create(1000, 257));
  EXPECT_TRUE(ActivityLog::create(1024 * kMiB));
}

TEST(ActivityLog, FirstWriteNeedsTransactionThenReady) {
  ActivityLog al = make();
  auto b = begin(al, 5 * kExt + 100, 4096);
  ASSERT_EQ(b.kind, ActivityLog::Kind::needs_transaction);
  EXPECT_EQ(b.added, Ext{5});
  EXPECT_TRUE(b.evicted.empty());
  EXPECT_EQ(b.transaction.seq, 1u);
  EXPECT_EQ(b.transaction.extents, Ext{5});
  EXPECT_TRUE(al.transaction_pending());
  // Another write to the same extent must wait until the transaction is durable.
  EXPECT_EQ(begin(al, 5 * kExt, 4096).kind, ActivityLog::Kind::must_wait);
  // A write needing another extent must wait too: one transaction at a time.
  EXPECT_EQ(begin(al, 9 * kExt, 4096).kind, ActivityLog::Kind::must_wait);
  al.commit_transaction(1);
  EXPECT_EQ(begin(al, 5 * kExt, 4096).kind, ActivityLog::Kind::ready);
  EXPECT_EQ(al.in_flight(5), 2u);
  al.end_write(5 * kExt + 100, 4096);
  al.end_write(5 * kExt, 4096);
  EXPECT_EQ(al.in_flight(5), 0u);
  EXPECT_EQ(al.next_seq(), 2u);
}

TEST(ActivityLog, WriteSpanningExtentsAddsAll) {
  ActivityLog al = make();
  auto b = begin(al, 2 * kExt - 4096, 2 * 4096);  // last block of 1, first of 2
  ASSERT_EQ(b.kind, ActivityLog::Kind::needs_transaction);
  EXPECT_EQ(b.added, (Ext{1, 2}));
  EXPECT_EQ(al.in_flight(1), 1u);
  EXPECT_EQ(al.in_flight(2), 1u);
}

TEST(ActivityLog, ZeroLengthAndBadRanges) {
  ActivityLog al = make(64 * kMiB);
  EXPECT_EQ(begin(al, 0, 0).kind, ActivityLog::Kind::ready);
  EXPECT_EQ(al.begin_write(64 * kMiB, 1).error(),
            "activity log: write [67108864, +1) is outside the 67108864-byte data area");
  EXPECT_EQ(al.begin_write(0, 64 * kMiB + 4096).error(),
            "activity log: write [0, +67112960) is outside the 67108864-byte data area");
  ActivityLog big = make(1024 * kMiB, 16);
  EXPECT_EQ(big.begin_write(0, 17 * kExt).error(),
            "activity log: write of 71303168 bytes spans 17 extents, more than max_al_extents 16");
}

TEST(ActivityLog, EvictsLeastRecentlyUsed) {
  ActivityLog al = make(1024 * kMiB, 16);
  for (std::uint32_t e = 0; e < 16; ++e) write_done(al, e);
  write_done(al, 0);  // extent 0 becomes most recent; 1 is now the oldest
  auto b = begin(al, 100 * kExt, 4096);
  ASSERT_EQ(b.kind, ActivityLog::Kind::needs_transaction);
  EXPECT_EQ(b.added, Ext{100});
  EXPECT_EQ(b.evicted, Ext{1});
  EXPECT_EQ(b.transaction.extents.size(), 16u);
  EXPECT_EQ(b.transaction.extents.front(), 0u);
  EXPECT_EQ(b.transaction.extents.back(), 100u);
  EXPECT_EQ(ActivityLog::page_of_extent(1), 0u);
  EXPECT_EQ(ActivityLog::page_of_extent(32), 1u);  // 32 extents = 128 MiB per bitmap page
}

TEST(ActivityLog, BusyExtentsAreNeverEvicted) {
  ActivityLog al = make(1024 * kMiB, 16);
  for (std::uint32_t e = 0; e < 16; ++e) {
    auto b = begin(al, e * kExt, 4096);  // keep every write in flight
    al.commit_transaction(b.transaction.seq);
  }
  EXPECT_EQ(begin(al, 100 * kExt, 4096).kind, ActivityLog::Kind::must_wait);
  EXPECT_FALSE(al.transaction_pending());  // must_wait changed nothing
  EXPECT_EQ(al.active_extents().size(), 16u);
  al.end_write(7 * kExt, 4096);  // only extent 7 is idle now
  auto b = begin(al, 100 * kExt, 4096);
  ASSERT_EQ(b.kind, ActivityLog::Kind::needs_transaction);
  EXPECT_EQ(b.evicted, Ext{7});
}

TEST(ActivityLog, DoesNotEvictExtentsOfTheSameWrite) {
  ActivityLog al = make(1024 * kMiB, 16);
  for (std::uint32_t e = 0; e < 16; ++e) write_done(al, e);
  for (std::uint32_t e = 0; e < 15; ++e) write_done(al, e);  // LRU order now: 15, 0, 1, ..., 14
  // Extent 15 is the least recently used and idle, but this write covers it.
  auto b = begin(al, 16 * kExt - 4096, 2 * 4096);  // extents 15 (active) and 16 (new)
  ASSERT_EQ(b.kind, ActivityLog::Kind::needs_transaction);
  EXPECT_EQ(b.added, Ext{16});
  EXPECT_EQ(b.evicted, Ext{0});
}

TEST(ActivityLog, PendingTransactionBlocksOnlyItsExtents) {
  ActivityLog al = make(1024 * kMiB, 16);
  write_done(al, 3);
  auto b = begin(al, 4 * kExt, 4096);
  ASSERT_EQ(b.kind, ActivityLog::Kind::needs_transaction);
  EXPECT_EQ(begin(al, 3 * kExt, 4096).kind, ActivityLog::Kind::ready);  // committed extent proceeds
  EXPECT_EQ(b.transaction.extents, (Ext{3, 4}));
}

TEST(ActivityLog, RecoverMarksActiveExtentsOutOfSync) {
  const std::uint64_t size = 10 * kExt + 8192;  // the last extent is only two blocks
  auto al = ActivityLog::recover(size, 257, AlTransaction{41, {0, 3, 10}});
  ASSERT_TRUE(al) << al.error();
  EXPECT_EQ(al->next_seq(), 42u);
  EXPECT_EQ(al->active_extents(), (Ext{0, 3, 10}));
  auto bm = Bitmap::create(size);
  ASSERT_TRUE(bm);
  al->mark_active_extents_out_of_sync(*bm);
  EXPECT_EQ(bm->count_set(), 2 * kBlocksPerExtent + 2);
  EXPECT_TRUE(bm->test(3 * kBlocksPerExtent));
  EXPECT_TRUE(bm->test(4 * kBlocksPerExtent - 1));
  EXPECT_FALSE(bm->test(4 * kBlocksPerExtent));
  // The recovered extents are committed: writing to them needs no transaction.
  EXPECT_EQ(begin(*al, 3 * kExt, 4096).kind, ActivityLog::Kind::ready);
  auto next = begin(*al, 5 * kExt, 4096);
  EXPECT_EQ(next.transaction.seq, 42u);
}

TEST(ActivityLog, RecoverRejectsBadTransactions) {
  EXPECT_EQ(ActivityLog::recover(8 * kExt, 257, AlTransaction{1, {8}}).error(),
            "activity log: extent 8 is past the end of the data area");
  std::vector<std::uint32_t> many(17);
  for (std::uint32_t i = 0; i < 17; ++i) many[i] = i;
  EXPECT_EQ(ActivityLog::recover(1024 * kMiB, 16, AlTransaction{1, many}).error(),
            "activity log: last transaction holds 17 extents, more than max_al_extents 16");
}

}  // namespace
}  // namespace hamail::drbdlite::meta
