#include "hamail/mailsvc/outbound/recipient_domains.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::outbound {
namespace {

TEST(RecipientDomains, DomainOfAddress) {
  EXPECT_EQ(domain_of_address("Bob@Example.ORG"), "example.org");
  EXPECT_EQ(domain_of_address("\"a@b\"@example.net"), "example.net");
  EXPECT_EQ(domain_of_address("postmaster"), "");
  EXPECT_EQ(domain_of_address("x@[IPv6:2001:DB8::1]"), "[ipv6:2001:db8::1]");
}

TEST(RecipientDomains, GroupsInFirstSeenOrder) {
  auto g = group_by_domain({"a@y.org", "b@X.net", "c@Y.ORG", "a@y.org", "d@x.net", "e@z.com"});
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].domain, "y.org");
  EXPECT_EQ(g[0].addresses, (std::vector<std::string>{"a@y.org", "c@Y.ORG"}));
  EXPECT_EQ(g[1].domain, "x.net");
  EXPECT_EQ(g[1].addresses, (std::vector<std::string>{"b@X.net", "d@x.net"}));
  EXPECT_EQ(g[2].domain, "z.com");
  EXPECT_EQ(g[2].addresses, (std::vector<std::string>{"e@z.com"}));
  EXPECT_TRUE(group_by_domain({}).empty());
}

}  // namespace
}  // namespace hamail::mailsvc::outbound
