// StoreMailAccess on a temporary mail_root: login through the passwd file, folders with
// counts, summaries from headers (encoded words, dates), a multipart message's text, HTML
// and attachment, flags seen by a second Mailbox (as imapd would see them), move, delete
// to Trash and expunge in Trash, unknown folders and uids; a draft's Bcc, In-Reply-To,
// References and X-Hamail-Draft-Of read back.
#include "hamail/mailsvc/webmailbackend/store_mail_access.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "user_mail_root.h"
#include "hamail/mailsvc/daemon/maildir_path.h"
#include "hamail/mailsvc/store/mailbox.h"
#include "hamail/mailsvc/store/mailbox_tree.h"
#include "hamail/mailsvc/store/maildir.h"
#include "hamail/mailsvc/users/password_hash.h"

namespace hamail::mailsvc::webmailbackend {
namespace {

const std::string kUser = "alice@example.org";

const char* kPlain =
    "From: =?UTF-8?Q?Bj=C3=B6rn?= <bjorn@example.net>\r\nTo: alice@example.org\r\n"
    "Subject: =?UTF-8?B?SMOpbGxv?=\r\nDate: Sat, 05 Dec 2026 10:00:00 +0000\r\n\r\nfirst body\r\n";
const char* kMultipart =
    "From: carol@example.net\r\nTo: alice@example.org\r\nSubject: report\r\n"
    "Date: Sun, 06 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=b1\r\n\r\n"
    "--b1\r\nContent-Type: multipart/alternative; boundary=b2\r\n\r\n"
    "--b2\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    "caf=E9\r\n--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>caf\xc3\xa9</p>\r\n--b2--\r\n"
    "--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"r.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nUERG\r\n--b1--\r\n";

struct StoreMailAccessTest : ::testing::Test, testing_support::UserMailRoot {
  void SetUp() override {
    create(kUser);
    deliver(kPlain);
    deliver(kMultipart);
  }
};

TEST_F(StoreMailAccessTest, Login) {
  StoreMailAccess mail(dir.path());
  EXPECT_EQ(mail.verify_login(kUser, "secret").value(), true);
  EXPECT_EQ(mail.verify_login(kUser, "wrong").value(), false);
  EXPECT_EQ(mail.verify_login("bob@example.org", "secret").value(), false);
}

TEST_F(StoreMailAccessTest, FoldersWithCounts) {
  StoreMailAccess mail(dir.path());
  auto f = mail.folders(kUser);
  ASSERT_TRUE(f.is_ok()) << f.error();
  ASSERT_GE(f->size(), 5u);  // INBOX, Drafts, Junk, Sent, Trash
  EXPECT_EQ((*f)[0].name, "INBOX");
  EXPECT_EQ((*f)[0].total, 2u);
  EXPECT_EQ((*f)[0].unread, 2u);
  bool trash = false;
  for (const auto& x : *f) trash |= x.name == "Trash" && x.special_use == "\\Trash";
  EXPECT_TRUE(trash);
}

TEST_F(StoreMailAccessTest, SummariesFromHeaders) {
  StoreMailAccess mail(dir.path());
  auto m = mail.messages(kUser, "INBOX");
  ASSERT_TRUE(m.is_ok()) << m.error();
  ASSERT_TRUE(m->has_value());
  ASSERT_EQ((*m)->size(), 2u);
  const MessageSummary& first = (**m)[0];
  EXPECT_EQ(first.uid, 1u);
  EXPECT_EQ(first.subject, "H\xc3\xa9llo");
  EXPECT_NE(first.from.find("Bj\xc3\xb6rn"), std::string::npos);
  EXPECT_EQ(first.date, 1796464800);  // 2026-12-05 10:00:00 UTC
  EXPECT_FALSE(first.seen);
  EXPECT_FALSE(mail.messages(kUser, "Nope")->has_value());
  auto again = mail.messages(kUser, "INBOX");  // from the cache
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ((**again)[0].subject, first.subject);
}

TEST_F(StoreMailAccessTest, MultipartTextHtmlAndAttachment) {
  StoreMailAccess mail(dir.path());
  auto v = mail.message(kUser, "INBOX", 2);
  ASSERT_TRUE(v.is_ok()) << v.error();
  ASSERT_TRUE(v->has_value());
  const MessageView& view = **v;
  EXPECT_EQ(view.text_body.substr(0, 5), "caf\xc3\xa9");
  ASSERT_TRUE(view.html_body.has_value());
  EXPECT_NE(view.html_body->find("<p>caf\xc3\xa9</p>"), std::string::npos);
  ASSERT_EQ(view.attachments.size(), 1u);
  EXPECT_EQ(view.attachments[0].filename, "r.pdf");
  EXPECT_EQ(view.attachments[0].content_type, "application/pdf");
  auto a = mail.attachment(kUser, "INBOX", 2, view.attachments[0].part);
  ASSERT_TRUE(a.is_ok()) << a.error();
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->bytes, "PDF");
  EXPECT_FALSE(mail.attachment(kUser, "INBOX", 2, 99)->has_value());
  EXPECT_FALSE(mail.message(kUser, "INBOX", 7)->has_value());
}

TEST_F(StoreMailAccessTest, ADraftsHeadersComeBackForEditing) {
  deliver("From: alice@example.org\r\nTo: bob@example.net\r\nBcc: secret@example.net\r\nSubject: Re: x\r\n"
          "In-Reply-To: <orig@x>\r\nReferences: <a@x>\r\n <orig@x>\r\nX-Hamail-Draft-Of: answer 1 INBOX\r\n"
          "\r\nnot yet\r\n");
  StoreMailAccess mail(dir.path());
  auto v = mail.message(kUser, "INBOX", 3);
  ASSERT_TRUE(v.is_ok()) << v.error();
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ((*v)->bcc, "secret@example.net");
  EXPECT_EQ((*v)->in_reply_to, "<orig@x>");
  EXPECT_NE((*v)->references.find("<orig@x>"), std::string::npos);
  EXPECT_EQ((*v)->references.find('\n'), std::string::npos);  // unfolded
  EXPECT_EQ((*v)->draft_of, "answer 1 INBOX");
  auto plain = mail.message(kUser, "INBOX", 1);
  EXPECT_EQ((*plain)->bcc, "");
  EXPECT_EQ((*plain)->draft_of, "");
}

TEST_F(StoreMailAccessTest, FlagsAreTheStoresFlags) {
  StoreMailAccess mail(dir.path());
  ASSERT_EQ(mail.set_flag(kUser, "INBOX", 1, "\\Seen", webmail::FlagChange::set).value(), true);
  ASSERT_EQ(mail.set_flag(kUser, "INBOX", 1, "\\Flagged", webmail::FlagChange::set).value(), true);
  EXPECT_EQ(mail.set_flag(kUser, "INBOX", 9, "\\Seen", webmail::FlagChange::set).value(), false);
  auto mb = store::Mailbox::open(maildir);  // what imapd would open
  ASSERT_TRUE(mb.is_ok());
  ASSERT_TRUE(mb->refresh().is_ok());
  EXPECT_EQ(mb->message(1)->flags.system, store::kSeen | store::kFlagged);
  ASSERT_EQ(mail.set_flag(kUser, "INBOX", 1, "\\Flagged", webmail::FlagChange::clear).value(), true);
  auto m = mail.messages(kUser, "INBOX");
  EXPECT_TRUE((**m)[0].seen);
  EXPECT_FALSE((**m)[0].flagged);
  EXPECT_EQ((*mail.folders(kUser))[0].unread, 1u);
}

TEST_F(StoreMailAccessTest, MoveAndDelete) {
  StoreMailAccess mail(dir.path());
  ASSERT_EQ(mail.move(kUser, "INBOX", {1}, "Sent").value(), true);
  EXPECT_EQ((*mail.messages(kUser, "INBOX"))->size(), 1u);
  EXPECT_EQ((*mail.messages(kUser, "Sent"))->size(), 1u);
  EXPECT_EQ(mail.move(kUser, "INBOX", {1}, "Sent").value(), false);     // gone from INBOX
  EXPECT_EQ(mail.move(kUser, "INBOX", {2}, "Nowhere").value(), false);
  ASSERT_EQ(mail.remove(kUser, "INBOX", {2}).value(), true);             // to Trash
  EXPECT_EQ((*mail.messages(kUser, "INBOX"))->size(), 0u);
  auto trash = mail.messages(kUser, "Trash");
  ASSERT_EQ((*trash)->size(), 1u);
  ASSERT_EQ(mail.remove(kUser, "Trash", {(**trash)[0].uid}).value(), true);  // expunged
  EXPECT_EQ((*mail.messages(kUser, "Trash"))->size(), 0u);
}

}  // namespace
}  // namespace hamail::mailsvc::webmailbackend
