#include "hamail/mailsvc/store/maildir_name.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::store {
namespace {

TEST(MaildirName, SplitsBaseAndFlags) {
  auto n = split_name("123.M1P2Q3R4.host:2,RS");
  EXPECT_EQ(n.base, "123.M1P2Q3R4.host");
  EXPECT_EQ(n.flags, "RS");
  EXPECT_EQ(split_name("123.host").base, "123.host");
  EXPECT_EQ(split_name("123.host").flags, "");
  EXPECT_EQ(split_name("123.host:1,experimental").flags, "");
}

TEST(MaildirName, JoinSortsAndDedupesFlags) {
  EXPECT_EQ(join_name("b", "TSRS"), "b:2,RST");
  EXPECT_EQ(join_name("b", ""), "b:2,");
}

TEST(MaildirName, ChecksNamesAndFlags) {
  EXPECT_TRUE(check_message_name("1.host:2,S"));
  EXPECT_EQ(check_message_name("../x").message(), "bad message name '../x': starts with '.'");
  EXPECT_EQ(check_message_name("a/b").message(),
            "bad message name 'a/b': contains '/', a space or a control character");
  EXPECT_FALSE(check_message_name("a b"));
  EXPECT_FALSE(check_message_name(""));
  EXPECT_EQ(*normalize_flags("SRS"), "RS");
  EXPECT_EQ(normalize_flags("S1").error(), "bad Maildir flag '1' in 'S1': flags are letters");
}

}  // namespace
}  // namespace hamail::mailsvc::store
