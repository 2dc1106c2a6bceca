// MAIL FROM / RCPT TO argument parsing: paths, parameters and address syntax.
#include "hamail/mailsvc/smtp/path.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::smtp {
namespace {

TEST(SmtpPath, MailFromWithParameters) {
  auto r = parse_mail_from("FROM:<alice@example.org> SIZE=1234 BODY=8BITMIME SMTPUTF8");
  ASSERT_TRUE(r.value);
  EXPECT_EQ(r.value->address, "alice@example.org");
  EXPECT_EQ(r.value->size, 1234u);
  EXPECT_TRUE(r.value->body_8bitmime);
  EXPECT_TRUE(r.value->smtputf8);
}

TEST(SmtpPath, NullSenderCaseAndSpaces) {
  auto r = parse_mail_from("from: <>");
  ASSERT_TRUE(r.value);
  EXPECT_EQ(r.value->address, "");
  EXPECT_FALSE(r.value->size);
  auto b = parse_mail_from("FROM:<a@b.example> BODY=7BIT AUTH=<>");
  ASSERT_TRUE(b.value);
  EXPECT_FALSE(b.value->body_8bitmime);
}

TEST(SmtpPath, SourceRouteIsIgnored) {
  auto r = parse_rcpt_to("TO:<@relay.example,@b.example:bob@example.org>", false);
  ASSERT_TRUE(r.value);
  EXPECT_EQ(r.value->address, "bob@example.org");
}

TEST(SmtpPath, QuotedLocalPart) {
  auto r = parse_rcpt_to("TO:<\"john doe>\"@example.org>", false);
  ASSERT_TRUE(r.value);
  EXPECT_EQ(r.value->address, "\"john doe>\"@example.org");
}

TEST(SmtpPath, SyntaxErrors) {
  EXPECT_EQ(parse_mail_from("alice@example.org").error, PathError::syntax);
  EXPECT_EQ(parse_mail_from("FROM:alice@example.org").error, PathError::syntax);
  EXPECT_EQ(parse_mail_from("FROM:<alice@example.org").error, PathError::syntax);
  EXPECT_EQ(parse_mail_from("FROM:<a@b.example>SIZE=1").error, PathError::syntax);
  EXPECT_EQ(parse_rcpt_to("TO:", false).error, PathError::syntax);
  EXPECT_EQ(parse_rcpt_to("FROM:<a@b.example>", false).error, PathError::syntax);
}

TEST(SmtpPath, BadAddresses) {
  for (const char* a : {"FROM:<alice>", "FROM:<@example.org>", "FROM:<alice@>", "FROM:<a..b@example.org>",
                        "FROM:<.a@example.org>", "FROM:<a@exa_mple.org>", "FROM:<a@example..org>",
                        "FROM:<a b@example.org>"})
    EXPECT_EQ(parse_mail_from(a).error, PathError::bad_address) << a;
  EXPECT_EQ(parse_rcpt_to("TO:<" + std::string(65, 'a') + "@example.org>", false).error, PathError::bad_address);
  EXPECT_TRUE(parse_rcpt_to("TO:<a@[192.0.2.1]>", false).value);
  EXPECT_TRUE(parse_rcpt_to("TO:<Postmaster>", false).value);
}

TEST(SmtpPath, Parameters) {
  EXPECT_EQ(parse_mail_from("FROM:<a@b.example> SIZE=abc").error, PathError::bad_parameter);
  EXPECT_EQ(parse_mail_from("FROM:<a@b.example> SIZE=").error, PathError::bad_parameter);
  EXPECT_EQ(parse_mail_from("FROM:<a@b.example> SIZE=99999999999999999999999").error, PathError::bad_parameter);
  EXPECT_EQ(parse_mail_from("FROM:<a@b.example> BODY=BINARYMIME").error, PathError::bad_parameter);
  EXPECT_EQ(parse_mail_from("FROM:<a@b.example> XFOO=1").error, PathError::bad_parameter);
  EXPECT_EQ(parse_rcpt_to("TO:<a@b.example> NOTIFY=NEVER", false).error, PathError::bad_parameter);
}

TEST(SmtpPath, Utf8NeedsSmtputf8) {
  std::string utf8 = "j\xC3\xB6rg@b\xC3\xBC" "cher.example";
  EXPECT_EQ(parse_mail_from("FROM:<" + utf8 + ">").error, PathError::needs_smtputf8);
  auto ok = parse_mail_from("FROM:<" + utf8 + "> SMTPUTF8");
  ASSERT_TRUE(ok.value);
  EXPECT_EQ(ok.value->address, utf8);
  EXPECT_EQ(parse_rcpt_to("TO:<" + utf8 + ">", false).error, PathError::needs_smtputf8);
  EXPECT_TRUE(parse_rcpt_to("TO:<" + utf8 + ">", true).value);
}

}  // namespace
}  // namespace hamail::mailsvc::smtp
