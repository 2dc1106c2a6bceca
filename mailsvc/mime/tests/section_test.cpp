// BODY[section] and BINARY[section]: exact octets for every section form, RFC 3501's
// part numbering through multiparts and held messages, missing parts, transfer decoding.
#include <gtest/gtest.h>

#include "hamail/mailsvc/mime/fetch.h"
#include "mime_test_util.h"

namespace hamail::mailsvc::mime {
namespace {

using imap::Section;
using imap::SectionText;
using test::read_data;

MimeMessage parsed(const std::string& raw) {
  Result<MimeMessage> m = MimeMessage::parse(raw);
  EXPECT_TRUE(m.is_ok());
  return std::move(*m);
}

Section sec(std::vector<std::uint32_t> part, SectionText text = SectionText::none, std::vector<std::string> fields = {}) {
  return Section{std::move(part), text, std::move(fields)};
}

const std::string kNested = read_data("nested_rfc822.eml");

TEST(Section, WholeMessageIsTheOriginalOctets) {
  MimeMessage m = parsed(kNested);
  EXPECT_EQ(section_bytes(m, sec({})), kNested);  // CRLF already: unchanged
}

TEST(Section, LfMessageIsServedWithCrlf) {
  MimeMessage m = parsed("Subject: x\n\nline 1\nline 2\n");
  EXPECT_EQ(section_bytes(m, sec({})), "Subject: x\r\n\r\nline 1\r\nline 2\r\n");
  EXPECT_EQ(section_bytes(m, sec({}, SectionText::header)), "Subject: x\r\n\r\n");
  EXPECT_EQ(section_bytes(m, sec({}, SectionText::text)), "line 1\r\nline 2\r\n");
}

TEST(Section, NonMultipartMessageHasPartOneItsBody) {
  MimeMessage m = parsed("Subject: x\r\nContent-Type: text/plain\r\n\r\nbody\r\n");
  EXPECT_EQ(section_bytes(m, sec({1})), "body\r\n");
  EXPECT_EQ(section_bytes(m, sec({1}, SectionText::mime)), "Subject: x\r\nContent-Type: text/plain\r\n\r\n");
  EXPECT_EQ(section_bytes(m, sec({2})), "");
  EXPECT_EQ(section_bytes(m, sec({1, 1})), "");
}

TEST(Section, MultipartPartsExcludeTheDelimiterCrlf) {
  MimeMessage m = parsed(kNested);
  EXPECT_EQ(section_bytes(m, sec({1})), "See below.\r\n");
  EXPECT_EQ(section_bytes(m, sec({1}, SectionText::mime)), "Content-Type: text/plain\r\n\r\n");
  EXPECT_EQ(section_bytes(m, sec({4})), "");
  EXPECT_EQ(section_bytes(m, sec({0})), "");
  EXPECT_EQ(section_bytes(m, sec({1, 1})), "See below.\r\n");  // as Dovecot: 1 of a leaf part is itself
  EXPECT_EQ(section_bytes(m, sec({1, 1, 1})), "");
}

TEST(Section, MessageRfc822PartHeaderTextAndInnerParts) {
  MimeMessage m = parsed(kNested);
  std::string held = section_bytes(m, sec({2}));
  EXPECT_TRUE(held.starts_with("Date: Thu, 3 Dec 2026 10:00:00 +0000\r\n")) << held;
  EXPECT_TRUE(held.ends_with("--inner--\r\n")) << held;
  std::string header = section_bytes(m, sec({2}, SectionText::header));
  EXPECT_TRUE(header.starts_with("Date: ")) << header;
  EXPECT_TRUE(header.ends_with("boundary=\"inner\"\r\n\r\n")) << header;
  EXPECT_EQ(section_bytes(m, sec({2}, SectionText::text)), held.substr(header.size()));
  EXPECT_EQ(section_bytes(m, sec({2, 1})), "plain inner");
  EXPECT_EQ(section_bytes(m, sec({2, 2})), "<p>html inner</p>");
  EXPECT_EQ(section_bytes(m, sec({2, 2}, SectionText::mime)), "Content-Type: text/html; charset=utf-8\r\n\r\n");
  EXPECT_EQ(section_bytes(m, sec({3, 1})), "just text");  // a non-multipart held message: 1 is its body
  EXPECT_EQ(section_bytes(m, sec({3, 1, 2})), "");
  EXPECT_EQ(section_bytes(m, sec({3}, SectionText::header)), "Subject: simple inner\r\nFrom: x@example.com\r\n\r\n");
  EXPECT_EQ(section_bytes(m, sec({1}, SectionText::header)), "");  // not a message/rfc822 part
}

TEST(Section, HeaderFieldsKeepOrderFoldingAndEndWithBlankLine) {
  MimeMessage m = parsed("From: a@b\r\nSubject: one\r\n two\r\nTo: c@d\r\nsubject: again\r\n\r\nbody");
  EXPECT_EQ(section_bytes(m, sec({}, SectionText::header_fields, {"SUBJECT", "x-none"})),
            "Subject: one\r\n two\r\nsubject: again\r\n\r\n");
  EXPECT_EQ(section_bytes(m, sec({}, SectionText::header_fields_not, {"subject"})), "From: a@b\r\nTo: c@d\r\n\r\n");
  EXPECT_EQ(section_bytes(m, sec({}, SectionText::header_fields, {"x-none"})), "\r\n");
}

TEST(Section, MissingFinalBoundaryLastPartRunsToTheEnd) {
  MimeMessage m = parsed(read_data("no_final_boundary.eml"));
  EXPECT_EQ(section_bytes(m, sec({1})), "first");
  EXPECT_EQ(section_bytes(m, sec({2})), "second, and the message ends without a closing delimiter\r\n");
}

TEST(Binary, DecodesBase64AndQuotedPrintable) {
  MimeMessage m = parsed(read_data("mixed_attachment.eml"));
  Result<std::string> pdf = binary_section(m, sec({2}));
  ASSERT_TRUE(pdf.is_ok());
  EXPECT_TRUE(pdf->starts_with("%PDF-1.4\n")) << *pdf;
  Result<std::size_t> size = binary_size(m, sec({2}));
  ASSERT_TRUE(size.is_ok());
  EXPECT_EQ(*size, pdf->size());
  MimeMessage alt = parsed(read_data("alternative.eml"));
  Result<std::string> text = binary_section(alt, sec({1}));
  ASSERT_TRUE(text.is_ok());
  EXPECT_EQ(*text, "Your order has shipped. Caf\xC3\xA9 cr\xC3\xA8me is on its way.\r\n"
                   "A long line that is soft-broken here and continues.\r\n");
}

TEST(Binary, DecodesUuencode) {
  MimeMessage m = parsed("MIME-Version: 1.0\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 f\r\n#:&D*\r\n`\r\nend\r\n");
  Result<std::string> r = binary_section(m, sec({1}));
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(*r, "hi\n");
}

TEST(Binary, UnknownEncodingIsAnError) {
  MimeMessage m = parsed("MIME-Version: 1.0\r\nContent-Transfer-Encoding: x-rot13\r\n\r\nuryyb\r\n");
  Result<std::string> r = binary_section(m, sec({1}));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error(), "UNKNOWN-CTE: x-rot13");
  EXPECT_FALSE(binary_size(m, sec({1})).is_ok());
  Result<std::string> missing = binary_section(m, sec({7}));
  ASSERT_TRUE(missing.is_ok());
  EXPECT_EQ(*missing, "");
}

TEST(Limits, TooBigIsRefusedDeepAndManyPartsBecomeTextLeaves) {
  MimeLimits small;
  small.max_bytes = 10;
  EXPECT_FALSE(MimeMessage::parse("Subject: too long\r\n\r\n", small).is_ok());
  std::string deep;
  for (int i = 0; i < 30; ++i) deep += "Content-Type: message/rfc822\r\n\r\n";
  deep += "Subject: bottom\r\n\r\nx";
  MimeLimits limits;
  limits.max_depth = 5;
  Result<MimeMessage> m = MimeMessage::parse(deep, limits);
  ASSERT_TRUE(m.is_ok());
  EXPECT_EQ(m->part_count(), 6u);
  EXPECT_NE(body_structure(*m, true).find("\"text\" \"plain\""), std::string::npos);
  std::string many = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
  for (int i = 0; i < 50; ++i) many += "--b\r\n\r\npart\r\n";
  limits.max_parts = 10;
  Result<MimeMessage> wide = MimeMessage::parse(many, limits);
  ASSERT_TRUE(wide.is_ok());
  EXPECT_LE(wide->part_count(), 10u);
  EXPECT_EQ(wide->root().children.size(), 9u);
}

}  // namespace
}  // namespace hamail::mailsvc::mime
