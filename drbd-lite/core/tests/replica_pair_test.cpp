// The core's behaviour on healthy disks: initial full sync, protocol C ordering, bitmap
// resync, verify, split brain, roles, timeouts. Crashes are in replica_crash_test.cpp,
// disk errors in replica_disk_error_test.cpp.
#include <gtest/gtest.h>

#include "pair_harness.h"

namespace hamail::drbdlite {
namespace {

TEST_F(Pair, FreshNodesConnectThenForcedPrimaryFullSyncs) {
  make_primary_synced();
  EXPECT_EQ(a_.r->status().resync_blocks_sent, layout_.data_bytes / 4096);
  EXPECT_EQ(a_.r->role(), Role::primary);
  EXPECT_EQ(b_.r->status().peer_role, Role::primary);
  EXPECT_TRUE(b_.disk->superblock_on_medium()->has(meta::kFlagConsistent));
  EXPECT_EQ(a_.r->status().gen.current, b_.r->status().gen.current);
}

TEST_F(Pair, ProtocolCCompletesOnlyAfterThePeersAck) {
  make_primary_synced();
  std::string d = pattern(8192, 'a');
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(77, 40960, d, true, o); });
  EXPECT_EQ(a_.done.count(77), 0u) << "completed before the peer acknowledged";
  EXPECT_EQ(a_.disk->data().substr(40960, 8192), d);
  run();
  ASSERT_EQ(a_.done.count(77), 1u);
  EXPECT_TRUE(a_.done[77]);
  EXPECT_EQ(b_.disk->data().substr(40960, 8192), d);
}

TEST_F(Pair, SecondaryRefusesIo) {
  make_primary_synced();
  Status st = b_.r->io_allowed();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "volume r0 is Secondary: I/O refused (promote it first)");
  cmd(b_, [](Replica& r, Outbox& o) { r.app_write(5, 0, "x", false, o); });
  ASSERT_EQ(b_.done.count(5), 1u);
  EXPECT_FALSE(b_.done[5]);
}

TEST_F(Pair, OnlyBlocksWrittenWhileDisconnectedAreResynced) {
  make_primary_synced();
  cut();
  EXPECT_EQ(a_.r->conn(), ConnState::connecting);
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'b')));
  ASSERT_TRUE(write(a_, 10 * 4096, pattern(3 * 4096, 'c')));
  ASSERT_TRUE(write(a_, 10 * 4096 + 100, "overlap"));  // same blocks again
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 4u * 4096);
  std::uint64_t before = b_.r->status().resync_blocks_received;
  link();
  run();
  EXPECT_EQ(b_.r->status().resync_blocks_received - before, 4u);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 0u);
}

TEST_F(Pair, VerifyFindsACorruptBlockAndResyncRepairsIt) {
  make_primary_synced();
  ASSERT_TRUE(write(a_, 0, pattern(1 << 20, 'i')));
  b_.disk->corrupt(5 * 4096 + 17, std::string(1, static_cast<char>(b_.disk->data()[5 * 4096 + 17] ^ 0x55)));
  Status st;
  cmd(a_, [&](Replica& r, Outbox& o) { st = r.start_verify(o); });
  ASSERT_TRUE(st) << st.message();
  run();
  EXPECT_EQ(a_.r->conn(), ConnState::connected);
  EXPECT_EQ(a_.r->status().verify_mismatch_bytes, 256u << 10);  // one verify chunk
  EXPECT_TRUE(a_.has_event("verify-mismatch"));
  cmd(a_, [](Replica& r, Outbox& o) { r.disconnect(o); });
  run();
  cmd(a_, [](Replica& r, Outbox& o) { r.connect(false, o); });
  link();
  run();
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
}

TEST_F(Pair, SplitBrainIsDetectedAndStopsBothSides) {
  make_primary_synced();
  cut();
  ASSERT_TRUE(write(a_, 0, "from node1"));
  Status st;
  // node2 lost a Primary: only --force promotes it (the operator's claim that node1 is gone).
  cmd(b_, [&](Replica& r, Outbox& o) { st = r.promote(true, o); });
  ASSERT_TRUE(st) << st.message();
  ASSERT_TRUE(write(b_, 4096, "from node2"));
  cmd(b_, [&](Replica& r, Outbox& o) { st = r.demote(o); });
  ASSERT_TRUE(st) << st.message();
  link();
  run();
  EXPECT_TRUE(a_.has_event("split-brain"));
  EXPECT_EQ(a_.r->conn(), ConnState::standalone);
  EXPECT_EQ(b_.r->conn(), ConnState::standalone);
  EXPECT_NE(a_.r->status().last_error.find("split brain"), std::string::npos);
  // The operator discards node2's changes: node2 becomes the target.
  cmd(b_, [](Replica& r, Outbox& o) { r.connect(true, o); });
  cmd(a_, [](Replica& r, Outbox& o) { r.connect(false, o); });
  link();
  run();
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
  EXPECT_EQ(b_.disk->data().substr(0, 10), "from node1");
}

TEST_F(Pair, TwoPrimariesAreRefused) {
  make_primary_synced();
  cut();
  Status st;
  cmd(b_, [&](Replica& r, Outbox& o) { st = r.promote(true, o); });
  ASSERT_TRUE(st);
  link();
  run();
  EXPECT_EQ(a_.r->conn(), ConnState::standalone);
  EXPECT_NE(a_.r->status().last_error.find("both nodes are Primary"), std::string::npos);
}

TEST_F(Pair, PromoteRefusesInconsistentDiskWithoutForce) {
  Status st;
  cmd(a_, [&](Replica& r, Outbox& o) { st = r.promote(false, o); });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(),
            "r0: cannot promote: local disk is Inconsistent (use --force to make this node's data the authoritative copy)");
}

TEST_F(Pair, PromoteRefusedWhilePeerIsPrimary) {
  make_primary_synced();
  Status st;
  cmd(b_, [&](Replica& r, Outbox& o) { st = r.promote(false, o); });
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("is Primary (two Primaries are never allowed)"), std::string::npos);
}

TEST_F(Pair, WritesDuringResyncEndIdentical) {
  make_primary_synced();
  cut();
  for (int i = 0; i < 64; ++i) ASSERT_TRUE(write(a_, static_cast<std::uint64_t>(i) * 65536, pattern(65536, 'j' + i)));
  link();
  // Deliver only part of the traffic, then write over blocks being resynced.
  for (int round = 0; round < 5; ++round) {
    for (int k = 0; k < 3 && deliver_one(b_); ++k) {
    }
    cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(1000 + round, 65536 * (round * 7), pattern(8192, 'z'), false, o); });
  }
  run();
  EXPECT_EQ(a_.r->conn(), ConnState::connected);
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

TEST_F(Pair, InvalidateFullyResyncsFromThePeer) {
  make_primary_synced();
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'k')));
  b_.disk->corrupt(0, std::string(layout_.data_bytes, 'X'));
  Status st;
  cmd(b_, [&](Replica& r, Outbox& o) { st = r.invalidate(o); });
  ASSERT_TRUE(st) << st.message();
  run();
  link();
  run();
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
}

TEST_F(Pair, PeerTimeoutDropsTheLinkAndCompletesWrites) {
  make_primary_synced();
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(3, 0, pattern(4096, 'l'), false, o); });
  b_.reader = wire::FrameReader();  // the peer is frozen: nothing comes back
  Outbox out = outbox(a_);
  a_.r->tick(now_ + 7000, out);
  absorb(a_, out);
  ASSERT_TRUE(out.drop_link);
  EXPECT_NE(out.drop_link->find("peer not responding"), std::string::npos);
  EXPECT_TRUE(a_.done[3]);
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 4096u);
}

}  // namespace
}  // namespace hamail::drbdlite
