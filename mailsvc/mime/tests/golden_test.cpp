// ENVELOPE, BODY and BODYSTRUCTURE of each test message against Dovecot 2.3's answers
// (tests/data/NAME.envelope ...; regenerate_goldens.py makes them), compared as values.
#include <gtest/gtest.h>

#include "hamail/mailsvc/mime/fetch.h"
#include "mime_test_util.h"

namespace hamail::mailsvc::mime {
namespace {

using test::canonical;
using test::read_data;

class Golden : public ::testing::TestWithParam<const char*> {};

TEST_P(Golden, MatchesDovecot) {
  std::string name = GetParam();
  Result<MimeMessage> msg = MimeMessage::parse(read_data(name + ".eml"));
  ASSERT_TRUE(msg.is_ok()) << msg.error();
  EXPECT_EQ(canonical(envelope(*msg)), canonical(read_data(name + ".envelope"))) << name;
  EXPECT_EQ(canonical(body_structure(*msg, false)), canonical(read_data(name + ".body"))) << name;
  EXPECT_EQ(canonical(body_structure(*msg, true)), canonical(read_data(name + ".bodystructure"))) << name;
}

INSTANTIATE_TEST_SUITE_P(Messages, Golden,
                         ::testing::Values("plain", "alternative", "mixed_attachment", "nested_rfc822",
                                           "encoded_words", "missing_headers", "no_final_boundary",
                                           "no_boundary_param", "eightbit", "edge_cases", "digest",
                                           "toplevel_rfc822", "addresses", "duplicates",
                                           "not_mime", "address_errors"));

TEST(Canonical, QuotedAndLiteralAreTheSameString) {
  EXPECT_EQ(canonical("(\"a\\\"b\" NIL)"), canonical("({3}\r\na\"b NIL)"));
  EXPECT_NE(canonical("(\"ab\")"), canonical("(\"ac\")"));
  EXPECT_EQ(canonical("{9}\r\nab"), "<bad>");
}

}  // namespace
}  // namespace hamail::mailsvc::mime
