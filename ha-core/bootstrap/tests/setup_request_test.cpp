#include <gtest/gtest.h>

#include "hamail/hacore/bootstrap/setup_request.h"

namespace hamail::bootstrap {
namespace {

std::vector<std::string> words(std::initializer_list<const char*> w) { return {w.begin(), w.end()}; }

std::string error_of(std::initializer_list<const char*> w) {
  auto r = parse_setup_request(words(w));
  EXPECT_FALSE(r) << "accepted";
  return r ? std::string() : r.error();
}

TEST(SetupRequest, TwoNodesWithDefaults) {
  auto r = parse_setup_request(words({"--name", "mail", "mail-ha1=192.0.2.11", "mail-ha2=192.0.2.12"}));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->cluster_name, "mail");
  ASSERT_EQ(r->nodes.size(), 2u);
  EXPECT_EQ(r->nodes[0].name, "mail-ha1");
  EXPECT_EQ(r->nodes[0].ring_addrs, std::vector<std::string>{"192.0.2.11"});
  EXPECT_EQ(r->nodes[0].replication_addr, "192.0.2.11") << "replication defaults to the ring address";
  EXPECT_EQ(r->nodes[1].replication_addr, "192.0.2.12");
  EXPECT_TRUE(r->volumes.empty());
}

TEST(SetupRequest, SecondRingReplicationAndVolumes) {
  auto r = parse_setup_request(words({"mail-ha1=192.0.2.11", "--ring2", "mail-ha2=198.51.100.12", "--name", "mail",
                                      "mail-ha2=192.0.2.12", "--ring2", "mail-ha1=198.51.100.11", "--replication",
                                      "mail-ha2=203.0.113.12", "--volume", "r0=/dev/vg/mail", "--volume",
                                      "r1=/srv/disks/r1-%n.img"}));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->nodes[0].ring_addrs, (std::vector<std::string>{"192.0.2.11", "198.51.100.11"}));
  EXPECT_EQ(r->nodes[1].ring_addrs, (std::vector<std::string>{"192.0.2.12", "198.51.100.12"}));
  EXPECT_EQ(r->nodes[0].replication_addr, "192.0.2.11");
  EXPECT_EQ(r->nodes[1].replication_addr, "203.0.113.12");
  ASSERT_EQ(r->volumes.size(), 2u);
  EXPECT_EQ(r->volumes[1].name, "r1");
  EXPECT_EQ(r->volumes[1].device, "/srv/disks/r1-%n.img");
}

TEST(SetupRequest, Ipv6Addresses) {
  auto r = parse_setup_request(words({"--name", "m", "a=2001:db8::1", "b=2001:db8::2"}));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->nodes[1].ring_addrs[0], "2001:db8::2");
}

TEST(SetupRequest, ErrorsNameTheArgument) {
  EXPECT_EQ(error_of({"mail-ha1=192.0.2.11", "mail-ha2=192.0.2.12"}),
            "--name NAME is required (the cluster's name, corosync's cluster_name)");
  EXPECT_EQ(error_of({"--name", "mail", "mail-ha1=10.0.0.300", "mail-ha2=192.0.2.12"}),
            "mail-ha1=10.0.0.300: '10.0.0.300' is not an IPv4 or IPv6 address");
  EXPECT_EQ(error_of({"--name", "mail", "mail-ha1=192.0.2.11", "mail-ha1=192.0.2.12"}),
            "mail-ha1=192.0.2.12: node mail-ha1 is named twice");
  EXPECT_EQ(error_of({"--name", "mail", "mail-ha1=192.0.2.11"}),
            "two nodes are needed (NODE=ADDRESS each, e.g. mail-ha1=192.0.2.11 mail-ha2=192.0.2.12), found 1");
  EXPECT_EQ(error_of({"--name", "mail", "a=192.0.2.11", "b=192.0.2.12", "c=192.0.2.13"}).substr(0, 25),
            "two nodes are needed (NOD");
  EXPECT_EQ(error_of({"--name", "mail", "mail-ha1", "mail-ha2=192.0.2.12"}),
            "'mail-ha1': expected NODE=ADDRESS (e.g. mail-ha1=192.0.2.11)");
  EXPECT_EQ(error_of({"--name", "mail", "a=192.0.2.11", "b=192.0.2.11"}), "b=192.0.2.11: address 192.0.2.11 is also a's");
  EXPECT_EQ(error_of({"--name", "mail", "a=192.0.2.11", "b=192.0.2.12", "--replication", "b=192.0.2.11"}),
            "--replication b=192.0.2.11: address 192.0.2.11 is also a's");
  EXPECT_EQ(error_of({"--name", "my mail", "a=192.0.2.11", "b=192.0.2.12"}),
            "--name my mail: a cluster name is letters, digits, '-', '_' or '.' (at most 63)");
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=192.0.2.12", "--bogus"}), "unknown option --bogus");
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=192.0.2.12", "--ring2"}), "--ring2 needs a value");
}

TEST(SetupRequest, SecondRingErrors) {
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=192.0.2.12", "--ring2", "c=10.1.0.1"}),
            "--ring2 c=10.1.0.1: no node named c (the nodes are a and b)");
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=192.0.2.12", "--ring2", "a=10.1.0.1"}),
            "--ring2: a second link needs an address on both nodes; none for b");
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=192.0.2.12", "--ring2", "a=10.1.0.1", "--ring2", "a=10.1.0.2"}),
            "--ring2 a=10.1.0.2: --ring2 is given twice for a");
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=192.0.2.12", "--ring2", "a=192.0.2.11", "--ring2", "b=10.1.0.2"}),
            "--ring2 a=192.0.2.11: the same address as a's link 0");
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=2001:db8::2"}), "b=2001:db8::2: link 0 mixes IPv4 and IPv6 between the nodes");
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=192.0.2.12", "--ring2", "a=10.1.0.1", "--ring2", "b=fd00::2"}),
            "--ring2 b=fd00::2: link 1 mixes IPv4 and IPv6 between the nodes");
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=192.0.2.12", "--ring2", "a"}),
            "--ring2 a: expected NODE=ADDRESS");
}

TEST(SetupRequest, VolumeErrors) {
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=192.0.2.12", "--volume", "r0"}),
            "--volume r0: expected NAME=DEVICE (e.g. r0=/dev/vg/mail)");
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=192.0.2.12", "--volume", "r0=dev/vdb"}),
            "--volume r0=dev/vdb: the device must be an absolute path of letters, digits and / . _ - + : @ %");
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=192.0.2.12", "--volume", "r0=/dev/a b"}),
            "--volume r0=/dev/a b: the device must be an absolute path of letters, digits and / . _ - + : @ %");
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=192.0.2.12", "--volume", "r0=/dev/a", "--volume", "r0=/dev/b"}),
            "--volume r0=/dev/b: volume r0 is named twice");
  EXPECT_EQ(error_of({"--name", "m", "a=192.0.2.11", "b=192.0.2.12", "--volume", "r/0=/dev/a"}),
            "--volume r/0=/dev/a: a volume name is letters, digits, '-', '_' or '.' (at most 63)");
}

}  // namespace
}  // namespace hamail::bootstrap
