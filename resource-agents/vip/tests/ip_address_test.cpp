// IpAddress: parsing both families, printing, subnet membership, IPv4 broadcast.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "hamail/agents/vip/ip_address.h"

using namespace hamail::vip;

TEST(IpAddress, ParsesIpv4AndIpv6) {
  auto a = parse_ip("10.201.1.50");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, AF_INET);
  EXPECT_EQ(a->bytes[0], 10);
  EXPECT_EQ(a->bytes[3], 50);
  EXPECT_EQ(a->to_string(), "10.201.1.50");
  auto b = parse_ip("2001:db8::10");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->family, AF_INET6);
  EXPECT_EQ(b->bytes[15], 0x10);
  EXPECT_EQ(b->to_string(), "2001:db8::10");
}

TEST(IpAddress, RejectsGarbage) {
  for (const char* bad : {"", "10.0.0", "10.0.0.256", "host.example", "1::2::3", " 10.0.0.1", "10.0.0.1/24"}) {
    auto a = parse_ip(bad);
    EXPECT_FALSE(a) << bad;
    if (!a) {
      EXPECT_NE(a.error().find("not an IPv4 or IPv6 address"), std::string::npos);
    }
  }
}

TEST(IpAddress, SubnetMembership) {
  auto vip = *parse_ip("10.201.1.50");
  EXPECT_TRUE(in_subnet(vip, *parse_ip("10.201.1.11"), 24));
  EXPECT_FALSE(in_subnet(vip, *parse_ip("10.201.2.11"), 24));
  EXPECT_TRUE(in_subnet(vip, *parse_ip("10.201.2.11"), 16));
  EXPECT_TRUE(in_subnet(vip, *parse_ip("10.201.1.63"), 26));
  EXPECT_FALSE(in_subnet(vip, *parse_ip("10.201.1.64"), 26));
  EXPECT_FALSE(in_subnet(vip, *parse_ip("2001:db8::1"), 24));  // other family
  EXPECT_TRUE(in_subnet(*parse_ip("2001:db8::10"), *parse_ip("2001:db8::1"), 64));
  EXPECT_FALSE(in_subnet(*parse_ip("2001:db8:1::10"), *parse_ip("2001:db8::1"), 64));
}

TEST(IpAddress, Ipv4Broadcast) {
  EXPECT_EQ(ipv4_broadcast(*parse_ip("10.201.1.50"), 24).to_string(), "10.201.1.255");
  EXPECT_EQ(ipv4_broadcast(*parse_ip("10.201.1.50"), 26).to_string(), "10.201.1.63");
  EXPECT_EQ(ipv4_broadcast(*parse_ip("10.201.1.50"), 8).to_string(), "10.255.255.255");
}
