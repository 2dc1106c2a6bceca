// Which way a resync goes: exactly one SyncSource, whatever the roles and disks were when the
// link came back (the same-version tie-break), and `connect --discard-my-data` deciding one
// split brain only.
#include <gtest/gtest.h>

#include <algorithm>

#include "hamail/drbdlite/core/sync_tie_break.h"
#include "pair_harness.h"

namespace hamail::drbdlite {
namespace {

TieBreak mirrored(TieBreak t) {
  if (t == TieBreak::local_source) return TieBreak::peer_source;
  if (t == TieBreak::peer_source) return TieBreak::local_source;
  return t;
}

TEST(SyncTieBreak, BothSidesAlwaysAgreeOnOneSourceOrNone) {
  const Role roles[] = {Role::secondary, Role::primary};
  const DiskState disks[] = {DiskState::diskless, DiskState::attaching, DiskState::inconsistent, DiskState::outdated,
                             DiskState::dunknown, DiskState::consistent, DiskState::uptodate, DiskState::failed};
  for (Role r1 : roles)
    for (DiskState d1 : disks)
      for (Role r2 : roles)
        for (DiskState d2 : disks) {
          TieBreakSide n1{r1, d1, "node1"}, n2{r2, d2, "node2"};
          TieBreak t1 = break_tie(n1, n2), t2 = break_tie(n2, n1);
          ASSERT_EQ(t2, mirrored(t1)) << to_string(r1) << "/" << to_string(d1) << " vs " << to_string(r2) << "/"
                                      << to_string(d2);
          const bool usable1 = d1 == DiskState::uptodate || d1 == DiskState::consistent || d1 == DiskState::outdated;
          const bool usable2 = d2 == DiskState::uptodate || d2 == DiskState::consistent || d2 == DiskState::outdated;
          if (t1 == TieBreak::local_source) {
            EXPECT_TRUE(usable1) << "an unusable disk never sends";
          }
          if (t1 == TieBreak::peer_source) {
            EXPECT_TRUE(usable2) << "an unusable disk never sends";
          }
          if (r1 != r2 && (r1 == Role::primary ? usable1 && d2 != DiskState::failed : usable2 && d1 != DiskState::failed)) {
            EXPECT_EQ(t1, r1 == Role::primary ? TieBreak::local_source : TieBreak::peer_source) << "the Primary sends";
          }
          if (r1 == Role::secondary && r2 == Role::secondary && (usable1 || usable2) && d1 != DiskState::failed &&
              d2 != DiskState::failed) {
            EXPECT_NE(t1, TieBreak::no_source) << "between Secondaries a usable disk always sends";
          }
          if ((t1 == TieBreak::local_source && d2 == DiskState::failed) ||
              (t1 == TieBreak::peer_source && d1 == DiskState::failed)) {
            ADD_FAILURE() << "a Failed disk never receives";
          }
        }
}

TEST(SyncTieBreak, TheBetterDiskThenTheLowerNameSends) {
  EXPECT_EQ(break_tie({Role::secondary, DiskState::uptodate, "node2"}, {Role::secondary, DiskState::inconsistent, "node1"}),
            TieBreak::local_source);
  EXPECT_EQ(break_tie({Role::secondary, DiskState::consistent, "node1"}, {Role::secondary, DiskState::uptodate, "node2"}),
            TieBreak::peer_source);
  EXPECT_EQ(break_tie({Role::secondary, DiskState::uptodate, "node1"}, {Role::secondary, DiskState::uptodate, "node2"}),
            TieBreak::local_source);
  EXPECT_EQ(
      break_tie({Role::secondary, DiskState::inconsistent, "node1"}, {Role::secondary, DiskState::inconsistent, "node2"}),
      TieBreak::no_source);
}

// node2 (the higher name) crashed as Primary and resyncs its activity-log extents to node1;
// in mid-resync it is promoted and demoted again (a clean demotion clears "crashed"), then
// the link blips. Same data version, node2 UpToDate, node1 Inconsistent: the old rule (the
// lower name, if UpToDate) made both SyncTarget, each waiting for the other forever.
TEST_F(Pair, ASyncSourceDemotedInMidResyncStillSendsAfterALinkBlip) {
  make_primary_synced();
  ASSERT_TRUE(command(a_, &Replica::demote));
  run();
  ASSERT_TRUE(promote(b_));
  ASSERT_TRUE(write(b_, 0, pattern(64 * 1024, 'v')));
  // node1 under protocol B: it does not claim to hold every write node2 completed
  // (kHelloHoldsPrimaryWrites), so node2's extents are resynced from node2, the crashed one.
  a_.cfg.protocol = 'B';
  crash(a_, sim::CrashKind::process_kill);
  boot(a_);
  connect(a_);
  link();
  run();
  crash(b_, sim::CrashKind::power_cut);
  ReplicaConfig slow;  // one 4 KiB block in flight: the resync advances a frame at a time
  slow.resync_chunk_bytes = 4096;
  slow.resync_window_bytes = 4096;
  boot(b_, slow);
  connect(b_);
  ASSERT_TRUE(b_.has_event("crashed-primary-recovery"));
  const std::uint64_t before = a_.r->status().resync_blocks_received;
  link();
  run_until([&] { return a_.r->status().resync_blocks_received - before >= 8; });
  ASSERT_EQ(b_.r->conn(), ConnState::sync_source);
  ASSERT_TRUE(promote(b_));
  ASSERT_TRUE(command(b_, &Replica::demote));
  cut();
  link();
  run();
  EXPECT_EQ(b_.r->conn(), ConnState::connected);
  EXPECT_EQ(a_.r->conn(), ConnState::connected);
  EXPECT_EQ(a_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// Two Secondaries, same version, blocks a verify found to differ; node2 is promoted while
// the bitmaps are on the way (its hello said Secondary). The hellos make node1 the source,
// which a Primary may never receive from: node2 drops the link instead, and the next
// connect (node2 now writes a new version) makes it the source.
TEST_F(Pair, ANodePromotedWhileTheDirectionIsSettledNeverBecomesSyncTarget) {
  make_primary_synced();
  ASSERT_TRUE(command(a_, &Replica::demote));
  run();
  b_.disk->corrupt(0, std::string(4096, 'C'));
  ASSERT_TRUE(command(a_, &Replica::start_verify));
  run();
  ASSERT_EQ(a_.r->status().verify_mismatch_bytes, 256u << 10);
  cut();
  const std::size_t events = b_.events.size();
  link();
  run_until([&] { return b_.has_event_since(events, "sync-decision"); });
  ASSERT_TRUE(promote(b_));
  run();
  EXPECT_FALSE(linked_) << "node2 dropped the link rather than become SyncTarget";
  link();
  run();
  EXPECT_EQ(b_.r->role(), Role::primary);
  EXPECT_EQ(a_.r->conn(), ConnState::connected);
  EXPECT_EQ(a_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// node2's resyncs keep ending just before their rs_done arrives (it crashes): Inconsistent,
// it keeps its old version while node1, its side of each resync finished, moves on through
// new ones. With two history slots node2's version leaves node1's history: unrelated ids.
// An Inconsistent disk holds nothing to keep: node1 sends everything (seed 103216: refused
// as unrelated data, never connected again).
TEST_F(Pair, AnInconsistentDiskWhoseVersionLeftThePeersHistoryIsFullySynced) {
  synced_with(drbdlite::Fencing::dont_care);
  for (char round = 'a'; round < 'd'; ++round) {
    cut();
    ASSERT_TRUE(write(a_, 4096, pattern(4096, round)));  // a new data version
    const std::size_t events = a_.events.size();
    link();
    run_until([&] { return a_.has_event_since(events, "resync-finished"); });
    crash(b_, sim::CrashKind::power_cut);  // the rs_done on its way is lost
    restart(b_);
    ASSERT_EQ(b_.r->disk(), DiskState::inconsistent);
  }
  ASSERT_TRUE(write(a_, 4096, pattern(4096, 'd')));
  const meta::GenerationIds ga = a_.r->status().gen, gb = b_.r->status().gen;
  ASSERT_EQ(meta::decide_sync(ga, gb).outcome, meta::SyncOutcome::unrelated) << ga.to_string() << " / " << gb.to_string();
  link();
  run();
  EXPECT_FALSE(a_.has_event("connect-refused"));
  EXPECT_EQ(b_.r->conn(), ConnState::connected);
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// Promoted during the handshake, after its bitmap left (any fencing policy: resource-only
// here): a write now would mark a block the peer never hears of. The peer decides from the
// bitmaps as exchanged (nothing to resync: Connected), this node from its own, grown since
// (the tie-break: SyncTarget), and waits for ever (seed 177070). The write waits until the
// link replicates, so no block is marked after the exchange.
TEST_F(Pair, AWriteDuringTheHandshakeWaitsSoBothSidesDecideFromTheSameBitmaps) {
  synced_with(drbdlite::Fencing::resource_only);
  ASSERT_TRUE(flush(a_));  // nothing left unflushed on node2: the demotion marks no block
  ASSERT_TRUE(command(a_, &Replica::demote));
  run();
  cut();
  link();
  run_until([&] { return b_.r->link_established(); });  // node2 sent its bitmap
  ASSERT_EQ(b_.r->conn(), ConnState::connecting);
  ASSERT_TRUE(promote(b_));
  const std::uint64_t w = start_write(b_, 12 * 4096, pattern(4096, 'u'));
  EXPECT_EQ(b_.done.count(w), 0u) << "completed during the handshake";
  (void)command(b_, &Replica::demote);  // refused while the write waits
  run();
  EXPECT_TRUE(b_.done.count(w) && b_.done.at(w));
  EXPECT_EQ(b_.r->conn(), ConnState::connected);
  EXPECT_EQ(a_.r->conn(), ConnState::connected);
  EXPECT_EQ(a_.r->disk(), DiskState::uptodate);
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

TEST_F(Pair, DiscardMyDataDecidesOneSplitBrainOnly) {
  make_primary_synced();
  // The first split brain, resolved by the operator against node2.
  cut();
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'w')));
  ASSERT_TRUE(promote(b_, true));
  ASSERT_TRUE(write(b_, 4096, pattern(4096, 'x')));
  ASSERT_TRUE(command(b_, &Replica::demote));
  link();
  run();
  ASSERT_EQ(b_.r->conn(), ConnState::standalone);
  connect(a_);
  connect(b_, true);
  link();
  run();
  ASSERT_EQ(b_.r->disk(), DiskState::uptodate);
  ASSERT_TRUE(a_.disk->data() == b_.disk->data());
  // The second one: nobody said which side loses, so both stop.
  cut();
  ASSERT_TRUE(write(a_, 8192, pattern(4096, 'y')));
  ASSERT_TRUE(promote(b_, true));
  ASSERT_TRUE(write(b_, 12288, pattern(4096, 'z')));
  ASSERT_TRUE(command(b_, &Replica::demote));
  link();
  run();
  EXPECT_EQ(a_.r->conn(), ConnState::standalone);
  EXPECT_EQ(b_.r->conn(), ConnState::standalone);
  EXPECT_NE(b_.r->status().last_error.find("split brain"), std::string::npos) << b_.r->status().last_error;
  EXPECT_EQ(b_.disk->data().substr(12288, 4096), pattern(4096, 'z')) << "node2's changes were not thrown away";
}

// The resolution's resync is cut short: the next connect, without the flag, resumes it
// (node2's data is now "the common version plus what its bitmap names") instead of meeting
// the split brain again.
TEST_F(Pair, AnInterruptedSplitBrainResolutionResumesWithoutTheFlag) {
  make_primary_synced();
  cut();
  for (std::uint64_t i = 0; i < 16; ++i) ASSERT_TRUE(write(a_, i * 4096, pattern(4096, 'a' + i)));
  ASSERT_TRUE(promote(b_, true));
  for (std::uint64_t i = 16; i < 32; ++i) ASSERT_TRUE(write(b_, i * 4096, pattern(4096, 'a' + i)));
  ASSERT_TRUE(command(b_, &Replica::demote));
  link();
  run();
  ASSERT_EQ(b_.r->conn(), ConnState::standalone);
  ReplicaConfig slow;
  slow.resync_chunk_bytes = 4096;
  slow.resync_window_bytes = 4096;
  boot(a_, slow);
  ASSERT_TRUE(promote(a_));
  connect(a_);
  connect(b_, true);
  const std::uint64_t before = b_.r->status().resync_blocks_received;
  link();
  run_until([&] { return b_.r->status().resync_blocks_received - before >= 5; });
  cut();
  link();
  run();
  EXPECT_EQ(b_.r->conn(), ConnState::connected);
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

// The resync keeps resync_window_bytes in flight, but only resync_window_under_io_bytes while
// the application wrote within app_io_recent_ms: the application's frames queue behind less
// resync data on the link (in the lab, 4 MiB made its writes wait 12 ms).
TEST_F(Pair, TheResyncKeepsLessInFlightWhileTheApplicationWrites) {
  for (Node* n : {&a_, &b_}) {
    n->cfg.resync_chunk_bytes = 4096;
    n->cfg.resync_window_bytes = 64u << 10;
    n->cfg.resync_window_under_io_bytes = 8u << 10;
    n->cfg.resync_rate_bytes = 1ull << 30;
    boot(*n);
  }
  make_primary_synced();
  auto most_in_flight_during_resync = [&](bool app_writes) {
    cut();
    for (int i = 0; i < 48; ++i) EXPECT_TRUE(write(a_, i * 4096ull, pattern(4096, static_cast<char>('a' + i % 20))));
    now_ += 1000;
    tick_both();  // those writes are no longer recent
    if (app_writes) EXPECT_TRUE(write(a_, 100 * 4096ull, pattern(4096, 'w')));
    link();
    std::size_t most = 0;
    run_until([&] {
      most = std::max(most, b_.reader.buffered());
      return a_.r->conn() == ConnState::connected && !in_flight();
    });
    EXPECT_TRUE(a_.disk->data() == b_.disk->data());
    return most;
  };
  std::size_t quiet = most_in_flight_during_resync(false);
  std::size_t busy = most_in_flight_during_resync(true);
  EXPECT_GT(quiet, 48u << 10) << "without application I/O the whole window goes (" << quiet << " bytes)";
  EXPECT_LE(busy, 16u << 10) << "with application I/O about 8 KiB of resync data in flight (" << busy << " bytes)";
}

}  // namespace
}  // namespace hamail::drbdlite
