#include <gtest/gtest.h>

#include <cstring>

#include "hamail/drbdlite/core/wire.h"

namespace hamail::drbdlite::wire {
namespace {

Message round_trip(const Message& m) {
  FrameReader r;
  r.feed(encode(m));
  auto got = r.next();
  EXPECT_TRUE(got) << got.error();
  EXPECT_TRUE(got->has_value());
  EXPECT_EQ(r.buffered(), 0u);
  return **got;
}

TEST(Wire, HelloRoundTrip) {
  Hello h;
  h.volume = "r0";
  h.node = "node1";
  h.size_bytes = 1 << 30;
  h.role = 1;
  h.disk = 6;
  h.flags = kHelloPrimaryCrashed;
  h.gen = GenIds{1, 2, 3, 4};
  h.flags |= kHelloDivergedAsPrimary;
  h.changed_blocks = 77;
  h.split_brain_policy = "0pri=discard-node-node2 1pri=disconnect 2pri=disconnect";
  auto m = std::get<Hello>(round_trip(h));
  EXPECT_EQ(m.changed_blocks, 77u);
  EXPECT_EQ(m.split_brain_policy, h.split_brain_policy);
  EXPECT_EQ(m.volume, "r0");
  EXPECT_EQ(m.node, "node1");
  EXPECT_EQ(m.size_bytes, 1u << 30);
  EXPECT_EQ(m.gen, (GenIds{1, 2, 3, 4}));
  EXPECT_EQ(m.flags, kHelloPrimaryCrashed | kHelloDivergedAsPrimary);
}

TEST(Wire, WriteAndBitmapRoundTrip) {
  auto w = std::get<Write>(round_trip(Write{7, 8192, true, std::string(4096, 'x')}));
  EXPECT_EQ(w.seq, 7u);
  EXPECT_EQ(w.offset, 8192u);
  EXPECT_TRUE(w.fua);
  EXPECT_EQ(w.data, std::string(4096, 'x'));
  auto b = std::get<BitmapChunk>(round_trip(BitmapChunk{512, {1, 2, 0xffffffffffffffffull}}));
  EXPECT_EQ(b.first_word, 512u);
  EXPECT_EQ(b.words, (std::vector<std::uint64_t>{1, 2, 0xffffffffffffffffull}));
  VerifyReq v{4096, 8192, {}};
  v.digest[0] = 0xab;
  v.digest[31] = 0xcd;
  auto v2 = std::get<VerifyReq>(round_trip(v));
  EXPECT_EQ(v2.digest, v.digest);
  EXPECT_EQ(std::get<RsDone>(round_trip(RsDone{GenIds{5, 0, 6, 7}})).gen, (GenIds{5, 0, 6, 7}));
}

TEST(Wire, FramesSplitAtEveryByteBoundary) {
  std::string stream = encode(Ping{1}) + encode(Write{2, 0, false, "abc"}) + encode(Refuse{"no"});
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    FrameReader r;
    std::vector<Message> got;
    for (std::string_view part : {std::string_view(stream).substr(0, cut), std::string_view(stream).substr(cut)}) {
      r.feed(part);
      for (;;) {
        auto m = r.next();
        ASSERT_TRUE(m) << m.error();
        if (!m->has_value()) break;
        got.push_back(**m);
      }
    }
    ASSERT_EQ(got.size(), 3u) << "cut at " << cut;
    EXPECT_EQ(std::get<Write>(got[1]).data, "abc");
    EXPECT_EQ(std::get<Refuse>(got[2]).reason, "no");
  }
}

TEST(Wire, BadMagicIsAnError) {
  FrameReader r;
  r.feed("GET / HTTP/1.1\r\n\r\n");
  auto m = r.next();
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().find("does not speak the drbd-lite replication protocol"), std::string::npos);
}

TEST(Wire, OversizedFrameIsRefusedBeforeBuffering) {
  std::string f = encode(Ping{1});
  std::uint32_t huge = 0x7fffffff;
  std::memcpy(f.data() + 8, &huge, 4);
  FrameReader r;
  r.feed(f.substr(0, kHeaderBytes));
  auto m = r.next();
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().find("exceeds the limit"), std::string::npos);
}

TEST(Wire, OtherProtocolVersionIsNamed) {
  Hello h;
  h.version = 9;
  FrameReader r;
  r.feed(encode(h));
  auto m = r.next();
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error(), "peer speaks replication protocol version 9, this node speaks 4");
}

TEST(Wire, TruncatedPayloadIsMalformed) {
  std::string f = encode(WriteAck{1, 0});
  std::uint32_t len = 4;  // claims a shorter payload than write_ack needs
  std::memcpy(f.data() + 8, &len, 4);
  FrameReader r;
  r.feed(f.substr(0, kHeaderBytes + 4));
  auto m = r.next();
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().find("malformed write_ack"), std::string::npos);
}

TEST(Wire, AStateOutsideTheKnownRolesAndDiskStatesIsMalformed) {
  auto m = decode(Type::state, std::string("\x07\x01", 2));
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error(), "malformed state message: role 7 is neither Secondary (0) nor Primary (1)");
  m = decode(Type::state, std::string("\x01\x09", 2));
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error(), "malformed state message: unknown disk state 9");
  Hello h;
  h.volume = "r0";
  h.node = "n";
  h.role = 2;
  std::string f = encode(h);
  m = decode(Type::hello, std::string_view(f).substr(kHeaderBytes));
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error(), "malformed hello message: role 2 is neither Secondary (0) nor Primary (1)");
}

TEST(Wire, UnknownTypeIsAnError) {
  auto m = decode(static_cast<Type>(99), "");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error(), "unknown message type 99");
}

}  // namespace
}  // namespace hamail::drbdlite::wire
