// Protocols A and B: what each promises (A: a write completes once sent; B: once the peer
// received it; C: once it is in both disks' caches) and what each loses on which failure.
#include "pair_harness.h"

namespace hamail::drbdlite {
namespace {

class Protocol : public Pair {
 protected:
  void synced_with(char protocol, drbdlite::Fencing f = drbdlite::Fencing::dont_care) {
    for (Node* n : {&a_, &b_}) {
      n->cfg.protocol = protocol;
      n->cfg.fencing = f;
      boot(*n);
    }
    make_primary_synced();
  }
  bool completed(Node& n, std::uint64_t req) { return n.done.count(req) && n.done[req].ok(); }
  std::string block_of(Node& n, std::uint64_t off) { return std::string(n.disk->data().substr(off, 4096)); }
};

// A: complete when handed to the link. Lost: the Primary's machine dies (or the link, then
// the Primary) while the write is still on its way: the peer never had it.
TEST_F(Protocol, ACompletesWhenSentAndLosesWritesInFlightWithThePrimary) {
  synced_with('A');
  const std::string x = pattern(4096, 'x');
  std::uint64_t req = start_write(a_, 0, x);
  EXPECT_TRUE(completed(a_, req)) << "complete before the peer saw a byte";
  EXPECT_TRUE(in_flight());
  cut();  // the frame is lost with the link
  crash(a_, sim::CrashKind::power_cut);
  ASSERT_TRUE(promote(b_, true));  // the survivor takes over
  EXPECT_NE(block_of(b_, 0), x) << "an acknowledged write is gone: protocol A's documented loss";
}

TEST_F(Protocol, CDoesNotCompleteBeforeThePeersWriteAck) {
  synced_with('C');
  std::uint64_t req = start_write(a_, 0, pattern(4096, 'x'));
  EXPECT_FALSE(a_.done.count(req));
  ASSERT_TRUE(deliver_one(b_));  // node2 writes and acknowledges
  EXPECT_FALSE(a_.done.count(req));
  ASSERT_TRUE(deliver_one(a_));
  EXPECT_TRUE(completed(a_, req));
}

// B: complete when the peer received it (recv_ack, sent before its own disk write). Lost: the
// peer's process dies between receiving and writing, and then the Primary's machine dies.
TEST_F(Protocol, BCompletesOnReceiptAndLosesWhatThePeerDidNotWriteWhenThePrimaryDies) {
  for (Node* n : {&a_, &b_}) format(*n, lossy());
  synced_with('B');
  const std::string x = pattern(4096, 'y');
  b_.disk->crash_during(sim::DiskCall::data_write, sim::CrashKind::process_kill, 1, 0);
  std::uint64_t req = start_write(a_, 0, x);
  EXPECT_FALSE(a_.done.count(req));
  ASSERT_TRUE(deliver_one(b_));  // received: recv_ack sent, then its write dies with the process
  EXPECT_FALSE(b_.up);
  EXPECT_TRUE(completed(a_, req)) << "complete on the peer's recv_ack";
  crash(a_, sim::CrashKind::power_cut);  // the Primary's cache is gone too
  boot(b_);
  ASSERT_TRUE(promote(b_, true));
  EXPECT_NE(block_of(b_, 0), x) << "an acknowledged write is gone: protocol B's documented loss";
}

// The same failure under C with resource-and-stonith: the write is never acknowledged (held
// until the peer is fenced), so nothing acknowledged is lost.
TEST_F(Protocol, CWithFencingHoldsWhatThePeerDidNotWrite) {
  for (Node* n : {&a_, &b_}) format(*n, lossy());
  synced_with('C', drbdlite::Fencing::resource_and_stonith);
  b_.disk->crash_during(sim::DiskCall::data_write, sim::CrashKind::process_kill, 1, 0);
  std::uint64_t req = start_write(a_, 0, pattern(4096, 'z'));
  ASSERT_TRUE(deliver_one(b_));
  EXPECT_FALSE(b_.up);
  EXPECT_FALSE(a_.done.count(req));
  EXPECT_TRUE(a_.r->io_frozen());
}

}  // namespace
}  // namespace hamail::drbdlite
