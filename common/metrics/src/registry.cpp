#include "hamail/metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace hamail::metrics {

namespace {

bool name_char(char c, bool first, bool colon) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  return alpha || (!first && c >= '0' && c <= '9');
}

bool valid_name(const std::string& s, bool colon) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!name_char(s[i], i == 0, colon)) return false;
  return true;
}

const char* type_name(MetricType t) {
  return t == MetricType::counter ? "counter" : t == MetricType::gauge ? "gauge" : "histogram";
}

}  // namespace

Status Registry::add(Family f) {
  if (!valid_name(f.name, true)) return Error{"metric name \"" + f.name + "\": expected [a-zA-Z_:][a-zA-Z0-9_:]*"};
  if (find(f.name)) return Error{"metric \"" + f.name + "\" is already declared"};
  std::set<std::string> seen;
  for (const auto& l : f.label_names) {
    if (!valid_name(l, false) || l.starts_with("__"))
      return Error{"metric \"" + f.name + "\": label name \"" + l + "\": expected [a-zA-Z_][a-zA-Z0-9_]*, not __*"};
    if (f.type == MetricType::histogram && l == "le")
      return Error{"metric \"" + f.name + "\": a histogram has no label \"le\" of its own"};
    if (!seen.insert(l).second) return Error{"metric \"" + f.name + "\": label \"" + l + "\" twice"};
  }
  for (std::size_t i = 0; i < f.bounds.size(); ++i)
    if (!std::isfinite(f.bounds[i]) || (i > 0 && f.bounds[i] <= f.bounds[i - 1]))
      return Error{"metric \"" + f.name + "\": bucket bounds must be finite and increasing"};
  families_.push_back(std::move(f));
  return Status::ok();
}

Status Registry::add_counter(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
  return add(Family{name, help, MetricType::counter, std::move(label_names), {}, {}});
}

Status Registry::add_gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
  return add(Family{name, help, MetricType::gauge, std::move(label_names), {}, {}});
}

Status Registry::add_histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                               std::vector<std::string> label_names) {
  return add(Family{name, help, MetricType::histogram, std::move(label_names), std::move(bounds), {}});
}

const Family* Registry::find(const std::string& name) const {
  for (const auto& f : families_)
    if (f.name == name) return &f;
  return nullptr;
}

Result<SeriesValue*> Registry::series(const std::string& name, MetricType type,
                                      const std::vector<std::string>& labels) {
  auto it = std::find_if(families_.begin(), families_.end(), [&](const Family& f) { return f.name == name; });
  if (it == families_.end()) return Error{"metric \"" + name + "\" is not declared"};
  if (it->type != type)
    return Error{"metric \"" + name + "\" is a " + type_name(it->type) + ", not a " + type_name(type)};
  if (labels.size() != it->label_names.size())
    return Error{"metric \"" + name + "\": " + std::to_string(labels.size()) + " label values for " +
                 std::to_string(it->label_names.size()) + " labels"};
  auto s = it->series.find(labels);
  if (s != it->series.end()) return &s->second;
  if (it->series.size() >= max_series_)
    return Error{"metric \"" + name + "\": more than " + std::to_string(max_series_) + " series"};
  SeriesValue v;
  v.bucket_counts.assign(it->bounds.size(), 0);
  return &it->series.emplace(labels, std::move(v)).first->second;
}

Status Registry::inc(const std::string& name, const std::vector<std::string>& labels, double by) {
  if (!(by >= 0)) return Error{"metric \"" + name + "\": a counter only grows"};
  auto s = series(name, MetricType::counter, labels);
  if (!s) return s.status();
  (*s)->value += by;
  return Status::ok();
}

Status Registry::set(const std::string& name, const std::vector<std::string>& labels, double value) {
  auto s = series(name, MetricType::gauge, labels);
  if (!s) return s.status();
  (*s)->value = value;
  return Status::ok();
}

Status Registry::observe(const std::string& name, const std::vector<std::string>& labels, double value) {
  auto s = series(name, MetricType::histogram, labels);
  if (!s) return s.status();
  const Family& f = *find(name);
  for (std::size_t i = 0; i < f.bounds.size(); ++i)
    if (value <= f.bounds[i]) {
      ++(*s)->bucket_counts[i];
      break;
    }
  (*s)->sum += value;
  ++(*s)->count;
  return Status::ok();
}

void Registry::clear(const std::string& name) {
  for (auto& f : families_)
    if (f.name == name) f.series.clear();
}

std::vector<double> duration_buckets_seconds() { return {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}; }

}  // namespace hamail::metrics
