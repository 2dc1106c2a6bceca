#include "hamail/mailsvc/trace/logfmt.h"

#include <gtest/gtest.h>

#include "hamail/base/log.h"

namespace hamail::mailsvc::trace {
namespace {

TEST(Logfmt, ReadsPlainAndQuotedValuesInOrder) {
  auto f = parse_logfmt(R"(ts=2026-12-05T10:00:00.000Z level=info event=x reply="250 2.0.0 Ok: queued as \"A\"" n=3)");
  ASSERT_TRUE(f) << f.error();
  ASSERT_EQ(f->size(), 5u);
  EXPECT_EQ((*f)[0].key, "ts");
  EXPECT_EQ((*f)[3].key, "reply");
  EXPECT_EQ((*f)[3].value, "250 2.0.0 Ok: queued as \"A\"");
  EXPECT_EQ((*f)[4].value, "3");
}

TEST(Logfmt, ReadsBackWhatTheLoggerQuotes) {
  const std::string nasty = std::string("a b=\"c\\d\n\r\te") + '\x01' + "end";
  auto f = parse_logfmt("k=" + logfmt_value(nasty) + " empty=" + logfmt_value(""));
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ((*f)[0].value, nasty);
  EXPECT_EQ((*f)[1].value, "");
}

TEST(Logfmt, MalformedLinesAreErrorsNamingTheColumn) {
  for (const char* bad : {"novalue", "k=\"unterminated", "k=\"x\"y=1", "=v", "k=a\"b", "k=\"\\q\"", "k=\"\\x4\""}) {
    auto f = parse_logfmt(bad);
    ASSERT_FALSE(f) << bad;
    EXPECT_NE(f.error().find("column "), std::string::npos) << f.error();
  }
}

TEST(Logfmt, BoundsTheNumberOfFields) {
  std::string line;
  for (std::size_t i = 0; i <= kMaxFields; ++i) line += "k" + std::to_string(i) + "=v ";
  EXPECT_FALSE(parse_logfmt(line));
}

}  // namespace
}  // namespace hamail::mailsvc::trace
