#include "hamail/mailsvc/dnsd/dnsd_config.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace hamail::mailsvc::dnsd {
namespace {

TEST(DnsdConfig, ReadsEveryKey) {
  auto c = parse_dnsd_config(R"(user: nobody
listeners:
  - {address: 127.0.0.1, port: 5300}
  - {address: "::1"}
zones:
  - name: example.org
    file: zones/example.org.zone
    allow_transfer: [127.0.0.1, 192.0.2.0/24, "2001:db8::/32"]
    notify: [192.0.2.7, "192.0.2.8:5353", "[2001:db8::1]:53"]
udp_size: 1400
tcp_idle_timeout: 5s
max_tcp_connections: 7
rrl: {responses_per_second: 5, slip: 3, window: 10s}
control_socket: /run/hamail/dnsd.sock
threads: 2
)",
                             "/etc/hamail/dnsd.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->user, "nobody");
  ASSERT_EQ(c->listeners.size(), 2u);
  EXPECT_EQ(c->listeners[0].port, 5300);
  EXPECT_EQ(c->listeners[1].address, "::1");
  EXPECT_EQ(c->listeners[1].port, 53);
  ASSERT_EQ(c->zones.size(), 1u);
  EXPECT_EQ(c->zones[0].file, "/etc/hamail/zones/example.org.zone");
  ASSERT_EQ(c->zones[0].allow_transfer.size(), 3u);
  EXPECT_EQ(c->zones[0].allow_transfer[1].to_text(), "192.0.2.0/24");
  ASSERT_EQ(c->zones[0].notify.size(), 3u);
  EXPECT_EQ(c->zones[0].notify[1].port, 5353);
  EXPECT_EQ(c->zones[0].notify[2].address, "2001:db8::1");
  EXPECT_EQ(c->udp_size, 1400);
  EXPECT_EQ(c->tcp_idle_timeout_ms, 5000u);
  EXPECT_EQ(c->max_tcp_connections, 7u);
  EXPECT_TRUE(c->rrl.enabled);
  EXPECT_EQ(c->rrl.responses_per_second, 5u);
  EXPECT_EQ(c->rrl.slip, 3u);
  EXPECT_EQ(c->rrl.window_s, 10u);
  EXPECT_EQ(c->control_socket, "/run/hamail/dnsd.sock");
  EXPECT_EQ(c->threads, 2u);
}

TEST(DnsdConfig, DefaultsWhenAbsent) {
  auto c = parse_dnsd_config("listeners: [{address: 127.0.0.1}]\nzones: []\n", "/x/d.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->udp_size, 1232);
  EXPECT_FALSE(c->rrl.enabled);
  EXPECT_TRUE(c->control_socket.empty());
  EXPECT_EQ(c->threads, 1u);
  auto zero = parse_dnsd_config("listeners: [{address: 127.0.0.1}]\nzones: []\nthreads: 0\n", "/x/d.yaml");
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().find("threads"), std::string::npos) << zero.error();
}

TEST(DnsdConfig, ErrorsNameFileLineColumnAndKey) {
  auto c = parse_dnsd_config(R"(listeners:
  - {address: 127.0.0.1, port: 70000}
zones:
  - name: example.org
    file: /z
    allow_transfer: [10.0.0.0/33]
    notify: ["bogus:x"]
  - {name: "a..b", file: /y}
udp_size: 100
rrl: {slip: 1, bogus: 2}
)",
                             "d.yaml");
  ASSERT_FALSE(c);
  const std::string& e = c.error();
  EXPECT_NE(e.find("d.yaml:2:"), std::string::npos) << e;
  EXPECT_NE(e.find("listeners[0].port"), std::string::npos) << e;
  EXPECT_NE(e.find("d.yaml:6:"), std::string::npos) << e;
  EXPECT_NE(e.find("zones[0].allow_transfer[0]"), std::string::npos) << e;
  EXPECT_NE(e.find("zones[0].notify[0]"), std::string::npos) << e;
  EXPECT_NE(e.find("zones[1].name"), std::string::npos) << e;
  EXPECT_NE(e.find("udp_size"), std::string::npos) << e;
  EXPECT_NE(e.find("rrl.bogus"), std::string::npos) << e;
}

TEST(DnsdConfig, RootAndMissingSectionsRefused) {
  auto c = parse_dnsd_config("user: root\n", "d.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("user"), std::string::npos);
  EXPECT_NE(c.error().find("listeners"), std::string::npos);
  EXPECT_NE(c.error().find("zones"), std::string::npos);
}

TEST(AddressRange, ContainsByPrefix) {
  auto r = AddressRange::parse("192.0.2.0/24");
  ASSERT_TRUE(r);
  sockaddr_in in{};
  in.sin_family = AF_INET;
  inet_pton(AF_INET, "192.0.2.77", &in.sin_addr);
  EXPECT_TRUE(r->contains(reinterpret_cast<sockaddr*>(&in)));
  inet_pton(AF_INET, "192.0.3.1", &in.sin_addr);
  EXPECT_FALSE(r->contains(reinterpret_cast<sockaddr*>(&in)));
  auto one = AddressRange::parse("127.0.0.1");
  ASSERT_TRUE(one);
  inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
  EXPECT_TRUE(one->contains(reinterpret_cast<sockaddr*>(&in)));
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6.sin6_addr);
  EXPECT_TRUE(one->contains(reinterpret_cast<sockaddr*>(&in6)));  // mapped counts as IPv4
  EXPECT_FALSE(AddressRange::parse("10.0.0.0/33"));
  EXPECT_FALSE(AddressRange::parse("host.example"));
  auto v6 = AddressRange::parse("2001:db8::/33");
  ASSERT_TRUE(v6);
  inet_pton(AF_INET6, "2001:db8:7fff::1", &in6.sin6_addr);
  EXPECT_TRUE(v6->contains(reinterpret_cast<sockaddr*>(&in6)));
  inet_pton(AF_INET6, "2001:db8:8000::1", &in6.sin6_addr);
  EXPECT_FALSE(v6->contains(reinterpret_cast<sockaddr*>(&in6)));
}

}  // namespace
}  // namespace hamail::mailsvc::dnsd
