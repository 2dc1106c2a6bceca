#include "hamail/metrics/listen_address.h"

#include <gtest/gtest.h>

namespace hamail::metrics {
namespace {

TEST(ListenAddress, ParsesIpv4AndBracketedIpv6) {
  auto a = parse_listen_address("127.0.0.1:9664");
  ASSERT_TRUE(a.is_ok()) << a.error();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9664);
  auto b = parse_listen_address("[::1]:9665");
  ASSERT_TRUE(b.is_ok()) << b.error();
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 9665);
}

TEST(ListenAddress, RefusesWhatIsNotHostColonPort) {
  for (const char* bad : {"", "9664", "localhost:9664", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                          "127.0.0.1:96x", "::1:9664", "[::1]9664", "[127.0.0.1]:80", "1.2.3:80"}) {
    auto r = parse_listen_address(bad);
    EXPECT_FALSE(r.is_ok()) << bad;
    if (!r.is_ok()) {
      EXPECT_NE(r.error().find("HOST:PORT"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace hamail::metrics
