#include "hamail/mailsvc/store/index_text.h"

#include <gtest/gtest.h>

#include <limits>

namespace hamail::mailsvc::store {
namespace {

TEST(IndexText, ExactTextWithFlagsNoFlagsAndTheExpungeLog) {
  MailboxIndex m = MailboxIndex::fresh(1700000000);
  ASSERT_TRUE(m.sync({{"c", "S"}, {"a", ""}, {"b", "RS"}, {"gone", "T"}}));
  ASSERT_TRUE(m.sync({{"c", "S"}, {"a", ""}, {"b", "RS"}}));  // "gone" (uid 4) expunged at modseq 3
  ASSERT_TRUE(m.set_flags({{2, "FRS"}}));                       // b: modseq 4
  std::string out;
  serialize_index_into(m, out);
  EXPECT_EQ(out, "hamail-uids v2 1700000000 5 4 0\n1 2 - a\n2 4 FRS b\n3 2 S c\nx 4 3\n");
  EXPECT_EQ(out, m.serialize());
  auto back = MailboxIndex::parse(out, "f");
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->entries(), m.entries());
  EXPECT_EQ(back->expunge_log(), m.expunge_log());
}

TEST(IndexText, ReusedBufferHoldsOnlyTheNewText) {
  MailboxIndex big = MailboxIndex::fresh(7);
  std::vector<PresentMessage> many;
  for (int i = 0; i < 500; ++i) many.push_back({"1790000000.M" + std::to_string(i) + "P1.host", "FS"});
  ASSERT_TRUE(big.sync(many));
  MailboxIndex small = MailboxIndex::fresh(8);
  ASSERT_TRUE(small.sync({{"x", ""}}));
  std::string out(100000, '#');  // a longer earlier text: none of it may remain
  serialize_index_into(big, out);
  EXPECT_EQ(out, big.serialize());
  std::size_t capacity = out.capacity();
  serialize_index_into(small, out);
  EXPECT_EQ(out, "hamail-uids v2 8 2 2 0\n1 2 - x\n");
  EXPECT_EQ(out, small.serialize());
  EXPECT_EQ(out.capacity(), capacity);  // the buffer was reused, not reallocated
}

TEST(IndexText, WidestNumbersFitTheBound) {
  MailboxIndex m = MailboxIndex::fresh(std::numeric_limits<std::uint32_t>::max());
  ASSERT_TRUE(m.sync({{"a", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}}));
  m.raise_highest_modseq(std::numeric_limits<std::uint64_t>::max() - 1);
  ASSERT_TRUE(m.set_flags({{1, ""}}));  // modseq 2^64 - 1
  std::string out;
  serialize_index_into(m, out);
  EXPECT_EQ(out, "hamail-uids v2 4294967295 2 18446744073709551615 0\n1 18446744073709551615 - a\n");
}

}  // namespace
}  // namespace hamail::mailsvc::store
