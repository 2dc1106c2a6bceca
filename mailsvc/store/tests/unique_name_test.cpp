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

}  // namespace
}  // namespace hamail::mailsvc::store
