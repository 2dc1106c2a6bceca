#include "hamail/hacore/executor/action_log.h"

namespace hamail::executor {
namespace {

LogLevel level_for(const ActionResult& r, std::optional<bool> changed) {
  if (changed.has_value() && !*changed) return LogLevel::debug;
  switch (r.classification) {
    case Classification::success:
    case Classification::not_running: return LogLevel::info;
    case Classification::soft_error: return LogLevel::warning;
    case Classification::hard_error:
    case Classification::fatal_error: return LogLevel::error;
  }
  return LogLevel::warning;
}

// The last line of an output tail: enough for the log, the full tail is in the result.
std::string last_line(const std::string& text) {
  std::size_t nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

}  // namespace

void log_action_result(const Logger& log, const ActionResult& r, std::optional<bool> changed) {
  LogRecord rec(&log, level_for(r, changed), "action_result");
  rec.kv("resource", r.resource)
      .kv("action", to_string(r.action))
      .kv("interval_ms", static_cast<unsigned long>(r.interval_ms))
      .kv("agent", r.agent)
      .kv("rc", static_cast<int>(r.rc))
      .kv("rc_text", to_string(r.rc))
      .kv("class", to_string(r.classification))
      .kv("timed_out", r.timed_out)
      .kv("duration_ms", static_cast<unsigned long>(r.duration_ms))
      .kv("exit_code", r.exit_code);
  if (r.term_signal != 0) rec.kv("signal", r.term_signal);
  if (changed.has_value()) rec.kv("changed", *changed);
  if (!r.error.empty()) rec.kv("error", r.error);
  if (!r.exit_reason.empty() && r.exit_reason != r.error) rec.kv("reason", r.exit_reason);
  if (r.classification != Classification::success && !r.stderr_tail.empty())
    rec.kv("stderr", last_line(r.stderr_tail));
}

}  // namespace hamail::executor
