#include "hamail/mailsvc/store/keyword_list.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::store {
namespace {

TEST(KeywordList, ReadsDovecotKeywordsFiles) {
  auto k = KeywordList::parse("0 $Forwarded\n1 Junk\n3 $label1\n", "dk");
  ASSERT_TRUE(k) << k.error();
  EXPECT_EQ(k->letter_of("$Forwarded"), 'a');
  EXPECT_EQ(k->letter_of("junk"), 'b') << "keywords match without case";
  EXPECT_EQ(k->letter_of("$label1"), 'd');
  EXPECT_FALSE(k->letter_of("NonJunk"));
  EXPECT_EQ(*k->keyword_of('b'), "Junk");
  EXPECT_EQ(k->keyword_of('c'), nullptr);
  EXPECT_EQ(k->keyword_of('S'), nullptr);
  EXPECT_EQ(*k->add("NonJunk"), 'c') << "the first free letter";
  EXPECT_EQ(*k->add("JUNK"), 'b');
  EXPECT_EQ(k->serialize(), "0 $Forwarded\n1 Junk\n2 NonJunk\n3 $label1\n");
}

TEST(KeywordList, TwentySeventhKeywordIsAnError) {
  KeywordList k;
  for (int i = 0; i < 26; ++i) ASSERT_EQ(*k.add("k" + std::to_string(i)), static_cast<char>('a' + i));
  EXPECT_EQ(k.size(), 26u);
  auto r = k.add("one-more");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "too many keywords in this mailbox (at most 26): cannot add 'one-more'");
  EXPECT_EQ(*k.add("K3"), 'd') << "a known one still works";
}

TEST(KeywordList, BadFilesAndNamesAreErrors) {
  EXPECT_EQ(KeywordList::parse("0 a\nx b\n", "dk").error(), "dk:2: expected 'INDEX KEYWORD', got 'x b'");
  EXPECT_EQ(KeywordList::parse("26 a\n", "dk").error(), "dk:1: index 26 is not below 26");
  EXPECT_EQ(KeywordList::parse("0 a\n0 b\n", "dk").error(), "dk:2: index 0 given twice");
  EXPECT_EQ(KeywordList::parse("0 a\n1 A\n", "dk").error(), "dk:2: keyword 'A' given twice");
  EXPECT_EQ(KeywordList::parse("0 \\Seen\n", "dk").error(), "dk:1: expected 'INDEX KEYWORD', got '0 \\Seen'");
  KeywordList k;
  EXPECT_FALSE(k.add("two words"));
  EXPECT_FALSE(k.add("\\Seen"));
  EXPECT_FALSE(k.add(""));
  EXPECT_EQ(k.size(), 0u);
}

}  // namespace
}  // namespace hamail::mailsvc::store
