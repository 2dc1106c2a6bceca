// Frame bytes: ARP probe and announcement, IPv6 DAD solicitation and unsolicited
// advertisement (checksums computed independently), and conflict detection.
#include <gtest/gtest.h>

#include "hamail/agents/vip/packets.h"

using namespace hamail::vip;
using Bytes = std::vector<std::uint8_t>;

namespace {
const MacAddress kOwn = {0x02, 0x00, 0x0a, 0xc9, 0x01, 0x0b};    // node1's eth0 in the lab
const MacAddress kOther = {0x02, 0x00, 0x0a, 0xc9, 0x01, 0x0c};  // node2's
const IpAddress kVip = *parse_ip("10.201.1.50");
const IpAddress kVip6 = *parse_ip("2001:db8::50");

Bytes slice(const Frame& f, std::size_t from, std::size_t n) { return Bytes(f.begin() + from, f.begin() + from + n); }
}  // namespace

TEST(Packets, MacToString) { EXPECT_EQ(mac_to_string(kOwn), "02:00:0a:c9:01:0b"); }

TEST(Packets, ArpProbeBytes) {
  Frame f = build_arp_probe(kOwn, kVip);
  ASSERT_EQ(f.size(), 60u);
  Bytes expect = {
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // broadcast
      0x02, 0x00, 0x0a, 0xc9, 0x01, 0x0b,  // from us
      0x08, 0x06,                          // ARP
      0x00, 0x01, 0x08, 0x00, 6, 4,        // Ethernet / IPv4
      0x00, 0x01,                          // request
      0x02, 0x00, 0x0a, 0xc9, 0x01, 0x0b,  // sender MAC
      0, 0, 0, 0,                          // sender IP 0.0.0.0: a probe
      0, 0, 0, 0, 0, 0,                    // target MAC unknown
      10, 201, 1, 50,                      // target IP: the VIP
  };
  EXPECT_EQ(slice(f, 0, expect.size()), expect);
  EXPECT_EQ(slice(f, 42, 18), Bytes(18, 0));  // padding to the Ethernet minimum
}

TEST(Packets, ArpAnnouncementBytes) {
  Frame f = build_arp_announcement(kOwn, kVip);
  ASSERT_EQ(f.size(), 60u);
  EXPECT_EQ(slice(f, 0, 6), Bytes(6, 0xff));
  EXPECT_EQ(slice(f, 20, 2), (Bytes{0x00, 0x01}));                 // request (gratuitous)
  EXPECT_EQ(slice(f, 22, 6), Bytes(kOwn.begin(), kOwn.end()));     // sender MAC
  EXPECT_EQ(slice(f, 28, 4), (Bytes{10, 201, 1, 50}));             // sender IP = VIP
  EXPECT_EQ(slice(f, 32, 6), Bytes(6, 0));                         // target MAC
  EXPECT_EQ(slice(f, 38, 4), (Bytes{10, 201, 1, 50}));             // target IP = VIP
}

TEST(Packets, NeighbourSolicitationForDad) {
  Frame f = build_ns_dad_probe(kOwn, kVip6);
  ASSERT_EQ(f.size(), 14u + 40 + 24);
  EXPECT_EQ(slice(f, 0, 6), (Bytes{0x33, 0x33, 0xff, 0x00, 0x00, 0x50}));  // solicited-node MAC
  EXPECT_EQ(slice(f, 12, 2), (Bytes{0x86, 0xdd}));
  EXPECT_EQ(slice(f, 14, 8), (Bytes{0x60, 0, 0, 0, 0, 24, 58, 255}));       // v6, len 24, ICMPv6, hop 255
  EXPECT_EQ(slice(f, 22, 16), Bytes(16, 0));                                // source ::
  EXPECT_EQ(slice(f, 38, 16), (Bytes{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 0x50}));
  EXPECT_EQ(slice(f, 54, 8), (Bytes{135, 0, 0x4c, 0x4f, 0, 0, 0, 0}));      // NS, checksum
  EXPECT_EQ(slice(f, 62, 16), Bytes(kVip6.bytes.begin(), kVip6.bytes.end()));
}

TEST(Packets, UnsolicitedNeighbourAdvertisement) {
  Frame f = build_unsolicited_na(kOwn, kVip6);
  ASSERT_EQ(f.size(), 14u + 40 + 32);
  EXPECT_EQ(slice(f, 0, 6), (Bytes{0x33, 0x33, 0, 0, 0, 1}));           // all-nodes MAC
  EXPECT_EQ(slice(f, 14, 8), (Bytes{0x60, 0, 0, 0, 0, 32, 58, 255}));
  EXPECT_EQ(slice(f, 22, 16), Bytes(kVip6.bytes.begin(), kVip6.bytes.end()));  // from the VIP
  EXPECT_EQ(slice(f, 38, 16), (Bytes{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(slice(f, 54, 8), (Bytes{136, 0, 0xec, 0xb9, 0x20, 0, 0, 0}));  // NA, checksum, Override
  EXPECT_EQ(slice(f, 62, 16), Bytes(kVip6.bytes.begin(), kVip6.bytes.end()));
  EXPECT_EQ(slice(f, 78, 8), (Bytes{2, 1, 0x02, 0x00, 0x0a, 0xc9, 0x01, 0x0b}));  // target link-layer
}

TEST(Packets, ChecksumOfABuiltMessageVerifiesToZero) {
  Frame f = build_unsolicited_na(kOwn, kVip6);
  IpAddress all_nodes = *parse_ip("ff02::1");
  EXPECT_EQ(icmpv6_checksum(kVip6, all_nodes, std::span(f).subspan(54)), 0);
}

TEST(Packets, ArpReplyFromAnotherMachineIsAConflict) {
  Frame reply = build_arp_announcement(kOther, kVip);  // sender IP = VIP, sender MAC = other
  reply[21] = 2;                                      // make it a reply
  auto who = conflicting_owner(reply, kVip, kOwn);
  ASSERT_TRUE(who);
  EXPECT_EQ(*who, kOther);
}

TEST(Packets, OwnFramesProbesAndOtherAddressesAreNot) {
  EXPECT_FALSE(conflicting_owner(build_arp_announcement(kOwn, kVip), kVip, kOwn));
  EXPECT_FALSE(conflicting_owner(build_arp_probe(kOther, kVip), kVip, kOwn));  // someone else probing
  EXPECT_FALSE(conflicting_owner(build_arp_announcement(kOther, *parse_ip("10.201.1.51")), kVip, kOwn));
  Frame truncated = build_arp_announcement(kOther, kVip);
  truncated.resize(30);
  EXPECT_FALSE(conflicting_owner(truncated, kVip, kOwn));
  EXPECT_FALSE(conflicting_owner(Frame{}, kVip, kOwn));
}

TEST(Packets, NeighbourAdvertisementFromAnotherMachineIsAConflict) {
  auto who = conflicting_owner(build_unsolicited_na(kOther, kVip6), kVip6, kOwn);
  ASSERT_TRUE(who);
  EXPECT_EQ(*who, kOther);
  EXPECT_FALSE(conflicting_owner(build_unsolicited_na(kOwn, kVip6), kVip6, kOwn));
  EXPECT_FALSE(conflicting_owner(build_ns_dad_probe(kOther, kVip6), kVip6, kOwn));
  EXPECT_FALSE(conflicting_owner(build_unsolicited_na(kOther, *parse_ip("2001:db8::51")), kVip6, kOwn));
}
