#include <gtest/gtest.h>

#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/encode.h"
#include "test_packets.h"

namespace hamail::mailsvc::dns {
namespace {

using namespace test;

Message with_txt_answers(int count, std::size_t length) {
  Message m = query("big.example.org", rrtype::TXT, true);
  m.header.qr = true;
  for (int i = 0; i < count; ++i) {
    std::string s(length, static_cast<char>('a' + i % 26));
    m.answer.push_back(rr("big.example.org", rrtype::TXT, 60, rd_txt({s})));
  }
  return m;
}

TEST(WireTruncation, AnswerThatDoesNotFitIsDroppedWholeWithTc) {
  Message m = with_txt_answers(4, 200);  // ~850 octets
  auto bytes = encode_message(m, 512);
  EXPECT_LE(bytes.size(), 512u);
  auto back = decode_message(bytes);
  ASSERT_TRUE(back) << back.error();
  EXPECT_TRUE(back->header.tc);
  EXPECT_TRUE(back->answer.empty());
  EXPECT_EQ(back->questions.size(), 1u);
  EXPECT_TRUE(back->edns) << "OPT is kept on truncation";
}

TEST(WireTruncation, FitsInLargerLimit) {
  Message m = with_txt_answers(4, 200);
  auto back = decode_message(encode_message(m, 1232));
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->header.tc);
  EXPECT_EQ(back->answer.size(), 4u);
}

TEST(WireTruncation, AuthorityOverflowSetsTcAndDropsAdditional) {
  Message m = with_txt_answers(1, 200);
  for (int i = 0; i < 3; ++i) m.authority.push_back(rr("x" + std::to_string(i) + ".example.org", rrtype::TXT, 60,
                                                        rd_txt({std::string(150, 'z')})));
  m.additional.push_back(rr("mx.example.org", rrtype::A, 60, rd_a("192.0.2.1")));
  auto back = decode_message(encode_message(m, 512));
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->header.tc);
  EXPECT_EQ(back->answer.size(), 1u);
  EXPECT_EQ(back->authority.size(), 1u);  // the first authority RRset fit, the second did not
  EXPECT_TRUE(back->additional.empty());
}

TEST(WireTruncation, AdditionalOverflowIsDroppedWithoutTc) {
  Message m = with_txt_answers(1, 300);
  m.additional.push_back(rr("a.example.org", rrtype::A, 60, rd_a("192.0.2.1")));
  m.additional.push_back(rr("b.example.org", rrtype::TXT, 60, rd_txt({std::string(200, 'q')})));
  auto back = decode_message(encode_message(m, 512));
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->header.tc);
  ASSERT_EQ(back->additional.size(), 1u);
  EXPECT_EQ(back->additional[0].type, rrtype::A);
}

TEST(WireTruncation, EarlierAnswerRrsetsStayWhenALaterOneDoesNotFit) {
  // As NSD: the CNAME-like first RRset stays, the big one goes, TC is set. The names the
  // dropped RRset introduced are not left in the compression table either.
  Message m = with_txt_answers(3, 250);
  m.answer.insert(m.answer.begin(), rr("new.name.example.org", rrtype::A, 60, rd_a("192.0.2.1")));
  m.authority.push_back(rr("example.org", rrtype::NS, 60, rd_name("ns.example.org")));
  auto bytes = encode_message(m, 512);
  auto back = decode_message(bytes);
  ASSERT_TRUE(back) << back.error();
  EXPECT_TRUE(back->header.tc);
  ASSERT_EQ(back->answer.size(), 1u);
  EXPECT_EQ(back->answer[0].type, rrtype::A);
  EXPECT_TRUE(back->authority.empty());
}

TEST(WireTruncation, OptionalAuthorityAndAdditionalKeepWhatFitsWithoutTc) {
  Message m = with_txt_answers(1, 300);
  m.authority_is_optional = true;
  m.authority.push_back(rr("example.org", rrtype::NS, 60, rd_name("ns1.example.org")));
  m.authority.push_back(rr("example.org", rrtype::NS, 60, rd_name(std::string(60, 'n') + ".example.org")));
  m.authority.push_back(rr("example.org", rrtype::NS, 60, rd_name(std::string(60, 'o') + ".example.org")));
  m.additional.push_back(rr("z.example.org", rrtype::TXT, 60, rd_txt({std::string(100, 'z')})));
  m.additional.push_back(rr("ns1.example.org", rrtype::A, 60, rd_a("192.0.2.53")));
  auto back = decode_message(encode_message(m, 512));
  ASSERT_TRUE(back) << back.error();
  EXPECT_FALSE(back->header.tc);
  EXPECT_EQ(back->answer.size(), 1u);
  EXPECT_EQ(back->authority.size(), 2u) << "the third NS does not fit: the rest of its RRset is skipped";
  ASSERT_EQ(back->additional.size(), 1u) << "the big TXT is skipped, the A after it still goes in";
  EXPECT_EQ(back->additional[0].type, rrtype::A);
}

}  // namespace
}  // namespace hamail::mailsvc::dns
