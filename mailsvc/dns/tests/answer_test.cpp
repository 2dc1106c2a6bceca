#include <gtest/gtest.h>

#include "answer_helpers.h"

namespace hamail::mailsvc::dns {
namespace {

using namespace test;

class AnswerTest : public ::testing::Test {
 protected:
  Authority auth = test_authority();
  const Lines ns_extra = {"ns1.example.org. A", "ns2.example.org. AAAA"};
};

TEST_F(AnswerTest, PositiveAnswerIsAuthoritativeWithZoneNsAndTheirAddresses) {
  Answer a = ask(auth, "mail.example.org", rrtype::A);
  ASSERT_EQ(a.kind, AnswerKind::Reply);
  const Header& h = a.response.header;
  EXPECT_TRUE(h.qr && h.aa && h.rd);
  EXPECT_FALSE(h.ra || h.tc);
  EXPECT_EQ(h.rcode, rcode::NoError);
  EXPECT_EQ(h.id, 0x1234);
  EXPECT_EQ(describe(a.response.answer), Lines{"mail.example.org. A"});
  EXPECT_EQ(a.response.answer[0].ttl, 300u);
  EXPECT_EQ(describe(a.response.authority), (Lines{"example.org. NS", "example.org. NS"}));
  EXPECT_EQ(describe(a.response.additional), ns_extra);
}

TEST_F(AnswerTest, QuestionCaseIsPreserved) {
  Answer a = ask(auth, "MaIl.Example.ORG", rrtype::A);
  EXPECT_EQ(a.response.questions[0].name.to_text(), "MaIl.Example.ORG.");
  EXPECT_EQ(a.response.answer[0].owner.to_text(), "MaIl.Example.ORG.");
  EXPECT_EQ(a.response.header.rcode, rcode::NoError);
}

TEST_F(AnswerTest, MxAdditionalHasInZoneTargetsAFirstThenAaaa) {
  Answer a = ask(auth, "example.org", rrtype::MX);
  EXPECT_EQ(describe(a.response.answer), (Lines{"example.org. MX", "example.org. MX"}));
  EXPECT_EQ(describe(a.response.additional),
            (Lines{"mail.example.org. A", "ns1.example.org. A", "mail.example.org. AAAA", "ns2.example.org. AAAA"}));
}

TEST_F(AnswerTest, MxTargetBelowACutGetsNoGlue) {
  Answer a = ask(auth, "mxglue.example.org", rrtype::MX);
  EXPECT_EQ(describe(a.response.answer), Lines{"mxglue.example.org. MX"});
  EXPECT_EQ(describe(a.response.additional), ns_extra);
}

TEST_F(AnswerTest, SrvAdditional) {
  Answer a = ask(auth, "_imap._tcp.example.org", rrtype::SRV);
  EXPECT_EQ(describe(a.response.answer), Lines{"_imap._tcp.example.org. SRV"});
  EXPECT_EQ(describe(a.response.additional),
            (Lines{"mail.example.org. A", "ns1.example.org. A", "mail.example.org. AAAA", "ns2.example.org. AAAA"}));
}

TEST_F(AnswerTest, ApexNsIsNotRepeatedInAuthority) {
  Answer a = ask(auth, "example.org", rrtype::NS);
  EXPECT_EQ(describe(a.response.answer), (Lines{"example.org. NS", "example.org. NS"}));
  EXPECT_TRUE(a.response.authority.empty());
  EXPECT_EQ(describe(a.response.additional), ns_extra);
}

TEST_F(AnswerTest, NodataHasSoaWithNegativeTtl) {
  Answer a = ask(auth, "mail.example.org", rrtype::TXT);
  EXPECT_EQ(a.response.header.rcode, rcode::NoError);
  EXPECT_TRUE(a.response.header.aa);
  EXPECT_TRUE(a.response.answer.empty());
  ASSERT_EQ(describe(a.response.authority), Lines{"example.org. SOA"});
  EXPECT_EQ(a.response.authority[0].ttl, 300u);  // min(3600, MINIMUM 300)
  EXPECT_TRUE(a.response.additional.empty());
}

TEST_F(AnswerTest, NxdomainHasSoa) {
  Answer a = ask(auth, "nope.example.org", rrtype::A);
  EXPECT_EQ(a.response.header.rcode, rcode::NXDomain);
  EXPECT_TRUE(a.response.header.aa);
  EXPECT_EQ(describe(a.response.authority), Lines{"example.org. SOA"});
  EXPECT_EQ(a.response.authority[0].ttl, 300u);
}

TEST_F(AnswerTest, NegativeTtlIsSoaTtlWhenSmaller) {
  Answer a = ask(auth, "nope.other.test", rrtype::A);
  EXPECT_EQ(a.response.header.rcode, rcode::NXDomain);
  ASSERT_EQ(a.response.authority.size(), 1u);
  EXPECT_EQ(a.response.authority[0].ttl, 900u);  // min(7200, 900)
}

TEST_F(AnswerTest, EmptyNonTerminalsAreNodata) {
  for (const char* name : {"ent.example.org", "b.ent.example.org", "_tcp.example.org"}) {
    Answer a = ask(auth, name, rrtype::A);
    EXPECT_EQ(a.response.header.rcode, rcode::NoError) << name;
    EXPECT_EQ(describe(a.response.authority), Lines{"example.org. SOA"}) << name;
  }
  EXPECT_EQ(ask(auth, "x.ent.example.org", rrtype::A).response.header.rcode, rcode::NXDomain);
}

TEST_F(AnswerTest, OutsideEveryZoneIsRefused) {
  Answer a = ask(auth, "www.example.com", rrtype::A);
  EXPECT_EQ(a.response.header.rcode, rcode::Refused);
  EXPECT_FALSE(a.response.header.aa);
  EXPECT_TRUE(a.response.answer.empty() && a.response.authority.empty());
  EXPECT_EQ(ask(auth, "org", rrtype::SOA).response.header.rcode, rcode::Refused);
}

TEST_F(AnswerTest, WildcardSynthesisOwnerIsTheQname) {
  Answer a = ask(auth, "X.wild.example.org", rrtype::A);
  EXPECT_EQ(a.response.header.rcode, rcode::NoError);
  EXPECT_TRUE(a.response.header.aa);
  ASSERT_EQ(describe(a.response.answer), Lines{"X.wild.example.org. A"});
  EXPECT_EQ(a.response.answer[0].rdata, rd_a("192.0.2.99"));
  Answer deeper = ask(auth, "y.x.wild.example.org", rrtype::A);
  EXPECT_EQ(describe(deeper.response.answer), Lines{"y.x.wild.example.org. A"});
}

TEST_F(AnswerTest, WildcardMxGetsAdditionalAndWildcardNodataGetsSoa) {
  Answer mx = ask(auth, "x.wild.example.org", rrtype::MX);
  EXPECT_EQ(describe(mx.response.answer), Lines{"x.wild.example.org. MX"});
  EXPECT_EQ(mx.response.additional.front().owner.to_text(), "mail.example.org.");
  Answer txt = ask(auth, "x.wild.example.org", rrtype::TXT);
  EXPECT_EQ(txt.response.header.rcode, rcode::NoError);
  EXPECT_TRUE(txt.response.answer.empty());
  EXPECT_EQ(describe(txt.response.authority), Lines{"example.org. SOA"});
}

TEST_F(AnswerTest, NoWildcardMatchAtOrBelowAnExistingName) {
  Answer host = ask(auth, "host.wild.example.org", rrtype::A);
  EXPECT_EQ(host.response.answer[0].rdata, rd_a("192.0.2.100"));
  Answer host_txt = ask(auth, "host.wild.example.org", rrtype::TXT);
  EXPECT_TRUE(host_txt.response.answer.empty());
  EXPECT_EQ(host_txt.response.header.rcode, rcode::NoError);
  Answer below = ask(auth, "sub.host.wild.example.org", rrtype::A);
  EXPECT_EQ(below.response.header.rcode, rcode::NXDomain);  // closest encloser host.wild has no *
}

TEST_F(AnswerTest, AskingForTheWildcardItself) {
  Answer a = ask(auth, "*.wild.example.org", rrtype::A);
  EXPECT_EQ(describe(a.response.answer), Lines{"*.wild.example.org. A"});
}

TEST_F(AnswerTest, AnyReturnsOneRrsetAsRfc8482AndNsd) {
  Answer a = ask(auth, "mail.example.org", rrtype::ANY);
  EXPECT_EQ(describe(a.response.answer), Lines{"mail.example.org. A"});  // first preferred RRset
  EXPECT_TRUE(a.response.authority.empty());  // no zone NS for ANY (NSD 4.6)
  Answer apex = ask(auth, "example.org", rrtype::ANY);
  EXPECT_EQ(describe(apex.response.answer), Lines{"example.org. SOA"});
  Answer srv = ask(auth, "_imap._tcp.example.org", rrtype::ANY);
  EXPECT_EQ(describe(srv.response.answer), Lines{"_imap._tcp.example.org. SRV"});
  Answer txt_only = ask(auth, "big.example.org", rrtype::ANY);
  EXPECT_EQ(txt_only.response.answer.size(), 6u);
  Answer ent = ask(auth, "ent.example.org", rrtype::ANY);
  EXPECT_TRUE(ent.response.answer.empty());
  EXPECT_EQ(describe(ent.response.authority), Lines{"example.org. SOA"});
}

TEST_F(AnswerTest, DelegationIsAReferralWithGlue) {
  for (const char* name : {"www.sub.example.org", "sub.example.org"}) {
    for (std::uint16_t type : {rrtype::A, rrtype::NS, rrtype::MX}) {
      Answer a = ask(auth, name, type);
      EXPECT_FALSE(a.response.header.aa) << name;
      EXPECT_EQ(a.response.header.rcode, rcode::NoError);
      EXPECT_TRUE(a.response.answer.empty());
      EXPECT_EQ(describe(a.response.authority), (Lines{"sub.example.org. NS", "sub.example.org. NS"})) << name;
      EXPECT_EQ(describe(a.response.additional), Lines{"ns.sub.example.org. A"}) << name;
    }
  }
}

// NSD 4.6 (mailsvc/dnsd/tests/queries.txt:95-96): a delegation to a name of the parent zone
// carries that name's addresses in additional (the test zone's ns1 has an A only).
TEST_F(AnswerTest, ReferralToAParentZoneNameCarriesItsAddresses) {
  for (const char* name : {"deleg2.example.org", "x.deleg2.example.org"}) {
    Answer a = ask(auth, name, rrtype::A);
    EXPECT_FALSE(a.response.header.aa) << name;
    EXPECT_EQ(describe(a.response.authority), Lines{"deleg2.example.org. NS"}) << name;
    EXPECT_EQ(describe(a.response.additional), Lines{"ns1.example.org. A"}) << name;
  }
}

TEST_F(AnswerTest, DsAtADelegationIsAnsweredByTheParent) {
  Answer a = ask(auth, "sub.example.org", rrtype::DS);
  EXPECT_TRUE(a.response.header.aa);
  EXPECT_TRUE(a.response.answer.empty());
  EXPECT_EQ(describe(a.response.authority), Lines{"example.org. SOA"});
  Answer apex = ask(auth, "example.org", rrtype::DS);  // no parent zone here: the zone's NODATA
  EXPECT_TRUE(apex.response.header.aa);
  EXPECT_EQ(describe(apex.response.authority), Lines{"example.org. SOA"});
}

}  // namespace
}  // namespace hamail::mailsvc::dns
