// parse_vip_params(): defaults per family, each parameter's syntax, all errors at once.
#include <gtest/gtest.h>

#include "hamail/agents/vip/vip_params.h"

using namespace hamail::vip;
using Params = std::map<std::string, std::string>;

TEST(VipParams, DefaultsForIpv4) {
  auto p = parse_vip_params({{"ip", "10.201.1.50"}});
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->prefix, 24);
  EXPECT_EQ(p->nic, "");
  EXPECT_EQ(p->arp_count, 5);
  EXPECT_EQ(p->arp_interval_ms, 200);
  EXPECT_TRUE(p->check_duplicate);
}

TEST(VipParams, DefaultsForIpv6) {
  auto p = parse_vip_params({{"ip", "2001:db8::50"}});
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->prefix, 64);
}

TEST(VipParams, EveryParameter) {
  auto p = parse_vip_params({{"ip", "10.201.1.50"}, {"cidr_netmask", "26"}, {"nic", "eth0"},
                             {"label", "eth0:mail"}, {"arp_count", "3"}, {"arp_interval_ms", "100"},
                             {"check_duplicate", "no"}});
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->prefix, 26);
  EXPECT_EQ(p->nic, "eth0");
  EXPECT_EQ(p->label, "eth0:mail");
  EXPECT_EQ(p->arp_count, 3);
  EXPECT_EQ(p->arp_interval_ms, 100);
  EXPECT_FALSE(p->check_duplicate);
}

TEST(VipParams, EmptyValuesMeanDefault) {
  auto p = parse_vip_params({{"ip", "10.0.0.1"}, {"cidr_netmask", ""}, {"nic", ""}});
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->prefix, 24);
}

TEST(VipParams, DottedNetmask) {
  auto ip = *parse_ip("10.0.0.1");
  EXPECT_EQ(*parse_prefix("255.255.255.0", ip), 24);
  EXPECT_EQ(*parse_prefix("255.255.240.0", ip), 20);
  auto bad = parse_prefix("255.0.255.0", ip);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("not a contiguous netmask"), std::string::npos);
}

TEST(VipParams, MissingIp) {
  auto p = parse_vip_params({});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(), "ip: missing (required), e.g. ip=10.0.0.10");
}

TEST(VipParams, ReportsEveryErrorNamingItsParameter) {
  auto p = parse_vip_params({{"ip", "10.201.1.50"}, {"cidr_netmask", "33"}, {"nic", "a/b"},
                             {"arp_count", "many"}, {"arp_interval_ms", "0"}, {"check_duplicate", "maybe"}});
  ASSERT_FALSE(p);
  const std::string& e = p.error();
  EXPECT_NE(e.find("cidr_netmask: '33' is out of range 1-32 for an IPv4 address"), std::string::npos) << e;
  EXPECT_NE(e.find("nic: 'a/b' is not a valid interface name"), std::string::npos) << e;
  EXPECT_NE(e.find("arp_count: 'many' is not a whole number"), std::string::npos) << e;
  EXPECT_NE(e.find("arp_interval_ms: '0' is out of range 1-10000"), std::string::npos) << e;
  EXPECT_NE(e.find("check_duplicate: 'maybe' is not a boolean"), std::string::npos) << e;
}

TEST(VipParams, Ipv6PrefixRange) {
  EXPECT_TRUE(parse_vip_params({{"ip", "2001:db8::1"}, {"cidr_netmask", "128"}}));
  auto p = parse_vip_params({{"ip", "2001:db8::1"}, {"cidr_netmask", "129"}});
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().find("out of range 1-128 for an IPv6 address"), std::string::npos) << p.error();
}

TEST(VipParams, LabelRules) {
  auto v6 = parse_vip_params({{"ip", "2001:db8::1"}, {"label", "eth0:x"}});
  ASSERT_FALSE(v6);
  EXPECT_NE(v6.error().find("label: labels exist for IPv4 addresses only"), std::string::npos);
  auto other = parse_vip_params({{"ip", "10.0.0.1"}, {"nic", "eth1"}, {"label", "eth0:x"}});
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().find("must start with the nic name 'eth1'"), std::string::npos) << other.error();
  auto long_label = parse_vip_params({{"ip", "10.0.0.1"}, {"label", "eth0:averylonglabel"}});
  EXPECT_FALSE(long_label);
}

TEST(VipParams, Booleans) {
  for (const char* t : {"true", "yes", "1", "on", "TRUE"}) EXPECT_TRUE(*parse_bool(t)) << t;
  for (const char* f : {"false", "no", "0", "off", "No"}) EXPECT_FALSE(*parse_bool(f)) << f;
}

TEST(VipParams, ArpCountBounds) {
  EXPECT_TRUE(parse_vip_params({{"ip", "10.0.0.1"}, {"arp_count", "0"}}));
  EXPECT_TRUE(parse_vip_params({{"ip", "10.0.0.1"}, {"arp_count", "100"}}));
  EXPECT_FALSE(parse_vip_params({{"ip", "10.0.0.1"}, {"arp_count", "101"}}));
  EXPECT_FALSE(parse_vip_params({{"ip", "10.0.0.1"}, {"arp_count", "-1"}}));
  EXPECT_FALSE(parse_vip_params({{"ip", "10.0.0.1"}, {"arp_count", "5x"}}));
}
