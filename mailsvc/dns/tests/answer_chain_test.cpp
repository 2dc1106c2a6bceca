#include <gtest/gtest.h>

#include "answer_helpers.h"

namespace hamail::mailsvc::dns {
namespace {

using namespace test;

class AnswerChainTest : public ::testing::Test {
 protected:
  Authority auth = test_authority();
};

TEST_F(AnswerChainTest, CnameIsFollowedInTheZone) {
  Answer a = ask(auth, "www.example.org", rrtype::A);
  EXPECT_TRUE(a.response.header.aa);
  EXPECT_EQ(describe(a.response.answer), (Lines{"www.example.org. CNAME", "mail.example.org. A"}));
  EXPECT_EQ(describe(a.response.authority), (Lines{"example.org. NS", "example.org. NS"}));
}

TEST_F(AnswerChainTest, CnameQueryGetsTheCnameOnly) {
  Answer a = ask(auth, "www.example.org", rrtype::CNAME);
  EXPECT_EQ(describe(a.response.answer), Lines{"www.example.org. CNAME"});
}

TEST_F(AnswerChainTest, ChainOfCnames) {
  Answer a = ask(auth, "chain1.example.org", rrtype::AAAA);
  EXPECT_EQ(describe(a.response.answer), (Lines{"chain1.example.org. CNAME", "chain2.example.org. CNAME",
                                               "www.example.org. CNAME", "mail.example.org. AAAA"}));
}

TEST_F(AnswerChainTest, LoopStopsWithEachCnameOnce) {
  Answer a = ask(auth, "loop1.example.org", rrtype::A);
  EXPECT_EQ(a.response.header.rcode, rcode::NoError);
  EXPECT_EQ(describe(a.response.answer), (Lines{"loop1.example.org. CNAME", "loop2.example.org. CNAME"}));
}

TEST_F(AnswerChainTest, DanglingCnameEndsInNxdomainWithSoa) {
  Answer a = ask(auth, "dangling.example.org", rrtype::A);
  EXPECT_EQ(a.response.header.rcode, rcode::NXDomain);  // RFC 6604: the rcode of the last name
  EXPECT_TRUE(a.response.header.aa);
  EXPECT_EQ(describe(a.response.answer), Lines{"dangling.example.org. CNAME"});
  EXPECT_EQ(describe(a.response.authority), Lines{"example.org. SOA"});
}

TEST_F(AnswerChainTest, CnameLeavingOurZonesStopsWithNoerror) {
  Answer a = ask(auth, "outside.example.org", rrtype::A);
  EXPECT_EQ(a.response.header.rcode, rcode::NoError);
  EXPECT_TRUE(a.response.header.aa);
  EXPECT_EQ(describe(a.response.answer), Lines{"outside.example.org. CNAME"});
  EXPECT_TRUE(a.response.authority.empty());
}

TEST_F(AnswerChainTest, CnameIntoAnotherOfOurZones) {
  Answer a = ask(auth, "tozone2.example.org", rrtype::A);
  EXPECT_EQ(describe(a.response.answer), (Lines{"tozone2.example.org. CNAME", "host.other.test. A"}));
  EXPECT_EQ(describe(a.response.authority), Lines{"other.test. NS"});
  EXPECT_EQ(describe(a.response.additional), Lines{"ns.other.test. A"});
}

TEST_F(AnswerChainTest, DsAtTheApexOfAChildZoneComesFromTheParentWeServe) {
  Zone child(N("sub.example.org"));
  ASSERT_TRUE(child.add(rr("sub.example.org", rrtype::SOA, 60, rd_soa("ns.sub.example.org", "h.example.org", 1, 60))));
  ASSERT_TRUE(child.add(rr("sub.example.org", rrtype::NS, 60, rd_name("ns.sub.example.org"))));
  ASSERT_TRUE(child.finish());
  auth.put_zone(std::move(child));
  Answer ds = ask(auth, "sub.example.org", rrtype::DS);
  EXPECT_EQ(describe(ds.response.authority), Lines{"example.org. SOA"});  // the parent's
  Answer soa = ask(auth, "sub.example.org", rrtype::SOA);
  EXPECT_EQ(describe(soa.response.answer), Lines{"sub.example.org. SOA"});  // the child's
  EXPECT_TRUE(soa.response.header.aa);
}

TEST_F(AnswerChainTest, WildcardCname) {
  Answer a = ask(auth, "foo.wildcname.example.org", rrtype::A);
  EXPECT_EQ(describe(a.response.answer),
            (Lines{"foo.wildcname.example.org. CNAME", "www.example.org. CNAME", "mail.example.org. A"}));
}

TEST_F(AnswerChainTest, DnameSynthesizesACnameAndFollowsIt) {
  Answer a = ask(auth, "x.OLD.example.org", rrtype::A);
  EXPECT_TRUE(a.response.header.aa);
  EXPECT_EQ(a.response.header.rcode, rcode::NoError);
  ASSERT_EQ(describe(a.response.answer),
            (Lines{"OLD.example.org. DNAME", "x.OLD.example.org. CNAME", "x.new.example.org. A"}));
  const Record& cname = a.response.answer[1];
  EXPECT_EQ(cname.ttl, 600u);  // the DNAME's TTL (RFC 6672 2.3)
  EXPECT_EQ(rdata_target(rrtype::CNAME, cname.rdata), N("x.new.example.org"));
}

TEST_F(AnswerChainTest, DnameWithQtypeCnameStopsAtTheSynthesizedCname) {
  Answer a = ask(auth, "x.old.example.org", rrtype::CNAME);
  EXPECT_EQ(describe(a.response.answer), (Lines{"old.example.org. DNAME", "x.old.example.org. CNAME"}));
  EXPECT_EQ(a.response.header.rcode, rcode::NoError);
}

TEST_F(AnswerChainTest, DnameToAMissingName) {
  Answer a = ask(auth, "y.old.example.org", rrtype::A);
  EXPECT_EQ(a.response.header.rcode, rcode::NXDomain);
  EXPECT_EQ(describe(a.response.answer), (Lines{"old.example.org. DNAME", "y.old.example.org. CNAME"}));
}

TEST_F(AnswerChainTest, DnameOwnerItselfIsNotRewritten) {
  Answer a = ask(auth, "old.example.org", rrtype::DNAME);
  EXPECT_EQ(describe(a.response.answer), Lines{"old.example.org. DNAME"});
  Answer nodata = ask(auth, "old.example.org", rrtype::A);
  EXPECT_TRUE(nodata.response.answer.empty());
  EXPECT_EQ(describe(nodata.response.authority), Lines{"example.org. SOA"});
}

TEST_F(AnswerChainTest, DnameResultTooLongIsYxdomain) {
  Answer a = ask(auth, kLongLabel + ".longd.example.org", rrtype::A);
  EXPECT_EQ(a.response.header.rcode, rcode::YXDomain);
  EXPECT_EQ(describe(a.response.answer), Lines{"longd.example.org. DNAME"});
}

}  // namespace
}  // namespace hamail::mailsvc::dns
