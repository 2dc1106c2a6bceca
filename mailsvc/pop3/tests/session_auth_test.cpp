// POP3 logins: USER/PASS and AUTH PLAIN (RFC 5034), the TLS rule, one reply for
// unknown user and wrong password, the maildrop lock, and SASL edge cases.
#include <gtest/gtest.h>

#include "hamail/mailsvc/pop3/session.h"
#include "hamail/mailsvc/wire/base64.h"
#include "pop3_test_util.h"

namespace hamail::mailsvc::pop3 {
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

const char* kOk = "+OK Logged in: 3 messages (121 octets)\r\n";

TEST(Pop3Auth, PlainInitialResponse) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "AUTH PLAIN " + plain("", "alice@example.org", "secret") + "\r\n"), kOk);
  EXPECT_EQ(shell.auths.at(0).mechanism, "PLAIN");
  EXPECT_EQ(s.state(), Pop3State::transaction);
}

TEST(Pop3Auth, PlainWithContinuationOneByteAtATime) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "auth plain\r\n" + plain("alice@example.org", "alice@example.org", "secret") + "\r\nSTAT\r\n", 1),
            std::string("+ \r\n") + kOk + "+OK 3 121\r\n");
}

TEST(Pop3Auth, SameReplyForUnknownUserAndWrongPassword) {
  Pop3Session a(test::tls_config()), b(test::tls_config()), c(test::tls_config());
  FakeShell shell;
  std::string wrong = drive(a, shell, "USER alice@example.org\r\nPASS nope\r\n");
  std::string unknown = drive(b, shell, "USER nobody@example.org\r\nPASS secret\r\n");
  std::string sasl = drive(c, shell, "AUTH PLAIN " + plain("", "nobody@example.org", "x") + "\r\n");
  EXPECT_EQ(wrong, "+OK Send PASS\r\n-ERR [AUTH] Authentication failed\r\n");
  EXPECT_EQ(wrong, unknown);
  EXPECT_EQ(sasl, "-ERR [AUTH] Authentication failed\r\n");
  EXPECT_EQ(a.state(), Pop3State::authorization);
  // A later good login still works.
  EXPECT_EQ(drive(a, shell, "USER alice@example.org\r\nPASS secret\r\n"), std::string("+OK Send PASS\r\n") + kOk);
}

TEST(Pop3Auth, AuthzidForSomeoneElse) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "AUTH PLAIN " + plain("bob@example.org", "alice@example.org", "secret") + "\r\n"),
            "-ERR [AUTH] Authentication failed\r\n");
  EXPECT_TRUE(shell.auths.empty());
}

TEST(Pop3Auth, MaildropLocked) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  shell.locked = true;
  EXPECT_EQ(drive(s, shell, "USER alice@example.org\r\nPASS secret\r\nSTAT\r\n"),
            "+OK Send PASS\r\n-ERR [IN-USE] maildrop already locked: another POP3 session is using it\r\n"
            "-ERR Command not valid before login\r\n");
  EXPECT_EQ(s.state(), Pop3State::authorization);
}

TEST(Pop3Auth, TemporaryFailure) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  shell.temp_failure = true;
  EXPECT_EQ(drive(s, shell, "AUTH PLAIN " + plain("", "alice@example.org", "secret") + "\r\n"),
            "-ERR [SYS/TEMP] Temporary failure, try again later\r\n");
}

TEST(Pop3Auth, RateLimitedLogin) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  shell.rate_limited = true;
  EXPECT_EQ(drive(s, shell, "USER alice@example.org\r\nPASS secret\r\n"),
            "+OK Send PASS\r\n-ERR [SYS/TEMP] Too many failed logins, try again later\r\n");
  EXPECT_EQ(s.state(), Pop3State::authorization);
}

TEST(Pop3Auth, PlaintextRefusedBeforeTls) {
  Pop3Session s(test::plain_config());
  FakeShell shell;
  const char* refusal = "-ERR [AUTH] Plaintext authentication disallowed without TLS: use STLS first\r\n";
  EXPECT_EQ(drive(s, shell, "USER alice@example.org\r\nPASS secret\r\nAUTH PLAIN\r\nAUTH\r\n"),
            std::string(refusal) + refusal + refusal + "+OK\r\n.\r\n");
  EXPECT_TRUE(shell.auths.empty());
  EXPECT_EQ(drive(s, shell, "STLS\r\n"), "+OK Begin TLS negotiation\r\n");
  EXPECT_EQ(drive(s, shell, "AUTH\r\nUSER alice@example.org\r\nPASS secret\r\n"),
            std::string("+OK\r\nPLAIN\r\n.\r\n+OK Send PASS\r\n") + kOk);
}

TEST(Pop3Auth, PlaintextAllowedByConfig) {
  Pop3Config c = test::plain_config();
  c.allow_plaintext_auth = true;
  Pop3Session s(c);
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "USER alice@example.org\r\nPASS secret\r\n"), std::string("+OK Send PASS\r\n") + kOk);
}

TEST(Pop3Auth, StlsForgetsUser) {
  Pop3Config c = test::plain_config();
  c.allow_plaintext_auth = true;
  Pop3Session s(c);
  FakeShell shell;
  drive(s, shell, "USER alice@example.org\r\nSTLS\r\n");
  EXPECT_EQ(drive(s, shell, "PASS secret\r\n"), "-ERR Send USER first\r\n");
}

TEST(Pop3Auth, SaslEdgeCases) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  EXPECT_EQ(drive(s, shell,
                  "AUTH PLAIN\r\n*\r\n"
                  "AUTH PLAIN *\r\n"
                  "AUTH PLAIN\r\n!!!!\r\n"
                  "AUTH PLAIN =\r\n"
                  "AUTH PLAIN " + base64_encode("alice") + "\r\n"
                  "AUTH CRAM-MD5\r\n"
                  "AUTH PLAIN a b\r\n"),
            "+ \r\n-ERR Authentication cancelled\r\n"
            "-ERR Authentication cancelled\r\n"
            "+ \r\n-ERR Invalid base64 in response\r\n"
            "-ERR Invalid PLAIN response\r\n"
            "-ERR Invalid PLAIN response\r\n"
            "-ERR Unsupported authentication mechanism\r\n"
            "-ERR Syntax: AUTH mechanism [initial-response]\r\n");
  EXPECT_TRUE(shell.auths.empty());
}

TEST(Pop3Auth, PasswordMayContainSpaces) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  shell.passwords["bob@example.org"] = "two words";
  EXPECT_EQ(drive(s, shell, "USER bob@example.org\r\nPASS two words\r\n"), std::string("+OK Send PASS\r\n") + kOk);
}

TEST(Pop3Auth, QuitBeforeLogin) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "QUIT\r\nNOOP\r\n"), "+OK pop.example.org hamail POP3 server signing off\r\n");
  EXPECT_TRUE(shell.closed);
}

}  // namespace
}  // namespace hamail::mailsvc::pop3
