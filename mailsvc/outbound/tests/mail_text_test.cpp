#include "hamail/mailsvc/outbound/mail_text.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::outbound {
namespace {

TEST(MailText, OneLine) {
  EXPECT_EQ(one_line("  550-5.1.1 a\r\n550 5.1.1\tb \n", 100), "550-5.1.1 a 550 5.1.1 b");
  EXPECT_EQ(one_line("abcdefghij", 8), "abcde...");
  EXPECT_EQ(one_line("abcdefgh", 8), "abcdefgh");
  EXPECT_EQ(one_line("", 8), "");
  // "é" is two octets: never cut in the middle.
  EXPECT_EQ(one_line("abcd\xc3\xa9xyz", 8), "abcd...");
}

TEST(MailText, Utf8Cut) {
  EXPECT_EQ(utf8_cut("ab\xc3\xa9", 3), 2u);
  EXPECT_EQ(utf8_cut("ab\xc3\xa9", 4), 4u);
  EXPECT_EQ(utf8_cut("abc", 10), 3u);
}

TEST(MailText, FoldsAtSpaces) {
  auto lines = fold_words("Subject: ", "one two three four", " ", 20, 998);
  EXPECT_EQ(lines, (std::vector<std::string>{"Subject: one two", " three four"}));
  EXPECT_EQ(fold_words("X: ", "", " ", 78, 998), (std::vector<std::string>{"X: "}));
}

TEST(MailText, CutsAWordLongerThanTheHardLimit) {
  std::string word(2500, 'x');
  auto lines = fold_words("Diagnostic-Code: ", "smtp; " + word + " end", " ", 78, 998);
  ASSERT_GE(lines.size(), 4u);
  std::size_t total = 0;
  for (const auto& l : lines) {
    EXPECT_LE(l.size(), 998u);
    for (char c : l) total += c == 'x';
  }
  EXPECT_EQ(total, 2500u);
  EXPECT_EQ(lines.back(), " end");
}

}  // namespace
}  // namespace hamail::mailsvc::outbound
