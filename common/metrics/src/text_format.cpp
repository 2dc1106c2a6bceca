#include "hamail/metrics/text_format.h"

#include <charconv>
#include <cmath>

namespace hamail::metrics {

std::string escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quote && c == '"')
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

namespace {

// {a="x",b="y"} plus an optional le pair; "" without any label.
std::string label_text(const Family& f, const std::vector<std::string>& values, const std::string* le) {
  if (values.empty() && !le) return "";
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += f.label_names[i] + "=\"" + escape(values[i], true) + "\"";
  }
  if (le) out += std::string(values.empty() ? "" : ",") + "le=\"" + *le + "\"";
  return out + "}";
}

void render_histogram(const Family& f, const std::vector<std::string>& labels, const SeriesValue& v, std::string& out) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < f.bounds.size(); ++i) {
    cumulative += v.bucket_counts[i];
    std::string le = format_number(f.bounds[i]);
    out += f.name + "_bucket" + label_text(f, labels, &le) + " " + std::to_string(cumulative) + "\n";
  }
  std::string inf = "+Inf";
  out += f.name + "_bucket" + label_text(f, labels, &inf) + " " + std::to_string(v.count) + "\n";
  out += f.name + "_sum" + label_text(f, labels, nullptr) + " " + format_number(v.sum) + "\n";
  out += f.name + "_count" + label_text(f, labels, nullptr) + " " + std::to_string(v.count) + "\n";
}

const char* type_word(MetricType t) {
  return t == MetricType::counter ? "counter" : t == MetricType::gauge ? "gauge" : "histogram";
}

}  // namespace

std::string render_text(const Registry& registry) {
  std::string out;
  for (const auto& f : registry.families()) {
    // A family without labels has its one series even before the first update.
    std::map<std::vector<std::string>, SeriesValue> zero;
    const auto* series = &f.series;
    if (f.series.empty() && f.label_names.empty()) {
      zero[{}].bucket_counts.assign(f.bounds.size(), 0);
      series = &zero;
    }
    if (series->empty()) continue;
    out += "# HELP " + f.name + " " + escape(f.help, false) + "\n";
    out += "# TYPE " + f.name + " " + type_word(f.type) + "\n";
    for (const auto& [labels, v] : *series) {
      if (f.type == MetricType::histogram)
        render_histogram(f, labels, v, out);
      else
        out += f.name + label_text(f, labels, nullptr) + " " + format_number(v.value) + "\n";
    }
  }
  return out;
}

}  // namespace hamail::metrics
