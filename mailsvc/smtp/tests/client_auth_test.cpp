// SmtpClientSession submitting as a user (webmail): AUTH PLAIN after EHLO (after STARTTLS's
// second EHLO when TLS is asked for), the server's refusal deciding every recipient, and
// AUTH not offered.
#include <gtest/gtest.h>

#include "hamail/mailsvc/smtp/client_session.h"
#include "hamail/mailsvc/wire/base64.h"

namespace hamail::mailsvc::smtp {
namespace {

const std::string kGreeting = "220 submit.example ESMTP\r\n";
const std::string kEhlo = "EHLO webmail.example.org\r\n";
const std::string kEhloAuth = "250-submit.example\r\n250-AUTH LOGIN PLAIN\r\n250 8BITMIME\r\n";

ClientTransaction submission() {
  ClientTransaction t;
  t.helo_name = "webmail.example.org";
  t.mail_from = "alice@example.org";
  t.recipients = {"bob@example.net"};
  t.data = "Subject: hi\r\n\r\nhello\r\n";
  t.auth_user = "alice@example.org";
  t.auth_password = "s3cret";
  return t;
}

std::string auth_line() {
  return "AUTH PLAIN " + wire::base64_encode(std::string("\0alice@example.org\0s3cret", 25)) + "\r\n";
}

TEST(SmtpClientAuth, PlainBeforeMail) {
  SmtpClientSession s(submission(), ClientTlsPolicy::none);
  EXPECT_EQ(s.feed(kGreeting).bytes, kEhlo);
  EXPECT_EQ(s.feed(kEhloAuth).bytes, auth_line());
  EXPECT_EQ(s.stage(), "auth");
  EXPECT_EQ(s.feed("235 2.7.0 Authentication successful\r\n").bytes, "MAIL FROM:<alice@example.org>\r\n");
  EXPECT_EQ(s.feed("250 2.1.0 Ok\r\n").bytes, "RCPT TO:<bob@example.net>\r\n");
  EXPECT_EQ(s.feed("250 2.1.5 Ok\r\n").bytes, "DATA\r\n");
  EXPECT_EQ(s.feed("354 go\r\n").bytes, "Subject: hi\r\n\r\nhello\r\n.\r\n");
  EXPECT_EQ(s.feed("250 2.0.0 queued\r\n").bytes, "QUIT\r\n");
  ASSERT_TRUE(s.done());
  EXPECT_EQ(s.results().at(0).outcome, RecipientOutcome::delivered);
}

TEST(SmtpClientAuth, AfterStartTlsOnly) {
  SmtpClientSession s(submission(), ClientTlsPolicy::encrypt);
  EXPECT_EQ(s.feed(kGreeting).bytes, kEhlo);
  EXPECT_EQ(s.feed("250-submit.example\r\n250 STARTTLS\r\n").bytes, "STARTTLS\r\n");  // no AUTH in the clear
  ClientOutput o = s.feed("220 2.0.0 go ahead\r\n");
  EXPECT_TRUE(o.start_tls);
  EXPECT_EQ(s.tls_started().bytes, kEhlo);
  EXPECT_EQ(s.feed(kEhloAuth).bytes, auth_line());
}

TEST(SmtpClientAuth, RefusedDecidesEveryRecipient) {
  SmtpClientSession s(submission(), ClientTlsPolicy::none);
  (void)s.feed(kGreeting);
  (void)s.feed(kEhloAuth);
  EXPECT_EQ(s.feed("535 5.7.8 Authentication credentials invalid\r\n").bytes, "QUIT\r\n");
  ASSERT_TRUE(s.done());
  EXPECT_EQ(s.results().at(0).outcome, RecipientOutcome::failed);
  EXPECT_EQ(s.results().at(0).stage, "auth");
  EXPECT_EQ(s.last_reply().to_string(), "535 5.7.8 Authentication credentials invalid");
}

TEST(SmtpClientAuth, NotOffered) {
  SmtpClientSession s(submission(), ClientTlsPolicy::none);
  (void)s.feed(kGreeting);
  EXPECT_EQ(s.feed("250-submit.example\r\n250 AUTH LOGIN\r\n").bytes, "QUIT\r\n");
  EXPECT_EQ(s.last_reply().code, 530);
  EXPECT_EQ(s.results().at(0).outcome, RecipientOutcome::failed);
}

TEST(SmtpClientAuth, WithoutCredentialsNoAuth) {
  ClientTransaction t = submission();
  t.auth_user.clear();
  SmtpClientSession s(std::move(t), ClientTlsPolicy::none);
  (void)s.feed(kGreeting);
  EXPECT_EQ(s.feed(kEhloAuth).bytes, "MAIL FROM:<alice@example.org>\r\n");
}

}  // namespace
}  // namespace hamail::mailsvc::smtp
