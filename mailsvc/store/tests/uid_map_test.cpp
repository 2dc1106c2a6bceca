#include "hamail/mailsvc/store/uid_map.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::store {
namespace {

TEST(UidMap, AssignsInOrderAndRoundTrips) {
  UidMap m = UidMap::fresh(1700000000);
  EXPECT_TRUE(m.sync({"a", "b", "c"}));
  EXPECT_FALSE(m.sync({"a", "b", "c"}));
  EXPECT_EQ(*m.uid_of("a"), 1u);
  EXPECT_EQ(*m.uid_of("c"), 3u);
  EXPECT_EQ(m.serialize(), "hamail-uids v1 1700000000 4\n1 a\n2 b\n3 c\n");
  auto back = UidMap::parse(m.serialize(), "f");
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->entries(), m.entries());
  EXPECT_EQ(back->next_uid(), 4u);
  EXPECT_EQ(back->uidvalidity(), 1700000000u);
}

TEST(UidMap, ExpungedUidsAreNeverReused) {
  UidMap m = UidMap::fresh(5);
  m.sync({"a", "b"});
  EXPECT_TRUE(m.sync({"b", "c"}));
  EXPECT_FALSE(m.uid_of("a"));
  EXPECT_EQ(*m.uid_of("b"), 2u);
  EXPECT_EQ(*m.uid_of("c"), 3u);
  EXPECT_EQ(m.next_uid(), 4u);
}

TEST(UidMap, ExhaustedUidsStartANewValidity) {
  auto m = UidMap::parse("hamail-uids v1 9 4294967295\n4294967294 a\n", "f");
  ASSERT_TRUE(m) << m.error();
  EXPECT_TRUE(m->sync({"a", "b"}));
  EXPECT_EQ(m->uidvalidity(), 10u);
  EXPECT_EQ(*m->uid_of("a"), 1u);
  EXPECT_EQ(*m->uid_of("b"), 2u);
}

TEST(UidMap, CorruptFilesNameFileAndLine) {
  EXPECT_EQ(UidMap::parse("", "/m/hamail-uids").error(),
            "/m/hamail-uids:1: empty file: expected header 'hamail-uids v1 UIDVALIDITY NEXTUID'");
  EXPECT_EQ(UidMap::parse("garbage\n", "/m/hamail-uids").error(),
            "/m/hamail-uids:1: expected header 'hamail-uids v1 UIDVALIDITY NEXTUID' (non-zero numbers), got "
            "'garbage'");
  EXPECT_EQ(UidMap::parse("hamail-uids v1 1 10\n1 a\nx b\n", "u").error(), "u:3: expected 'UID BASENAME', got 'x b'");
  EXPECT_EQ(UidMap::parse("hamail-uids v1 1 10\n1 a\n2 b c\n", "u").error(),
            "u:3: expected 'UID BASENAME', got '2 b c'");
  EXPECT_EQ(UidMap::parse("hamail-uids v1 1 10\n3 a\n2 b\n", "u").error(),
            "u:3: uid 2 is not above the previous uid 3");
  EXPECT_EQ(UidMap::parse("hamail-uids v1 1 10\n10 a\n", "u").error(), "u:2: uid 10 is not below the next uid 10");
  EXPECT_EQ(UidMap::parse("hamail-uids v1 1 10\n1 a\n\n2 a\n", "u").error(),
            "u:4: duplicate base name 'a' (first at line 2)");
  EXPECT_EQ(UidMap::parse("hamail-uids v1 1 10\n99999999999 a\n", "u").error(),
            "u:2: expected 'UID BASENAME', got '99999999999 a'");
}

}  // namespace
}  // namespace hamail::mailsvc::store
