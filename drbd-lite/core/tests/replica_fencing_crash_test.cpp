// Fencing across crashes (each case found by the simulator): which copy may be promoted when
// the peer is unreachable, what a reconnect with nothing to resync settles, and the data
// version a thaw starts. With resource-and-stonith no acknowledged write may be lost.
#include "pair_harness.h"

namespace hamail::drbdlite {
namespace {

class FencingCrash : public Pair {
 protected:
  void synced(drbdlite::Fencing f = drbdlite::Fencing::resource_and_stonith) { synced_with(f); }
  std::size_t fence_runs(const Node& n) const {
    std::size_t k = 0;
    for (const auto& h : n.handlers) k += h.handler == Handler::fence_peer;
    return k;
  }
};

// Its activity-log extents may lack writes that survive only in the peer's cache (its power
// cut lost them): fencing the peer and going on would lose them (seed 3088).
TEST_F(FencingCrash, ACrashedPrimaryIsNotPromotedBeforeItMeetsItsPeer) {
  synced();
  crash(a_, sim::CrashKind::power_cut);
  cut();
  boot(a_);
  const std::size_t runs = fence_runs(a_);
  Status st = promote(a_);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("this node crashed as Primary and has not met its peer since"), std::string::npos)
      << st.message();
  EXPECT_EQ(fence_runs(a_), runs) << "refused before fencing (an outdated peer could not be promoted either)";
  connect(a_);
  link();
  run();
  EXPECT_TRUE(promote(a_)) << "its extents resynced";
  EXPECT_EQ(a_.r->role(), Role::primary);
}

// Consistent because it crashed (or restarted) while its peer was Primary: its cache may have
// lost writes the Primary completed. Fencing the Primary does not make it the newest (seed 3574).
TEST_F(FencingCrash, ASecondaryThatCrashedUnderItsPrimaryIsNotPromotedByFencing) {
  synced();
  crash(b_, sim::CrashKind::power_cut);
  cut();
  boot(b_);
  ASSERT_EQ(b_.r->disk(), DiskState::consistent);
  crash(a_, sim::CrashKind::power_cut);
  Status st = promote(b_);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("may lack writes its Primary completed"), std::string::npos) << st.message();
  EXPECT_EQ(fence_runs(b_), 0u);
  EXPECT_TRUE(promote(b_, true)) << "--force, once the peer's copy is known lost";
}

// A Secondary that lost its Primary while up flushed every write the Primary completed and
// recorded it (kFlagHoldsPrimaryWrites): promotable after fencing also after its own restart.
TEST_F(FencingCrash, TheSurvivorOfItsPrimaryStaysPromotableAcrossItsOwnRestart) {
  synced();
  crash(a_, sim::CrashKind::power_cut);
  cut();
  ASSERT_EQ(b_.r->disk(), DiskState::consistent);
  crash(b_, sim::CrashKind::power_cut);
  boot(b_);
  ASSERT_EQ(b_.r->disk(), DiskState::consistent);
  ASSERT_TRUE(promote(b_));
  fence_answer(b_, kFencePeerDown);
  EXPECT_EQ(b_.r->role(), Role::primary);
  EXPECT_TRUE(b_.disk->data().substr(0, 4096) == pattern(4096, 'a'));
}

// A resync whose rs_done was lost with the link (its source died writing its superblock):
// the next connect has nothing to resync. The target, Inconsistent, holds the source's data
// and becomes UpToDate; the source stops tracking (bitmap id cleared), so its next promotion
// without the peer starts a new data version (seeds 105 and 388).
TEST_F(FencingCrash, AReconnectWithNothingToResyncSettlesBothSides) {
  synced(drbdlite::Fencing::dont_care);
  cut();
  ASSERT_TRUE(write(a_, 8192, pattern(4096, 'b')));
  ASSERT_TRUE(command(a_, &Replica::demote));
  link();
  run_until([&] { return a_.r->conn() == ConnState::sync_source; });
  const std::uint64_t version = a_.r->status().gen.current;
  a_.disk->crash_during(sim::DiskCall::superblock, sim::CrashKind::process_kill, 1, 0);  // nothing lands
  run();
  ASSERT_FALSE(a_.up) << "died writing the superblock at the resync's end";
  // rs_done goes only after the end is recorded: the target did not take the source's version
  // (seed 21506: it did, and the source, still tracking, later wrote on in that version).
  EXPECT_NE(b_.r->status().gen.current, version);
  EXPECT_EQ(b_.r->disk(), DiskState::inconsistent);
  cut();
  restart(a_);
  ASSERT_NE(a_.r->status().gen.bitmap, 0u) << "the old superblock: still tracking";
  link();
  run();
  EXPECT_EQ(a_.r->conn(), ConnState::connected);
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_EQ(a_.r->disk(), DiskState::uptodate);
  EXPECT_EQ(a_.r->status().gen.bitmap, 0u);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// Thawed by fence-peer while a handshake with the peer is under way: the held writes are not
// on the peer, so a new data version starts (else the peer's copy, same version, could be
// resynced over them later: seed 1939), and the handshake starts again (seed 2912).
TEST_F(FencingCrash, AThawDuringAHandshakeStartsANewDataVersion) {
  synced();
  std::uint64_t w = start_write(a_, 4096, pattern(4096, 'c'));
  cut();
  ASSERT_TRUE(a_.r->io_frozen());
  const std::uint64_t before = a_.r->status().gen.current;
  link();
  run_until([&] { return a_.r->link_established(); });
  ASSERT_EQ(a_.r->conn(), ConnState::connecting);
  fence_answer(a_, kFencePeerFenced);
  EXPECT_NE(a_.r->status().gen.current, before);
  EXPECT_EQ(a_.r->status().gen.bitmap, before);
  ASSERT_TRUE(a_.done.count(w));
  // Both decided from the old version: it reconnects (fencing the peer once more on the way).
  EXPECT_FALSE(a_.r->link_established());
  run();
  cut();
  fence_answer(a_, kFencePeerFenced);
  link();
  run();
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// A promotion waiting for fence-peer while the peer reconnects: the peer's state, not yet
// heard, may say it was promoted meanwhile (seed 14100: two Primaries of one data version).
TEST_F(FencingCrash, APendingPromotionIsRefusedWhenThePeerReconnectedMeanwhile) {
  synced();
  ASSERT_TRUE(command(a_, &Replica::demote));
  run();
  cut();
  ASSERT_TRUE(promote(b_));
  ASSERT_TRUE(b_.r->promotion_pending());
  link();
  run_until([&] { return b_.r->link_established(); });
  fence_answer(b_, kFencePeerFenced);
  EXPECT_EQ(b_.r->role(), Role::secondary);
  EXPECT_NE(b_.field("promotion-refused", "reason").find("reconnected while fence-peer ran"), std::string::npos)
      << b_.field("promotion-refused", "reason");
}

// The peer's disk failed: the Primary goes on alone, in a new data version (seed 8250: the
// same version on both made a later resync go from the stale copy).
TEST_F(FencingCrash, APrimaryWhosePeerDiskFailedStartsANewDataVersion) {
  synced();
  const std::uint64_t before = a_.r->status().gen.current;
  b_.disk->fail_writes(16 * 4096, 4096);
  ASSERT_TRUE(write(a_, 16 * 4096, pattern(4096, 'd')));
  ASSERT_EQ(a_.r->status().peer_disk, DiskState::failed);
  EXPECT_NE(a_.r->status().gen.current, before);
  EXPECT_EQ(a_.r->status().gen.bitmap, before);
}

// A block marked out of sync while its resync is in flight (a local write failed after the
// frame left): the resync's ack carries older data and must not clear it (seed 24332: the
// copies stayed different, both UpToDate).
TEST_F(FencingCrash, AResyncAckDoesNotClearABlockMarkedSinceItWasSent) {
  synced(drbdlite::Fencing::dont_care);
  cut();
  ASSERT_TRUE(write(a_, 16 * 4096, pattern(4096, 'e')));  // marked: resynced at the next connect
  link();
  run_until([&] { return a_.r->conn() == ConnState::sync_source; });
  a_.disk->fail_writes(16 * 4096, 4096);
  start_write(a_, 16 * 4096, pattern(4096, 'f'));  // sent to node2 after the resync data, fails here
  ASSERT_EQ(a_.r->disk(), DiskState::failed);
  run();
  EXPECT_TRUE(a_.disk->data().substr(16 * 4096, 4096) == b_.disk->data().substr(16 * 4096, 4096))
      << "node2 kept the write node1 failed to make";
}

// The peer crashed as Primary: until its activity-log extents are resynced neither side is
// promoted (seed 27626: the holder, promoted at once, and the crashed one, its resync not yet
// begun, both crashed again: two crashed Primaries of one data version, a split brain).
TEST_F(FencingCrash, NoPromotionWhileThePeersCrashRecoveryIsUnfinished) {
  synced();
  crash(a_, sim::CrashKind::power_cut);
  cut();
  restart(a_);
  link();
  run_until([&] { return b_.r->link_established(); });
  Status st = promote(b_);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("crashed as Primary and its activity-log extents are not resynced yet"),
            std::string::npos)
      << st.message();
  run();
  EXPECT_TRUE(promote(b_)) << "its extents resynced";
}

// Frozen, then reconnected: this node is SyncSource as soon as it has the peer's bitmap, but
// the peer, UpToDate, has not yet begun its resync. A link lost then leaves the peer the
// Consistent survivor of its Primary, promotable by fencing: a write completed at that
// reconnect lived only here (seed 105854). It completes once the peer says it resyncs.
TEST_F(FencingCrash, AReconnectThawsOnlyOnceThePeerResyncs) {
  synced();
  const std::uint64_t w = start_write(a_, 4096, pattern(4096, 'g'));
  cut();
  ASSERT_TRUE(a_.r->io_frozen());
  link();
  run_until([&] { return a_.r->conn() == ConnState::sync_source; });
  ASSERT_EQ(b_.r->conn(), ConnState::connecting) << "the peer has not yet begun its resync";
  ASSERT_EQ(b_.r->disk(), DiskState::consistent) << "the survivor of its Primary: promotable by fencing";
  EXPECT_EQ(a_.done.count(w), 0u) << "completed while the peer could still be promoted without it";
  EXPECT_TRUE(a_.r->io_frozen());
  run_until([&] { return a_.r->status().peer_disk == DiskState::inconsistent; });
  EXPECT_FALSE(a_.r->io_frozen());
  ASSERT_TRUE(a_.done.count(w));
  EXPECT_TRUE(a_.done.at(w));
  run();
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// The same after a lost link, but no resync can run (this Primary's disk failed, the tie-break
// finds no source): the held writes stay held (seed 264923: they completed, the peer was
// promoted without them).
TEST_F(FencingCrash, AReconnectWithoutAResyncKeepsTheHeldWrites) {
  synced();
  const std::uint64_t w = start_write(a_, 4096, pattern(4096, 'h'));  // sent, never acknowledged
  a_.disk->fail_writes(8192, 4096);
  start_write(a_, 8192, pattern(4096, 'i'));
  ASSERT_EQ(a_.r->disk(), DiskState::failed);
  cut();
  ASSERT_TRUE(a_.r->io_frozen());
  link();
  run();
  ASSERT_EQ(a_.r->conn(), ConnState::connected);
  ASSERT_TRUE(a_.has_event("resync-impossible"));
  EXPECT_EQ(a_.done.count(w), 0u);
  EXPECT_TRUE(a_.r->io_frozen());
}

// The target's disk fails during its resync (a replicated write): the resync's end does not
// make it UpToDate. It did, in the version the source's hello named, while the source, told of
// the failure, started a new one: connected and "in sync" in two versions, the next failover
// made a split brain (seeds 122176, 170749). Restarted, it resyncs and both agree.
TEST_F(FencingCrash, ADiskThatFailedDuringItsResyncIsNotMadeUpToDateByIt) {
  synced();
  start_write(a_, 4096, pattern(4096, 'j'));
  cut();
  link();
  run_until([&] { return !a_.r->io_frozen(); });  // thawed: node2 resyncs from here
  b_.disk->fail_writes(20 * 4096, 4096);
  start_write(a_, 20 * 4096, pattern(4096, 'k'));
  run();
  EXPECT_EQ(b_.r->disk(), DiskState::failed);
  EXPECT_FALSE(promote(b_));
  crash(b_, sim::CrashKind::process_kill);
  b_.disk->clear_errors();
  restart(b_);
  link();
  run();
  EXPECT_FALSE(a_.has_event("split-brain"));
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_EQ(a_.r->status().gen.current, b_.r->status().gen.current);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// A disk that failed is repaired by a restart of its volume, never revived by a resync into it
// (seed 36207: revived, its activity log still waited on the transaction whose write had
// failed, and once promoted its writes waited for ever; seed 175934: revived, it took the
// version the source's hello named while the source had started a new one on hearing of the
// failure, a later split brain). Here it fails at the reconnect, after its hello said
// Consistent: it drops the link, and the next hello says Failed: no resync until its restart.
TEST_F(FencingCrash, AFailedDiskIsNotRevivedByAResync) {
  synced();
  start_write(a_, 4096, pattern(4096, 'l'));
  cut();
  ASSERT_TRUE(a_.r->io_frozen());
  b_.disk->fail_writes(layout_.superblock_offset, 2 * meta::kPageBytes);
  link();
  run_until([&] { return b_.r->disk() == DiskState::failed; });  // its Primary seen again: superblock write
  b_.disk->clear_errors();
  run();
  EXPECT_EQ(b_.r->disk(), DiskState::failed);
  link();
  run();
  EXPECT_EQ(b_.r->disk(), DiskState::failed);
  EXPECT_TRUE(a_.has_event("resync-impossible"));
  EXPECT_TRUE(a_.r->io_frozen()) << "the held write is on no peer";
  crash(b_, sim::CrashKind::process_kill);
  restart(b_);
  link();
  run();
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_FALSE(a_.r->io_frozen());
  EXPECT_EQ(b_.r->status().gen, a_.r->status().gen);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// rs_done names the version the source holds once it recorded the resync's end, and the target
// takes it, not the one the source's hello named: a SyncSource promoted with --force starts a
// new one (so did a Primary told of its target's failed disk, before a Failed disk stopped
// being revived: seed 175934, a split brain later).
TEST_F(FencingCrash, AResyncTargetTakesTheVersionItsSourceHoldsAtTheEnd) {
  synced(drbdlite::Fencing::dont_care);
  ASSERT_TRUE(command(a_, &Replica::demote));
  run();
  b_.disk->corrupt(0, std::string(4096, 'C'));
  ASSERT_TRUE(command(a_, &Replica::start_verify));
  run();
  ASSERT_GT(a_.r->status().verify_mismatch_bytes, 0u);
  cut();
  ASSERT_TRUE(command(a_, &Replica::outdate));
  ASSERT_TRUE(command(b_, &Replica::outdate));
  link();
  run_until([&] { return a_.r->conn() == ConnState::sync_source; });  // equal disks: the lower name sends
  const std::uint64_t hello_version = a_.r->status().gen.current;
  ASSERT_TRUE(promote(a_, true));
  ASSERT_NE(a_.r->status().gen.current, hello_version) << "forced from Outdated: a new data version";
  run();
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_EQ(b_.r->status().gen, a_.r->status().gen);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// Frozen, reconnected to a peer whose disk failed (it receives no resync), then thawed by
// fence-peer: the held writes, and those after, are on this node only: a new data version
// (seed 59301: it wrote on in the version the Failed peer claimed to hold whole, having lost
// this Primary while up; this node then crashed and its extents were resynced from that peer).
TEST_F(FencingCrash, AThawWithAFailedPeerStartsANewDataVersion) {
  synced();
  const std::uint64_t w = start_write(a_, 4096, pattern(4096, 'm'));
  cut();
  const meta::GenerationIds before = a_.r->status().gen;
  b_.disk->fail_writes(layout_.superblock_offset, 2 * meta::kPageBytes);
  link();
  run();  // node2 fails at its superblock write and drops the link: it takes no resync
  ASSERT_EQ(b_.r->disk(), DiskState::failed);
  b_.disk->clear_errors();
  link();
  run();
  ASSERT_EQ(a_.r->status().peer_disk, DiskState::failed);
  ASSERT_TRUE(a_.r->io_frozen());
  fence_answer(a_, kFencePeerFenced);
  EXPECT_TRUE(a_.done.count(w) && a_.done.at(w));
  EXPECT_NE(a_.r->status().gen.current, before.current);
  EXPECT_EQ(a_.r->status().gen.bitmap, before.current);
}

}  // namespace
}  // namespace hamail::drbdlite
