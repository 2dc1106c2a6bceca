#include <gtest/gtest.h>

#include "hamail/base/yaml_reader.h"

namespace hamail::config {
namespace {

TEST(ParseDuration, AcceptsUnits) {
  EXPECT_EQ(parse_duration("500ms")->count(), 500);
  EXPECT_EQ(parse_duration("3s")->count(), 3000);
  EXPECT_EQ(parse_duration("2m")->count(), 120000);
  EXPECT_EQ(parse_duration("1h")->count(), 3600000);
  EXPECT_EQ(parse_duration("5d")->count(), 5ll * 86400000);
}

TEST(ParseDuration, RejectsMissingOrUnknownUnitAndOverflow) {
  EXPECT_FALSE(parse_duration("500"));
  EXPECT_FALSE(parse_duration("5 s"));
  EXPECT_FALSE(parse_duration("5w"));
  EXPECT_FALSE(parse_duration("-5s"));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("99999999999999999999999s"));
}

TEST(ParseSize, AcceptsBinaryUnits) {
  EXPECT_EQ(*parse_size("4096"), 4096u);
  EXPECT_EQ(*parse_size("64K"), 65536u);
  EXPECT_EQ(*parse_size("100M"), 100ull << 20);
  EXPECT_EQ(*parse_size("2GiB"), 2ull << 30);
  EXPECT_EQ(*parse_size("1T"), 1ull << 40);
  EXPECT_FALSE(parse_size("1X"));
  EXPECT_FALSE(parse_size("M"));
  EXPECT_FALSE(parse_size("99999999999T"));
}

}  // namespace
}  // namespace hamail::config
