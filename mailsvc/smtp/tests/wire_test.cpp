// The shared wire pieces: bounded line framing, strict base64, SASL response and
// PLAIN decoding (suite names start with Smtp so `ctest -R Smtp` runs them).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hamail/mailsvc/wire/base64.h"
#include "hamail/mailsvc/wire/line_framer.h"
#include "hamail/mailsvc/wire/sasl.h"

namespace hamail::mailsvc::wire {
namespace {

std::vector<Line> frame(LineFramer& f, std::string_view in) {
  std::vector<Line> out;
  for (char c : in)
    if (auto l = f.push(c)) out.push_back(*l);
  return out;
}

TEST(SmtpWireLineFramer, SplitsCrlfAndFlagsBareLf) {
  LineFramer f(100);
  auto lines = frame(f, "ONE\r\nTWO\nTHREE\r\n\r\nPART");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].text, "ONE");
  EXPECT_FALSE(lines[0].bare_lf);
  EXPECT_EQ(lines[1].text, "TWO");
  EXPECT_TRUE(lines[1].bare_lf);
  EXPECT_EQ(lines[2].text, "THREE");
  EXPECT_EQ(lines[3].text, "");
  EXPECT_TRUE(f.mid_line());
}

TEST(SmtpWireLineFramer, KeepsInnerCr) {
  LineFramer f(100);
  auto lines = frame(f, "A\rB\r\r\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text, "A\rB\r");
}

TEST(SmtpWireLineFramer, LimitCountsTheCrlf) {
  LineFramer f(10);
  auto ok = frame(f, std::string(8, 'x') + "\r\n");
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_FALSE(ok[0].too_long);
  EXPECT_EQ(ok[0].text, std::string(8, 'x'));
  auto bad = frame(f, std::string(9, 'x') + "\r\nNEXT\r\n");
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_TRUE(bad[0].too_long);
  EXPECT_EQ(bad[0].text, "");
  EXPECT_EQ(bad[1].text, "NEXT");
}

TEST(SmtpWireLineFramer, OverlongLineIsOneReportAndBoundedMemory) {
  LineFramer f(10);
  auto lines = frame(f, std::string(100000, 'y') + "\nOK\r\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].too_long);
  EXPECT_EQ(lines[1].text, "OK");
}

TEST(SmtpWireBase64, RoundTripsEveryLength) {
  std::string s;
  for (int i = 0; i < 40; ++i) {
    auto d = base64_decode(base64_encode(s));
    ASSERT_TRUE(d.is_ok()) << i;
    EXPECT_EQ(*d, s);
    s.push_back(static_cast<char>(i * 37));
  }
}

TEST(SmtpWireBase64, KnownVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(*base64_decode("Zm9vYg=="), "foob");
}

TEST(SmtpWireBase64, RejectsMalformed) {
  EXPECT_FALSE(base64_decode("Zm9").is_ok());        // length
  EXPECT_FALSE(base64_decode("Zm9v!A==").is_ok());   // character
  EXPECT_FALSE(base64_decode("Zg==Zm9v").is_ok());   // padding in the middle
  EXPECT_FALSE(base64_decode("Z===").is_ok());       // too much padding
  EXPECT_FALSE(base64_decode("Zh==").is_ok());       // non-canonical bits
  EXPECT_FALSE(base64_decode("Zm9 v").is_ok());      // space
}

TEST(SmtpWireSasl, ResponseForms) {
  EXPECT_TRUE(std::holds_alternative<SaslCancelled>(decode_sasl_response("*")));
  EXPECT_EQ(std::get<std::string>(decode_sasl_response("=")), "");
  EXPECT_EQ(std::get<std::string>(decode_sasl_response("")), "");
  EXPECT_EQ(std::get<std::string>(decode_sasl_response("Zm9v")), "foo");
  EXPECT_TRUE(std::holds_alternative<SaslBadEncoding>(decode_sasl_response("***")));
}

TEST(SmtpWireSasl, PlainFields) {
  auto c = parse_sasl_plain(std::string("\0alice\0secret", 13));
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ(c->authzid, "");
  EXPECT_EQ(c->user, "alice");
  EXPECT_EQ(c->password, "secret");
  auto z = parse_sasl_plain(std::string("admin\0alice\0pw", 14));
  ASSERT_TRUE(z.is_ok());
  EXPECT_EQ(z->authzid, "admin");
  EXPECT_FALSE(parse_sasl_plain("alice").is_ok());
  EXPECT_FALSE(parse_sasl_plain(std::string("alice\0pw", 8)).is_ok());
  EXPECT_FALSE(parse_sasl_plain(std::string("\0\0pw", 4)).is_ok());
  EXPECT_FALSE(parse_sasl_plain(std::string("\0alice\0", 7)).is_ok());
  EXPECT_FALSE(parse_sasl_plain(std::string("\0a\0b\0c", 6)).is_ok());
}

}  // namespace
}  // namespace hamail::mailsvc::wire
