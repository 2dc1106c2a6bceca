// The Replica's invariants (HAMAIL_INVARIANT: checked in every build, abort when broken):
// the contracts callers must keep die loudly, and what the peer may send cannot break them.
#include <gtest/gtest.h>

#include "pair_harness.h"

namespace hamail::drbdlite {
namespace {

TEST(ReplicaDeathTest, AnOutboxWithoutASinkForFramesIsABug) {
  EXPECT_DEATH({ Outbox out(nullptr); }, "event=invariant_broken .*what=\"an Outbox needs a transmit sink");
}

TEST(ReplicaDeathTest, ABitmapOfAnotherSizeThanTheDataAreaIsABug) {
  sim::MemDiskOptions o;
  o.lower_bytes = 16ull << 20;
  auto disk = sim::MemDisk::create(o, 1);
  ASSERT_TRUE(disk) << disk.error();
  auto md = (*disk)->attach();
  ASSERT_TRUE(md) << md.error();
  auto other = meta::Bitmap::create(8ull << 20);
  ASSERT_TRUE(other);
  EXPECT_DEATH(
      {
        Outbox out([](std::string&&) {});
        Replica r(ReplicaConfig{}, **disk, md->sb, std::move(*other), std::move(md->al), [] { return 7; }, out);
      },
      "what=\"the bitmap covers exactly the data area");
}

TEST_F(Pair, PromotionsOnBothSidesAtOnceDropTheLinkBeforeAnyWriteIsReplicated) {
  make_primary_synced();
  ASSERT_TRUE(command(a_, &Replica::demote));
  run();
  // Each promotes before the other's State arrives: both succeed locally.
  ASSERT_TRUE(promote(a_));
  ASSERT_TRUE(promote(b_));
  run();
  for (Node* n : {&a_, &b_}) {
    EXPECT_EQ(n->r->conn(), ConnState::standalone) << n->name;
    EXPECT_NE(n->r->status().last_error.find("Primar"), std::string::npos) << n->r->status().last_error;
  }
  // Neither replicates to the other: a write stays local and is marked.
  std::uint64_t frames = frames_sent_;
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'x')));
  EXPECT_EQ(frames_sent_, frames);
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 4096u);
}

TEST_F(Pair, PendingWritesStayWithinTheirBoundAndCompleteInOrder) {
  ReplicaConfig cfg;
  cfg.max_pending_writes = 2;
  boot(a_, cfg);
  make_primary_synced();
  std::uint64_t frames = frames_sent_;
  for (std::uint64_t i = 0; i < 5; ++i) {
    cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(100 + i, i * 4096, pattern(4096, 'p' + i), false, o); });
  }
  EXPECT_EQ(frames_sent_ - frames, 2u) << "two writes in flight, three wait for acks";
  EXPECT_TRUE(a_.done.empty());
  run();
  for (std::uint64_t i = 0; i < 5; ++i) {
    ASSERT_EQ(a_.done.count(100 + i), 1u);
    EXPECT_TRUE(a_.done[100 + i]);
  }
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 0u);
}

}  // namespace
}  // namespace hamail::drbdlite
