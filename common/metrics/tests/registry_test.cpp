#include "hamail/metrics/registry.h"

#include <gtest/gtest.h>

namespace hamail::metrics {
namespace {

TEST(Registry, RefusesInvalidNamesAndLabels) {
  Registry r;
  EXPECT_FALSE(r.add_counter("1bad", "x").is_ok());
  EXPECT_FALSE(r.add_counter("bad-name", "x").is_ok());
  EXPECT_FALSE(r.add_gauge("g", "x", {"__reserved"}).is_ok());
  EXPECT_FALSE(r.add_gauge("g", "x", {"a", "a"}).is_ok());
  EXPECT_FALSE(r.add_gauge("g", "x", {"a:b"}).is_ok());
  EXPECT_FALSE(r.add_histogram("h", "x", {1, 1}).is_ok());
  EXPECT_FALSE(r.add_histogram("h", "x", {1, 2}, {"le"}).is_ok());
  EXPECT_TRUE(r.add_gauge("ns:g", "x", {"a"}).is_ok());
  EXPECT_FALSE(r.add_counter("ns:g", "again").is_ok());
  EXPECT_EQ(r.families().size(), 1u);
}

TEST(Registry, UpdatesCheckTypeAndLabelCount) {
  Registry r;
  ASSERT_TRUE(r.add_counter("c_total", "c", {"result"}).is_ok());
  ASSERT_TRUE(r.add_gauge("g", "g").is_ok());
  EXPECT_FALSE(r.inc("c_total").is_ok());              // one label value missing
  EXPECT_FALSE(r.inc("c_total", {"ok"}, -1).is_ok());  // counters only grow
  EXPECT_FALSE(r.set("c_total", {"ok"}, 3).is_ok());   // not a gauge
  EXPECT_FALSE(r.inc("missing_total").is_ok());
  ASSERT_TRUE(r.inc("c_total", {"ok"}).is_ok());
  ASSERT_TRUE(r.inc("c_total", {"ok"}, 2).is_ok());
  ASSERT_TRUE(r.set("g", 7.5).is_ok());
  EXPECT_EQ(r.find("c_total")->series.at({"ok"}).value, 3);
  EXPECT_EQ(r.find("g")->series.at({}).value, 7.5);
}

TEST(Registry, SeriesPerFamilyAreBounded) {
  Registry r(2);
  ASSERT_TRUE(r.add_gauge("g", "g", {"n"}).is_ok());
  ASSERT_TRUE(r.set("g", {"a"}, 1).is_ok());
  ASSERT_TRUE(r.set("g", {"b"}, 1).is_ok());
  EXPECT_FALSE(r.set("g", {"c"}, 1).is_ok());
  EXPECT_TRUE(r.set("g", {"a"}, 2).is_ok());  // an existing series still updates
  EXPECT_EQ(r.find("g")->series.size(), 2u);
  r.clear("g");
  EXPECT_TRUE(r.find("g")->series.empty());
  EXPECT_TRUE(r.set("g", {"c"}, 1).is_ok());
}

TEST(Registry, HistogramCountsEachObservationInItsFirstBucket) {
  Registry r;
  ASSERT_TRUE(r.add_histogram("h_seconds", "h", {1, 5}).is_ok());
  for (double v : {0.5, 1.0, 3.0, 9.0}) ASSERT_TRUE(r.observe("h_seconds", v).is_ok());
  const auto& s = r.find("h_seconds")->series.at({});
  EXPECT_EQ(s.bucket_counts, (std::vector<std::uint64_t>{2, 1}));
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.sum, 13.5);
}

}  // namespace
}  // namespace hamail::metrics
