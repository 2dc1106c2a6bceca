// SMTP AUTH (RFC 4954): PLAIN and LOGIN with and without initial responses, the "*"
// cancel, bad base64, one reply for unknown user and wrong password, and the port rules.
#include <gtest/gtest.h>

#include "hamail/mailsvc/smtp/session.h"
#include "hamail/mailsvc/wire/base64.h"
#include "smtp_test_util.h"

namespace hamail::mailsvc::smtp {
namespace {

using test::drive;
using test::FakeShell;
using wire::base64_encode;

std::string plain(std::string_view authzid, std::string_view user, std::string_view pass) {
  std::string s(authzid);
  s += '\0';
  s += user;
  s += '\0';
  s += pass;
  return base64_encode(s);
}

// A submission session over TLS, after EHLO; returns the replies after EHLO.
struct Sub {
  SmtpSession s{test::submission_config()};
  FakeShell shell;
  Sub() {
    drive(s, shell, "STARTTLS\r\n");
    drive(s, shell, "EHLO c\r\n");
  }
  std::string run(std::string_view in, std::size_t chunk = 0) { return drive(s, shell, in, chunk); }
};

TEST(SmtpAuth, PlainInitialResponse) {
  Sub t;
  EXPECT_EQ(t.run("AUTH PLAIN " + plain("", "alice@example.org", "secret") + "\r\n"),
            "235 2.7.0 Authentication successful\r\n");
  ASSERT_EQ(t.shell.auths.size(), 1u);
  EXPECT_EQ(t.shell.auths[0].mechanism, "PLAIN");
  EXPECT_EQ(t.shell.auths[0].user, "alice@example.org");
  EXPECT_EQ(t.shell.auths[0].password, "secret");
  EXPECT_EQ(t.s.auth_user(), "alice@example.org");
  EXPECT_EQ(t.run("AUTH PLAIN " + plain("", "alice@example.org", "secret") + "\r\n"),
            "503 5.5.1 Already authenticated\r\n");
}

TEST(SmtpAuth, PlainWithChallengeAndAuthzid) {
  Sub t;
  EXPECT_EQ(t.run("auth plain\r\n"), "334 \r\n");
  EXPECT_EQ(t.run(plain("alice@example.org", "alice@example.org", "secret") + "\r\n"),
            "235 2.7.0 Authentication successful\r\n");
}

TEST(SmtpAuth, AuthzidForSomeoneElseIsRefusedLikeABadPassword) {
  Sub t;
  EXPECT_EQ(t.run("AUTH PLAIN " + plain("bob@example.org", "alice@example.org", "secret") + "\r\n"),
            "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_TRUE(t.shell.auths.empty());
}

TEST(SmtpAuth, SameReplyForUnknownUserAndWrongPassword) {
  Sub a, b;
  std::string wrong = a.run("AUTH PLAIN " + plain("", "alice@example.org", "wrong") + "\r\n");
  std::string unknown = b.run("AUTH PLAIN " + plain("", "nobody@example.org", "secret") + "\r\n");
  EXPECT_EQ(wrong, "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_EQ(wrong, unknown);
  EXPECT_EQ(a.s.auth_user(), "");
}

TEST(SmtpAuth, LoginBothForms) {
  Sub t;
  EXPECT_EQ(t.run("AUTH LOGIN\r\n" + base64_encode("alice@example.org") + "\r\n" + base64_encode("secret") + "\r\n"),
            "334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 2.7.0 Authentication successful\r\n");
  EXPECT_EQ(t.shell.auths.at(0).mechanism, "LOGIN");
  Sub u;
  EXPECT_EQ(u.run("AUTH LOGIN " + base64_encode("bob@example.org") + "\r\n" + base64_encode("hunter2") + "\r\n"),
            "334 UGFzc3dvcmQ6\r\n235 2.7.0 Authentication successful\r\n");
  Sub v;
  EXPECT_EQ(v.run("AUTH LOGIN " + base64_encode("bob@example.org") + "\r\n" + base64_encode("nope") + "\r\n"),
            "334 UGFzc3dvcmQ6\r\n535 5.7.8 Authentication credentials invalid\r\n");
}

TEST(SmtpAuth, CancelAndBadEncoding) {
  Sub t;
  EXPECT_EQ(t.run("AUTH PLAIN\r\n*\r\n"), "334 \r\n501 5.0.0 Authentication aborted\r\n");
  EXPECT_EQ(t.run("AUTH LOGIN\r\n*\r\n"), "334 VXNlcm5hbWU6\r\n501 5.0.0 Authentication aborted\r\n");
  EXPECT_EQ(t.run("AUTH LOGIN\r\nYQ==\r\n*\r\n"),
            "334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n501 5.0.0 Authentication aborted\r\n");
  EXPECT_EQ(t.run("AUTH PLAIN *\r\n"), "501 5.0.0 Authentication aborted\r\n");
  EXPECT_EQ(t.run("AUTH PLAIN !!!!\r\n"), "501 5.5.2 Cannot decode response\r\n");
  EXPECT_EQ(t.run("AUTH PLAIN\r\nnot base64\r\n"), "334 \r\n501 5.5.2 Cannot decode response\r\n");
  EXPECT_EQ(t.run("AUTH PLAIN =\r\n"), "501 5.5.2 Invalid PLAIN response\r\n");
  EXPECT_EQ(t.run("AUTH PLAIN " + base64_encode("alice") + "\r\n"), "501 5.5.2 Invalid PLAIN response\r\n");
  EXPECT_EQ(t.run("AUTH PLAIN " + plain("", "alice@example.org", "") + "\r\n"),
            "501 5.5.2 Invalid PLAIN response\r\n");
  EXPECT_TRUE(t.shell.auths.empty());
  // After all that the session still works (9 errors, limit 10).
  EXPECT_EQ(t.run("AUTH PLAIN " + plain("", "alice@example.org", "secret") + "\r\n"),
            "235 2.7.0 Authentication successful\r\n");
}

TEST(SmtpAuth, CommandsAfterASaslLineAreCommandsAgain) {
  Sub t;
  // The SASL response is consumed as one line; the pipelined NOOP is a command.
  EXPECT_EQ(t.run("AUTH PLAIN\r\n" + plain("", "alice@example.org", "secret") + "\r\nNOOP\r\n", 1),
            "334 \r\n235 2.7.0 Authentication successful\r\n250 2.0.0 Ok\r\n");
}

TEST(SmtpAuth, UnknownMechanismAndSyntax) {
  Sub t;
  EXPECT_EQ(t.run("AUTH CRAM-MD5\r\n"), "504 5.5.4 Unrecognized authentication type\r\n");
  EXPECT_EQ(t.run("AUTH\r\n"), "501 5.5.4 Syntax: AUTH mechanism [initial-response]\r\n");
  EXPECT_EQ(t.run("AUTH PLAIN a b\r\n"), "501 5.5.4 Syntax: AUTH mechanism [initial-response]\r\n");
}

TEST(SmtpAuth, TemporaryFailure) {
  Sub t;
  t.shell.auth_override_temp = AuthVerdict::temporary_failure;
  EXPECT_EQ(t.run("AUTH PLAIN " + plain("", "alice@example.org", "secret") + "\r\n"),
            "454 4.7.0 Temporary authentication failure\r\n");
}

TEST(SmtpAuth, SubmissionNeedsTlsThenAuthBeforeMail) {
  SmtpSession s(test::submission_config());
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "EHLO c\r\nAUTH PLAIN " + plain("", "alice@example.org", "secret") +
                                "\r\nMAIL FROM:<alice@example.org>\r\n"),
            "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10000\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n"
            "250-STARTTLS\r\n250 SMTPUTF8\r\n"
            "538 5.7.11 Encryption required for requested authentication mechanism\r\n"
            "530 5.7.0 Authentication required\r\n");
  EXPECT_TRUE(shell.auths.empty());
}

TEST(SmtpAuth, PlaintextAuthWhenConfigured) {
  SmtpConfig c = test::submission_config();
  c.allow_plaintext_auth = true;
  SmtpSession s(c);
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "EHLO c\r\nAUTH PLAIN " + plain("", "alice@example.org", "secret") + "\r\n"),
            "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10000\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n"
            "250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 SMTPUTF8\r\n"
            "235 2.7.0 Authentication successful\r\n");
}

TEST(SmtpAuth, StartTlsForgetsAuthentication) {
  SmtpConfig c = test::submission_config();
  c.allow_plaintext_auth = true;
  SmtpSession s(c);
  FakeShell shell;
  drive(s, shell, "EHLO c\r\nAUTH PLAIN " + plain("", "alice@example.org", "secret") + "\r\nSTARTTLS\r\n");
  EXPECT_TRUE(s.tls_active());
  EXPECT_EQ(s.auth_user(), "");
}

TEST(SmtpAuth, SequenceRules) {
  Sub t;
  EXPECT_EQ(t.run("HELO c\r\nAUTH PLAIN\r\n"), "250 mx.example.org\r\n503 5.5.1 Send EHLO first\r\n");
  SmtpSession mx(test::mx_config());
  FakeShell shell;
  EXPECT_EQ(drive(mx, shell, "AUTH PLAIN\r\n"), "502 5.5.1 AUTH not available on this port\r\n");
  Sub u;
  u.run("AUTH PLAIN " + plain("", "alice@example.org", "secret") + "\r\n");
  EXPECT_EQ(u.run("MAIL FROM:<alice@example.org>\r\nAUTH PLAIN\r\n"),
            "250 2.1.0 Ok\r\n503 5.5.1 Already authenticated\r\n");
}

TEST(SmtpAuth, AuthenticatedSubmissionMayRelay) {
  Sub t;
  EXPECT_EQ(t.run("AUTH PLAIN " + plain("", "alice@example.org", "secret") +
                      "\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<x@remote.example>\r\n", 1),
            "235 2.7.0 Authentication successful\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
}

}  // namespace
}  // namespace hamail::mailsvc::smtp
