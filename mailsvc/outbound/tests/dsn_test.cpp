#include "hamail/mailsvc/outbound/dsn.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::outbound {
namespace {

const std::string kOriginal =
    "Received: from client.example.org (client [192.0.2.7])\r\n"
    "\tby mx.hamail.test (hamail) with ESMTPSA id Q1; Tue, 14 Nov 2023 22:13:20 +0000\r\n"
    "From: Alice <alice@hamail.test>\r\n"
    "To: bob@example.com, carol@example.net\r\n"
    "Subject: lunch\r\n"
    "Message-ID: <orig1@hamail.test>\r\n"
    "\r\n"
    "SECRET BODY LINE\r\n"
    "more body\r\n";

BounceInput sample() {
  BounceInput in;
  in.reporting_host = "mx.hamail.test";
  in.original_queue_id = "Q1";
  in.original_from = "alice@hamail.test";
  in.original_message_id = "<orig1@hamail.test>";
  in.arrival_unix = 1700000000;
  in.now_unix = 1700003600;
  in.utc_offset_minutes = 60;
  in.bounce_message_id = "<B1@mx.hamail.test>";
  in.boundary_seed = "B1";
  in.recipients.push_back({"bob@example.com", "5.1.1", "smtp; 550 5.1.1 <bob@example.com>: no such user",
                           "mx.example.com[198.51.100.1]:25", 1700003500});
  in.recipients.push_back({"carol@example.net", "4.4.7",
                           "x-hamail; not delivered within the queue lifetime (432000 s)", "", 0});
  in.original_message = kOriginal;
  return in;
}

struct Parsed {
  std::string headers;             // top-level header section, CRLF
  std::string boundary;
  std::vector<std::string> parts;  // each: part headers CRLF CRLF body (without the delimiter's CRLF)
};

// Splits the multipart/report back by its boundary (as a mail reader would).
Parsed parse(const std::string& m) {
  Parsed p;
  auto end = m.find("\r\n\r\n");
  p.headers = m.substr(0, end + 2);
  auto b = m.find("boundary=\"");
  EXPECT_NE(b, std::string::npos);
  b += 10;
  p.boundary = m.substr(b, m.find('"', b) - b);
  const std::string delim = "\r\n--" + p.boundary;
  std::size_t pos = m.find(delim, end);
  while (pos != std::string::npos) {
    std::size_t start = pos + delim.size();
    if (m.compare(start, 2, "--") == 0) {
      EXPECT_EQ(m.substr(start), "--\r\n");
      break;
    }
    start += 2;  // CRLF after the delimiter
    std::size_t next = m.find(delim, start);
    p.parts.push_back(m.substr(start, next == std::string::npos ? std::string::npos : next - start));
    pos = next;
  }
  return p;
}

void expect_wellformed_lines(const std::string& m) {
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      ASSERT_TRUE(i > 0 && m[i - 1] == '\r') << "bare LF at " << i;
    }
    if (m[i] == '\r') {
      ASSERT_TRUE(i + 1 < m.size() && m[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  std::size_t pos = 0;
  while (pos < m.size()) {
    std::size_t eol = m.find("\r\n", pos);
    ASSERT_NE(eol, std::string::npos) << "message does not end with CRLF";
    EXPECT_LE(eol - pos, 998u) << "line at " << pos << " is " << eol - pos << " octets";
    pos = eol + 2;
  }
}

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

TEST(Dsn, TopLevelHeaders) {
  std::string m = build_bounce(sample());
  Parsed p = parse(m);
  EXPECT_TRUE(contains(p.headers, "Date: Wed, 15 Nov 2023 00:13:20 +0100\r\n"));
  EXPECT_TRUE(contains(p.headers, "From: Mail Delivery System <MAILER-DAEMON@mx.hamail.test>\r\n"));
  EXPECT_TRUE(contains(p.headers, "To: <alice@hamail.test>\r\n"));
  EXPECT_TRUE(contains(p.headers, "Subject: Undelivered Mail Returned to Sender\r\n"));
  EXPECT_TRUE(contains(p.headers, "Message-ID: <B1@mx.hamail.test>\r\n"));
  EXPECT_TRUE(contains(p.headers, "References: <orig1@hamail.test>\r\n"));
  EXPECT_TRUE(contains(p.headers, "Auto-Submitted: auto-replied\r\n"));
  EXPECT_TRUE(contains(p.headers, "MIME-Version: 1.0\r\n"));
  EXPECT_TRUE(contains(p.headers, "Content-Type: multipart/report; report-type=delivery-status;\r\n boundary=\""));
  EXPECT_FALSE(contains(p.headers, "Content-Transfer-Encoding"));
  EXPECT_EQ(p.boundary, dsn_boundary_candidate("B1", 0));
  expect_wellformed_lines(m);
}

TEST(Dsn, ThreePartsInOrder) {
  Parsed p = parse(build_bounce(sample()));
  ASSERT_EQ(p.parts.size(), 3u);
  EXPECT_TRUE(contains(p.parts[0], "Content-Type: text/plain; charset=utf-8\r\n"));
  EXPECT_TRUE(contains(p.parts[1], "Content-Type: message/delivery-status\r\n"));
  EXPECT_TRUE(contains(p.parts[2], "Content-Type: text/rfc822-headers\r\n"));
}

TEST(Dsn, ExplanationNamesEachRecipientAndWhy) {
  const std::string text = parse(build_bounce(sample())).parts.at(0);
  EXPECT_TRUE(contains(text, "This is the mail system at host mx.hamail.test."));
  EXPECT_TRUE(contains(text, "<bob@example.com>: host mx.example.com[198.51.100.1]:25 said: 550 5.1.1"));
  EXPECT_TRUE(contains(text, "<carol@example.net>: not delivered within the queue lifetime (432000 s)"));
}

TEST(Dsn, DeliveryStatusFields) {
  const std::string s = parse(build_bounce(sample())).parts.at(1);
  const std::string expected =
      "Content-Description: Delivery report\r\n"
      "Content-Type: message/delivery-status\r\n"
      "\r\n"
      "Reporting-MTA: dns; mx.hamail.test\r\n"
      "X-Hamail-Queue-ID: Q1\r\n"
      "Arrival-Date: Tue, 14 Nov 2023 23:13:20 +0100\r\n"
      "\r\n"
      "Final-Recipient: rfc822; bob@example.com\r\n"
      "Action: failed\r\n"
      "Status: 5.1.1\r\n"
      "Remote-MTA: dns; mx.example.com\r\n"
      "Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>: no such user\r\n"
      "Last-Attempt-Date: Wed, 15 Nov 2023 00:11:40 +0100\r\n"
      "\r\n"
      "Final-Recipient: rfc822; carol@example.net\r\n"
      "Action: failed\r\n"
      "Status: 4.4.7\r\n"
      "Diagnostic-Code: x-hamail; not delivered within the queue lifetime (432000 s)\r\n";
  EXPECT_EQ(s, expected);
}

TEST(Dsn, OriginalHeadersButNotTheBody) {
  std::string m = build_bounce(sample());
  const std::string h = parse(m).parts.at(2);
  EXPECT_TRUE(contains(h, "\r\n\r\nReceived: from client.example.org"));
  EXPECT_TRUE(contains(h, "\tby mx.hamail.test (hamail) with ESMTPSA id Q1;"));
  EXPECT_TRUE(contains(h, "Subject: lunch\r\nMessage-ID: <orig1@hamail.test>\r\n"));
  EXPECT_FALSE(contains(m, "SECRET BODY LINE"));
  EXPECT_FALSE(contains(m, "more body"));
}

TEST(Dsn, BoundaryNeverOccursInTheContent) {
  BounceInput in = sample();
  // The original carries the first two candidates: the third is used.
  in.original_message = "X-A: " + dsn_boundary_candidate("B1", 0) + "\r\nX-B: " + dsn_boundary_candidate("B1", 1) +
                        "\r\n" + kOriginal;
  std::string m = build_bounce(in);
  Parsed p = parse(m);
  EXPECT_EQ(p.boundary, dsn_boundary_candidate("B1", 2));
  ASSERT_EQ(p.parts.size(), 3u);
  EXPECT_TRUE(contains(p.parts[2], dsn_boundary_candidate("B1", 0)));
  for (const auto& part : p.parts) EXPECT_FALSE(contains(part, p.boundary));

  // Every candidate present (a hostile original): the last one is removed from the parts.
  std::string hostile;
  for (unsigned i = 0; i < 16; ++i) hostile += "X-C: --" + dsn_boundary_candidate("B1", i) + "\r\n";
  in.original_message = hostile + kOriginal;
  m = build_bounce(in);
  p = parse(m);
  ASSERT_EQ(p.parts.size(), 3u);
  for (const auto& part : p.parts) EXPECT_FALSE(contains(part, p.boundary));
  expect_wellformed_lines(m);
}

TEST(Dsn, NoLongLinesAndNoInjectionFromHostileInput) {
  BounceInput in = sample();
  std::string huge(5000, 'd');
  in.recipients[0].diagnostic = "smtp; 550 " + huge + "\r\nInjected: yes\r\n";
  in.recipients[1].diagnostic = std::string(3000, 'w') + " " + std::string(400, 'v');
  in.original_from = "alice@hamail.test>\r\nBcc: victim@example.org";
  in.original_message = "X-Long: " + std::string(5000, 'h') + "\r\nX-Bare: lf\nX-Cr: a\rb\r\nSubject: s\r\n\r\nbody\r\n";
  std::string m = build_bounce(in);
  expect_wellformed_lines(m);
  EXPECT_FALSE(contains(m, "\r\nInjected: yes"));
  EXPECT_FALSE(contains(m, "\r\nBcc:"));
  Parsed p = parse(m);
  ASSERT_EQ(p.parts.size(), 3u);
  EXPECT_TRUE(contains(p.parts[2], "X-Bare: lf\r\nX-Cr: a b\r\nSubject: s\r\n"));
  EXPECT_FALSE(contains(m, "body"));
}

TEST(Dsn, HeaderSectionIsBounded) {
  BounceInput in = sample();
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "X-Filler-" + std::to_string(i) + ": " + std::string(60, 'f') + "\r\n";
  in.original_message = many + "\r\nbody\r\n";
  Parsed p = parse(build_bounce(in));
  ASSERT_EQ(p.parts.size(), 3u);
  EXPECT_LE(p.parts[2].size(), 64u * 1024 + 200);
  EXPECT_TRUE(contains(p.parts[2], "X-Filler-0: "));
  EXPECT_FALSE(contains(p.parts[2], "X-Filler-4999: "));
}

TEST(Dsn, EightBitIsMarked) {
  BounceInput in = sample();
  in.recipients[0].address = "j\xc3\xb6rg@example.com";
  in.original_message = "Subject: gr\xc3\xbc\xc3\x9f" "e\r\n\r\nbody\r\n";
  std::string m = build_bounce(in);
  Parsed p = parse(m);
  EXPECT_TRUE(contains(p.headers, "Content-Transfer-Encoding: 8bit\r\n"));
  EXPECT_TRUE(contains(p.parts[0], "Content-Transfer-Encoding: 8bit\r\n"));
  EXPECT_TRUE(contains(p.parts[0], "<j\xc3\xb6rg@example.com>"));
  EXPECT_TRUE(contains(p.parts[1], "Final-Recipient: rfc822; j??rg@example.com\r\n"));
  EXPECT_FALSE(contains(p.parts[1], "Content-Transfer-Encoding"));
  EXPECT_TRUE(contains(p.parts[2], "Content-Transfer-Encoding: 8bit\r\n"));
}

TEST(Dsn, BadStatusBecomes500) {
  BounceInput in = sample();
  in.recipients[0].status = "550";
  EXPECT_TRUE(contains(parse(build_bounce(in)).parts.at(1), "Status: 5.0.0\r\n"));
}

TEST(Dsn, DiagnosticForSmtpReply) {
  EXPECT_EQ(diagnostic_for_smtp_reply("550-5.1.1 first\r\n550 5.1.1 second"), "smtp; 550-5.1.1 first 550 5.1.1 second");
  std::string d = diagnostic_for_smtp_reply("550 " + std::string(5000, 'x'));
  EXPECT_LE(d.size(), 900u);
  EXPECT_EQ(d.substr(d.size() - 3), "...");
  EXPECT_EQ(d.find('\r'), std::string::npos);
}

}  // namespace
}  // namespace hamail::mailsvc::outbound
