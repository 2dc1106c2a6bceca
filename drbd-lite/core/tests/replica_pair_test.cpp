// Two Replicas on in-memory disks, joined by an in-memory link that carries encoded
// frames: the real core logic end to end, deterministic, without sockets.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "hamail/drbdlite/core/replica.h"
#include "hamail/drbdlite/meta/metadata_layout.h"

namespace hamail::drbdlite {
namespace {

constexpr std::uint64_t kLower = 64ull << 20;

// A LocalDisk in memory; metadata survives a "crash" (reload), the data too.
class MemDisk : public LocalDisk {
 public:
  explicit MemDisk(std::uint64_t data_bytes) : data(data_bytes, '\0') {}
  Result<std::string> read(std::uint64_t off, std::uint32_t len) override {
    ++reads;
    return data.substr(off, len);
  }
  Status write(std::uint64_t off, std::string_view d, bool) override {
    if (fail) return Error{"injected I/O error"};
    data.replace(off, d.size(), d);
    ++writes;
    written_bytes += d.size();
    return Status::ok();
  }
  Status discard(std::uint64_t off, std::uint32_t len, bool, bool) override {
    data.replace(off, len, std::string(len, '\0'));
    return Status::ok();
  }
  Status flush() override {
    ++flushes;
    return Status::ok();
  }
  Status write_superblock(const meta::Superblock& s) override {
    sb = s;
    return Status::ok();
  }
  Status write_al(const meta::AlTransaction& tx) override {
    al = tx;
    ++al_writes;
    return Status::ok();
  }
  Status write_bitmap_pages(const meta::Bitmap& bm, const std::vector<std::uint64_t>& pages) override {
    if (bitmap.size() != bm.page_count() * meta::kPageBytes) bitmap.assign(bm.page_count() * meta::kPageBytes, 0);
    for (auto p : pages) {
      auto page = bm.page_bytes(p);
      std::copy(page.begin(), page.end(), bitmap.begin() + static_cast<long>(p * meta::kPageBytes));
    }
    return Status::ok();
  }
  std::string data;
  meta::Superblock sb;
  meta::AlTransaction al;
  std::vector<std::uint8_t> bitmap;
  bool fail = false;
  int reads = 0, writes = 0, flushes = 0, al_writes = 0;
  std::uint64_t written_bytes = 0;
};

struct Node {
  std::string name;
  std::unique_ptr<MemDisk> disk;
  std::unique_ptr<Replica> r;
  std::uint64_t next_id;
  std::map<std::uint64_t, Status> done;  // completed app requests
  std::vector<ReplicaEvent> events;
  wire::FrameReader reader;              // frames in flight to this node, as over TCP

  bool has_event(const std::string& n) const {
    for (auto& e : events)
      if (e.name == n) return true;
    return false;
  }
};

class Pair : public ::testing::Test {
 protected:
  void SetUp() override {
    auto layout = meta::layout_internal(kLower);
    ASSERT_TRUE(layout) << layout.error();
    layout_ = *layout;
    a_.name = "node1";
    b_.name = "node2";
    a_.next_id = 0x1000;
    b_.next_id = 0x2000;
    for (Node* n : {&a_, &b_}) {
      n->disk = std::make_unique<MemDisk>(layout_.data_bytes);
      n->disk->sb.layout = layout_;
      n->disk->sb.device_id = n->next_id;
      n->disk->bitmap.assign(layout_.bitmap_bytes, 0);
      boot(*n);
    }
  }

  // Attaches from what the disk holds: used at start and after a crash.
  void boot(Node& n, ReplicaConfig cfg = {}) {
    cfg.volume = "r0";
    cfg.node = n.name;
    auto bm = meta::Bitmap::from_bytes(layout_.data_bytes, n.disk->bitmap);
    ASSERT_TRUE(bm) << bm.error();
    auto al = n.disk->al.seq == 0 ? meta::ActivityLog::create(layout_.data_bytes)
                                  : meta::ActivityLog::recover(layout_.data_bytes, meta::kDefaultMaxAlExtents, n.disk->al);
    ASSERT_TRUE(al) << al.error();
    Outbox out = outbox(n);
    Node* np = &n;
    n.reader = wire::FrameReader();
    n.r = std::make_unique<Replica>(cfg, *n.disk, n.disk->sb, std::move(*bm), std::move(*al),
                                    [np] { return ++np->next_id; }, out);
    absorb(n, out);
  }

  // The production path: frames leave the core through the sink at once, encoded, and
  // queue in the peer's FrameReader in the order they were sent.
  Outbox outbox(Node& n) {
    return Outbox([this, np = &n](std::string&& frame) {
      if (!linked_) return;
      peer_of(*np).reader.feed(frame);
      ++frames_sent_;
    });
  }

  // Hands the next complete frame queued for `n` to its Replica; false when none is queued.
  bool deliver_one(Node& n) {
    if (!linked_) return false;
    auto m = n.reader.next();
    EXPECT_TRUE(m) << m.error();
    if (!m || !m->has_value()) return false;
    Outbox out = outbox(n);
    n.r->receive(std::move(**m), out);
    absorb(n, out);
    return true;
  }

  bool in_flight() const { return a_.reader.buffered() > 0 || b_.reader.buffered() > 0; }

  Node& peer_of(Node& n) { return &n == &a_ ? b_ : a_; }

  void absorb(Node& n, Outbox& out) {
    for (auto& c : out.completed) n.done.insert_or_assign(c.request, c.status);
    for (auto& e : out.events) n.events.push_back(e);
    // A closing side's last frames (a refusal) still reach the peer, as over TCP.
    if (out.drop_link && linked_) drop_pending_ = true;
  }

  void link() {
    linked_ = true;
    for (Node* n : {&a_, &b_}) {
      Outbox out = outbox(*n);
      n->r->link_up(out);
      absorb(*n, out);
    }
  }

  void cut() {
    drop_pending_ = false;
    if (!linked_) return;
    linked_ = false;
    for (Node* n : {&a_, &b_}) {
      n->reader = wire::FrameReader();
      Outbox out = outbox(*n);
      n->r->link_down("link cut", out);
      absorb(*n, out);
    }
  }

  // Delivers frames (and clock ticks) until nothing moves.
  void run(int max_rounds = 100000) {
    for (int i = 0; i < max_rounds; ++i) {
      bool moved = false;
      for (Node* n : {&a_, &b_}) {
        while (deliver_one(*n)) moved = true;
        if (linked_) {
          ASSERT_EQ(n->reader.buffered(), 0u) << "a partial frame is stuck in " << n->name << "'s reader";
        }
      }
      now_ += 10;
      for (Node* n : {&a_, &b_}) {
        std::uint64_t sent = frames_sent_;
        Outbox out = outbox(*n);
        n->r->tick(now_, out);
        if (frames_sent_ != sent || !out.completed.empty()) moved = true;
        absorb(*n, out);
      }
      if (drop_pending_ && !in_flight()) {
        drop_pending_ = false;
        cut();
        moved = true;
      }
      if (!moved && !in_flight() && i > 2) return;
    }
    FAIL() << "did not settle";
  }

  template <class F>
  void cmd(Node& n, F f) {
    Outbox out = outbox(n);
    f(*n.r, out);
    absorb(n, out);
  }

  Status write(Node& n, std::uint64_t off, const std::string& data, bool fua = false) {
    std::uint64_t req = ++req_;
    cmd(n, [&](Replica& r, Outbox& o) { r.app_write(req, off, data, fua, o); });
    run();
    auto it = n.done.find(req);
    if (it == n.done.end()) return Error{"not completed"};
    return it->second;
  }

  void make_primary_synced() {
    cmd(a_, [](Replica& r, Outbox& o) { r.connect(false, o); });
    cmd(b_, [](Replica& r, Outbox& o) { r.connect(false, o); });
    link();
    run();
    ASSERT_TRUE(a_.has_event("both-fresh"));
    Status st;
    cmd(a_, [&](Replica& r, Outbox& o) { st = r.promote(true, o); });
    ASSERT_TRUE(st) << st.message();
    // The forced promotion reconnects; the transport would redial.
    run();
    ASSERT_FALSE(linked_);
    link();
    run();
    ASSERT_EQ(a_.r->disk(), DiskState::uptodate);
    ASSERT_EQ(b_.r->disk(), DiskState::uptodate);
    ASSERT_EQ(b_.r->conn(), ConnState::connected);
    ASSERT_TRUE(a_.disk->data == b_.disk->data);
  }

  meta::MetadataLayout layout_;
  Node a_, b_;
  bool linked_ = false;
  bool drop_pending_ = false;
  std::uint64_t now_ = 1000;
  std::uint64_t req_ = 0;
  std::uint64_t frames_sent_ = 0;
};

std::string pattern(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + i * 7);
  return s;
}

TEST_F(Pair, FreshNodesConnectThenForcedPrimaryFullSyncs) {
  make_primary_synced();
  EXPECT_EQ(a_.r->status().resync_blocks_sent, layout_.data_bytes / 4096);
  EXPECT_EQ(a_.r->role(), Role::primary);
  EXPECT_EQ(b_.r->status().peer_role, Role::primary);
  EXPECT_TRUE(b_.disk->sb.has(meta::kFlagConsistent));
  EXPECT_EQ(a_.r->status().gen.current, b_.r->status().gen.current);
}

TEST_F(Pair, ProtocolCCompletesOnlyAfterThePeersAck) {
  make_primary_synced();
  std::string d = pattern(8192, 'a');
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(77, 40960, d, true, o); });
  EXPECT_EQ(a_.done.count(77), 0u) << "completed before the peer acknowledged";
  EXPECT_EQ(a_.disk->data.substr(40960, 8192), d);
  run();
  ASSERT_EQ(a_.done.count(77), 1u);
  EXPECT_TRUE(a_.done[77]);
  EXPECT_EQ(b_.disk->data.substr(40960, 8192), d);
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
  EXPECT_TRUE(a_.disk->data == b_.disk->data);
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 0u);
}

TEST_F(Pair, SecondaryCrashDuringWritesResyncsOnlyWhatItMissed) {
  make_primary_synced();
  // Writes in flight to the peer when it dies: marked out of sync, completed locally.
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(1, 4096 * 20, pattern(4096, 'd'), false, o); });
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(2, 4096 * 30, pattern(4096, 'e'), false, o); });
  b_.reader = wire::FrameReader();  // lost with the crash
  cut();
  EXPECT_TRUE(a_.done[1]);
  EXPECT_TRUE(a_.done[2]);
  boot(b_);  // restart from its disk
  cmd(b_, [](Replica& r, Outbox& o) { r.connect(false, o); });
  link();
  run();
  EXPECT_EQ(b_.r->status().resync_blocks_received, 2u);
  EXPECT_TRUE(a_.disk->data == b_.disk->data);
}

TEST_F(Pair, CrashedPrimaryResyncsOnlyItsActivityLogExtents) {
  make_primary_synced();
  // Writes to two extents (4 MiB each), acknowledged by both sides.
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'f')));
  ASSERT_TRUE(write(a_, 9ull << 20, pattern(4096, 'g')));
  // A write the peer never got, then the Primary dies (no clean demote).
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(9, (9ull << 20) + 4096, pattern(4096, 'h'), false, o); });
  linked_ = false;
  b_.reader = wire::FrameReader();
  cmd(b_, [](Replica& r, Outbox& o) { r.link_down("peer died", o); });
  ASSERT_TRUE(a_.disk->sb.has(meta::kFlagPrimaryUnclean));
  boot(a_);
  EXPECT_TRUE(a_.has_event("crashed-primary-recovery"));
  // Only the AL extents are marked: 2 extents of 1024 blocks.
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 2u * (4u << 20));
  cmd(a_, [](Replica& r, Outbox& o) { r.connect(false, o); });
  std::uint64_t before = b_.r->status().resync_blocks_received;
  link();
  run();
  EXPECT_EQ(b_.r->status().resync_blocks_received - before, 2u * 1024);
  EXPECT_TRUE(a_.disk->data == b_.disk->data);
}

TEST_F(Pair, VerifyFindsACorruptBlockAndResyncRepairsIt) {
  make_primary_synced();
  ASSERT_TRUE(write(a_, 0, pattern(1 << 20, 'i')));
  b_.disk->data[5 * 4096 + 17] ^= 0x55;  // silent corruption on the Secondary
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
  EXPECT_TRUE(a_.disk->data == b_.disk->data);
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
}

TEST_F(Pair, SplitBrainIsDetectedAndStopsBothSides) {
  make_primary_synced();
  cut();
  ASSERT_TRUE(write(a_, 0, "from node1"));
  Status st;
  cmd(b_, [&](Replica& r, Outbox& o) { st = r.promote(false, o); });
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
  EXPECT_TRUE(a_.disk->data == b_.disk->data);
  EXPECT_EQ(b_.disk->data.substr(0, 10), "from node1");
}

TEST_F(Pair, TwoPrimariesAreRefused) {
  make_primary_synced();
  cut();
  Status st;
  cmd(b_, [&](Replica& r, Outbox& o) { st = r.promote(false, o); });
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
  EXPECT_TRUE(a_.disk->data == b_.disk->data);
}

TEST_F(Pair, InvalidateFullyResyncsFromThePeer) {
  make_primary_synced();
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'k')));
  b_.disk->data.assign(b_.disk->data.size(), 'X');
  Status st;
  cmd(b_, [&](Replica& r, Outbox& o) { st = r.invalidate(o); });
  ASSERT_TRUE(st) << st.message();
  run();
  link();
  run();
  EXPECT_TRUE(a_.disk->data == b_.disk->data);
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
