#include <gtest/gtest.h>
#include <zlib.h>

#include <random>

#include "hamail/mailsvc/imapd/deflate_stream.h"

namespace hamail::mailsvc::imapd {
namespace {

// Inflates everything `d` holds, piece by piece; checks every piece is bounded.
std::string inflate_all(DeflateStream& d) {
  std::string out;
  for (;;) {
    auto piece = d.inflate_piece();
    EXPECT_TRUE(piece) << (piece ? "" : piece.error());
    if (!piece || piece->empty()) break;
    EXPECT_LE(piece->size(), DeflateStream::kPiece);
    out += *piece;
  }
  return out;
}

TEST(DeflateStream, RoundTripsAcrossWritesAndAnySplit) {
  auto a = DeflateStream::create();
  auto b = DeflateStream::create();
  ASSERT_TRUE(a && b);
  std::string sent, wire;
  for (int i = 0; i < 50; ++i) {
    std::string line = "* " + std::to_string(i) + " FETCH (FLAGS (\\Seen))\r\n";
    sent += line;
    auto packed = (*a)->compress(line);
    ASSERT_TRUE(packed);
    wire += *packed;
  }
  std::string got;
  for (std::size_t i = 0; i < wire.size(); i += 7) {
    ASSERT_TRUE((*b)->add_input(wire.substr(i, 7), 1024));
    got += inflate_all(**b);
  }
  EXPECT_EQ(got, sent);
}

TEST(DeflateStream, EachWriteIsFlushedSoThePeerReadsItAtOnce) {
  auto a = DeflateStream::create();
  auto b = DeflateStream::create();
  ASSERT_TRUE(a && b);
  auto packed = (*a)->compress("A1 OK done\r\n");
  ASSERT_TRUE(packed);
  ASSERT_TRUE((*b)->add_input(*packed, 1024));
  EXPECT_EQ(inflate_all(**b), "A1 OK done\r\n");
}

TEST(DeflateStream, ABombIsInflatedInBoundedPieces) {
  // 8 MiB of zeros compress to a few KiB; the reader gets them 16 KiB at a time.
  z_stream z{};
  ASSERT_EQ(deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string zeros(8u << 20, '\0'), packed(deflateBound(&z, zeros.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(zeros.data());
  z.avail_in = static_cast<uInt>(zeros.size());
  z.next_out = reinterpret_cast<Bytef*>(packed.data());
  z.avail_out = static_cast<uInt>(packed.size());
  ASSERT_EQ(deflate(&z, Z_SYNC_FLUSH), Z_OK);
  packed.resize(packed.size() - z.avail_out);
  deflateEnd(&z);
  ASSERT_LT(packed.size(), 64u << 10);

  auto b = DeflateStream::create();
  ASSERT_TRUE(b);
  ASSERT_TRUE((*b)->add_input(packed, 64u << 10));
  auto first = (*b)->inflate_piece();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->size(), DeflateStream::kPiece);
  EXPECT_TRUE((*b)->input_pending());
  EXPECT_EQ(first->size() + inflate_all(**b).size(), zeros.size());
  EXPECT_FALSE((*b)->input_pending());
}

TEST(DeflateStream, GarbageAndTooMuchPendingInputAreErrors) {
  auto b = DeflateStream::create();
  ASSERT_TRUE(b);
  EXPECT_FALSE((*b)->add_input(std::string(2000, 'x'), 1000));
  std::string junk(64, '\xff');
  ASSERT_TRUE((*b)->add_input(junk, 1000));
  EXPECT_FALSE((*b)->inflate_piece());
}

}  // namespace
}  // namespace hamail::mailsvc::imapd
