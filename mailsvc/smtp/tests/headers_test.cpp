// Received / Message-ID / Date helpers and the relay policy.
#include "hamail/mailsvc/smtp/headers.h"

#include <gtest/gtest.h>

#include "hamail/mailsvc/smtp/recipient_policy.h"

namespace hamail::mailsvc::smtp {
namespace {

TEST(SmtpHeaders, Rfc5322Date) {
  EXPECT_EQ(format_rfc5322_date(0, 0), "Thu, 1 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(format_rfc5322_date(1057049557, 120), "Tue, 1 Jul 2003 10:52:37 +0200");
  EXPECT_EQ(format_rfc5322_date(951782400, -330), "Mon, 28 Feb 2000 18:30:00 -0530");
  EXPECT_EQ(format_rfc5322_date(951868800, 0), "Wed, 1 Mar 2000 00:00:00 +0000");
  EXPECT_EQ(format_rfc5322_date(-1, 0), "Wed, 31 Dec 1969 23:59:59 +0000");
}

TEST(SmtpHeaders, WithProtocol) {
  Envelope e;
  EXPECT_EQ(with_protocol(e), "SMTP");
  e.esmtp = true;
  EXPECT_EQ(with_protocol(e), "ESMTP");
  e.tls = true;
  EXPECT_EQ(with_protocol(e), "ESMTPS");
  e.auth_user = "alice";
  EXPECT_EQ(with_protocol(e), "ESMTPSA");
  e.smtputf8 = true;
  EXPECT_EQ(with_protocol(e), "UTF8SMTPSA");
}

TEST(SmtpHeaders, ReceivedLine) {
  Envelope e;
  e.helo = "client.example";
  e.esmtp = true;
  e.recipients = {"bob@example.org"};
  ReceivedInfo info{"192.0.2.7", "", "mx.example.org", "Q42", 1057049557, 0};
  EXPECT_EQ(received_header(e, info),
            "Received: from client.example (unknown [192.0.2.7])\r\n"
            "\tby mx.example.org (hamail) with ESMTP id Q42\r\n"
            "\tfor <bob@example.org>; Tue, 1 Jul 2003 08:52:37 +0000\r\n");
  e.recipients.push_back("carol@example.org");
  info.client_rdns = "client.example";
  EXPECT_EQ(received_header(e, info),
            "Received: from client.example (client.example [192.0.2.7])\r\n"
            "\tby mx.example.org (hamail) with ESMTP id Q42; Tue, 1 Jul 2003 08:52:37 +0000\r\n");
}

TEST(SmtpHeaders, ScanAndAddMissing) {
  std::string msg = "Subject: hi\r\nmessage-id : <x@y>\r\n\r\nDate: not a header\r\n";
  auto p = scan_headers(msg);
  EXPECT_TRUE(p.message_id);
  EXPECT_FALSE(p.date);
  EXPECT_EQ(add_missing_submission_headers(msg, "<Q1@h>", "D"), "Date: D\r\n" + msg);
  std::string folded = "Subject: a\r\n Date: folded, not a field\r\nX-Message-ID: no\r\n\r\n";
  EXPECT_EQ(add_missing_submission_headers(folded, "<Q1@h>", "D"), "Message-ID: <Q1@h>\r\nDate: D\r\n" + folded);
  std::string both = "Date: x\nMessage-ID: <a@b>\n";  // bare LF, no body
  EXPECT_EQ(add_missing_submission_headers(both, "<Q1@h>", "D"), both);
  EXPECT_EQ(add_missing_submission_headers("", "<Q1@h>", "D"), "Message-ID: <Q1@h>\r\nDate: D\r\n");
  EXPECT_EQ(make_message_id("Q1", "mx.example.org"), "<Q1@mx.example.org>");
}

TEST(SmtpRecipientPolicy, NeverAnOpenRelay) {
  EXPECT_EQ(recipient_policy(PortRole::mx, false, true, true), RecipientVerdict::ok);
  EXPECT_EQ(recipient_policy(PortRole::mx, false, true, false), RecipientVerdict::unknown_user);
  EXPECT_EQ(recipient_policy(PortRole::mx, false, false, false), RecipientVerdict::relay_denied);
  EXPECT_EQ(recipient_policy(PortRole::mx, true, false, false), RecipientVerdict::relay_denied);
  EXPECT_EQ(recipient_policy(PortRole::submission, false, false, false), RecipientVerdict::relay_denied);
  EXPECT_EQ(recipient_policy(PortRole::submission, true, false, false), RecipientVerdict::ok);
  EXPECT_EQ(recipient_policy(PortRole::submissions, true, true, false), RecipientVerdict::unknown_user);
}

}  // namespace
}  // namespace hamail::mailsvc::smtp
