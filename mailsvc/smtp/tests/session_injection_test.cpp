// Header injection (hardening issue item 12): a bare CR, NUL or other control character in
// a command (HELO text, a quoted-pair in a path, a SASL line) is refused with 501, so it
// never reaches the Received field; received_header() writes one well-formed field
// whatever it is given; DATA stores bare CRs as CRLF.
#include <gtest/gtest.h>

#include "hamail/mailsvc/smtp/headers.h"
#include "hamail/mailsvc/smtp/path.h"
#include "hamail/mailsvc/smtp/session.h"
#include "smtp_test_util.h"

namespace hamail::mailsvc::smtp {
namespace {

using test::drive;
using test::FakeShell;

// True when every CR is followed by LF, every LF preceded by CR, and there is no NUL.
bool only_crlf_line_ends(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\0') return false;
    if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) return false;
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return false;
  }
  return true;
}

std::string received_for(const Envelope& e) {
  return received_header(e, ReceivedInfo{"192.0.2.7", "", "mx.example.org", "Q1", 1057049557, 0});
}

TEST(SmtpInjection, HeloWithBareCrOrNulIsRefused) {
  for (std::string helo : {std::string("evil\rX-Injected: 1"), std::string("evil\0x", 6), std::string("a\x1b" "b"),
                           std::string("a\tb")}) {
    SmtpSession s(test::mx_config());
    FakeShell shell;
    std::string out = drive(s, shell, "HELO " + helo + "\r\nMAIL FROM:<a@remote.example>\r\n");
    EXPECT_TRUE(out.starts_with("501 5.5.")) << out;
    EXPECT_TRUE(out.ends_with("503 5.5.1 Send HELO/EHLO first\r\n")) << out;  // the HELO was not taken
  }
}

TEST(SmtpInjection, QuotedPairWithCrOrNulIsRefused) {
  // On the wire: the whole command line is refused.
  SmtpSession s(test::mx_config());
  FakeShell shell;
  std::string out = drive(s, shell,
                          "EHLO client.example\r\nMAIL FROM:<a@remote.example>\r\n"
                          "RCPT TO:<\"x\\\rX-Injected: 1\"@example.org>\r\n"
                          "RCPT TO:<\"x\\" + std::string(1, '\0') + "y\"@example.org>\r\n");
  EXPECT_TRUE(out.ends_with("250 2.1.0 Ok\r\n"
                            "501 5.5.2 Syntax error: control character (bare CR, NUL, ...) in the command\r\n"
                            "501 5.5.2 Syntax error: control character (bare CR, NUL, ...) in the command\r\n"))
      << out;
  EXPECT_TRUE(shell.rcpts.empty());
  // The path parser alone refuses them too: a quoted-pair is "\" then %d32-126.
  for (char c : {'\r', '\n', '\0', '\x7f', '\x01'}) {
    std::string arg = std::string("TO:<\"x\\") + c + "y\"@example.org>";
    auto r = parse_rcpt_to(arg, false);
    EXPECT_FALSE(r.value) << int(c);
    EXPECT_EQ(r.error, PathError::bad_address) << int(c);
    EXPECT_FALSE(parse_mail_from("FROM:<\"x\\" + std::string(1, c) + "y\"@example.org>").value) << int(c);
  }
  auto ok = parse_rcpt_to("TO:<\"x\\\"y\\ z\"@example.org>", false);  // printable quoted-pairs stay fine
  ASSERT_TRUE(ok.value);
  EXPECT_EQ(ok.value->address, "\"x\\\"y\\ z\"@example.org");
}

TEST(SmtpInjection, SaslLineWithControlCharactersIsRefused) {
  SmtpSession s(test::submission_config());
  FakeShell shell;
  drive(s, shell, "STARTTLS\r\n");
  drive(s, shell, "EHLO c\r\n");
  EXPECT_EQ(drive(s, shell, "AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n");
  EXPECT_EQ(drive(s, shell, "YWxp\rY2U=\r\nNOOP\r\n"),
            "501 5.5.2 Syntax error: control character (bare CR, NUL, ...) in the command\r\n250 2.0.0 Ok\r\n");
  EXPECT_TRUE(shell.auths.empty());
}

TEST(SmtpInjection, AcceptedTransactionGivesAWellFormedReceivedField) {
  SmtpSession s(test::mx_config());
  FakeShell shell;
  drive(s, shell,
        "HELO bad\rname\r\nEHLO client.example\r\nMAIL FROM:<a@remote.example>\r\n"
        "RCPT TO:<alice@example.org>\r\nDATA\r\nSubject: x\rBcc: injected\r\n\r\nbody\r.\r\n.\r\n");
  ASSERT_EQ(shell.messages.size(), 1u);
  const auto& m = shell.messages[0];
  std::string received = received_for(m.envelope);
  EXPECT_TRUE(only_crlf_line_ends(received)) << received;
  EXPECT_TRUE(received.starts_with("Received: from client.example (unknown [192.0.2.7])\r\n")) << received;
  // The bare CRs of the data became line ends: stored and relayed with CRLF only.
  EXPECT_EQ(m.data, "Subject: x\r\nBcc: injected\r\n\r\nbody\r\n.\r\n");
  EXPECT_TRUE(only_crlf_line_ends(m.data));
}

TEST(SmtpInjection, ReceivedHeaderNeutralisesControlCharactersItIsGiven) {
  // Whatever a caller passes (a future path that skips the session's checks), the field
  // stays one field: CR, LF, NUL and other controls become '?'.
  Envelope e;
  e.helo = "evil\r\nX-Injected: 1";
  e.esmtp = true;
  e.recipients = {std::string("bob\r@example.org\0x", 18)};
  ReceivedInfo info{"192.0.2.7\n", "rdns\rX: y", "mx.example.org", "Q1", 1057049557, 0};
  std::string r = received_header(e, info);
  EXPECT_TRUE(only_crlf_line_ends(r)) << r;
  EXPECT_EQ(r,
            "Received: from evil??X-Injected: 1 (rdns?X: y [192.0.2.7?])\r\n"
            "\tby mx.example.org (hamail) with ESMTP id Q1\r\n"
            "\tfor <bob?@example.org?x>; Tue, 1 Jul 2003 08:52:37 +0000\r\n");
}

}  // namespace
}  // namespace hamail::mailsvc::smtp
