// Disk errors under the Replica, injected by MemDisk the way a real disk reports them:
// EIO on reads, writes, flushes and metadata writes, ENOSPC on a sparse lower file.
// The core's defined behaviour: a failed read is an error for that request only; any
// failed write or flush moves the disk to Failed and the request gets the error.
#include <gtest/gtest.h>

#include "pair_harness.h"

namespace hamail::drbdlite {
namespace {

TEST_F(Pair, AReadErrorFailsThatRequestOnly) {
  make_primary_synced();
  ASSERT_TRUE(write(a_, 8192, pattern(4096, 'a')));
  a_.disk->fail_reads(8192, 4096);
  auto r = a_.r->app_read(8192, 4096);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "read of node1-disk at 8192: Input/output error");
  EXPECT_EQ(a_.r->disk(), DiskState::uptodate);
  auto other = a_.r->app_read(0, 8192);
  ASSERT_TRUE(other) << other.error();
  EXPECT_TRUE(write(a_, 8192, pattern(4096, 'b')));
}

TEST_F(Pair, AWriteErrorOnThePrimaryFailsItsDiskAndTheRequest) {
  make_primary_synced();
  const std::string w = pattern(4096, 'c');
  a_.disk->fail_writes(16 * 4096, 4096);
  Status st = write(a_, 16 * 4096, w);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "local write failed: write of node1-disk at 65536: Input/output error");
  EXPECT_EQ(a_.r->disk(), DiskState::failed);
  EXPECT_TRUE(a_.has_event("disk-error"));
  EXPECT_EQ(b_.r->status().peer_disk, DiskState::failed);
  EXPECT_GE(a_.r->status().out_of_sync_bytes, 4096u);
  EXPECT_TRUE(b_.disk->data().substr(16 * 4096, 4096) == w) << "the frame left before the local write";
  st = write(a_, 0, pattern(4096, 'd'));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "volume r0: local disk failed");
}

// The role is recorded even with a failed disk: a Primary that demoted cleanly did not crash
// as Primary (the simulator's seeds 2227 and 2825: both nodes booted "crashed as Primary" on
// one data version, which is a split brain).
TEST_F(Pair, AFailedDiskThatDemotedCleanlyDoesNotBootAsACrashedPrimary) {
  make_primary_synced();
  a_.disk->fail_writes(16 * 4096, 4096);
  ASSERT_FALSE(write(a_, 16 * 4096, pattern(4096, 'c')));
  ASSERT_EQ(a_.r->disk(), DiskState::failed);
  ASSERT_TRUE(command(a_, &Replica::demote));
  crash(a_, sim::CrashKind::process_kill);
  a_.disk->clear_errors();  // repaired
  restart(a_);
  EXPECT_FALSE(a_.has_event("crashed-primary-recovery"));
  // Not up to date any more (seed 2223): rebooted alone it waits for its peer.
  EXPECT_EQ(a_.r->disk(), DiskState::consistent);
}

TEST_F(Pair, AWriteErrorOnTheSecondaryFailsItsDiskWhileThePrimaryCompletesAndMarks) {
  make_primary_synced();
  b_.disk->fail_writes(16 * 4096, 4096);
  ASSERT_TRUE(write(a_, 16 * 4096, pattern(4096, 'e')));
  EXPECT_EQ(b_.r->disk(), DiskState::failed);
  EXPECT_TRUE(a_.has_event("peer-write-error"));
  EXPECT_EQ(a_.r->status().peer_disk, DiskState::failed);
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 4096u);
  // Not replicated to a failed disk any more: local, and marked.
  std::uint64_t frames = frames_sent_;
  ASSERT_TRUE(write(a_, 32 * 4096, pattern(4096, 'f')));
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 2u * 4096);
  EXPECT_EQ(frames_sent_, frames);
}

TEST_F(Pair, AFailedFlushFailsTheDiskAndTheRequest) {
  make_primary_synced();
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'g')));
  a_.disk->fail_flushes(true);
  Status st = flush(a_);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "local flush failed: fdatasync of node1-disk: Input/output error");
  EXPECT_EQ(a_.r->disk(), DiskState::failed);
}

TEST_F(Pair, AFullFilesystemUnderThePrimaryFailsTheWriteThatNeedsSpace) {
  sim::MemDiskOptions o;
  o.space_bytes = (kLower - layout_.bitmap_offset) + 2 * 4096;  // the metadata and two data blocks
  format(a_, o);
  make_primary_synced();
  ASSERT_TRUE(write(a_, 0, pattern(8192, 'h')));
  ASSERT_TRUE(write(a_, 4096, pattern(4096, 'i'))) << "an allocated block needs no space";
  Status st = write(a_, 1 << 20, pattern(4096, 'j'));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "local write failed: write of node1-disk at 1048576: No space left on device");
  EXPECT_EQ(a_.r->disk(), DiskState::failed);
}

TEST_F(Pair, AnActivityLogWriteErrorFailsTheWriteBeforeAnythingIsSent) {
  make_primary_synced();
  a_.disk->fail_writes(layout_.al_offset, layout_.al_slots * meta::kPageBytes);
  std::uint64_t frames = frames_sent_;
  Status st = write(a_, 2 * meta::kAlExtentBytes, pattern(4096, 'k'));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message().rfind("activity log write failed: write of node1-disk activity log at ", 0), 0u)
      << st.message();
  EXPECT_EQ(a_.r->disk(), DiskState::failed);
  EXPECT_LE(frames_sent_, frames + 1) << "at most the State frame announcing Failed, no write";
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

TEST_F(Pair, AReadErrorOnTheResyncSourceStopsTheResyncAndTheTargetStaysInconsistent) {
  make_primary_synced();
  cut();
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'l')));
  a_.disk->fail_reads(0, 4096);
  link();
  run();
  EXPECT_EQ(a_.r->disk(), DiskState::failed);
  EXPECT_EQ(a_.r->conn(), ConnState::standalone);
  EXPECT_EQ(b_.r->disk(), DiskState::inconsistent) << "a half-done resync target is never UpToDate";
  EXPECT_NE(b_.r->status().last_error.find("resync source's disk failed"), std::string::npos)
      << "[" << b_.r->status().last_error << "]";
}

}  // namespace
}  // namespace hamail::drbdlite
