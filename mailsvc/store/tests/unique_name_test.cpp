#include "hamail/mailsvc/store/unique_name.h"

#include <gtest/gtest.h>

#include <set>

namespace hamail::mailsvc::store {
namespace {

TEST(MaildirUniqueName, HasDovecotsShape) {
  UniqueNameGenerator g("mail1.example.org", 4242);
  EXPECT_EQ(g.next(1700000000, 123456, 0xabcdef), "1700000000.M123456P4242Q1R0000000000abcdef.mail1.example.org");
  EXPECT_EQ(g.next(1700000000, 123456, 0xabcdef), "1700000000.M123456P4242Q2R0000000000abcdef.mail1.example.org");
}

TEST(MaildirUniqueName, EscapesSlashAndColonInTheHost) {
  EXPECT_EQ(UniqueNameGenerator::escape_host("a/b:c"), "a\\057b\\072c");
  EXPECT_EQ(UniqueNameGenerator::escape_host(""), "localhost");
}

TEST(MaildirUniqueName, SameClockAndRandomStillUnique) {
  UniqueNameGenerator g("h", 1);
  std::set<std::string> names;
  for (int i = 0; i < 1000; ++i) names.insert(g.next(1, 1, 7));
  EXPECT_EQ(names.size(), 1000u);
}

TEST(MaildirUniqueName, DeliveryTokenIsTheUniquePartsLastField) {
  UniqueNameGenerator g("mail1.example.org", 4242);
  std::string name = g.next(1700000000, 123456, 0xabcdef, 0x0123456789abcdefULL);
  EXPECT_EQ(name, "1700000000.M123456P4242Q1R0000000000abcdefD0123456789abcdef.mail1.example.org");
  EXPECT_EQ(delivery_token_of(name), 0x0123456789abcdefULL);
  EXPECT_EQ(delivery_token_of(name + ":2,RS"), 0x0123456789abcdefULL) << "flags keep it";
  EXPECT_FALSE(delivery_token_of(g.next(1700000000, 1, 2))) << "no token asked, none given";
}

TEST(MaildirUniqueName, OnlyAnExactTokenFieldIsAToken) {
  EXPECT_FALSE(delivery_token_of("1700000000.M1P2Q3R0000000000abcdefD0123456789abcde.host"));  // 15 digits
  EXPECT_FALSE(delivery_token_of("1700000000.M1P2Q3R0000000000abcdefD0123456789ABCDEF.host"));  // upper case
  EXPECT_FALSE(delivery_token_of("1700000000.M1P2Q3R0000000000abcdef.hostD0123456789abcdef"));  // in the host
  EXPECT_FALSE(delivery_token_of("1700000000.M1P2Q3R0000000000abcdefD0123456789abcdef"));  // no host
  EXPECT_FALSE(delivery_token_of("D0123456789abcdef"));
  EXPECT_FALSE(delivery_token_of(""));
}

}  // namespace
}  // namespace hamail::mailsvc::store
