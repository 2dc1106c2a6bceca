#include <gtest/gtest.h>

#include "answer_helpers.h"
#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/encode.h"

namespace hamail::mailsvc::dns {
namespace {

using namespace test;

class AnswerErrorsTest : public ::testing::Test {
 protected:
  Authority auth = test_authority();
  TransportLimits udp;
};

TEST_F(AnswerErrorsTest, OpcodeOtherThanQueryIsNotimp) {
  for (std::uint8_t op : {1, 2, 4, 5, 15}) {
    Message q = query("example.org", rrtype::SOA);
    q.header.opcode = op;
    Answer a = auth.answer(q, udp);
    EXPECT_EQ(a.response.header.rcode, rcode::NotImp) << int(op);
    EXPECT_EQ(a.response.header.opcode, op);
    EXPECT_EQ(a.response.questions.size(), 1u);
    EXPECT_TRUE(a.response.answer.empty());
  }
}

TEST_F(AnswerErrorsTest, QuestionCountOtherThanOneIsFormerr) {
  Message none = query("example.org", rrtype::A);
  none.questions.clear();
  EXPECT_EQ(auth.answer(none, udp).response.header.rcode, rcode::FormErr);
  Message two = query("example.org", rrtype::A);
  two.questions.push_back(two.questions[0]);
  Answer a = auth.answer(two, udp);
  EXPECT_EQ(a.response.header.rcode, rcode::FormErr);
  EXPECT_TRUE(a.response.questions.empty());
}

TEST_F(AnswerErrorsTest, RecordsInAQueryOrTcAreFormerr) {
  Message with_answer = query("example.org", rrtype::A);
  with_answer.answer.push_back(rr("example.org", rrtype::A, 1, rd_a("192.0.2.1")));
  EXPECT_EQ(auth.answer(with_answer, udp).response.header.rcode, rcode::FormErr);
  Message tc = query("example.org", rrtype::A);
  tc.header.tc = true;
  EXPECT_EQ(auth.answer(tc, udp).response.header.rcode, rcode::FormErr);
}

TEST_F(AnswerErrorsTest, MalformedPacketWithAHeaderIsFormerrElseDropped) {
  Bytes b = encode_message(query("example.org", rrtype::A));
  b.resize(b.size() - 2);  // cut the question
  Answer a = auth.answer_packet(b, udp);
  ASSERT_EQ(a.kind, AnswerKind::Reply);
  EXPECT_EQ(a.response.header.rcode, rcode::FormErr);
  EXPECT_EQ(a.response.header.id, 0x1234);
  EXPECT_TRUE(a.response.header.qr);
  auto wire = a.encode();
  EXPECT_EQ(wire.size(), 12u);
  EXPECT_EQ(auth.answer_packet(Bytes{0x12, 0x34, 0}, udp).kind, AnswerKind::Drop);
  Bytes response = encode_message(query("example.org", rrtype::A));
  response[2] |= 0x80;  // QR
  EXPECT_EQ(auth.answer_packet(response, udp).kind, AnswerKind::Drop);
}

TEST_F(AnswerErrorsTest, PacketPathAnswersNormally) {
  Answer a = auth.answer_packet(encode_message(query("Mail.example.org", rrtype::A)), udp);
  ASSERT_EQ(a.kind, AnswerKind::Reply);
  auto back = decode_message(a.encode());
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->answer.size(), 1u);
  EXPECT_EQ(back->answer[0].owner.to_text(), "Mail.example.org.");
}

TEST_F(AnswerErrorsTest, EdnsVersionOtherThanZeroIsBadvers) {
  Message q = query("example.org", rrtype::A, true);
  q.edns->version = 1;
  Answer a = auth.answer(q, udp);
  EXPECT_EQ(a.response.header.rcode, rcode::BadVers);
  ASSERT_TRUE(a.response.edns);
  EXPECT_EQ(a.response.edns->version, 0);
  EXPECT_TRUE(a.response.answer.empty());
  auto wire = a.encode();
  EXPECT_EQ(wire[3] & 0x0F, 0);
  auto back = decode_message(wire);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->header.rcode, rcode::BadVers);
}

TEST_F(AnswerErrorsTest, EdnsIsAnsweredWithOurSizeAndDo) {
  Message q = query("example.org", rrtype::A, true);
  q.edns->dnssec_ok = true;
  q.edns->udp_size = 4096;
  Answer a = auth.answer(q, udp);
  ASSERT_TRUE(a.response.edns);
  EXPECT_EQ(a.response.edns->udp_size, 1232);
  EXPECT_TRUE(a.response.edns->dnssec_ok);
  EXPECT_EQ(a.max_size, 1232u);
  q.edns->udp_size = 100;
  EXPECT_EQ(auth.answer(q, udp).max_size, 512u);
  EXPECT_EQ(auth.answer(query("example.org", rrtype::A), udp).max_size, 512u);
  EXPECT_EQ(auth.answer(q, TransportLimits{true, 1232}).max_size, 65535u);
  EXPECT_FALSE(auth.answer(query("example.org", rrtype::A), udp).response.edns);
}

TEST_F(AnswerErrorsTest, LargeAnswerIsTruncatedOnUdpOnly) {
  Answer plain = ask(auth, "big.example.org", rrtype::TXT);
  auto udp_wire = decode_message(plain.encode());
  ASSERT_TRUE(udp_wire);
  EXPECT_TRUE(udp_wire->header.tc);
  EXPECT_TRUE(udp_wire->answer.empty());
  Answer tcp = ask(auth, "big.example.org", rrtype::TXT, TransportLimits{true, 1232});
  auto tcp_wire = decode_message(tcp.encode());
  ASSERT_TRUE(tcp_wire);
  EXPECT_FALSE(tcp_wire->header.tc);
  EXPECT_EQ(tcp_wire->answer.size(), 6u);
  Message edns = query("big.example.org", rrtype::TXT, true);
  auto edns_wire = decode_message(auth.answer(edns, udp).encode());
  ASSERT_TRUE(edns_wire);
  EXPECT_FALSE(edns_wire->header.tc);
}

TEST_F(AnswerErrorsTest, RdCopiedCdClearedRaNeverSet) {
  Message q = query("mail.example.org", rrtype::A);
  q.header.rd = false;
  q.header.cd = true;
  Answer a = auth.answer(q, udp);
  EXPECT_FALSE(a.response.header.rd || a.response.header.cd || a.response.header.ra);
}

TEST_F(AnswerErrorsTest, Classes) {
  Message ch = query("example.org", rrtype::TXT);
  ch.questions[0].klass = 3;
  EXPECT_EQ(auth.answer(ch, udp).response.header.rcode, rcode::Refused);
  Message any = query("mail.example.org", rrtype::A);
  any.questions[0].klass = kClassANY;
  Answer a = auth.answer(any, udp);
  EXPECT_FALSE(a.response.header.aa);
  EXPECT_EQ(a.response.answer.size(), 1u);
  EXPECT_TRUE(a.response.authority.empty());
}

TEST_F(AnswerErrorsTest, TransfersAreHandedToTheDaemon) {
  for (std::uint16_t type : {rrtype::AXFR, rrtype::IXFR}) {
    Answer a = ask(auth, "Example.org", type);
    ASSERT_EQ(a.kind, AnswerKind::Transfer);
    ASSERT_TRUE(a.transfer_zone);
    EXPECT_EQ(a.transfer_zone->apex(), N("example.org"));
  }
  Answer below = ask(auth, "www.example.org", rrtype::AXFR);
  EXPECT_EQ(below.kind, AnswerKind::Reply);
  EXPECT_EQ(below.response.header.rcode, rcode::Refused);
  auto records = auth.find_zone(N("other.test"))->axfr_records();
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records.front().type, rrtype::SOA);
  EXPECT_EQ(records[1].type, rrtype::NS);
  EXPECT_EQ(records.back().type, rrtype::SOA);
}

TEST_F(AnswerErrorsTest, ZonesReplacedAndRemoved) {
  EXPECT_EQ(auth.zone_count(), 2u);
  EXPECT_EQ(auth.find_zone(N("a.b.other.test"))->apex(), N("other.test"));
  EXPECT_TRUE(auth.remove_zone(N("other.test")));
  EXPECT_FALSE(auth.find_zone(N("host.other.test")));
  EXPECT_EQ(ask(auth, "tozone2.example.org", rrtype::A).response.answer.size(), 1u);
}

}  // namespace
}  // namespace hamail::mailsvc::dns
