#include "hamail/mailsvc/outbound/mail_resolver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "fake_dns_server.h"

// Every resolver here asks the FakeDnsServer on 127.0.0.1 (DnsServerOverride), never the
// servers of /etc/resolv.conf: no test touches the real network.
namespace hamail::mailsvc::outbound {
namespace {

using testing::FakeDnsServer;

class MailResolverTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(dns.port(), 0) << "cannot bind the fake DNS server to 127.0.0.1"; }
  MailResolver resolver(int timeout_s = 2, int attempts = 1) const {
    return MailResolver(DnsServerOverride{"127.0.0.1", dns.port()}, timeout_s, attempts);
  }
  static std::vector<std::string> names(const MailRoute& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hosts) out.push_back(h.name);
    return out;
  }
  FakeDnsServer dns;
};

TEST_F(MailResolverTest, MxHostsInPreferenceOrderWithTheirAddresses) {
  dns.add_mx("example.org", 20, "mx2.example.org");
  dns.add_mx("example.org", 10, "mx1.example.org");
  dns.add_a("mx1.example.org", "192.0.2.1");
  dns.add_aaaa("mx1.example.org", "2001:db8::1");
  dns.add_a("mx2.example.org", "192.0.2.2");
  dns.add_a("mx2.example.org", "192.0.2.3");
  MailRoute r = resolver().lookup_mail_hosts("Example.ORG.");
  ASSERT_TRUE(r.ok()) << r.error->message;
  ASSERT_EQ(r.hosts.size(), 2u);
  EXPECT_EQ(r.hosts[0].name, "mx1.example.org");
  EXPECT_EQ(r.hosts[0].preference, 10);
  EXPECT_EQ(r.hosts[0].addresses, (std::vector<std::string>{"192.0.2.1", "2001:db8::1"}));
  EXPECT_EQ(r.hosts[1].name, "mx2.example.org");
  EXPECT_EQ(r.hosts[1].preference, 20);
  EXPECT_EQ(r.hosts[1].addresses, (std::vector<std::string>{"192.0.2.2", "192.0.2.3"}));
  EXPECT_GT(dns.queries(), 0);
}

TEST_F(MailResolverTest, EqualPreferencesKeepOrderOrShuffleBySeed) {
  const std::vector<std::string> received = {"a.example.org", "b.example.org", "c.example.org", "d.example.org"};
  for (const auto& n : received) {
    dns.add_mx("example.org", 10, n);
    dns.add_a(n, "192.0.2.9");
  }
  dns.add_mx("example.org", 5, "first.example.org");
  dns.add_a("first.example.org", "192.0.2.8");
  auto res = resolver();
  auto plain = names(res.lookup_mail_hosts("example.org"));
  std::vector<std::string> expected = {"first.example.org"};
  expected.insert(expected.end(), received.begin(), received.end());
  EXPECT_EQ(plain, expected);

  EXPECT_EQ(names(res.lookup_mail_hosts("example.org", 42)), names(res.lookup_mail_hosts("example.org", 42)));
  bool some_differ = false;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    auto shuffled = names(res.lookup_mail_hosts("example.org", seed));
    ASSERT_EQ(shuffled.size(), 5u);
    EXPECT_EQ(shuffled[0], "first.example.org");
    EXPECT_EQ(std::set<std::string>(shuffled.begin(), shuffled.end()),
              std::set<std::string>(expected.begin(), expected.end()));
    some_differ = some_differ || shuffled != expected;
  }
  EXPECT_TRUE(some_differ);
}

TEST_F(MailResolverTest, NoMxMeansTheImplicitMx) {
  dns.add_a("plain.example", "198.51.100.7");
  dns.add_aaaa("plain.example", "2001:db8::7");
  MailRoute r = resolver().lookup_mail_hosts("plain.example");
  ASSERT_TRUE(r.ok()) << r.error->message;
  ASSERT_EQ(r.hosts.size(), 1u);
  EXPECT_EQ(r.hosts[0].name, "plain.example");
  EXPECT_EQ(r.hosts[0].preference, 0);
  EXPECT_EQ(r.hosts[0].addresses, (std::vector<std::string>{"198.51.100.7", "2001:db8::7"}));
}

TEST_F(MailResolverTest, NullMxIsPermanent) {
  dns.add_mx("nomail.example", 0, "");
  MailRoute r = resolver().lookup_mail_hosts("nomail.example");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.hosts.empty());
  EXPECT_EQ(r.error->kind, LookupFailure::permanent);
  EXPECT_EQ(r.error->message, "domain nomail.example does not accept mail (null MX, RFC 7505)");
}

TEST_F(MailResolverTest, NxdomainIsPermanent) {
  MailRoute r = resolver().lookup_mail_hosts("missing.example");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, LookupFailure::permanent);
  EXPECT_EQ(r.error->message, "domain missing.example does not exist (NXDOMAIN)");
}

TEST_F(MailResolverTest, ServfailIsTemporary) {
  dns.servfail("broken.example");
  MailRoute r = resolver(2, 2).lookup_mail_hosts("broken.example");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, LookupFailure::temporary);
  EXPECT_NE(r.error->message.find("MX lookup for broken.example failed: server failure"), std::string::npos)
      << r.error->message;
}

TEST_F(MailResolverTest, TimeoutIsTemporaryAndQuick) {
  dns.drop("slow.example");
  auto start = std::chrono::steady_clock::now();
  MailRoute r = resolver(1, 1).lookup_mail_hosts("slow.example");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, LookupFailure::temporary);
  EXPECT_NE(r.error->message.find("MX lookup for slow.example failed: timed out"), std::string::npos)
      << r.error->message;
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(dns.queries(), 1);
}

TEST_F(MailResolverTest, MxTargetWithoutAddressIsSkipped) {
  dns.add_mx("example.net", 10, "gone.example.net");     // NXDOMAIN
  dns.add_mx("example.net", 15, "bare.example.net");     // exists, no A/AAAA
  dns.add_mx("example.net", 20, "mx.example.net");
  dns.add_mx("bare.example.net", 1, "whatever.example.net");
  dns.add_a("mx.example.net", "192.0.2.20");
  MailRoute r = resolver().lookup_mail_hosts("example.net");
  ASSERT_TRUE(r.ok()) << r.error->message;
  EXPECT_EQ(names(r), (std::vector<std::string>{"mx.example.net"}));
}

TEST_F(MailResolverTest, NoUsableAddressIsTemporaryAndNamesTheHosts) {
  dns.add_mx("example.net", 10, "gone.example.net");
  dns.add_mx("example.net", 20, "sick.example.net");
  dns.servfail("sick.example.net");
  MailRoute r = resolver().lookup_mail_hosts("example.net");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, LookupFailure::temporary);
  EXPECT_NE(r.error->message.find("no MX host of example.net has a usable address: host gone.example.net does not "
                                  "exist (NXDOMAIN); A lookup for sick.example.net: server failure"),
            std::string::npos)
      << r.error->message;
}

TEST_F(MailResolverTest, CnameIsFollowed) {
  dns.add_cname("alias.example", "real.example");
  dns.add_mx("real.example", 10, "mx.real.example");
  dns.add_cname("mx.real.example", "box.real.example");
  dns.add_a("box.real.example", "192.0.2.30");
  MailRoute r = resolver().lookup_mail_hosts("alias.example");
  ASSERT_TRUE(r.ok()) << r.error->message;
  ASSERT_EQ(r.hosts.size(), 1u);
  EXPECT_EQ(r.hosts[0].name, "mx.real.example");
  EXPECT_EQ(r.hosts[0].addresses, (std::vector<std::string>{"192.0.2.30"}));
}

TEST_F(MailResolverTest, AnswerEndingAtACnameMakesItAskForTheTarget) {
  dns.set_follow_cnames(false);
  dns.add_cname("alias.example", "real.example");
  dns.add_mx("real.example", 10, "mx.real.example");
  dns.add_a("mx.real.example", "192.0.2.31");
  MailRoute r = resolver().lookup_mail_hosts("alias.example");
  ASSERT_TRUE(r.ok()) << r.error->message;
  EXPECT_EQ(names(r), (std::vector<std::string>{"mx.real.example"}));
}

TEST_F(MailResolverTest, CnameLoopIsBounded) {
  dns.set_follow_cnames(false);
  dns.add_cname("loop1.example", "loop2.example");
  dns.add_cname("loop2.example", "loop1.example");
  MailRoute r = resolver().lookup_mail_hosts("loop1.example");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, LookupFailure::temporary);
  EXPECT_NE(r.error->message.find("CNAME chain from loop1.example longer than 8"), std::string::npos)
      << r.error->message;
  EXPECT_LE(dns.queries(), 8);
}

TEST_F(MailResolverTest, InvalidDomainIsPermanentWithoutAQuery) {
  for (const char* bad : {"", "a..example", ".", "bad domain.example", "caf\xc3\xa9.example"}) {
    MailRoute r = resolver().lookup_mail_hosts(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error->kind, LookupFailure::permanent) << bad;
  }
  std::string long_name;
  for (int i = 0; i < 60; ++i) long_name += "abcd.";
  MailRoute r = resolver().lookup_mail_hosts(long_name + "example");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error->message.find("longer than 253 octets"), std::string::npos) << r.error->message;
  EXPECT_EQ(dns.queries(), 0);
}

TEST_F(MailResolverTest, HostsAndAddressesAreBounded) {
  for (int i = 0; i < 12; ++i) {
    std::string host = "mx" + std::to_string(i) + ".big.example";
    dns.add_mx("big.example", static_cast<std::uint16_t>(i), host);
    dns.add_a(host, "192.0.2." + std::to_string(i + 1));
  }
  for (int i = 0; i < 10; ++i) dns.add_a("mx0.big.example", "198.51.100." + std::to_string(i + 1));
  MailRoute r = resolver().lookup_mail_hosts("big.example");
  ASSERT_TRUE(r.ok()) << r.error->message;
  EXPECT_EQ(r.hosts.size(), MailResolver::kMaxMailHosts);
  EXPECT_EQ(r.hosts[0].addresses.size(), MailResolver::kMaxAddressesPerHost);
  EXPECT_EQ(r.hosts.back().name, "mx9.big.example");
}

TEST_F(MailResolverTest, AddressLiteralDomainNeedsNoQuery) {
  MailRoute r = resolver().lookup_mail_hosts("[192.0.2.5]");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.hosts[0].addresses, (std::vector<std::string>{"192.0.2.5"}));
  r = resolver().lookup_mail_hosts("[IPv6:2001:DB8::5]");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.hosts[0].addresses, (std::vector<std::string>{"2001:db8::5"}));
  r = resolver().lookup_mail_hosts("[192.0.2.999]");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, LookupFailure::permanent);
  EXPECT_EQ(dns.queries(), 0);
}

TEST_F(MailResolverTest, LookupAddresses) {
  dns.add_a("smtp.example.org", "192.0.2.40");
  dns.add_aaaa("smtp.example.org", "2001:db8::40");
  auto res = resolver();
  MailRoute r = res.lookup_addresses("smtp.example.org");
  ASSERT_TRUE(r.ok()) << r.error->message;
  EXPECT_EQ(r.hosts[0].addresses, (std::vector<std::string>{"192.0.2.40", "2001:db8::40"}));
  r = res.lookup_addresses("nothere.example.org");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, LookupFailure::permanent);
  EXPECT_EQ(r.error->message, "host nothere.example.org does not exist (NXDOMAIN)");
  const int before = dns.queries();
  r = res.lookup_addresses("10.0.0.1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.hosts[0].addresses, (std::vector<std::string>{"10.0.0.1"}));
  EXPECT_EQ(dns.queries(), before);
}

TEST_F(MailResolverTest, RelayHopFailuresAreNeverPermanent) {
  dns.add_a("relay.example.org", "192.0.2.50");
  auto res = resolver();
  auto ok = res.lookup_next_hop(*parse_relay_host("[relay.example.org]:587"));
  ASSERT_TRUE(ok.ok()) << ok.error->message;
  EXPECT_EQ(ok.hosts[0].addresses, (std::vector<std::string>{"192.0.2.50"}));

  auto typo = res.lookup_next_hop(*parse_relay_host("[relya.example.org]:587"));
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error->kind, LookupFailure::temporary);
  EXPECT_EQ(typo.error->message,
            "relay_host [relya.example.org]:587: host relya.example.org does not exist (NXDOMAIN)");

  auto direct = res.lookup_next_hop(next_hop_for_domain("missing.example"));
  ASSERT_FALSE(direct.ok());
  EXPECT_EQ(direct.error->kind, LookupFailure::permanent);
}

TEST_F(MailResolverTest, BadOverrideFailsWithoutFallingBackToResolvConf) {
  MailResolver res(DnsServerOverride{"not-an-ip", 53}, 1, 1);
  MailRoute r = res.lookup_mail_hosts("example.org");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, LookupFailure::temporary);
  EXPECT_EQ(r.error->message, "MX lookup for example.org: DNS server override \"not-an-ip\" is not an IPv4 address");
}

TEST_F(MailResolverTest, ConcurrentLookupsFromManyThreads) {
  dns.add_mx("example.org", 10, "mx1.example.org");
  dns.add_a("mx1.example.org", "192.0.2.1");
  dns.add_a("plain.example", "198.51.100.7");
  auto res = resolver();
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (res.lookup_mail_hosts("example.org").ok()) ++good;
        if (res.lookup_mail_hosts("plain.example").ok()) ++good;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 80);
}

}  // namespace
}  // namespace hamail::mailsvc::outbound
