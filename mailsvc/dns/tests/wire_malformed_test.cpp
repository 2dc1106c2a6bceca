#include <gtest/gtest.h>

#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/encode.h"
#include "test_packets.h"

namespace hamail::mailsvc::dns {
namespace {

using namespace test;

Bytes header(std::uint16_t qd, std::uint16_t an, std::uint16_t ns = 0, std::uint16_t ar = 0) {
  return {0x12, 0x34, 0x01, 0x00, 0, static_cast<std::uint8_t>(qd), 0, static_cast<std::uint8_t>(an), 0,
          static_cast<std::uint8_t>(ns), 0, static_cast<std::uint8_t>(ar)};
}

void append(Bytes& b, std::initializer_list<std::uint8_t> more) { b.insert(b.end(), more); }

std::string error_of(const Bytes& b) {
  auto r = decode_message(b);
  return r ? std::string("(decoded)") : r.error();
}

TEST(WireMalformed, ShortPacket) {
  EXPECT_NE(error_of({0x12, 0x34, 0}).find("shorter than a header"), std::string::npos);
  EXPECT_FALSE(peek_header(Bytes{1, 2, 3}));
  EXPECT_TRUE(peek_header(header(1, 0)));
}

TEST(WireMalformed, CountsLargerThanTheData) {
  Bytes b = encode_message(query("example.org", rrtype::A));
  b[7] = 1;  // ANCOUNT 1, no answer
  EXPECT_NE(error_of(b).find("fewer records"), std::string::npos);
  Bytes q = header(2, 0);
  append(q, {0, 0, 1, 0, 1});
  EXPECT_NE(error_of(q).find("question"), std::string::npos);
}

TEST(WireMalformed, TrailingGarbage) {
  Bytes b = encode_message(query("example.org", rrtype::A));
  b.push_back(0);
  EXPECT_NE(error_of(b).find("after the last record"), std::string::npos);
}

TEST(WireMalformed, CompressionPointerLoop) {
  Bytes b = header(1, 0);
  append(b, {0xC0, 12, 0, 1, 0, 1});  // points at itself
  EXPECT_NE(error_of(b).find("forward or in a loop"), std::string::npos);
  Bytes c = header(1, 0);
  append(c, {1, 'a', 0xC0, 12, 0, 1, 0, 1});  // a label then back to its own start
  EXPECT_NE(error_of(c).find("forward or in a loop"), std::string::npos);
}

TEST(WireMalformed, CompressionPointerForwardAndOutOfRange) {
  Bytes b = header(1, 0);
  append(b, {0xC0, 20, 0, 1, 0, 1, 0, 0, 0});
  EXPECT_NE(error_of(b).find("forward"), std::string::npos);
  Bytes c = header(1, 0);
  append(c, {0xFF, 0xFF, 0, 1, 0, 1});
  EXPECT_FALSE(decode_message(c));
  Bytes d = header(1, 0);
  append(d, {0xC0});
  EXPECT_NE(error_of(d).find("cut short"), std::string::npos);
}

TEST(WireMalformed, BackwardPointerIsFine) {
  Bytes b = header(2, 0);
  append(b, {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1, 3, 'w', 'w', 'w', 0xC0, 12, 0, 1, 0, 1});
  auto m = decode_message(b);
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->questions[1].name.to_text(), "www.example.");
}

TEST(WireMalformed, OversizedNameAndLabel) {
  Bytes b = header(1, 0);
  for (int i = 0; i < 5; ++i) {
    b.push_back(63);
    b.insert(b.end(), 63, 'x');
  }
  append(b, {0, 0, 1, 0, 1});
  EXPECT_NE(error_of(b).find("over 255"), std::string::npos);
  Bytes c = header(1, 0);
  append(c, {0x40, 'a', 0, 0, 1, 0, 1});  // label type 01
  EXPECT_NE(error_of(c).find("label type"), std::string::npos);
  Bytes d = header(1, 0);
  append(d, {5, 'a', 'b'});
  EXPECT_NE(error_of(d).find("past the end"), std::string::npos);
}

TEST(WireMalformed, LongNameViaPointersIsCaughtToo) {
  // 4 labels of 63 at offset 12 (257 octets with root: too long), reached by pointer chains.
  Bytes b = header(2, 0);
  for (int i = 0; i < 3; ++i) {
    b.push_back(63);
    b.insert(b.end(), 63, 'x');
  }
  append(b, {0, 0, 1, 0, 1});  // first question: 193 octets, fine
  b.push_back(63);
  b.insert(b.end(), 63, 'y');
  append(b, {0xC0, 12, 0, 1, 0, 1});  // 64 + 193 = 257
  EXPECT_NE(error_of(b).find("over 255"), std::string::npos);
}

TEST(WireMalformed, RdataNotMatchingItsType) {
  Message m = query("example.org", rrtype::A);
  m.answer.push_back(rr("example.org", rrtype::A, 60, {1, 2, 3}));
  EXPECT_NE(error_of(encode_message(m)).find("RDATA length 3"), std::string::npos);
  Message soa = query("example.org", rrtype::SOA);
  Bytes short_soa = rd_soa("a.org", "b.org", 1, 1);
  short_soa.pop_back();
  soa.answer.push_back(rr("example.org", rrtype::SOA, 60, short_soa));
  EXPECT_FALSE(decode_message(encode_message(soa)));
  Message mx = query("example.org", rrtype::MX);
  mx.answer.push_back(rr("example.org", rrtype::MX, 60, {0}));
  EXPECT_FALSE(decode_message(encode_message(mx)));
}

TEST(WireMalformed, RdlengthPastTheEnd) {
  Bytes b = encode_message(query("example.org", rrtype::A));
  b[7] = 1;
  append(b, {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2});
  EXPECT_NE(error_of(b).find("RDATA runs past"), std::string::npos);
}

TEST(WireMalformed, OptRules) {
  Message m = query("example.org", rrtype::A, true);
  Bytes b = encode_message(m);
  EXPECT_TRUE(decode_message(b));
  // a second OPT
  Bytes two = b;
  two[11] = 2;
  append(two, {0, 0, 41, 2, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_NE(error_of(two).find("more than one OPT"), std::string::npos);
  // OPT in the answer section
  Bytes in_answer = b;
  in_answer[7] = 1;
  in_answer[11] = 0;
  EXPECT_NE(error_of(in_answer).find("outside the additional"), std::string::npos);
  // OPT not at the root
  Bytes named = encode_message(query("example.org", rrtype::A));
  named[11] = 1;
  append(named, {1, 'a', 0, 0, 41, 2, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_NE(error_of(named).find("not at the root"), std::string::npos);
}

}  // namespace
}  // namespace hamail::mailsvc::dns
