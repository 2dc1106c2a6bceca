// Crashes on MemDisks and what survives them: a power cut loses the volatile cache and can
// tear the write in progress, kill -9 keeps the page cache; a node boots again through the
// same metadata checks as the daemon (both superblock slots, CRC32C, AL recovery).
#include <gtest/gtest.h>

#include <span>

#include "pair_harness.h"

namespace hamail::drbdlite {
namespace {

using sim::CrashKind;
using sim::DiskCall;

TEST_F(Pair, SecondaryCrashDuringWritesResyncsOnlyWhatItMissed) {
  make_primary_synced();
  // Writes queued for the peer when it loses power: it never reads them. The Primary
  // marks them out of sync and completes them locally when the link drops.
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(1, 4096 * 20, pattern(4096, 'd'), false, o); });
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(2, 4096 * 30, pattern(4096, 'e'), false, o); });
  crash(b_, CrashKind::power_cut);
  EXPECT_TRUE(a_.done[1]);
  EXPECT_TRUE(a_.done[2]);
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 2u * 4096);
  restart(b_);
  link();
  run();
  EXPECT_EQ(b_.r->status().resync_blocks_received, 2u);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

TEST_F(Pair, CrashedPrimaryResyncsOnlyItsActivityLogExtents) {
  make_primary_synced();
  // Writes to two extents (4 MiB each), acknowledged by both sides.
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'f')));
  ASSERT_TRUE(write(a_, 9ull << 20, pattern(4096, 'g')));
  // A write the peer never gets (lost on the wire), then the Primary loses power.
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(9, (9ull << 20) + 4096, pattern(4096, 'h'), false, o); });
  b_.reader = wire::FrameReader();
  crash(a_, CrashKind::power_cut);
  ASSERT_TRUE(a_.disk->superblock_on_medium()->has(meta::kFlagPrimaryUnclean));
  restart(a_);
  EXPECT_TRUE(a_.has_event("crashed-primary-recovery"));
  // Only the AL extents are marked: 2 extents of 1024 blocks.
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 2u * (4u << 20));
  // node2 lost its Primary while up: its cache holds every write node1 completed, so the
  // extents come from node2 (node1's own copy may have lost some with its power).
  std::uint64_t before = a_.r->status().resync_blocks_received;
  link();
  run();
  EXPECT_EQ(a_.r->status().resync_blocks_received - before, 2u * 1024);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
}

TEST_F(Pair, APowerCutOfTheSecondaryLosesNoWriteThatWasFlushedOrFua) {
  format(b_, lossy());
  make_primary_synced();
  const std::string fua = pattern(8192, 'm'), w1 = pattern(4096, 'n'), w2 = pattern(4096, 'o');
  ASSERT_TRUE(write(a_, 0, fua, true));
  ASSERT_TRUE(write(a_, 10 * 4096, w1));
  ASSERT_TRUE(write(a_, 20 * 4096, w2));
  ASSERT_TRUE(flush(a_));  // completes once both sides flushed
  EXPECT_EQ(b_.disk->unflushed_writes(), 0u);
  crash(b_, CrashKind::power_cut);
  ASSERT_TRUE(write(a_, 30 * 4096, pattern(4096, 'p')));  // while node2 is down: marked
  restart(b_);
  EXPECT_EQ(b_.disk->data().substr(0, 8192), fua);
  EXPECT_EQ(b_.disk->data().substr(10 * 4096, 4096), w1);
  EXPECT_EQ(b_.disk->data().substr(20 * 4096, 4096), w2);
  link();
  run();
  EXPECT_EQ(b_.r->status().resync_blocks_received, 1u);
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

TEST_F(Pair, KillOfTheSecondaryLosesNothingThePageCacheHeld) {
  format(b_, lossy());
  make_primary_synced();
  const std::string w = pattern(4096, 'k');
  ASSERT_TRUE(write(a_, 40 * 4096, w));
  ASSERT_EQ(b_.disk->unflushed_writes(), 1u);
  crash(b_, CrashKind::process_kill);
  restart(b_);
  EXPECT_EQ(b_.disk->data().substr(40 * 4096, 4096), w);
  link();
  run();
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// A write_ack only says the peer did pwrite(): the write is in its volatile cache. The
// Primary keeps it until a flush ack covers it; when the Secondary then loses power the
// link drops, the write goes into the Primary's bitmap, and the Secondary boots Consistent
// (its peer was Primary): the reconnect resyncs the block.
TEST_F(Pair, APowerCutOfTheSecondaryLosesNoWriteItAcknowledged) {
  format(b_, lossy());
  make_primary_synced();
  const std::string w = pattern(4096, 'u');
  ASSERT_TRUE(write(a_, 40 * 4096, w));  // protocol C: completed on node2's write_ack
  ASSERT_EQ(b_.disk->unflushed_writes(), 1u);
  crash(b_, CrashKind::power_cut);
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 4096u) << "the acknowledged, unflushed write is marked";
  restart(b_);
  EXPECT_NE(b_.disk->data().substr(40 * 4096, 4096), w) << "node2 really lost it";
  EXPECT_EQ(b_.r->disk(), DiskState::consistent) << "node2 does not claim UpToDate for what it lost";
  EXPECT_FALSE(promote(b_)) << "nor may it be promoted without --force";
  link();
  run();
  EXPECT_EQ(b_.r->status().resync_blocks_received, 1u);
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(b_.disk->data().substr(40 * 4096, 4096) == w);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// A flush still waiting for the peer when the link drops completes once this node's copy
// is durable and the bitmap naming the writes the peer may lack is on disk (DRBD's rule).
TEST_F(Pair, AFlushCutShortByAPowerCutOfTheSecondaryMarksWhatItCovered) {
  format(b_, lossy());
  make_primary_synced();
  const std::string w = pattern(4096, 'v');
  ASSERT_TRUE(write(a_, 50 * 4096, w));
  cmd(a_, [](Replica& r, Outbox& o) { r.app_flush(900, o); });  // the flush frame is queued for node2
  EXPECT_EQ(a_.done.count(900), 0u) << "waits for node2's flush";
  crash(b_, CrashKind::power_cut);                                 // before node2 reads it
  ASSERT_EQ(a_.done.count(900), 1u);
  EXPECT_TRUE(a_.done[900]);
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 4096u) << "the write node2 never flushed is marked";
  auto bits = meta::Bitmap::from_bytes(a_.disk->layout().data_bytes,
                                       std::span(reinterpret_cast<const std::uint8_t*>(a_.disk->medium().data()) +
                                                     a_.disk->layout().bitmap_offset,
                                                 a_.disk->layout().bitmap_bytes));
  ASSERT_TRUE(bits) << bits.error();
  EXPECT_TRUE(bits->test(50)) << "and the mark is durable before the flush completes";
  restart(b_);
  link();
  run();
  EXPECT_EQ(b_.r->status().resync_blocks_received, 1u);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// A flush the peer completes makes the writes it covers durable there: nothing is marked, and
// a later power cut of the Secondary costs no resync of them.
TEST_F(Pair, AWriteCoveredByThePeersFlushIsReleased) {
  format(b_, lossy());
  make_primary_synced();
  ASSERT_TRUE(write(a_, 60 * 4096, pattern(4096, 'w')));
  ASSERT_TRUE(flush(a_));
  EXPECT_EQ(b_.disk->unflushed_writes(), 0u);
  crash(b_, CrashKind::power_cut);
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 0u);
  restart(b_);
  link();
  run();
  EXPECT_EQ(b_.r->status().resync_blocks_received, 0u);
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

TEST_F(Pair, ATornSuperblockWriteBootsFromTheOtherSlot) {
  make_primary_synced();
  cut();
  const meta::Superblock before = *b_.disk->superblock_on_medium();
  // node2's (forced) promotion writes a superblock with a new generation and PrimaryUnclean;
  // the power fails with only the first sector of the slot on the medium.
  b_.disk->crash_during(DiskCall::superblock, CrashKind::power_cut, 1, 512);
  EXPECT_FALSE(promote(b_, true));
  ASSERT_FALSE(b_.up);
  std::uint64_t slot = layout_.superblock_slot_offset(meta::superblock_slot_for(before.seq + 1));
  auto torn = meta::decode_superblock(
      std::span(reinterpret_cast<const std::uint8_t*>(b_.disk->medium().data()) + slot, meta::kPageBytes),
      meta::DeviceSizes{kLower, kLower});
  ASSERT_FALSE(torn);
  EXPECT_EQ(torn.error(), "CRC mismatch");
  restart(b_);
  EXPECT_EQ(b_.r->status().gen, before.gen) << "booted from the other slot: the promotion never happened";
  EXPECT_EQ(b_.r->role(), Role::secondary);
  EXPECT_EQ(b_.r->disk(), DiskState::consistent) << "it lost a Primary before";
  EXPECT_FALSE(b_.has_event("crashed-primary-recovery"));
  link();
  run();
  EXPECT_EQ(b_.r->conn(), ConnState::connected);
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// Killed inside a superblock write after the slot reached the page cache, before its fdatasync:
// the boot reads that slot, the newest. The next superblock write goes to the other slot; a
// power cut inside it tears it, and tears the first one too if it is still only in the cache:
// no valid superblock (seed 358997). What a boot read is made durable first.
TEST_F(Pair, WhatABootReadIsDurableBeforeTheNextSuperblockWrite) {
  sim::MemDiskOptions o;
  o.power_cut_survival = 0;
  o.power_cut_tear = 1;  // every write still in the cache tears at a power cut
  format(b_, o);
  make_primary_synced();
  cut();
  b_.disk->crash_during(DiskCall::superblock, CrashKind::process_kill, 1, meta::kPageBytes);  // the whole slot
  EXPECT_FALSE(promote(b_, true));
  ASSERT_FALSE(b_.up);
  restart(b_);
  ASSERT_EQ(b_.r->role(), Role::secondary);
  ASSERT_TRUE(b_.has_event("crashed-primary-recovery")) << "booted from the slot the kill left in the page cache";
  b_.disk->crash_during(DiskCall::superblock, CrashKind::power_cut, 1, 512);
  EXPECT_FALSE(promote(b_, true));
  ASSERT_FALSE(b_.up);
  b_.disk->restart();
  auto md = b_.disk->attach();
  ASSERT_TRUE(md) << md.error();
}

TEST_F(Pair, ATornActivityLogRecordIsDetectedAndThePreviousOneRecovered) {
  make_primary_synced();
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'q')));  // AL transaction 1: extent 0
  // The first write to extent 3 needs AL transaction 2 before anything else; the power
  // fails while it is written, with only its first sector on the medium. No frame left.
  a_.disk->crash_during(DiskCall::activity_log, CrashKind::power_cut, 1, 512);
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(50, 3 * meta::kAlExtentBytes, pattern(4096, 'r'), false, o); });
  ASSERT_FALSE(a_.up);
  restart(a_);
  const std::uint64_t before = a_.r->status().resync_blocks_received;
  EXPECT_EQ(a_.boot_problems, std::vector<std::string>{"slot 2: CRC mismatch"});
  EXPECT_TRUE(a_.has_event("crashed-primary-recovery"));
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, meta::kAlExtentBytes) << "extent 0, from the last whole record";
  link();
  run();
  EXPECT_EQ(a_.r->status().resync_blocks_received - before, meta::kBlocksPerExtent) << "from node2, which held it all";
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
  EXPECT_FALSE(b_.disk->data().substr(3 * meta::kAlExtentBytes, 4096) == pattern(4096, 'r')) << "never sent";
}

TEST_F(Pair, APrimaryLosingPowerMidWriteHadAlreadySentItAndResyncsItsCopy) {
  make_primary_synced();
  const std::string w = pattern(16384, 's');
  // Production order: the frame leaves before the local write; the power fails during it.
  a_.disk->crash_during(DiskCall::data_write, CrashKind::power_cut);
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(60, 8192, w, true, o); });
  ASSERT_FALSE(a_.up);
  EXPECT_EQ(a_.done.count(60), 0u) << "nobody was told it completed";
  EXPECT_EQ(b_.disk->data().substr(8192, w.size()), w) << "the peer got the frame first";
  restart(a_);
  const std::uint64_t before = a_.r->status().resync_blocks_received;
  EXPECT_TRUE(a_.has_event("crashed-primary-recovery"));
  link();
  run();
  EXPECT_EQ(a_.r->status().resync_blocks_received - before, meta::kBlocksPerExtent);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data()) << "the survivor's copy, which holds every completed write, wins";
  EXPECT_EQ(a_.disk->data().substr(8192, w.size()), w);
}

}  // namespace
}  // namespace hamail::drbdlite
