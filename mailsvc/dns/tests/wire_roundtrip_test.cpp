#include <gtest/gtest.h>

#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/encode.h"
#include "test_packets.h"

namespace hamail::mailsvc::dns {
namespace {

using namespace test;

Message sample_response() {
  Message m = query("Mail.Example.ORG", rrtype::MX, true);
  m.header.qr = true;
  m.header.aa = true;
  m.answer.push_back(rr("Mail.Example.ORG", rrtype::MX, 300, rd_mx(10, "mx1.example.org")));
  m.answer.push_back(rr("Mail.Example.ORG", rrtype::MX, 300, rd_mx(20, "mx2.example.org")));
  m.authority.push_back(rr("example.org", rrtype::NS, 3600, rd_name("ns1.example.org")));
  m.authority.push_back(rr("example.org", rrtype::SOA, 3600, rd_soa("ns1.example.org", "host.example.org", 7, 60)));
  m.additional.push_back(rr("mx1.example.org", rrtype::A, 300, rd_a("192.0.2.1")));
  m.additional.push_back(rr("mx1.example.org", rrtype::AAAA, 300, rd_aaaa_last(1)));
  m.additional.push_back(rr("_imap._tcp.example.org", rrtype::SRV, 300, rd_srv(0, 1, 143, "mx1.example.org")));
  m.additional.push_back(rr("example.org", rrtype::TXT, 300, rd_txt({"v=spf1 mx -all", "second"})));
  m.additional.push_back(rr("old.example.org", rrtype::DNAME, 300, rd_name("new.example.org")));
  m.additional.push_back(rr("example.org", rrtype::CAA, 300, {0, 5, 'i', 's', 's', 'u', 'e', 'c', 'a'}));
  m.additional.push_back(rr("example.org", 65280, 300, {1, 2, 3}));  // RFC 3597 unknown
  return m;
}

Bytes lower(Bytes b) {
  for (auto& c : b) c = (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + 32) : c;
  return b;
}

// Compression is case-insensitive (as NSD's and BIND's): a later name that shares a
// suffix with the question takes the question's case, so names compare without case here.
void expect_same(const std::vector<Record>& a, const std::vector<Record>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].owner, b[i].owner) << i;
    EXPECT_EQ(a[i].type, b[i].type);
    EXPECT_EQ(a[i].ttl, b[i].ttl);
    EXPECT_EQ(lower(a[i].rdata), lower(b[i].rdata)) << "record " << i << " type " << a[i].type;
  }
}

TEST(WireRoundTrip, EveryTypeSurvivesEncodeDecode) {
  Message m = sample_response();
  auto bytes = encode_message(m);
  auto back = decode_message(bytes);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->header.id, 0x1234);
  EXPECT_TRUE(back->header.qr && back->header.aa && back->header.rd && !back->header.tc);
  ASSERT_EQ(back->questions.size(), 1u);
  EXPECT_EQ(back->questions[0].name.to_text(), "Mail.Example.ORG.");
  expect_same(back->answer, m.answer);
  EXPECT_EQ(back->answer[0].owner.to_text(), "Mail.Example.ORG.");
  EXPECT_EQ(back->authority[0].owner.to_text(), "Example.ORG.") << "compressed against the question";
  expect_same(back->authority, m.authority);
  expect_same(back->additional, m.additional);
  ASSERT_TRUE(back->edns);
  EXPECT_EQ(back->edns->udp_size, 1232);
  EXPECT_EQ(back->edns->version, 0);
}

TEST(WireRoundTrip, CompressionShrinksAndSkipsSrvAndDname) {
  Message m = sample_response();
  auto bytes = encode_message(m);
  std::size_t plain = 12;
  for (const auto* sec : {&m.answer, &m.authority, &m.additional}) {
    for (const auto& r : *sec) plain += r.owner.wire_length() + 10 + r.rdata.size();
  }
  EXPECT_LT(bytes.size(), plain / 2 + 120);
  // SRV's target must be written in full: find "\x03mx1\x07example\x03org\x00" after the SRV port.
  const std::uint8_t srv_tail[] = {0, 143, 3, 'm', 'x', '1', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0};
  EXPECT_NE(std::search(bytes.begin(), bytes.end(), std::begin(srv_tail), std::end(srv_tail)), bytes.end());
  const std::uint8_t dname_rdata[] = {3, 'n', 'e', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0};
  EXPECT_NE(std::search(bytes.begin(), bytes.end(), std::begin(dname_rdata), std::end(dname_rdata)), bytes.end());
}

TEST(WireRoundTrip, QuestionNameCompressesAgainstItselfCaseInsensitively) {
  Message m = query("www.Example.org", rrtype::A);
  m.answer.push_back(rr("WWW.example.ORG", rrtype::A, 60, rd_a("192.0.2.9")));
  auto bytes = encode_message(m);
  // header 12 + question 17+4 + answer: pointer 2 + 10 + 4
  EXPECT_EQ(bytes.size(), 12u + 21u + 16u);
  EXPECT_EQ(bytes[33], 0xC0);
  EXPECT_EQ(bytes[34], 12);
}

// The compression table keeps a few offsets inline and the rest in a spill list: names
// written after many others still point at their earlier copies, and decode back.
TEST(WireRoundTrip, ManyNamesStillCompressToEarlierCopies) {
  Message m = query("example.org", rrtype::A);
  m.header.qr = true;
  constexpr int kHosts = 300;
  for (int i = 0; i < kHosts; ++i) m.answer.push_back(rr("h" + std::to_string(i) + ".example.org", rrtype::A, 60, rd_a("192.0.2.1")));
  auto only_answer = encode_message(m);
  for (int i = 0; i < kHosts; ++i) m.additional.push_back(rr("H" + std::to_string(i) + ".Example.org", rrtype::A, 60, rd_a("192.0.2.2")));
  auto bytes = encode_message(m);
  // Each additional owner is one pointer: 2 + type/class/ttl/len 10 + 4.
  EXPECT_EQ(bytes.size(), only_answer.size() + kHosts * 16u);
  auto back = decode_message(bytes);
  ASSERT_TRUE(back) << back.error();
  ASSERT_EQ(back->additional.size(), static_cast<std::size_t>(kHosts));
  EXPECT_EQ(back->additional[kHosts - 1].owner.to_text(), "h299.example.org.");
  EXPECT_EQ(back->additional[0].owner.to_text(), "h0.example.org.");
}

TEST(WireRoundTrip, EdnsFlagsAndExtendedRcode) {
  Message m = query("example.org", rrtype::A, true);
  m.header.qr = true;
  m.header.rcode = rcode::BadVers;
  m.edns->dnssec_ok = true;
  auto back = decode_message(encode_message(m));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->header.rcode, rcode::BadVers);
  EXPECT_TRUE(back->edns->dnssec_ok);
  auto raw = encode_message(m);
  EXPECT_EQ(raw[3] & 0x0F, 0);  // BADVERS is 16: low bits 0 in the header
}

TEST(WireRoundTrip, DecodeQueryWantsOneQuestionAndQrClear) {
  Message m = query("example.org", rrtype::A);
  EXPECT_TRUE(decode_query(encode_message(m)));
  Message two = m;
  two.questions.push_back(two.questions[0]);
  auto r = decode_query(encode_message(two));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("QDCOUNT 2"), std::string::npos);
  Message none = m;
  none.questions.clear();
  EXPECT_FALSE(decode_query(encode_message(none)));
  Message response = m;
  response.header.qr = true;
  EXPECT_FALSE(decode_query(encode_message(response)));
}

}  // namespace
}  // namespace hamail::mailsvc::dns
