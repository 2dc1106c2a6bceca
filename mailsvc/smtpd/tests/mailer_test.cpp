// The Mailer's rules on a real user database: a bare <postmaster> (RFC 5321 4.5.1, any
// case) is accepted on port 25 and routed to the host's postmaster alias or user; a
// logged-in user may send as its own address or an alias that includes it, nothing else.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "hamail/mailsvc/smtpd/mailer.h"
#include "hamail/mailsvc/users/user_db.h"
#include "../../store/tests/temp_dir.h"

namespace hamail::mailsvc::smtpd {
namespace {

using State = QueuedRecipient::State;

class MailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    std::filesystem::create_directories(dir_ / "etc");
    write("domains", "example.org\nother.example\n");
    write("passwd", "alice@example.org:{CRYPT}x:5000:5000::/x::\nbob@other.example:{CRYPT}x:5000:5000::/x::\n");
    write("aliases", "postmaster@example.org: alice@example.org\nteam@example.org: bob@other.example, alice@example.org\n"
                     "sales@example.org: bob@other.example\n");
    config_.mail_root = dir_.path();
    config_.hostname = "mx.example.org";  // not a local domain: the first one is used
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / ("etc/" + name)) << text; }
  Mailer& mailer() {
    if (!mailer_) {
      mailer_.emplace(config_, log_);
      EXPECT_TRUE(mailer_->init());
    }
    return *mailer_;
  }
  smtp::RecipientVerdict check(const std::string& rcpt) {
    return mailer().check_recipient(smtp::PortRole::mx, smtp::CheckRecipient{rcpt, ""});
  }

  testing::TempDir dir_;
  SmtpdConfig config_;
  Logger log_{"test", LogLevel::error};
  std::optional<Mailer> mailer_;
};

TEST_F(MailerTest, BarePostmasterIsAcceptedOnPort25InAnyCase) {
  for (const char* rcpt : {"postmaster", "Postmaster", "POSTMASTER", "PostMaster"})
    EXPECT_EQ(check(rcpt), smtp::RecipientVerdict::ok) << rcpt;
  EXPECT_EQ(check("postmaster@example.org"), smtp::RecipientVerdict::ok);
  EXPECT_EQ(check("postmasterx"), smtp::RecipientVerdict::relay_denied);  // only the exact word
}

TEST_F(MailerTest, BarePostmasterIsRoutedToThePostmasterAlias) {
  auto env = mailer().enqueue_own("Q1", "bob@remote.example", "PostMaster", "Subject: hi\r\n\r\nhello\r\n");
  ASSERT_TRUE(env) << env.error();
  ASSERT_EQ(env->recipients.size(), 1u);
  EXPECT_EQ(env->recipients[0].address, "alice@example.org");
  EXPECT_EQ(env->recipients[0].state, State::pending);
}

TEST_F(MailerTest, PostmasterOfTheHostNameWhenItIsALocalDomain) {
  write("passwd", "alice@example.org:{CRYPT}x:5000:5000::/x::\npostmaster@other.example:{CRYPT}x:5000:5000::/x::\n");
  auto db = users::UserDb::load(dir_ / "etc");
  ASSERT_TRUE(db) << db.error();
  EXPECT_EQ(postmaster_of(*db, "Other.Example"), "postmaster@other.example");
  EXPECT_EQ(postmaster_of(*db, "mx.example.org"), "postmaster@example.org");  // the first local domain
  config_.hostname = "other.example";
  EXPECT_EQ(check("postmaster"), smtp::RecipientVerdict::ok);
  auto env = mailer().enqueue_own("Q2", "", "postmaster", "Subject: x\r\n\r\n");
  ASSERT_TRUE(env) << env.error();
  ASSERT_EQ(env->recipients.size(), 1u);
  EXPECT_EQ(env->recipients[0].address, "postmaster@other.example");
  EXPECT_EQ(env->recipients[0].state, State::pending);
}

TEST_F(MailerTest, NoLocalDomainMeansNoPostmaster) {
  write("domains", "");
  EXPECT_EQ(check("postmaster"), smtp::RecipientVerdict::unknown_user);
  auto env = mailer().enqueue_own("Q3", "", "postmaster", "Subject: x\r\n\r\n");
  ASSERT_TRUE(env) << env.error();
  ASSERT_EQ(env->recipients.size(), 1u);
  EXPECT_EQ(env->recipients[0].state, State::failed);  // never sent out as a remote address
}

TEST_F(MailerTest, SenderMustBelongToTheLoggedInUser) {
  auto sender = [&](const std::string& from, const std::string& user) {
    return mailer().check_sender(smtp::CheckSender{from, user}, "127.0.0.1:1234");
  };
  EXPECT_EQ(sender("alice@example.org", "alice@example.org"), smtp::SenderVerdict::ok);
  EXPECT_EQ(sender("Alice@Example.ORG", "alice@example.org"), smtp::SenderVerdict::ok);
  EXPECT_EQ(sender("postmaster@example.org", "alice@example.org"), smtp::SenderVerdict::ok);  // alias -> alice
  EXPECT_EQ(sender("team@example.org", "alice@example.org"), smtp::SenderVerdict::ok);        // one of its targets
  EXPECT_EQ(sender("sales@example.org", "alice@example.org"), smtp::SenderVerdict::not_owned);
  EXPECT_EQ(sender("bob@other.example", "alice@example.org"), smtp::SenderVerdict::not_owned);
  EXPECT_EQ(sender("alice@gmail.com", "alice@example.org"), smtp::SenderVerdict::not_owned);
  EXPECT_EQ(sender("\"a b\"@example.org", "alice@example.org"), smtp::SenderVerdict::not_owned);
  std::filesystem::remove_all(dir_ / "etc");
  std::filesystem::create_directories(dir_ / "etc/passwd");  // unreadable as a file: a temporary failure
  EXPECT_EQ(sender("alice@example.org", "alice@example.org"), smtp::SenderVerdict::temporary_failure);
}

}  // namespace
}  // namespace hamail::mailsvc::smtpd
