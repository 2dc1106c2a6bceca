#include "hamail/mailsvc/users/domains.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::users {
namespace {

TEST(UsersDomains, ParseAddRemove) {
  auto dl = DomainList::parse("# local\nExample.org\n  other.net  \n", "domains");
  ASSERT_TRUE(dl) << dl.error();
  EXPECT_TRUE(dl->contains("example.org"));
  EXPECT_TRUE(dl->contains("other.net"));
  EXPECT_FALSE(dl->contains("gmail.com"));
  EXPECT_EQ(dl->add("example.org").message(), "domain 'example.org' is already local");
  EXPECT_TRUE(dl->remove("other.net"));
  EXPECT_EQ(dl->remove("other.net").message(), "domain 'other.net' is not a local domain");
  EXPECT_EQ(dl->serialize(), "example.org\n");
}

TEST(UsersDomains, BadLinesNameFileAndLine) {
  EXPECT_EQ(DomainList::parse("a.org\nb..org\n", "domains").error(), "domains:2: bad domain: domain 'b..org' has an empty label");
  EXPECT_EQ(DomainList::parse("a.org\nA.org\n", "domains").error(), "domains:2: duplicate domain 'a.org' (first at line 1)");
}

}  // namespace
}  // namespace hamail::mailsvc::users
