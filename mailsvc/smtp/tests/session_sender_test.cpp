// Submission abuse (hardening item 14) at the protocol level: a login refused by the
// shell's failed-login limits gets 454 4.7.0 and counts as an error; with
// sender_must_match_login an authenticated MAIL FROM is checked (CheckSender) and a
// sender the user does not own gets 553 5.7.1 (Postfix's reject_sender_login_mismatch).
#include <gtest/gtest.h>

#include "hamail/mailsvc/smtp/session.h"
#include "hamail/mailsvc/wire/base64.h"
#include "smtp_test_util.h"

namespace hamail::mailsvc::smtp {
namespace {

using test::drive;
using test::FakeShell;

std::string auth_plain(std::string_view user, std::string_view pass) {
  std::string s;
  s += '\0';
  s += user;
  s += '\0';
  s += pass;
  return "AUTH PLAIN " + wire::base64_encode(s) + "\r\n";
}

struct Submission {
  explicit Submission(bool check_sender) : s(config(check_sender)) {
    drive(s, shell, "STARTTLS\r\n");
    drive(s, shell, "EHLO c\r\n");
  }
  static SmtpConfig config(bool check_sender) {
    SmtpConfig c = test::submission_config();
    c.sender_must_match_login = check_sender;
    c.max_errors = 3;
    return c;
  }
  std::string run(std::string_view in, std::size_t chunk = 0) { return drive(s, shell, in, chunk); }
  SmtpSession s;
  FakeShell shell;
};

TEST(SmtpAuthLimits, RateLimitedLoginGets454AndCountsAsAnError) {
  Submission t(false);
  t.shell.auth_override_temp = AuthVerdict::rate_limited;
  const std::string refused = "454 4.7.0 Too many failed authentication attempts, try again later\r\n";
  EXPECT_EQ(t.run(auth_plain("alice@example.org", "secret")), refused);
  EXPECT_EQ(t.run(auth_plain("alice@example.org", "secret")), refused);
  EXPECT_EQ(t.run(auth_plain("alice@example.org", "secret")), refused + "421 4.7.0 mx.example.org Error: too many errors\r\n");
  EXPECT_TRUE(t.shell.closed);
  EXPECT_EQ(t.s.auth_user(), "");
}

TEST(SmtpSenderLogin, TheUsersOwnAddressAndItsAliasesAreAccepted) {
  Submission t(true);
  EXPECT_EQ(t.run(auth_plain("alice@example.org", "secret")), "235 2.7.0 Authentication successful\r\n");
  EXPECT_EQ(t.run("MAIL FROM:<alice@example.org>\r\nRSET\r\nMAIL FROM:<postmaster@example.org>\r\n"
                  "RCPT TO:<x@remote.example>\r\n", 1),
            "250 2.1.0 Ok\r\n250 2.0.0 Ok\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
  ASSERT_EQ(t.shell.senders.size(), 2u);
  EXPECT_EQ(t.shell.senders[1].address, "postmaster@example.org");
  EXPECT_EQ(t.shell.senders[1].auth_user, "alice@example.org");
}

TEST(SmtpSenderLogin, SomeoneElsesAddressIsRefusedWith553) {
  Submission t(true);
  t.run(auth_plain("alice@example.org", "secret"));
  EXPECT_EQ(t.run("MAIL FROM:<bob@example.org>\r\nRCPT TO:<x@remote.example>\r\nMAIL FROM:<>\r\n"),
            "553 5.7.1 <bob@example.org>: Sender address rejected: not owned by user alice@example.org\r\n"
            "503 5.5.1 Need MAIL command\r\n"
            "250 2.1.0 Ok\r\n");  // the null sender (a bounce, a receipt) is not checked
  EXPECT_EQ(t.shell.senders.size(), 1u);
  t.shell.sender_temp_failure = true;
  EXPECT_EQ(t.run("RSET\r\nMAIL FROM:<alice@example.org>\r\n"),
            "250 2.0.0 Ok\r\n451 4.3.0 <alice@example.org>: Temporary failure, try again later\r\n");
}

TEST(SmtpSenderLogin, OffMeansAnySenderAndNoCheck) {
  Submission t(false);
  t.run(auth_plain("alice@example.org", "secret"));
  EXPECT_EQ(t.run("MAIL FROM:<bob@example.org>\r\n"), "250 2.1.0 Ok\r\n");
  EXPECT_TRUE(t.shell.senders.empty());
}

}  // namespace
}  // namespace hamail::mailsvc::smtp
