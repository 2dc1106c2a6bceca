#include "hamail/mailsvc/store/mailbox_index.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::store {
namespace {

std::vector<PresentMessage> bases(std::initializer_list<const char*> names) {
  std::vector<PresentMessage> out;
  for (const char* n : names) out.push_back({n, ""});
  return out;
}

TEST(MailboxIndex, AssignsOldestFirstAndRoundTrips) {
  MailboxIndex m = MailboxIndex::fresh(1700000000);
  EXPECT_TRUE(m.sync({{"c", "S"}, {"a", ""}, {"b", "RS"}}));  // listing order does not matter
  EXPECT_FALSE(m.sync({{"a", ""}, {"b", "SR"}, {"c", "S"}}));  // letters compared sorted
  EXPECT_EQ(*m.uid_of("a"), 1u);
  EXPECT_EQ(*m.uid_of("c"), 3u);
  EXPECT_EQ(m.highest_modseq(), 2u);
  EXPECT_EQ(m.serialize(), "hamail-uids v2 1700000000 4 2 0\n1 2 - a\n2 2 RS b\n3 2 S c\n");
  auto back = MailboxIndex::parse(m.serialize(), "f");
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->entries(), m.entries());
  EXPECT_EQ(back->next_uid(), 4u);
  EXPECT_EQ(back->uidvalidity(), 1700000000u);
  EXPECT_EQ(back->highest_modseq(), 2u);
}

TEST(MailboxIndex, FlagChangesGetANewModseqOthersKeepTheirs) {
  MailboxIndex m = MailboxIndex::fresh(7);
  m.sync(bases({"a", "b", "c"}));
  std::uint64_t before = m.highest_modseq();
  EXPECT_TRUE(m.sync({{"a", ""}, {"b", "S"}, {"c", "a"}}));
  EXPECT_EQ(m.find(1)->modseq, before);
  EXPECT_EQ(m.find(2)->modseq, before + 1);
  EXPECT_EQ(m.find(2)->flags, "S");
  EXPECT_EQ(m.find(3)->flags, "a");
  EXPECT_EQ(m.highest_modseq(), before + 1);
  EXPECT_EQ(m.find(4), nullptr);
}

TEST(MailboxIndex, ExpungedUidsAreLoggedAndNeverReused) {
  MailboxIndex m = MailboxIndex::fresh(5);
  m.sync(bases({"a", "b"}));
  std::uint64_t known = m.highest_modseq();
  EXPECT_TRUE(m.sync(bases({"b", "c"})));
  EXPECT_FALSE(m.uid_of("a"));
  EXPECT_EQ(*m.uid_of("b"), 2u);
  EXPECT_EQ(*m.uid_of("c"), 3u);
  EXPECT_EQ(m.next_uid(), 4u);
  ASSERT_EQ(m.expunge_log().size(), 1u);
  EXPECT_EQ(m.expunge_log()[0], (ExpungedUid{1, known + 1}));
  EXPECT_EQ(*m.expunged_since(known), std::vector<std::uint32_t>{1});
  EXPECT_TRUE(m.expunged_since(known + 1)->empty());
  auto back = MailboxIndex::parse(m.serialize(), "f");
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->expunge_log(), m.expunge_log());
}

TEST(MailboxIndex, ExpungeLogKeepsTheNewestTenThousand) {
  MailboxIndex m = MailboxIndex::fresh(5);
  std::vector<PresentMessage> all;
  for (int i = 0; i < 10005; ++i) all.push_back({"m" + std::to_string(100000 + i), ""});
  m.sync(all);
  std::uint64_t start = m.highest_modseq();
  all.erase(all.begin(), all.begin() + 5);  // change start+1: 5 expunged
  m.sync(all);
  all.erase(all.begin(), all.end() - 2);  // change start+2: 9998 more
  m.sync(all);
  all.clear();  // change start+3: the last 2
  m.sync(all);
  EXPECT_EQ(m.expunge_log().size(), MailboxIndex::kMaxExpungeLog);
  EXPECT_EQ(m.expunge_log_floor(), start + 1);
  EXPECT_FALSE(m.expunged_since(start)) << "older than the log: the session falls back to a full list";
  EXPECT_EQ(m.expunged_since(start + 1)->size(), 10000u);
  EXPECT_EQ(m.expunged_since(start + 1)->front(), 6u);
  EXPECT_EQ(*m.expunged_since(start + 2), (std::vector<std::uint32_t>{10004, 10005}));
  auto back = MailboxIndex::parse(m.serialize(), "f");
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->expunge_log_floor(), start + 1);
  EXPECT_FALSE(back->expunged_since(start));
}

TEST(MailboxIndex, NewUidsInDeliveryOrderNumbersComparedAsNumbers) {
  MailboxIndex m = MailboxIndex::fresh(1);
  m.sync(bases({"10.M5P1Q10.h", "9.M99P1Q1.h", "10.M5P1Q9.h", "10.M10P1Q1.h"}));
  EXPECT_EQ(*m.uid_of("9.M99P1Q1.h"), 1u);
  EXPECT_EQ(*m.uid_of("10.M5P1Q9.h"), 2u);
  EXPECT_EQ(*m.uid_of("10.M5P1Q10.h"), 3u);
  EXPECT_EQ(*m.uid_of("10.M10P1Q1.h"), 4u);
}

TEST(MailboxIndex, ReadsVersionOneFiles) {
  auto m = MailboxIndex::parse("hamail-uids v1 1700000000 4\n1 a\n3 c\n", "f");
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->uidvalidity(), 1700000000u);
  EXPECT_EQ(m->next_uid(), 4u);
  EXPECT_EQ(*m->uid_of("c"), 3u);
  EXPECT_EQ(m->find(1)->modseq, 1u);
  EXPECT_TRUE(m->sync({{"a", ""}, {"c", "S"}}));  // flags learnt: c changed
  EXPECT_EQ(*m->uid_of("c"), 3u);
  EXPECT_EQ(m->find(3)->modseq, 2u);
  EXPECT_EQ(m->serialize(), "hamail-uids v2 1700000000 4 2 0\n1 1 - a\n3 2 S c\n");
}

TEST(MailboxIndex, ExhaustedUidsStartANewValidity) {
  auto m = MailboxIndex::parse("hamail-uids v2 9 4294967295 40 0\n4294967294 40 S a\n", "f");
  ASSERT_TRUE(m) << m.error();
  EXPECT_TRUE(m->sync({{"a", "S"}, {"b", ""}}));
  EXPECT_EQ(m->uidvalidity(), 10u);
  EXPECT_EQ(*m->uid_of("a"), 1u);
  EXPECT_EQ(*m->uid_of("b"), 2u);
  EXPECT_EQ(m->find(1)->flags, "S");
  EXPECT_GT(m->highest_modseq(), 40u) << "modseqs never go back";
}

TEST(MailboxIndex, CorruptFilesNameFileAndLine) {
  const std::string hdr = "hamail-uids v2 UIDVALIDITY UIDNEXT HIGHESTMODSEQ EXPUNGEFLOOR";
  EXPECT_EQ(MailboxIndex::parse("", "/m/hamail-uids").error(), "/m/hamail-uids:1: empty file: expected header '" + hdr + "'");
  EXPECT_EQ(MailboxIndex::parse("garbage\n", "/m/hamail-uids").error(),
            "/m/hamail-uids:1: expected header '" + hdr +
                "' or 'hamail-uids v1 UIDVALIDITY NEXTUID' (non-zero numbers), got 'garbage'");
  EXPECT_EQ(MailboxIndex::parse("hamail-uids v1 1 10\n1 a\nx b\n", "u").error(),
            "u:3: expected 'UID BASENAME', got 'x b'");
  EXPECT_EQ(MailboxIndex::parse("hamail-uids v1 1 10\n1 a\n2 b c\n", "u").error(),
            "u:3: expected 'UID BASENAME', got '2 b c'");
  EXPECT_EQ(MailboxIndex::parse("hamail-uids v2 1 10 5 0\n1 1 - a\n2 1 sR b\n", "u").error(),
            "u:3: expected 'UID MODSEQ FLAGS|- BASENAME', got '2 1 sR b'");
  EXPECT_EQ(MailboxIndex::parse("hamail-uids v2 1 10 5 0\n3 1 - a\n2 1 - b\n", "u").error(),
            "u:3: uid 2 is not above the previous uid 3");
  EXPECT_EQ(MailboxIndex::parse("hamail-uids v2 1 10 5 0\n10 1 - a\n", "u").error(),
            "u:2: uid 10 is not below the next uid 10");
  EXPECT_EQ(MailboxIndex::parse("hamail-uids v2 1 10 5 0\n1 6 - a\n", "u").error(),
            "u:2: modseq 6 is above HIGHESTMODSEQ 5");
  EXPECT_EQ(MailboxIndex::parse("hamail-uids v2 1 10 5 0\n1 1 - a\n\n2 1 - a\n", "u").error(),
            "u:4: duplicate base name 'a' (first at line 2)");
  EXPECT_EQ(MailboxIndex::parse("hamail-uids v2 1 10 5 0\nx 3 4\nx 4 2\n", "u").error(),
            "u:3: expunge log out of modseq order");
  EXPECT_EQ(MailboxIndex::parse("hamail-uids v2 1 10 5 0\nx 3 9\n", "u").error(),
            "u:2: expected 'x UID MODSEQ' (uid below UIDNEXT, modseq at most HIGHESTMODSEQ), got 'x 3 9'");
  EXPECT_EQ(MailboxIndex::parse("hamail-uids v1 1 10\n99999999999 a\n", "u").error(),
            "u:2: expected 'UID BASENAME', got '99999999999 a'");
  EXPECT_EQ(MailboxIndex::header_uidvalidity("hamail-uids v2 77 x\n"), 77u);
  EXPECT_FALSE(MailboxIndex::header_uidvalidity("junk"));
}

}  // namespace
}  // namespace hamail::mailsvc::store
