#include <gtest/gtest.h>

#include "hamail/mailsvc/dns/types.h"
#include "hamail/mailsvc/dnsloader/zone_file.h"

namespace hamail::mailsvc::dnsloader {
namespace {

using namespace dns;

Name N(const char* t) { return *Name::from_text(t); }

class ExampleZone : public ::testing::Test {
 protected:
  void SetUp() override {
    auto z = load_zone_file(std::string(DNS_TEST_DATA) + "/example.org.zone", N("example.org"));
    ASSERT_TRUE(z) << z.error();
    zone = std::make_unique<Zone>(std::move(*z));
  }
  const RRset* set(const char* name, std::uint16_t type) {
    const Node* n = zone->find(N(name));
    return n ? n->find(type) : nullptr;
  }
  std::unique_ptr<Zone> zone;
};

TEST_F(ExampleZone, SoaAcrossParenthesesWithCommentsAndRelativeNames) {
  const RRset* soa = set("example.org", rrtype::SOA);
  ASSERT_TRUE(soa);
  EXPECT_EQ(zone->serial(), 2026120501u);
  EXPECT_EQ(soa_minimum(soa->rrs[0].rdata), 300u);
  auto names = rdata_names(rrtype::SOA, soa->rrs[0].rdata);
  ASSERT_TRUE(names);
  EXPECT_EQ((*names)[0].name, N("ns1.example.org"));
  EXPECT_EQ((*names)[1].name, N("hostmaster.example.org"));
  EXPECT_EQ(soa->rrs[0].ttl, 3600u);
}

TEST_F(ExampleZone, BlankOwnerRepeatsThePreviousOne) {
  const RRset* ns = set("example.org", rrtype::NS);
  ASSERT_TRUE(ns);
  ASSERT_EQ(ns->rrs.size(), 2u);
  EXPECT_EQ(rdata_target(rrtype::NS, ns->rrs[1].rdata), N("ns2.example.net"));
  ASSERT_TRUE(set("example.org", rrtype::MX));
}

TEST_F(ExampleZone, TxtWithSeveralStringsAndEscapes) {
  const RRset* txt = set("example.org", rrtype::TXT);
  ASSERT_TRUE(txt);
  std::vector<std::uint8_t> want = {14};
  for (char c : std::string("v=spf1 mx -all")) want.push_back(static_cast<std::uint8_t>(c));
  want.push_back(13);
  for (char c : std::string("second string")) want.push_back(static_cast<std::uint8_t>(c));
  EXPECT_EQ(txt->rrs[0].rdata, want);
  const Node* weird = zone->find(*Name::from_labels({"weird.label", "example", "org"}));
  ASSERT_TRUE(weird);
  const RRset* q = weird->find(rrtype::TXT);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->rrs[0].rdata, (std::vector<std::uint8_t>{7, 'a', '"', 'q', 'u', 'o', 't', 'e'}));
}

TEST_F(ExampleZone, TtlsExplicitDefaultAndChangedByDollarTtl) {
  EXPECT_EQ(set("mail.example.org", rrtype::A)->rrs[0].ttl, 300u);
  EXPECT_EQ(set("mail.example.org", rrtype::AAAA)->rrs[0].ttl, 3600u);
  EXPECT_EQ(set("short.example.org", rrtype::A)->rrs[0].ttl, 60u);
}

TEST_F(ExampleZone, OwnerCaseIsKept) {
  const Node* www = zone->find(N("www.example.org"));
  ASSERT_TRUE(www);
  EXPECT_EQ(www->owner.to_text(), "Www.example.org.");
  EXPECT_EQ(rdata_target(rrtype::CNAME, www->find(rrtype::CNAME)->rrs[0].rdata), N("mail.example.org"));
}

TEST_F(ExampleZone, OtherTypes) {
  EXPECT_TRUE(set("*.wild.example.org", rrtype::A));
  EXPECT_EQ(rdata_target(rrtype::SRV, set("_imap._tcp.example.org", rrtype::SRV)->rrs[0].rdata),
            N("mail.example.org"));
  EXPECT_EQ(rdata_target(rrtype::DNAME, set("old.example.org", rrtype::DNAME)->rrs[0].rdata), N("new.example.org"));
  ASSERT_TRUE(set("example.org", rrtype::CAA));
  EXPECT_EQ(set("example.org", rrtype::CAA)->rrs[0].rdata[1], 5);  // tag length of "issue"
  ASSERT_TRUE(set("x.example.org", 65280));
  EXPECT_EQ(set("x.example.org", 65280)->rrs[0].rdata, (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_EQ(set("ns1.example.org", rrtype::A)->rrs[0].rdata, (std::vector<std::uint8_t>{192, 0, 2, 53}));
  EXPECT_EQ(set("mail.example.org", rrtype::AAAA)->rrs[0].rdata.size(), 16u);
}

TEST_F(ExampleZone, IncludeWithOriginThenOriginRestored) {
  EXPECT_TRUE(set("host.sub.example.org", rrtype::A));
  EXPECT_TRUE(set("sub.example.org", rrtype::TXT));
  EXPECT_TRUE(set("after.example.org", rrtype::A));
  EXPECT_FALSE(zone->find(N("after.sub.example.org")));
}

TEST_F(ExampleZone, EmptyNonTerminalsAndAxfrOrder) {
  EXPECT_TRUE(zone->exists(N("_tcp.example.org")));
  EXPECT_FALSE(zone->find(N("_tcp.example.org")));
  EXPECT_TRUE(zone->exists(N("wild.example.org")));
  EXPECT_FALSE(zone->exists(N("nope.example.org")));
  auto axfr = zone->axfr_records();
  ASSERT_GE(axfr.size(), 3u);
  EXPECT_EQ(axfr.front().type, rrtype::SOA);
  EXPECT_EQ(axfr.back().type, rrtype::SOA);
  EXPECT_EQ(axfr.size(), zone->record_count() + 1);
  for (std::size_t i = 1; i + 1 < axfr.size(); ++i) EXPECT_NE(axfr[i].type, rrtype::SOA);
}

}  // namespace
}  // namespace hamail::mailsvc::dnsloader
