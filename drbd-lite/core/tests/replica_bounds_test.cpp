// Bounds on what a peer or the application can make a Replica do or hold: a peer-chosen
// length never drives a read or write past its limit (a protocol error instead), and writes
// waiting for the activity log or the peer stay within their count and bytes.
#include <gtest/gtest.h>

#include "pair_harness.h"

namespace hamail::drbdlite {
namespace {

// The frame arrives from the peer as if it had sent it.
void inject(Node& n, const wire::Message& m) { n.reader.feed(wire::encode(m)); }

TEST_F(Pair, AVerifyRequestLongerThanTheLimitIsAProtocolErrorAndReadsNothing) {
  make_primary_synced();
  const std::uint64_t reads = b_.disk->counters().reads;
  inject(b_, wire::VerifyReq{0, wire::kMaxVerifyBytes + 4096, {}});  // inside the 16 MiB device
  run();
  EXPECT_EQ(b_.disk->counters().reads, reads);
  EXPECT_EQ(b_.r->conn(), ConnState::standalone);
  EXPECT_EQ(b_.r->status().last_error, "protocol error: verify request of 1052672 bytes (at most 1048576)");
  EXPECT_NE(a_.r->status().last_error.find("peer refused the connection: protocol error"), std::string::npos);
}

TEST_F(Pair, AVerifyRequestOfFourGibibytesIsRefusedWhateverTheDeviceSize) {
  make_primary_synced();
  inject(b_, wire::VerifyReq{0, 0xFFFFFFFFu, {}});
  run();
  EXPECT_EQ(b_.r->status().last_error, "protocol error: verify request of 4294967295 bytes (at most 1048576)");
}

TEST_F(Pair, AVerifyReplyThisNodeDidNotAskForIsAProtocolError) {
  make_primary_synced();
  Status st = command(a_, &Replica::start_verify);
  ASSERT_TRUE(st) << st.message();
  // Before the peer answers: a reply for a range node1 never asked about (past the device).
  a_.reader = wire::FrameReader();
  inject(a_, wire::VerifyReply{1ull << 40, 4096, false});
  run();
  EXPECT_EQ(a_.r->conn(), ConnState::standalone);
  EXPECT_NE(a_.r->status().last_error.find("verify reply for 4096 bytes at 1099511627776"), std::string::npos)
      << a_.r->status().last_error;
  EXPECT_EQ(a_.r->status().out_of_sync_bytes, 0u);
}

TEST_F(Pair, APeerDiscardOverTheLimitIsAProtocolError) {
  make_primary_synced();
  inject(b_, wire::Discard{999, 0, wire::kMaxDiscardBytes + 4096, true, false});
  run();
  EXPECT_EQ(b_.r->conn(), ConnState::standalone);
  EXPECT_NE(b_.r->status().last_error.find("protocol error: the peer sent a discard of 67112960 bytes"),
            std::string::npos)
      << b_.r->status().last_error;
}

TEST_F(Pair, AnApplicationDiscardOverTheLimitIsRefused) {
  make_primary_synced();
  cmd(a_, [](Replica& r, Outbox& o) { r.app_discard(7, 0, wire::kMaxDiscardBytes + 1, true, false, o); });
  ASSERT_EQ(a_.done.count(7), 1u);
  EXPECT_EQ(a_.done[7].message(), "discard of 67108865 bytes: at most 67108864 at once");
}

TEST_F(Pair, WritesWaitingForThePeerStayWithinTheirCountAndBytes) {
  ReplicaConfig cfg;
  cfg.max_pending_writes = 1;
  cfg.max_deferred_writes = 3;
  cfg.max_deferred_bytes = 3 * 4096;
  boot(a_, cfg);
  make_primary_synced();
  for (std::uint64_t i = 0; i < 5; ++i)
    cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(100 + i, i * 4096, pattern(4096, 'a' + i), false, o); });
  // One in flight, three waiting; the fifth would be a fourth waiting.
  ASSERT_EQ(a_.done.count(104), 1u);
  EXPECT_EQ(a_.done[104].message(),
            "volume r0: 3 writes (12 KiB) already wait for the activity log or the peer: request 104 refused");
  run();
  for (std::uint64_t i = 0; i < 4; ++i) EXPECT_TRUE(a_.done[100 + i]) << i;
  // The bytes bound: one in flight, then a 12 KiB write fits, a 4 KiB one no longer does.
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(200, 0, pattern(4096, 'x'), false, o); });
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(201, 0, pattern(3 * 4096, 'y'), false, o); });
  cmd(a_, [&](Replica& r, Outbox& o) { r.app_write(202, 0, pattern(4096, 'z'), false, o); });
  ASSERT_EQ(a_.done.count(202), 1u);
  EXPECT_FALSE(a_.done[202]);
  run();
  EXPECT_TRUE(a_.done[200]);
  EXPECT_TRUE(a_.done[201]);
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

}  // namespace
}  // namespace hamail::drbdlite
