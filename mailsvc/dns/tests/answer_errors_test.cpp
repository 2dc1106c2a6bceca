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

TEST_F(AnswerErrorsTest, OpcodeOtherThanQueryIsNotimpWithoutQuestion) {
  for (std::uint8_t op : {1, 2, 5, 15}) {
    Message q = query("example.org", rrtype::SOA);
    q.header.opcode = op;
    q.header.cd = true;
    Answer a = auth.answer(q, udp);
    EXPECT_EQ(a.response.header.rcode, rcode::NotImp) << int(op);
    EXPECT_EQ(a.response.header.opcode, op);
    EXPECT_TRUE(a.response.header.qr && a.response.header.rd && a.response.header.cd);  // flags kept
    EXPECT_TRUE(a.response.questions.empty());
    EXPECT_TRUE(a.response.answer.empty());
  }
  Bytes update = encode_message(query("example.org", rrtype::SOA));
  update[2] = static_cast<std::uint8_t>(5 << 3);
  update.push_back(0xFF);  // undecodable, but the opcode decides first
  EXPECT_EQ(auth.answer_packet(update, udp).response.header.rcode, rcode::NotImp);
}

TEST_F(AnswerErrorsTest, NotifyIsRefusedForOurZonesAsAPrimary) {
  Message ours = query("example.org", rrtype::SOA);
  ours.header.opcode = 4;
  EXPECT_EQ(auth.answer(ours, udp).response.header.rcode, rcode::Refused);
  Message other = query("example.net", rrtype::SOA);
  other.header.opcode = 4;
  EXPECT_EQ(auth.answer(other, udp).response.header.rcode, rcode::NXDomain);
}

TEST_F(AnswerErrorsTest, RcodeBitsOrExtraRecordsInAQueryAreFormerr) {
  Message rc = query("example.org", rrtype::A);
  rc.header.rcode = 3;
  EXPECT_EQ(auth.answer(rc, udp).response.header.rcode, rcode::FormErr);
  Message extra = query("example.org", rrtype::A);
  extra.additional.push_back(rr("example.org", rrtype::A, 1, rd_a("192.0.2.1")));
  EXPECT_EQ(auth.answer(extra, udp).response.header.rcode, rcode::FormErr);
}

TEST_F(AnswerErrorsTest, EmptyQuestionWithOnlyOptGetsFormerrWithOpt) {
  Message probe = query("example.org", rrtype::A, true);
  probe.questions.clear();
  Answer a = auth.answer(probe, udp);
  EXPECT_EQ(a.response.header.rcode, rcode::FormErr);
  EXPECT_TRUE(a.response.header.rd);
  EXPECT_TRUE(a.response.edns);
  Message plain = query("example.org", rrtype::A);
  plain.questions.clear();
  EXPECT_FALSE(auth.answer(plain, udp).response.edns);
  EXPECT_FALSE(auth.answer(plain, udp).response.header.rd);
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

TEST_F(AnswerErrorsTest, RecordsInAQueryAreFormerrButTcIsIgnored) {
  Message with_answer = query("example.org", rrtype::A);
  with_answer.answer.push_back(rr("example.org", rrtype::A, 1, rd_a("192.0.2.1")));
  EXPECT_EQ(auth.answer(with_answer, udp).response.header.rcode, rcode::FormErr);
  Message ixfr = query("example.org", rrtype::IXFR);
  ixfr.authority.push_back(rr("example.org", rrtype::SOA, 1, rd_soa("a.org", "b.org", 1, 1)));
  EXPECT_EQ(auth.answer(ixfr, udp).kind, AnswerKind::Transfer);
  Message tc = query("mail.example.org", rrtype::A);
  tc.header.tc = true;
  Answer a = auth.answer(tc, udp);
  EXPECT_EQ(a.response.header.rcode, rcode::NoError);
  EXPECT_FALSE(a.response.header.tc);
  EXPECT_EQ(a.response.answer.size(), 1u);
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

TEST_F(AnswerErrorsTest, CompressedQuestionNameIsFormerrAsNsd) {
  // "\x03www" then a pointer to offset 0: decodable (the header bytes are the labels),
  // but NSD refuses any pointer in the question.
  Bytes b = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 0xC0, 4, 0, 1, 0, 1};
  b[4] = 0;  // the label at offset 4 reads as the root: QDCOUNT's high byte must be 0
  ASSERT_TRUE(decode_message(b)) << decode_message(b).error();
  EXPECT_EQ(auth.answer_packet(b, udp).response.header.rcode, rcode::FormErr);
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
  EXPECT_EQ(a.response.questions.size(), 1u);
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
  EXPECT_TRUE(auth.answer(ch, udp).response.questions.empty());
  Message any = query("mail.example.org", rrtype::A);
  any.questions[0].klass = kClassANY;
  Answer a = auth.answer(any, udp);
  EXPECT_FALSE(a.response.header.aa);
  EXPECT_EQ(a.response.answer.size(), 1u);
  EXPECT_TRUE(a.response.authority.empty());
}

TEST_F(AnswerErrorsTest, TransfersAreHandedToTheDaemon) {
  TransportLimits tcp{true, 1232};
  for (std::uint16_t type : {rrtype::AXFR, rrtype::IXFR}) {
    Answer a = ask(auth, "Example.org", type, tcp);
    ASSERT_EQ(a.kind, AnswerKind::Transfer);
    ASSERT_TRUE(a.transfer_zone);
    EXPECT_EQ(a.transfer_zone->apex(), N("example.org"));
  }
  // IXFR over UDP is the daemon's too (it may answer with the SOA, RFC 1995 4).
  EXPECT_EQ(ask(auth, "example.org", rrtype::IXFR).kind, AnswerKind::Transfer);
  auto records = auth.find_zone(N("other.test"))->axfr_records();
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records.front().type, rrtype::SOA);
  EXPECT_EQ(records[1].type, rrtype::NS);
  EXPECT_EQ(records.back().type, rrtype::SOA);
}

// As NSD 4.6 answered (checked against it on loopback): AXFR over UDP is NOTIMP whatever
// the name; a transfer of a name that is no zone apex we serve is NOTAUTH, question kept.
TEST_F(AnswerErrorsTest, TransferOverUdpIsNotimpAndBelowAnApexNotauth) {
  TransportLimits tcp{true, 1232};
  for (const char* name : {"example.org", "www.example.org", "nope.example.net"}) {
    Answer a = ask(auth, name, rrtype::AXFR);
    EXPECT_EQ(a.kind, AnswerKind::Reply) << name;
    EXPECT_EQ(a.response.header.rcode, rcode::NotImp) << name;
    EXPECT_FALSE(a.response.header.aa) << name;
    EXPECT_EQ(a.response.questions.size(), 1u) << name;
  }
  for (const char* name : {"www.example.org", "nope.example.net"}) {
    for (std::uint16_t type : {rrtype::AXFR, rrtype::IXFR}) {
      Answer a = ask(auth, name, type, type == rrtype::AXFR ? tcp : TransportLimits{});
      EXPECT_EQ(a.kind, AnswerKind::Reply) << name;
      EXPECT_EQ(a.response.header.rcode, rcode::NotAuth) << name << " " << type;
      EXPECT_FALSE(a.response.header.aa) << name;
      EXPECT_EQ(a.response.questions.size(), 1u) << name;
      EXPECT_TRUE(a.response.answer.empty() && a.response.authority.empty()) << name;
    }
  }
}

TEST_F(AnswerErrorsTest, MinimalResponsesLeaveOutTheZoneNs) {
  Answer full = ask(auth, "mail.example.org", rrtype::A);
  EXPECT_TRUE(full.response.authority_is_optional);
  EXPECT_EQ(full.response.authority.size(), 2u);
  auth.set_minimal_responses(true);
  Answer minimal = ask(auth, "mail.example.org", rrtype::A);
  EXPECT_TRUE(minimal.response.authority.empty());
  EXPECT_TRUE(minimal.response.additional.empty());
  Answer mx = ask(auth, "example.org", rrtype::MX);
  EXPECT_EQ(mx.response.additional.size(), 2u);  // mail's A and AAAA still
}

TEST_F(AnswerErrorsTest, ZoneNsIsDroppedBeforeTheAnswerIsTruncated) {
  // big.example.org's TXT answer is 831 octets with header and question (+ 11 of OPT):
  // in 850 the answer fits but not the zone NS (18 octets each) nor their addresses, and
  // that is no truncation (NSD's optional authority).
  Message q = query("big.example.org", rrtype::TXT, true);
  TransportLimits small{false, 850};
  auto back = decode_message(auth.answer(q, small).encode());
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->header.tc);
  EXPECT_EQ(back->answer.size(), 6u);
  EXPECT_TRUE(back->authority.empty());
  EXPECT_TRUE(back->additional.empty());
  TransportLimits roomier{false, 860};  // room for exactly one NS record
  auto one = decode_message(auth.answer(q, roomier).encode());
  ASSERT_TRUE(one);
  EXPECT_FALSE(one->header.tc);
  EXPECT_EQ(one->authority.size(), 1u);
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
