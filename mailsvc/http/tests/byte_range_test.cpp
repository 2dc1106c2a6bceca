// decide_range: single ranges (first-last, open-ended, suffix), clamping at the end,
// unsatisfiable ranges, and fields that are ignored (several ranges, junk).
#include "hamail/mailsvc/http/byte_range.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::http {
namespace {

TEST(ByteRange, SingleRanges) {
  auto d = decide_range("bytes=0-99", 1000);
  ASSERT_EQ(d.kind, RangeKind::partial);
  EXPECT_EQ(d.range.first, 0u);
  EXPECT_EQ(d.range.length, 100u);
  EXPECT_EQ(content_range(d, 1000), "bytes 0-99/1000");

  d = decide_range("bytes=990-", 1000);
  ASSERT_EQ(d.kind, RangeKind::partial);
  EXPECT_EQ(content_range(d, 1000), "bytes 990-999/1000");

  d = decide_range("bytes=-10", 1000);
  ASSERT_EQ(d.kind, RangeKind::partial);
  EXPECT_EQ(content_range(d, 1000), "bytes 990-999/1000");

  d = decide_range("bytes=500-5000", 1000);  // clamped
  EXPECT_EQ(content_range(d, 1000), "bytes 500-999/1000");

  d = decide_range("bytes=-5000", 1000);  // the whole file as a range
  EXPECT_EQ(content_range(d, 1000), "bytes 0-999/1000");
}

TEST(ByteRange, Unsatisfiable) {
  EXPECT_EQ(decide_range("bytes=1000-", 1000).kind, RangeKind::unsatisfiable);
  EXPECT_EQ(decide_range("bytes=2000-3000", 1000).kind, RangeKind::unsatisfiable);
  EXPECT_EQ(decide_range("bytes=-0", 1000).kind, RangeKind::unsatisfiable);
  EXPECT_EQ(decide_range("bytes=0-", 0).kind, RangeKind::unsatisfiable);
  EXPECT_EQ(content_range(decide_range("bytes=1000-", 1000), 1000), "bytes */1000");
}

TEST(ByteRange, IgnoredFieldsServeTheWholeFile) {
  EXPECT_EQ(decide_range(std::nullopt, 1000).kind, RangeKind::whole);
  for (const char* f : {"bytes=0-1,5-6", "items=0-1", "bytes=5-1", "bytes=a-b", "bytes=", "bytes=-",
                        "bytes=99999999999999999999-"})
    EXPECT_EQ(decide_range(f, 1000).kind, RangeKind::whole) << f;
}

}  // namespace
}  // namespace hamail::mailsvc::http
