// The metrics a daemon exposes: families of counters, gauges and histograms, each with a
// fixed set of label names and a bounded number of series (label value combinations).
// Sans-IO; render_text() (text_format.h) turns a Registry into Prometheus text 0.0.4.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::metrics {

enum class MetricType { counter, gauge, histogram };

// One series' value: a number for counters and gauges; bucket counts, sum and count for
// histograms (bucket_counts[i] counts observations <= the family's bounds[i], cumulative
// only when rendered).
struct SeriesValue {
  double value = 0;
  std::vector<std::uint64_t> bucket_counts;
  double sum = 0;
  std::uint64_t count = 0;
};

struct Family {
  std::string name;
  std::string help;
  MetricType type = MetricType::gauge;
  std::vector<std::string> label_names;
  std::vector<double> bounds;                              // histograms: increasing upper bounds, +Inf implied
  std::map<std::vector<std::string>, SeriesValue> series;  // by label values
};

class Registry {
 public:
  static constexpr std::size_t kDefaultMaxSeries = 1024;
  explicit Registry(std::size_t max_series_per_family = kDefaultMaxSeries) : max_series_(max_series_per_family) {}

  // Declares a family. Errors: an invalid or already declared name, invalid or repeated
  // label names ("le" on a histogram), histogram bounds not finite and increasing.
  Status add_counter(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  Status add_gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  Status add_histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                       std::vector<std::string> label_names = {});

  // Update one series, created at 0 on first use. Errors: an unknown family or one of
  // another type, label values not matching the label names, a negative counter step,
  // or a new series beyond the family's bound (nothing changes then).
  Status inc(const std::string& name, const std::vector<std::string>& labels = {}, double by = 1);
  Status set(const std::string& name, const std::vector<std::string>& labels, double value);
  Status set(const std::string& name, double value) { return set(name, {}, value); }
  Status observe(const std::string& name, const std::vector<std::string>& labels, double value);
  Status observe(const std::string& name, double value) { return observe(name, {}, value); }

  // Drops every series of a family (a gauge family re-collected from state at each scrape,
  // whose label sets come and go).
  void clear(const std::string& name);

  // Families in the order they were declared.
  const std::vector<Family>& families() const { return families_; }
  const Family* find(const std::string& name) const;

 private:
  Status add(Family f);
  Result<SeriesValue*> series(const std::string& name, MetricType type, const std::vector<std::string>& labels);

  std::size_t max_series_;
  std::vector<Family> families_;
};

// Standard histogram bounds in seconds for durations from 100 ms to 10 minutes.
std::vector<double> duration_buckets_seconds();

}  // namespace hamail::metrics
