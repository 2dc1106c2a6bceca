// StoreMailAccess::conversations on a temporary mail_root: a reply joins its original by
// In-Reply-To and a later one by References, a "Re:" without references by its subject,
// an unrelated message stands alone; every message in exactly one conversation; a message
// delivered later joins at the next call (the cache holds only keys); no folder = nullopt.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "user_mail_root.h"
#include "hamail/mailsvc/daemon/maildir_path.h"
#include "hamail/mailsvc/store/maildir.h"
#include "hamail/mailsvc/store/mailbox_tree.h"
#include "hamail/mailsvc/users/password_hash.h"
#include "hamail/mailsvc/webmailbackend/store_mail_access.h"

namespace hamail::mailsvc::webmailbackend {
namespace {

const std::string kUser = "alice@example.org";

std::string mail(const std::string& id, const std::string& subject, const std::string& date,
                 const std::string& extra = "") {
  return "From: bob@example.net\r\nTo: alice@example.org\r\nSubject: " + subject + "\r\nMessage-ID: <" + id +
         "@example.net>\r\nDate: " + date + "\r\n" + extra + "\r\nbody\r\n";
}

struct ConversationsTest : ::testing::Test, testing_support::UserMailRoot {
  void SetUp() override {
    create(kUser);
    deliver(mail("a", "Plans", "Mon, 07 Dec 2026 10:00:00 +0000"));                     // uid 1
    deliver(mail("x", "Lunch?", "Mon, 07 Dec 2026 11:00:00 +0000"));                    // uid 2
    deliver(mail("b", "Re: Plans", "Mon, 07 Dec 2026 12:00:00 +0000", "In-Reply-To: <a@example.net>\r\n"));  // 3
    deliver(mail("c", "Re: Re: plans", "Mon, 07 Dec 2026 13:00:00 +0000",
                 "References: <a@example.net> <b@example.net>\r\n"));                   // uid 4
    deliver(mail("y", "RE: lunch?", "Mon, 07 Dec 2026 14:00:00 +0000"));                // uid 5: subject only
  }
  std::vector<webmail::Conversation> conversations(StoreMailAccess& access) {
    auto c = access.conversations(kUser, "INBOX");
    EXPECT_TRUE(c.is_ok()) << c.error();
    EXPECT_TRUE(c->has_value());
    return **c;
  }
};

const webmail::Conversation* with(const std::vector<webmail::Conversation>& all, std::uint32_t uid) {
  for (const auto& c : all)
    for (const auto& m : c)
      if (m.uid == uid) return &c;
  return nullptr;
}

TEST_F(ConversationsTest, RepliesJoinTheirOriginal) {
  StoreMailAccess access(dir.path());
  auto all = conversations(access);
  ASSERT_EQ(all.size(), 2u);
  const webmail::Conversation* plans = with(all, 1);
  ASSERT_NE(plans, nullptr);
  ASSERT_EQ(plans->size(), 3u);
  EXPECT_EQ((*plans)[0].uid, 1u);
  EXPECT_EQ((*plans)[0].depth, 0u);
  EXPECT_EQ((*plans)[1].uid, 3u);
  EXPECT_EQ((*plans)[1].depth, 1u);
  EXPECT_EQ((*plans)[2].uid, 4u);
  EXPECT_EQ((*plans)[2].depth, 2u);
  const webmail::Conversation* lunch = with(all, 2);
  ASSERT_NE(lunch, nullptr);
  EXPECT_EQ(lunch->size(), 2u);  // the "RE: lunch?" by its base subject
  EXPECT_EQ(with(all, 5), lunch);
  std::multiset<std::uint32_t> every;
  for (const auto& c : all)
    for (const auto& m : c) every.insert(m.uid);
  EXPECT_EQ(every, (std::multiset<std::uint32_t>{1, 2, 3, 4, 5}));
}

TEST_F(ConversationsTest, ALaterReplyJoinsAtTheNextCall) {
  StoreMailAccess access(dir.path());
  ASSERT_EQ(conversations(access).size(), 2u);
  deliver(mail("d", "Re: Plans", "Tue, 08 Dec 2026 10:00:00 +0000", "In-Reply-To: <c@example.net>\r\n"));
  deliver(mail("z", "Unrelated", "Tue, 08 Dec 2026 11:00:00 +0000"));
  auto all = conversations(access);
  ASSERT_EQ(all.size(), 3u);
  const webmail::Conversation* plans = with(all, 6);
  ASSERT_NE(plans, nullptr);
  EXPECT_EQ(plans->size(), 4u);
  EXPECT_EQ(plans->back().depth, 3u);
  ASSERT_NE(with(all, 7), nullptr);
  EXPECT_EQ(with(all, 7)->size(), 1u);
}

TEST_F(ConversationsTest, NoSuchFolder) {
  StoreMailAccess access(dir.path());
  auto c = access.conversations(kUser, "Nope");
  ASSERT_TRUE(c.is_ok());
  EXPECT_FALSE(c->has_value());
}

}  // namespace
}  // namespace hamail::mailsvc::webmailbackend
