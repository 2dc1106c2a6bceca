#include "hamail/metrics/text_format.h"

#include <gtest/gtest.h>

#include <limits>

namespace hamail::metrics {
namespace {

TEST(TextFormat, NumbersAreShortestAndSpecialValuesSpelledOut) {
  EXPECT_EQ(format_number(3), "3");
  EXPECT_EQ(format_number(0.25), "0.25");
  EXPECT_EQ(format_number(-2), "-2");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_number(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(TextFormat, EscapesHelpAndLabelValues) {
  EXPECT_EQ(escape("a\\b\nc\"d", false), "a\\\\b\\nc\"d");
  EXPECT_EQ(escape("a\\b\nc\"d", true), "a\\\\b\\nc\\\"d");
}

TEST(TextFormat, Golden) {
  Registry r;
  ASSERT_TRUE(r.add_counter("demo_fences_total", "Fence actions.\nBy result \\ device.", {"result"}).is_ok());
  ASSERT_TRUE(r.add_gauge("demo_up", "Whether it runs.").is_ok());
  ASSERT_TRUE(r.add_gauge("demo_empty", "No series yet.", {"node"}).is_ok());
  ASSERT_TRUE(r.add_histogram("demo_duration_seconds", "How long.", {0.5, 2}, {"kind"}).is_ok());
  ASSERT_TRUE(r.inc("demo_fences_total", {"ok"}, 2).is_ok());
  ASSERT_TRUE(r.inc("demo_fences_total", {"said \"no\"\nat\\once"}).is_ok());
  ASSERT_TRUE(r.observe("demo_duration_seconds", {"switchover"}, 0.25).is_ok());
  ASSERT_TRUE(r.observe("demo_duration_seconds", {"switchover"}, 1.5).is_ok());
  ASSERT_TRUE(r.observe("demo_duration_seconds", {"switchover"}, 7).is_ok());
  EXPECT_EQ(render_text(r),
            "# HELP demo_fences_total Fence actions.\\nBy result \\\\ device.\n"
            "# TYPE demo_fences_total counter\n"
            "demo_fences_total{result=\"ok\"} 2\n"
            "demo_fences_total{result=\"said \\\"no\\\"\\nat\\\\once\"} 1\n"
            "# HELP demo_up Whether it runs.\n"
            "# TYPE demo_up gauge\n"
            "demo_up 0\n"
            "# HELP demo_duration_seconds How long.\n"
            "# TYPE demo_duration_seconds histogram\n"
            "demo_duration_seconds_bucket{kind=\"switchover\",le=\"0.5\"} 1\n"
            "demo_duration_seconds_bucket{kind=\"switchover\",le=\"2\"} 2\n"
            "demo_duration_seconds_bucket{kind=\"switchover\",le=\"+Inf\"} 3\n"
            "demo_duration_seconds_sum{kind=\"switchover\"} 8.75\n"
            "demo_duration_seconds_count{kind=\"switchover\"} 3\n");
}

TEST(TextFormat, HistogramWithoutLabelsHasOnlyLe) {
  Registry r;
  ASSERT_TRUE(r.add_histogram("h_seconds", "h", {1}).is_ok());
  EXPECT_EQ(render_text(r),
            "# HELP h_seconds h\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"1\"} 0\nh_seconds_bucket{le=\"+Inf\"} 0\nh_seconds_sum 0\nh_seconds_count 0\n");
}

}  // namespace
}  // namespace hamail::metrics
