#include "hamail/hacore/cli/since.h"

#include <gtest/gtest.h>

namespace hamail::hactl {
namespace {

constexpr std::int64_t kNow = 1'795'702'131'123;  // 2026-11-26T14:08:51.123Z (the brief's 1764166131123 is 2025)

std::int64_t since(const char* text) {
  auto r = resolve_since(text, kNow);
  EXPECT_TRUE(r.is_ok()) << text << ": " << (r ? "" : r.error());
  return r ? *r : -1;
}

TEST(Since, IsoTimesAreUtc) {
  EXPECT_EQ(since("2026-11-26T14:08:51.123Z"), kNow);
  EXPECT_EQ(since("2026-11-26T14:08:51Z"), kNow - 123);
  EXPECT_EQ(since("2026-11-26T14:08:51"), kNow - 123);
  EXPECT_EQ(since("2026-11-26 14:08"), kNow - 51'123);
  EXPECT_EQ(since("2026-11-26T15:08:51.123+01:00"), kNow);
  EXPECT_EQ(since("2026-11-26"), kNow - (14 * 3600 + 8 * 60 + 51) * 1000LL - 123);
}

TEST(Since, DurationsCountBackFromNow) {
  EXPECT_EQ(since("10m"), kNow - 600'000);
  EXPECT_EQ(since("1h30m"), kNow - 5'400'000);
  EXPECT_EQ(since("90s"), kNow - 90'000);
  EXPECT_EQ(since("250ms"), kNow - 250);
  EXPECT_EQ(since("2d"), kNow - 172'800'000);
}

TEST(Since, EpochMilliseconds) { EXPECT_EQ(since("1764166131000"), 1764166131000); }

TEST(Since, RejectsWhatItCannotRead) {
  for (const char* bad : {"", "yesterday", "10x", "2026-13-01", "2026-11-26T25:00", "m10", "2026-11-26T14:08:51.Z"})
    EXPECT_FALSE(resolve_since(bad, kNow).is_ok()) << bad;
}

TEST(Seconds, Timeout) {
  EXPECT_EQ(*parse_seconds("30"), 30000);
  EXPECT_EQ(*parse_seconds("0.5"), 500);
  EXPECT_EQ(*parse_seconds("2s"), 2000);
  for (const char* bad : {"", "0", "-1", "abc", "1e9", "nan", "5m"}) EXPECT_FALSE(parse_seconds(bad).is_ok()) << bad;
}

}  // namespace
}  // namespace hamail::hactl
