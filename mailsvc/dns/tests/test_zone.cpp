#include "test_zone.h"

#include <cstdlib>
#include <cstdio>

#include "test_packets.h"

namespace hamail::mailsvc::dns::test {

const std::string kLongLabel(60, 'q');

namespace {

void must(Zone& z, Record r) {
  if (auto st = z.add(r); !st) {
    std::fprintf(stderr, "test zone: %s\n", st.message().c_str());
    std::abort();
  }
}

Zone example_org() {
  Zone z(N("example.org"));
  auto add = [&](const char* owner, std::uint16_t type, Bytes rdata, std::uint32_t ttl = 3600) {
    must(z, rr(owner, type, ttl, std::move(rdata)));
  };
  add("example.org", rrtype::SOA, rd_soa("ns1.example.org", "hostmaster.example.org", 2026120501, 300));
  add("example.org", rrtype::NS, rd_name("ns1.example.org"));
  add("example.org", rrtype::NS, rd_name("ns2.example.org"));
  add("example.org", rrtype::MX, rd_mx(10, "mail.example.org"));
  add("example.org", rrtype::MX, rd_mx(20, "mx.other.net"));
  add("example.org", rrtype::A, rd_a("192.0.2.1"));
  add("ns1.example.org", rrtype::A, rd_a("192.0.2.53"));
  add("ns2.example.org", rrtype::AAAA, rd_aaaa_last(0x53));
  add("mail.example.org", rrtype::A, rd_a("192.0.2.25"), 300);
  add("mail.example.org", rrtype::AAAA, rd_aaaa_last(0x25), 300);
  add("www.example.org", rrtype::CNAME, rd_name("mail.example.org"));
  add("chain1.example.org", rrtype::CNAME, rd_name("chain2.example.org"));
  add("chain2.example.org", rrtype::CNAME, rd_name("www.example.org"));
  add("loop1.example.org", rrtype::CNAME, rd_name("loop2.example.org"));
  add("loop2.example.org", rrtype::CNAME, rd_name("loop1.example.org"));
  add("dangling.example.org", rrtype::CNAME, rd_name("nothere.example.org"));
  add("outside.example.org", rrtype::CNAME, rd_name("www.elsewhere.net"));
  add("tozone2.example.org", rrtype::CNAME, rd_name("host.other.test"));
  add("*.wild.example.org", rrtype::A, rd_a("192.0.2.99"));
  add("*.wild.example.org", rrtype::MX, rd_mx(10, "mail.example.org"));
  add("host.wild.example.org", rrtype::A, rd_a("192.0.2.100"));
  add("a.b.ent.example.org", rrtype::TXT, rd_txt({"deep"}));
  add("*.wildcname.example.org", rrtype::CNAME, rd_name("www.example.org"));
  add("old.example.org", rrtype::DNAME, rd_name("new.example.org"), 600);
  add("x.new.example.org", rrtype::A, rd_a("192.0.2.7"));
  std::string long_target = std::string(63, 'l') + "." + std::string(63, 'm') + "." + std::string(63, 'n') + ".example.org";
  add("longd.example.org", rrtype::DNAME, rd_name(long_target));
  add("sub.example.org", rrtype::NS, rd_name("ns.sub.example.org"));
  add("sub.example.org", rrtype::NS, rd_name("ns.other.net"));
  add("ns.sub.example.org", rrtype::A, rd_a("192.0.2.200"));
  add("mxglue.example.org", rrtype::MX, rd_mx(10, "ns.sub.example.org"));
  add("deleg2.example.org", rrtype::NS, rd_name("ns1.example.org"));  // delegated to a parent-zone name
  add("_imap._tcp.example.org", rrtype::SRV, rd_srv(0, 1, 143, "mail.example.org"));
  for (int i = 0; i < 6; ++i) add("big.example.org", rrtype::TXT, rd_txt({std::string(120, static_cast<char>('a' + i))}));
  return z;
}

Zone other_test() {
  Zone z(N("other.test"));
  must(z, rr("other.test", rrtype::SOA, 7200, rd_soa("ns.other.test", "h.other.test", 9, 900)));
  must(z, rr("other.test", rrtype::NS, 7200, rd_name("ns.other.test")));
  must(z, rr("ns.other.test", rrtype::A, 7200, rd_a("198.51.100.53")));
  must(z, rr("host.other.test", rrtype::A, 7200, rd_a("198.51.100.1")));
  return z;
}

}  // namespace

Authority test_authority() {
  Authority a;
  for (Zone z : {example_org(), other_test()}) {
    if (auto st = z.finish(); !st) std::abort();
    a.put_zone(std::move(z));
  }
  return a;
}

}  // namespace hamail::mailsvc::dns::test
