// Every SMTP error code the session produces: line length, sizes, recipients,
// sequence, syntax, parameters, too many errors and unbounded pipelining.
#include <gtest/gtest.h>

#include "hamail/mailsvc/smtp/session.h"
#include "smtp_test_util.h"

namespace hamail::mailsvc::smtp {
namespace {

using test::drive;
using test::FakeShell;

// A fresh mx session; `shell` (optional) is used and keeps what it was asked.
std::string run_mx(std::string_view in, FakeShell* shell = nullptr) {
  SmtpSession s(test::mx_config());
  FakeShell local;
  return drive(s, shell ? *shell : local, in);
}

TEST(SmtpLimits, CommandLineLength) {
  std::string ok = "NOOP " + std::string(998 - 5, 'x') + "\r\n";  // exactly 1000 with CRLF
  std::string bad = "NOOP " + std::string(998 - 4, 'x') + "\r\n";
  EXPECT_EQ(run_mx(ok), "250 2.0.0 Ok\r\n");
  EXPECT_EQ(run_mx(bad + "NOOP\r\n"), "500 5.5.2 Line too long\r\n250 2.0.0 Ok\r\n");
  // A huge line is one error, and memory stays bounded.
  EXPECT_EQ(run_mx(std::string(1 << 20, 'A') + "\r\nNOOP\r\n"), "500 5.5.2 Line too long\r\n250 2.0.0 Ok\r\n");
}

TEST(SmtpLimits, DataLinesMayBeLongerThanCommands) {
  FakeShell shell;
  std::string line(5000, 'z');
  std::string out = run_mx("HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n" + line + "\r\n.\r\n",
                           &shell);
  EXPECT_TRUE(out.ends_with("250 2.0.0 Ok: queued as Q1\r\n"));
  ASSERT_EQ(shell.messages.size(), 1u);
  EXPECT_EQ(shell.messages[0].data, line + "\r\n");
}

TEST(SmtpLimits, DeclaredSizeTooBig) {
  EXPECT_EQ(run_mx("HELO c\r\nMAIL FROM:<a@b.example> SIZE=10001\r\nMAIL FROM:<a@b.example> SIZE=10000\r\n"),
            "250 mx.example.org\r\n552 5.3.4 Message size exceeds fixed maximum message size\r\n250 2.1.0 Ok\r\n");
}

TEST(SmtpLimits, ActualSizeTooBig) {
  FakeShell shell;
  std::string body(10001, 'b');
  EXPECT_EQ(run_mx("HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n" + body + "\r\n.\r\nNOOP\r\n",
                   &shell),
            "250 mx.example.org\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
            "552 5.3.4 Message size exceeds fixed maximum message size\r\n250 2.0.0 Ok\r\n");
  EXPECT_TRUE(shell.messages.empty());
  EXPECT_EQ(shell.discards, 1);  // what was written of it is dropped by the shell
}

TEST(SmtpLimits, TooManyRecipients) {
  EXPECT_EQ(run_mx("HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\n"
                   "RCPT TO:<Postmaster>\r\nRCPT TO:<alice@example.org>\r\n"),
            "250 mx.example.org\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
            "550 5.1.1 <Postmaster>: Recipient address rejected: User unknown\r\n"
            "250 2.1.5 Ok\r\n");
  FakeShell shell;
  shell.force = true;
  SmtpSession s(test::mx_config());
  EXPECT_EQ(drive(s, shell, "HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@x.example>\r\nRCPT TO:<b@x.example>\r\n"
                            "RCPT TO:<c@x.example>\r\nRCPT TO:<d@x.example>\r\n"),
            "250 mx.example.org\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
            "452 4.5.3 Too many recipients\r\n");
  EXPECT_EQ(shell.rcpts.size(), 3u);
}

TEST(SmtpLimits, RecipientVerdicts) {
  struct Case {
    RecipientVerdict v;
    const char* reply;
  } cases[] = {
      {RecipientVerdict::unknown_user, "550 5.1.1 <a@x.example>: Recipient address rejected: User unknown\r\n"},
      {RecipientVerdict::relay_denied, "554 5.7.1 <a@x.example>: Relay access denied\r\n"},
      {RecipientVerdict::mailbox_full, "452 4.2.2 <a@x.example>: Mailbox full\r\n"},
      {RecipientVerdict::temporary_failure, "451 4.3.0 <a@x.example>: Temporary failure, try again later\r\n"},
  };
  for (const auto& c : cases) {
    FakeShell shell;
    shell.force = true;
    shell.force_rcpt = c.v;
    SmtpSession s(test::mx_config());
    EXPECT_EQ(drive(s, shell, "HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@x.example>\r\nDATA\r\n"),
              std::string("250 mx.example.org\r\n250 2.1.0 Ok\r\n") + c.reply + "554 5.5.1 No valid recipients\r\n");
  }
}

TEST(SmtpLimits, BadSequence) {
  EXPECT_EQ(run_mx("MAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\nHELO c\r\nRCPT TO:<alice@example.org>\r\n"
                   "DATA\r\nMAIL FROM:<>\r\nDATA\r\nMAIL FROM:<>\r\n"),
            "503 5.5.1 Send HELO/EHLO first\r\n"
            "503 5.5.1 Need MAIL command\r\n"
            "503 5.5.1 Need MAIL command\r\n"
            "250 mx.example.org\r\n"
            "503 5.5.1 Need MAIL command\r\n"
            "503 5.5.1 Need MAIL command\r\n"
            "250 2.1.0 Ok\r\n"
            "503 5.5.1 Need RCPT command\r\n"
            "503 5.5.1 Nested MAIL command\r\n");
}

TEST(SmtpLimits, SyntaxErrors) {
  EXPECT_EQ(run_mx("FOO\r\n\r\nHELO\r\nEHLO a b\r\nVRFY\r\nRSET x\r\nEXPN list\r\n"),
            "500 5.5.1 Command not recognized\r\n"
            "500 5.5.1 Command not recognized\r\n"
            "501 5.5.4 Syntax: HELO hostname\r\n"
            "501 5.5.4 Syntax: EHLO hostname\r\n"
            "501 5.5.4 Syntax: VRFY address\r\n"
            "501 5.5.4 Syntax: RSET\r\n"
            "502 5.5.1 EXPN not supported\r\n");
}

TEST(SmtpLimits, MailAndRcptArgumentErrors) {
  std::string utf8 = "j\xC3\xB6rg@example.org";
  EXPECT_EQ(run_mx("HELO c\r\nMAIL FROM:alice\r\nMAIL FROM:<alice>\r\nMAIL FROM:<a@b.example> XFOO\r\n"
                   "MAIL FROM:<" + utf8 + ">\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<" + utf8 +
                   ">\r\nRCPT TO:<bad>\r\nRCPT TO:alice\r\nDATA x\r\n"),
            "250 mx.example.org\r\n"
            "501 5.5.2 Syntax: MAIL FROM:<address>\r\n"
            "501 5.1.7 Bad sender address syntax\r\n"
            "555 5.5.4 Unsupported parameter\r\n"
            "553 5.6.7 Must declare SMTPUTF8 to send a UTF-8 address\r\n"
            "250 2.1.0 Ok\r\n"
            "553 5.6.7 Must declare SMTPUTF8 to send a UTF-8 address\r\n"
            "501 5.1.3 Bad recipient address syntax\r\n"
            "501 5.5.2 Syntax: RCPT TO:<address>\r\n"
            "501 5.5.4 Syntax: DATA\r\n");
}

TEST(SmtpLimits, Smtputf8Transaction) {
  FakeShell shell;
  shell.force = true;
  std::string utf8 = "j\xC3\xB6rg@b\xC3\xBC" "cher.example";
  std::string out = run_mx("EHLO c\r\nMAIL FROM:<" + utf8 + "> SMTPUTF8\r\nRCPT TO:<" + utf8 + ">\r\n", &shell);
  EXPECT_TRUE(out.ends_with("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n")) << out;
}

TEST(SmtpLimits, TooManyErrorsCloses) {
  SmtpSession s(test::mx_config());
  FakeShell shell;
  std::string in;
  for (int i = 0; i < 12; ++i) in += "BAD\r\n";
  std::string expected;
  for (int i = 0; i < 10; ++i) expected += "500 5.5.1 Command not recognized\r\n";
  expected += "421 4.7.0 mx.example.org Error: too many errors\r\n";
  EXPECT_EQ(drive(s, shell, in), expected);
  EXPECT_TRUE(shell.closed);
  EXPECT_TRUE(s.closed());
}

TEST(SmtpLimits, TooManyAuthFailuresClose) {
  SmtpConfig c = test::submission_config();
  c.allow_plaintext_auth = true;
  c.max_errors = 3;
  SmtpSession s(c);
  FakeShell shell;
  std::string bad = "AUTH LOGIN YWxpY2VAZXhhbXBsZS5vcmc=\r\nd3Jvbmc=\r\n";  // alice@example.org / wrong
  std::string once = "334 UGFzc3dvcmQ6\r\n535 5.7.8 Authentication credentials invalid\r\n";
  std::string out = drive(s, shell, "EHLO c\r\n" + bad + bad + bad + bad);
  EXPECT_TRUE(out.ends_with("250 SMTPUTF8\r\n" + once + once + once +
                            "421 4.7.0 mx.example.org Error: too many errors\r\n"))
      << out;
  EXPECT_EQ(shell.auths.size(), 3u);
  EXPECT_TRUE(shell.closed);
}

TEST(SmtpLimits, UnboundedPipeliningIsCutOff) {
  SmtpSession s(test::mx_config());
  s.feed("HELO c\r\nMAIL FROM:<>\r\n");
  Output o = s.feed("RCPT TO:<alice@example.org>\r\n");
  ASSERT_TRUE(o.action);  // the shell does not answer, and does not pause reading
  Output more = s.feed(std::string(SmtpSession::kMaxBufferedInput, 'x'));
  EXPECT_EQ(more.bytes, "");
  Output cut = s.feed("x");
  EXPECT_EQ(cut.bytes, "421 4.7.0 mx.example.org Error: too much pipelined input\r\n");
  EXPECT_TRUE(cut.close);
  EXPECT_EQ(s.recipient_checked(RecipientVerdict::ok).bytes, "");
}

}  // namespace
}  // namespace hamail::mailsvc::smtp
