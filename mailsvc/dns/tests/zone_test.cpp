#include <gtest/gtest.h>

#include "hamail/mailsvc/dns/zone.h"
#include "test_packets.h"

namespace hamail::mailsvc::dns {
namespace {

using namespace test;

Zone make() { return Zone(N("example.org")); }

TEST(Zone, ChecksOnAdd) {
  Zone z = make();
  EXPECT_TRUE(z.add(rr("example.org", rrtype::SOA, 60, rd_soa("ns.example.org", "h.example.org", 1, 60))));
  EXPECT_FALSE(z.add(rr("example.org", rrtype::SOA, 60, rd_soa("ns2.example.org", "h.example.org", 2, 60))));
  EXPECT_FALSE(z.add(rr("a.example.org", rrtype::SOA, 60, rd_soa("ns.example.org", "h.example.org", 1, 60))));
  EXPECT_FALSE(z.add(rr("example.com", rrtype::A, 60, rd_a("192.0.2.1"))));
  EXPECT_TRUE(z.add(rr("www.example.org", rrtype::A, 60, rd_a("192.0.2.1"))));
  EXPECT_FALSE(z.add(rr("www.example.org", rrtype::CNAME, 60, rd_name("x.example.org"))));
  EXPECT_TRUE(z.add(rr("c.example.org", rrtype::CNAME, 60, rd_name("x.example.org"))));
  EXPECT_TRUE(z.add(rr("c.example.org", rrtype::CNAME, 60, rd_name("x.example.org"))));  // duplicate
  EXPECT_FALSE(z.add(rr("c.example.org", rrtype::CNAME, 60, rd_name("y.example.org"))));
  EXPECT_FALSE(z.add(rr("c.example.org", rrtype::TXT, 60, rd_txt({"x"}))));
  EXPECT_FALSE(z.add(rr("bad.example.org", rrtype::A, 60, {1, 2})));
  Record chaos = rr("ch.example.org", rrtype::TXT, 60, rd_txt({"x"}));
  chaos.klass = 3;
  EXPECT_FALSE(z.add(chaos));
  EXPECT_TRUE(z.add(rr("www.example.org", rrtype::A, 60, rd_a("192.0.2.1"))));  // duplicate dropped
  EXPECT_TRUE(z.finish());
  EXPECT_EQ(z.record_count(), 3u);
}

TEST(Zone, FinishWantsSoa) {
  Zone z = make();
  EXPECT_TRUE(z.add(rr("www.example.org", rrtype::A, 60, rd_a("192.0.2.1"))));
  EXPECT_FALSE(z.finish());
}

TEST(Zone, EmptyNonTerminalsAndCaseInsensitiveFind) {
  Zone z = make();
  EXPECT_TRUE(z.add(rr("example.org", rrtype::SOA, 60, rd_soa("ns.example.org", "h.example.org", 1, 60))));
  EXPECT_TRUE(z.add(rr("a.b.c.example.org", rrtype::A, 60, rd_a("192.0.2.1"))));
  ASSERT_TRUE(z.finish());
  EXPECT_TRUE(z.exists(N("B.C.example.org")));
  EXPECT_TRUE(z.exists(N("c.example.ORG")));
  EXPECT_FALSE(z.find(N("c.example.org")));
  EXPECT_TRUE(z.find(N("A.b.C.example.org")));
  EXPECT_FALSE(z.exists(N("d.example.org")));
}

}  // namespace
}  // namespace hamail::mailsvc::dns
