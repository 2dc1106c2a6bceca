#include "hamail/mailsvc/dnsd/tcp_framer.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::dnsd {
namespace {

TEST(TcpFramer, SplitsPipelinedMessagesAndWaitsForPartialOnes) {
  std::vector<std::uint8_t> a{1, 2, 3}, b(300, 7);
  std::string wire = frame(a) + frame(b);
  TcpFramer f;
  f.feed(wire.substr(0, 1));
  EXPECT_FALSE(f.next());
  f.feed(wire.substr(1, 10));  // all of a, the length and 4 bytes of b
  auto m1 = f.next();
  ASSERT_TRUE(m1);
  EXPECT_EQ(*m1, a);
  EXPECT_FALSE(f.next());
  EXPECT_EQ(f.buffered(), 6u);
  f.feed(wire.substr(11));
  auto m2 = f.next();
  ASSERT_TRUE(m2);
  EXPECT_EQ(*m2, b);
  EXPECT_FALSE(f.next());
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(TcpFramer, ZeroLengthMessageAndBufferDoesNotGrow) {
  TcpFramer f;
  std::string wire = frame({}) + frame(std::vector<std::uint8_t>(100, 1));
  for (int i = 0; i < 1000; ++i) {
    f.feed(wire);
    auto empty = f.next();
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
    ASSERT_TRUE(f.next());
    EXPECT_EQ(f.buffered(), 0u);
  }
}

TEST(TcpFramer, FrameWritesTheLengthBigEndian) {
  std::string w = frame(std::vector<std::uint8_t>(0x1234, 0));
  ASSERT_EQ(w.size(), 0x1236u);
  EXPECT_EQ(static_cast<unsigned char>(w[0]), 0x12);
  EXPECT_EQ(static_cast<unsigned char>(w[1]), 0x34);
}

}  // namespace
}  // namespace hamail::mailsvc::dnsd
