// SEARCH matching and the sort keys on the test messages: decoded encoded words, charsets
// and transfer encodings, case folding, dates with zones, base subjects (RFC 5256 2.1).
#include <gtest/gtest.h>

#include "hamail/mailsvc/mime/search.h"
#include "hamail/mailsvc/mime/sort_keys.h"
#include "mime_test_util.h"

namespace hamail::mailsvc::mime {
namespace {

MimeMessage load(const std::string& name) {
  Result<MimeMessage> m = MimeMessage::parse(test::read_data(name));
  EXPECT_TRUE(m.is_ok());
  return std::move(*m);
}

TEST(HeaderMatches, DecodesEncodedWordsAndFoldsCase) {
  MimeMessage m = load("encoded_words.eml");
  EXPECT_TRUE(header_matches(m, "subject", "GRÜSSE"));  // ß folds to ss
  EXPECT_TRUE(header_matches(m, "subject", "grüße"));
  EXPECT_TRUE(header_matches(m, "Subject", "MÜNCHEN €"));
  EXPECT_TRUE(header_matches(m, "FROM", "jürgen müller"));
  EXPECT_TRUE(header_matches(m, "to", "françois"));
  EXPECT_FALSE(header_matches(m, "to", "jürgen"));
  EXPECT_TRUE(header_matches(m, "bcc", ""));
  EXPECT_FALSE(header_matches(m, "x-absent", ""));
}

TEST(HeaderMatches, EightBitHeaderDoesNotBreakMatching) {
  MimeMessage m = load("eightbit.eml");
  EXPECT_TRUE(header_matches(m, "subject", "8BIT"));
  EXPECT_TRUE(header_matches(m, "subject", "in subject"));
}

TEST(BodyMatches, DecodesTransferEncodingAndCharset) {
  EXPECT_TRUE(body_matches(load("encoded_words.eml"), "PREIS: 10 €"));  // base64, UTF-8
  EXPECT_TRUE(body_matches(load("alternative.eml"), "café crème"));      // quoted-printable
  EXPECT_TRUE(body_matches(load("alternative.eml"), "soft-broken here and continues"));
  EXPECT_TRUE(body_matches(load("mixed_attachment.eml"), "Grüße"));      // ISO-8859-1 8bit
  EXPECT_FALSE(body_matches(load("mixed_attachment.eml"), "PDF-1.4"));   // not a text part
  EXPECT_TRUE(body_matches(load("nested_rfc822.eml"), "html inner"));    // inside a held message
  EXPECT_FALSE(body_matches(load("plain.eml"), "bob@example.net"));      // only in the header
}

TEST(TextMatches, HeaderOrBody) {
  MimeMessage m = load("plain.eml");
  EXPECT_TRUE(text_matches(m, "lunch on friday"));
  EXPECT_TRUE(text_matches(m, "shall we"));
  EXPECT_FALSE(text_matches(m, "dinner"));
}

// ASCII text is folded without GLib: the same answers as Unicode folding gives.
TEST(TextMatches, AsciiTextFoldsAsUnicodeFoldingDoes) {
  Result<MimeMessage> m = MimeMessage::parse(
      "Subject: Weekly REPORT\r\n\r\nThe QUOKKA count is 12; strasse, Kelvin @[\\]^_`{|}~\r\n");
  ASSERT_TRUE(m.is_ok());
  EXPECT_TRUE(text_matches(*m, "quokka"));
  EXPECT_TRUE(text_matches(*m, "QuOkKa COUNT"));
  EXPECT_TRUE(text_matches(*m, "weekly report"));
  EXPECT_TRUE(text_matches(*m, "STRASSE"));
  EXPECT_TRUE(text_matches(*m, "Straße"));     // the needle folds to "strasse"
  EXPECT_TRUE(text_matches(*m, "\u212Aelvin"));  // KELVIN SIGN folds to "k"
  EXPECT_TRUE(text_matches(*m, "@[\\]^_`{|}~"));  // punctuation between the letters is not folded
  EXPECT_FALSE(text_matches(*m, "quokkas"));
  EXPECT_FALSE(text_matches(*m, "caf\u00e9"));
  EXPECT_TRUE(body_matches(*m, "count is 12"));
  EXPECT_FALSE(body_matches(*m, "weekly"));    // only in the header
}

TEST(SortKeys, DateWithZone) {
  std::optional<SentDate> d = sent_date(load("alternative.eml"));  // Wed, 02 Dec 2026 18:30:00 -0500
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->utc_seconds, 1796254200);  // 2026-12-02T23:30:00Z
  EXPECT_EQ(d->offset_minutes, -300);
  EXPECT_FALSE(sent_date(load("missing_headers.eml")).has_value());
  Result<MimeMessage> bad = MimeMessage::parse("Date: sometime soon\r\n\r\n");
  ASSERT_TRUE(bad.is_ok());
  EXPECT_FALSE(sent_date(*bad).has_value());
}

TEST(SortKeys, AddressesAndIds) {
  MimeMessage enc = load("encoded_words.eml");
  EXPECT_EQ(first_mailbox(enc, "From"), "juergen");
  EXPECT_EQ(first_mailbox(enc, "Cc"), "anna");  // inside the group
  EXPECT_EQ(first_mailbox(load("missing_headers.eml"), "From"), std::nullopt);
  MimeMessage alt = load("alternative.eml");
  EXPECT_EQ(message_id(alt), "<order-1234@shop.example>");
  EXPECT_EQ(in_reply_to(alt), "<req-99@example.org>");
  EXPECT_EQ(references(alt), (std::vector<std::string>{"<req-98@example.org>", "<req-99@example.org>"}));
  EXPECT_EQ(decoded_subject(enc), "Grüße aus München €");
}

TEST(BaseSubject, Rfc5256Rules) {
  bool reply = false;
  EXPECT_EQ(base_subject("Re: [shop] Fwd: Your order (fwd)", &reply), "Your order");
  EXPECT_TRUE(reply);
  EXPECT_EQ(base_subject("Lunch on Friday?", &reply), "Lunch on Friday?");
  EXPECT_FALSE(reply);
  EXPECT_EQ(base_subject("RE:  re:FWD: \t hello  world  "), "hello world");
  EXPECT_EQ(base_subject("Re[2]: status"), "status");
  EXPECT_EQ(base_subject("[list] status", &reply), "status");
  EXPECT_FALSE(reply);
  EXPECT_EQ(base_subject("[only a blob]"), "[only a blob]");  // removing it would leave nothing
  EXPECT_EQ(base_subject("[Fwd: Re: meeting]", &reply), "meeting");
  EXPECT_TRUE(reply);
  EXPECT_EQ(base_subject("Fwd: (fwd) (fwd)"), "");
  EXPECT_EQ(base_subject("Reply needed"), "Reply needed");  // "Re" without a colon stays
  EXPECT_EQ(base_subject(""), "");
}

}  // namespace
}  // namespace hamail::mailsvc::mime
