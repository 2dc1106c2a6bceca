// The Prometheus text exposition format, version 0.0.4: what GET /metrics answers.
// Pure functions over a Registry; the escaping and number spelling are exposed for tests.
#pragma once

#include <string>
#include <string_view>

#include "hamail/metrics/registry.h"

namespace hamail::metrics {

inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// Every family with at least one series (a family without labels always has its one
// series): "# HELP", "# TYPE", then one line per series; histograms as _bucket{le=...}
// (cumulative, ending with le="+Inf"), _sum and _count.
std::string render_text(const Registry& registry);

// Backslash and newline as \\ and \n (HELP text); with `quote`, also " as \" (label values).
std::string escape(std::string_view text, bool quote);
// Shortest round-trip spelling: "3", "0.25", "1e+21", "+Inf", "-Inf", "NaN".
std::string format_number(double v);

}  // namespace hamail::metrics
