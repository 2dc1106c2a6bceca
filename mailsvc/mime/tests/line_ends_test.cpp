// A message with LF line ends answers exactly as the same message with CRLF (imapd serves
// CRLF, RFC 3501 counts sizes in it), and GMime's one-time setup holds across threads.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "hamail/mailsvc/mime/fetch.h"
#include "hamail/mailsvc/mime/search.h"
#include "hamail/mailsvc/mime/sort_keys.h"
#include "mime_test_util.h"

namespace hamail::mailsvc::mime {
namespace {

std::string with_crlf(const std::string& lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

class LineEnds : public ::testing::TestWithParam<const char*> {};

TEST_P(LineEnds, LfAndCrlfGiveTheSameAnswers) {
  std::string lf = test::read_data(std::string(GetParam()) + ".eml");
  ASSERT_EQ(lf.find('\r'), std::string::npos);
  Result<MimeMessage> a = MimeMessage::parse(lf);
  Result<MimeMessage> b = MimeMessage::parse(with_crlf(lf));
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_EQ(a->bytes(), b->bytes());
  EXPECT_EQ(envelope(*a), envelope(*b));
  EXPECT_EQ(body_structure(*a, true), body_structure(*b, true));
  for (std::uint32_t n = 1; n <= 3; ++n) {
    imap::Section s{{n}, imap::SectionText::mime, {}};
    EXPECT_EQ(section_bytes(*a, s), section_bytes(*b, s));
  }
}

INSTANTIATE_TEST_SUITE_P(LfMessages, LineEnds,
                         ::testing::Values("plain", "mixed_attachment", "no_final_boundary", "digest", "toplevel_rfc822"));

TEST(LineEnds, BareCrIsKept) {
  Result<MimeMessage> m = MimeMessage::parse("Subject: a\rb\r\n\r\nx\ry\n");
  ASSERT_TRUE(m.is_ok());
  EXPECT_EQ(m->bytes(), "Subject: a\rb\r\n\r\nx\ry\r\n");
}

TEST(Threads, ParsingAndDecodingFromManyThreadsAtOnce) {
  std::string raw = test::read_data("encoded_words.eml");
  std::vector<int> ok(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Result<MimeMessage> m = MimeMessage::parse(raw);
      ok[t] = m.is_ok() && header_matches(*m, "Subject", "münchen") && body_matches(*m, "preis") &&
              sent_date(*m).has_value();
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(ok, std::vector<int>(4, 1));
}

}  // namespace
}  // namespace hamail::mailsvc::mime
