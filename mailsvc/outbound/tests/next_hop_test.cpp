#include "hamail/mailsvc/outbound/next_hop.h"

#include <gtest/gtest.h>

#include "hamail/mailsvc/outbound/domain_name.h"

namespace hamail::mailsvc::outbound {
namespace {

NextHop hop(std::string host, std::uint16_t port, bool mx) { return NextHop{std::move(host), port, mx, true}; }

TEST(RelayHost, PostfixForms) {
  EXPECT_EQ(*parse_relay_host("smtp.example.org"), hop("smtp.example.org", 25, true));
  EXPECT_EQ(*parse_relay_host("SMTP.Example.org:587"), hop("smtp.example.org", 587, true));
  EXPECT_EQ(*parse_relay_host("[smtp.example.org]:587"), hop("smtp.example.org", 587, false));
  EXPECT_EQ(*parse_relay_host("[smtp.example.org]"), hop("smtp.example.org", 25, false));
  EXPECT_EQ(*parse_relay_host("[10.0.0.1]"), hop("10.0.0.1", 25, false));
  EXPECT_EQ(*parse_relay_host("[2001:db8::1]:25"), hop("2001:db8::1", 25, false));
  EXPECT_EQ(*parse_relay_host("[ipv6:2001:DB8::1]"), hop("2001:db8::1", 25, false));
  EXPECT_EQ(*parse_relay_host("[IPv6:2001:db8::1]:2525"), hop("2001:db8::1", 2525, false));
  EXPECT_EQ(*parse_relay_host("10.0.0.1:2525"), hop("10.0.0.1", 2525, false));  // bare IP: no MX lookup
  EXPECT_EQ(*parse_relay_host("smtp.example.org."), hop("smtp.example.org", 25, true));
}

TEST(RelayHost, ToStringRoundTrips) {
  for (const char* v : {"smtp.example.org:587", "[smtp.example.org]:25", "[10.0.0.1]:25", "[2001:db8::1]:465"}) {
    auto h = parse_relay_host(v);
    ASSERT_TRUE(h) << v;
    EXPECT_EQ(h->to_string(), v);
    EXPECT_EQ(*parse_relay_host(h->to_string()), *h);
  }
  EXPECT_EQ(parse_relay_host("smtp.example.org")->to_string(), "smtp.example.org:25");
}

TEST(RelayHost, ErrorsNameTheValue) {
  EXPECT_EQ(parse_relay_host("x:y").error(), "relay_host \"x:y\": bad port \"y\": expected a number from 1 to 65535");
  EXPECT_EQ(parse_relay_host("x:0").error(), "relay_host \"x:0\": bad port \"0\": expected a number from 1 to 65535");
  EXPECT_EQ(parse_relay_host("x:65536").error(),
            "relay_host \"x:65536\": bad port \"65536\": expected a number from 1 to 65535");
  EXPECT_EQ(parse_relay_host("x:").error(), "relay_host \"x:\": bad port \"\": expected a number from 1 to 65535");
  EXPECT_EQ(parse_relay_host("").error(), "relay_host \"\": empty");
  EXPECT_EQ(parse_relay_host("[x").error(), "relay_host \"[x\": missing ']'");
  EXPECT_EQ(parse_relay_host("[x]587").error(), "relay_host \"[x]587\": expected \":port\" after ']'");
  EXPECT_EQ(parse_relay_host("2001:db8::1").error(),
            "relay_host \"2001:db8::1\": an IPv6 address must be written in brackets, e.g. [2001:db8::1]:25");
  EXPECT_EQ(parse_relay_host("[ipv6:10.0.0.1]").error(), "relay_host \"[ipv6:10.0.0.1]\": bad IPv6 address \"10.0.0.1\"");
  EXPECT_EQ(parse_relay_host("a..b").error(), "relay_host \"a..b\": domain \"a..b\": empty label");
  EXPECT_EQ(parse_relay_host("smtp example").error(), "relay_host \"smtp example\": contains a space or a control character");
  EXPECT_EQ(parse_relay_host("a/b").error(),
            "relay_host \"a/b\": domain \"a/b\": character \"/\" not allowed (letters, digits, '-', '_')");
}

TEST(NextHopForDomain, MxOrAddressLiteral) {
  EXPECT_EQ(next_hop_for_domain("Example.ORG"), (NextHop{"example.org", 25, true, false}));
  EXPECT_EQ(next_hop_for_domain("[192.0.2.1]"), (NextHop{"192.0.2.1", 25, false, false}));
  EXPECT_EQ(next_hop_for_domain("[IPv6:2001:db8::2]"), (NextHop{"2001:db8::2", 25, false, false}));
}

TEST(DomainName, Normalizes) {
  EXPECT_EQ(*normalize_domain_name("Mail.Example.ORG."), "mail.example.org");
  EXPECT_EQ(*normalize_domain_name("_dmarc.x-y.example"), "_dmarc.x-y.example");
  EXPECT_EQ(normalize_domain_name("").error(), "domain \"\": empty");
  EXPECT_EQ(normalize_domain_name(".").error(), "domain \".\": empty");
  EXPECT_EQ(normalize_domain_name("a.").value(), "a");
  EXPECT_EQ(normalize_domain_name("a..").error(), "domain \"a..\": empty label");
  EXPECT_EQ(normalize_domain_name(".a").error(), "domain \".a\": empty label");
  EXPECT_NE(normalize_domain_name(std::string(64, 'a') + ".example").error().find("label longer than 63 octets"),
            std::string::npos);
  EXPECT_TRUE(normalize_domain_name(std::string(63, 'a') + ".example"));
  EXPECT_EQ(normalize_domain_name("caf\xc3\xa9.example").error(),
            "domain \"caf\\xc3\\xa9.example\": non-ASCII name: write it in IDNA (xn--) form");
}

TEST(DomainName, IpAddresses) {
  EXPECT_EQ(*parse_ip_address("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(*parse_ip_address("2001:DB8:0::1"), "2001:db8::1");
  EXPECT_FALSE(parse_ip_address("192.0.2"));
  EXPECT_FALSE(parse_ip_address("example.org"));
  EXPECT_FALSE(parse_ip_address(""));
  EXPECT_EQ(*parse_address_literal("[192.0.2.1]"), "192.0.2.1");
  EXPECT_EQ(*parse_address_literal("[IPv6:::1]"), "::1");
  EXPECT_FALSE(parse_address_literal("[IPv6:192.0.2.1]"));
  EXPECT_FALSE(parse_address_literal("192.0.2.1"));
  EXPECT_FALSE(parse_address_literal("[]"));
}

}  // namespace
}  // namespace hamail::mailsvc::outbound
