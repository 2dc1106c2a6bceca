#include "hamail/mailsvc/store/message_flags.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::store {
namespace {

TEST(MessageFlags, NamesToLettersAndBack) {
  KeywordList k = *KeywordList::parse("0 $Forwarded\n", "dk");
  auto f = flags_from_names({"\\SEEN", "\\Flagged", "Junk", "$forwarded"});
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->system, kSeen | kFlagged);
  auto letters = apply_flags("", FlagOp::set, *f, k);
  ASSERT_TRUE(letters) << letters.error();
  EXPECT_EQ(*letters, "FSab");
  EXPECT_EQ(k.serialize(), "0 $Forwarded\n1 Junk\n");
  MessageFlags back = flags_from_letters(*letters, k);
  EXPECT_EQ(back.system, kSeen | kFlagged);
  EXPECT_EQ(back.keywords, (std::vector<std::string>{"$Forwarded", "Junk"}));
  EXPECT_EQ(flag_names(back), (std::vector<std::string>{"\\Seen", "\\Flagged", "$Forwarded", "Junk"}));
  EXPECT_EQ(flags_from_letters("DRTPz", k).system, kDraft | kAnswered | kDeleted) << "P and unknown z dropped";
}

TEST(MessageFlags, SetAddRemoveKeepNonImapLetters) {
  KeywordList k;
  auto seen = *flags_from_names({"\\Seen"});
  auto deleted_junk = *flags_from_names({"\\Deleted", "Junk"});
  EXPECT_EQ(*apply_flags("PS", FlagOp::add, deleted_junk, k), "PSTa");
  EXPECT_EQ(*apply_flags("PSTa", FlagOp::remove, deleted_junk, k), "PS");
  EXPECT_EQ(*apply_flags("PSTa", FlagOp::set, seen, k), "PS") << "set replaces IMAP flags, keeps P";
  auto other = *flags_from_names({"Other"});
  EXPECT_EQ(*apply_flags("S", FlagOp::remove, other, k), "S");
  EXPECT_FALSE(k.letter_of("Other")) << "removing an unknown keyword takes no letter";
}

TEST(MessageFlags, BadNamesAndTooManyKeywordsAreErrors) {
  EXPECT_EQ(flags_from_names({"\\Recent"}).error(), "unknown system flag '\\Recent'");
  EXPECT_EQ(flags_from_names({"a(b"}).error(), "bad keyword 'a(b': not an IMAP atom");
  KeywordList k;
  for (int i = 0; i < 26; ++i) ASSERT_TRUE(k.add("k" + std::to_string(i)));
  auto r = apply_flags("S", FlagOp::add, *flags_from_names({"new"}), k);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "too many keywords in this mailbox (at most 26): cannot add 'new'");
}

}  // namespace
}  // namespace hamail::mailsvc::store
