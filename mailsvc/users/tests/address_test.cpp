#include "hamail/mailsvc/users/address.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::users {
namespace {

TEST(UsersAddress, NormalizesAndRejects) {
  EXPECT_EQ(*normalize_address("Alice.B+tag@Example.ORG"), "alice.b+tag@example.org");
  EXPECT_EQ(normalize_address("alice").error(), "address 'alice' has no '@domain'");
  EXPECT_EQ(normalize_address("@x.org").error(), "address '@x.org' has an empty local part");
  EXPECT_EQ(normalize_address("a:b@x.org").error(), "address 'a:b@x.org' contains ':' in its local part");
  EXPECT_EQ(normalize_address("a b@x.org").error(), "address 'a b@x.org' contains ' ' in its local part");
  EXPECT_EQ(normalize_address(".a@x.org").error(), "address '.a@x.org' has a misplaced '.' in its local part");
  EXPECT_EQ(normalize_address("a@x..org").error(), "address 'a@x..org': domain 'x..org' has an empty label");
  EXPECT_EQ(normalize_domain("-x.org").error(), "domain '-x.org' has a label starting or ending with '-'");
  EXPECT_EQ(normalize_domain("x_y.org").error(), "domain 'x_y.org' contains '_' (letters, digits, '-' and '.' only)");
  EXPECT_EQ(domain_of("a@b.org"), "b.org");
}

}  // namespace
}  // namespace hamail::mailsvc::users
