// The lookup's shortcut for zones without cuts or DNAME (one probe for the name, the
// closest encloser found walking up) answers as the walk from the apex does: the same zone
// with an unrelated delegation added (which forces the walk) gives the same bytes for
// every name outside that delegation.
#include <gtest/gtest.h>

#include "hamail/mailsvc/dns/authority.h"
#include "hamail/mailsvc/dns/encode.h"
#include "test_packets.h"

namespace hamail::mailsvc::dns {
namespace {

using namespace test;

Authority w_test(bool with_cut) {
  Zone z(N("w.test"));
  auto add = [&](const char* owner, std::uint16_t type, Bytes rdata) { ASSERT_TRUE(z.add(rr(owner, type, 300, rdata))); };
  add("w.test", rrtype::SOA, rd_soa("ns.w.test", "h.w.test", 1, 60));
  add("w.test", rrtype::NS, rd_name("ns.w.test"));
  add("w.test", rrtype::A, rd_a("192.0.2.1"));
  add("ns.w.test", rrtype::A, rd_a("192.0.2.53"));
  add("host.w.test", rrtype::A, rd_a("192.0.2.2"));
  add("host.w.test", rrtype::AAAA, rd_aaaa_last(2));
  add("a.b.c.w.test", rrtype::TXT, rd_txt({"deep"}));
  add("*.wild.w.test", rrtype::A, rd_a("192.0.2.99"));
  add("*.wild.w.test", rrtype::MX, rd_mx(10, "host.w.test"));
  add("x.wild.w.test", rrtype::A, rd_a("192.0.2.100"));
  add("*.b.c.w.test", rrtype::TXT, rd_txt({"wild under an empty non-terminal"}));
  add("cname.w.test", rrtype::CNAME, rd_name("host.w.test"));
  add("mx.w.test", rrtype::MX, rd_mx(10, "host.w.test"));
  if (with_cut) add("zz.w.test", rrtype::NS, rd_name("ns.elsewhere.net"));
  EXPECT_TRUE(z.finish());
  EXPECT_EQ(z.has_cuts_or_dname(), with_cut);
  EXPECT_TRUE(z.has_wildcards());
  Authority a;
  a.put_zone(std::move(z));
  return a;
}

TEST(ZoneWalk, ShortcutAnswersAsTheWalkFromTheApex) {
  const Authority shortcut = w_test(false), walk = w_test(true);
  const char* names[] = {"w.test",          "host.w.test",        "HOST.W.TEST",     "a.b.c.w.test", "b.c.w.test",
                         "c.w.test",        "q.c.w.test",         "x.q.b.c.w.test",  "y.b.c.w.test", "z.y.b.c.w.test",
                         "y.wild.w.test",   "z.y.wild.w.test",    "x.wild.w.test",   "q.x.wild.w.test",
                         "wild.w.test",     "*.wild.w.test",      "nothere.w.test",  "a.nothere.w.test",
                         "cname.w.test",    "mx.w.test",          "ns.w.test"};
  const std::uint16_t types[] = {rrtype::A, rrtype::AAAA, rrtype::MX, rrtype::TXT, rrtype::NS,
                                 rrtype::SOA, rrtype::ANY, rrtype::CNAME, rrtype::DS};
  int compared = 0;
  for (const char* n : names) {
    for (std::uint16_t t : types) {
      Bytes q = encode_message(query(n, t, true));
      EXPECT_EQ(shortcut.answer_packet(q, {}).encode(), walk.answer_packet(q, {}).encode()) << n << " " << t;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 21 * 9);
  // And the shortcut's answers are the expected ones, not merely alike.
  Answer wild = shortcut.answer_packet(encode_message(query("z.y.wild.w.test", rrtype::A)), {});
  ASSERT_EQ(wild.response.answer.size(), 1u);
  EXPECT_EQ(wild.response.answer[0].rdata, rd_a("192.0.2.99"));
  Answer ent = shortcut.answer_packet(encode_message(query("c.w.test", rrtype::A)), {});
  EXPECT_EQ(ent.response.header.rcode, rcode::NoError) << "an empty non-terminal: NODATA";
  Answer below_existing = shortcut.answer_packet(encode_message(query("q.x.wild.w.test", rrtype::A)), {});
  EXPECT_EQ(below_existing.response.header.rcode, rcode::NXDomain) << "no wildcard below an existing name";
}

}  // namespace
}  // namespace hamail::mailsvc::dns
