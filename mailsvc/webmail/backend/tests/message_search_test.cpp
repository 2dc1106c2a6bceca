// Searching the messages of a folder (search_mailbox, StoreMailAccess::search) on a
// temporary mail_root: a word only in a quoted-printable plain body or in an HTML part,
// a header scope (From, To/Cc), newest first, and each budget (matches, bytes, time)
// stopping the search with truncated; no such folder = nullopt.
#include "hamail/mailsvc/webmailbackend/search_mailbox.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "user_mail_root.h"
#include "hamail/mailsvc/daemon/maildir_path.h"
#include "hamail/mailsvc/store/maildir.h"
#include "hamail/mailsvc/store/mailbox_tree.h"
#include "hamail/mailsvc/users/password_hash.h"
#include "hamail/mailsvc/webmailbackend/store_mail_access.h"

namespace hamail::mailsvc::webmailbackend {
namespace {

const std::string kUser = "alice@example.org";
using Where = webmail::MessageSearch::Where;

const char* kMessages[] = {
    // uid 1: the word only in a quoted-printable body
    "From: bob@example.net\r\nTo: alice@example.org\r\nSubject: hello\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    "the zebra=\r\nfish budget is agreed\r\n",
    // uid 2: the word only in the HTML part of an alternative
    "From: Carol <carol@example.net>\r\nTo: dan@example.org\r\nCc: alice@example.org\r\nSubject: plans\r\n"
    "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
    "--b\r\nContent-Type: text/plain\r\n\r\nsee the html\r\n"
    "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Ca<b>f</b> <i>Zebrafish</i> notes</p>\r\n--b--\r\n",
    // uid 3: zebrafish in the subject only
    "From: erin@example.net\r\nTo: alice@example.org\r\nSubject: Zebrafish\r\n\r\nnothing here\r\n",
};

struct MessageSearchTest : ::testing::Test, testing_support::UserMailRoot {
  void SetUp() override {
    create(kUser);
    for (const char* m : kMessages) deliver(m);
  }
  webmail::SearchHits search(Where where, std::string text, webmail::MessageSearch budget = {},
                             const SearchClock& clock = steady_ms) {
    auto mb = store::Mailbox::open(maildir);
    EXPECT_TRUE(mb.is_ok());
    EXPECT_TRUE(mb->refresh().is_ok());
    budget.where = where;
    budget.text = std::move(text);
    auto hits = search_mailbox(*mb, budget, clock);
    EXPECT_TRUE(hits.is_ok());
    return *hits;
  }
};

TEST_F(MessageSearchTest, BodyFindsDecodedPlainAndHtmlText) {
  webmail::SearchHits h = search(Where::body, "ZEBRAFISH");
  EXPECT_EQ(h.uids, (std::vector<std::uint32_t>{2, 1}));  // newest first; not the subject-only one
  EXPECT_FALSE(h.truncated);
  EXPECT_EQ(h.scanned, 3u);
  EXPECT_EQ(search(Where::body, "budget is agreed").uids, (std::vector<std::uint32_t>{1}));
  EXPECT_TRUE(search(Where::body, "nowhere").uids.empty());
}

TEST_F(MessageSearchTest, HeaderScopesAndAll) {
  EXPECT_EQ(search(Where::from, "carol@").uids, (std::vector<std::uint32_t>{2}));  // the address, not only the name
  EXPECT_EQ(search(Where::subject, "zebrafish").uids, (std::vector<std::uint32_t>{3}));
  EXPECT_EQ(search(Where::to, "alice@").uids, (std::vector<std::uint32_t>{3, 2, 1}));  // Cc counts
  EXPECT_EQ(search(Where::to, "dan@").uids, (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(search(Where::all, "zebrafish").uids, (std::vector<std::uint32_t>{3, 2, 1}));
}

TEST_F(MessageSearchTest, EachBudgetTruncates) {
  webmail::MessageSearch b;
  b.max_matches = 1;
  webmail::SearchHits h = search(Where::all, "zebrafish", b);
  EXPECT_EQ(h.uids, (std::vector<std::uint32_t>{3}));
  EXPECT_TRUE(h.truncated);

  b = {};
  b.max_bytes = 1;  // the first message uses it up
  h = search(Where::all, "zebrafish", b);
  EXPECT_EQ(h.scanned, 1u);
  EXPECT_TRUE(h.truncated);

  b = {};
  b.max_ms = 10;
  std::int64_t t = 0;
  h = search(Where::body, "zebrafish", b, [&] { return t += 6; });  // start 6, then 12, 18: over after one
  EXPECT_EQ(h.scanned, 1u);
  EXPECT_TRUE(h.truncated);
}

TEST_F(MessageSearchTest, ThroughStoreMailAccess) {
  StoreMailAccess mail(dir.path());
  webmail::MessageSearch s;
  s.where = Where::body;
  s.text = "zebrafish";
  auto hits = mail.search(kUser, "INBOX", s);
  ASSERT_TRUE(hits.is_ok()) << hits.error();
  ASSERT_TRUE(hits->has_value());
  EXPECT_EQ((*hits)->uids, (std::vector<std::uint32_t>{2, 1}));
  auto none = mail.search(kUser, "NoSuchFolder", s);
  ASSERT_TRUE(none.is_ok());
  EXPECT_FALSE(none->has_value());
}

}  // namespace
}  // namespace hamail::mailsvc::webmailbackend
