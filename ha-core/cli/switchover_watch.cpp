#include "hamail/hacore/cli/switchover_watch.h"

#include "hamail/hacore/cli/status_text.h"

namespace hamail::hactl {

using nlohmann::json;

SwitchoverWatch::SwitchoverWatch(const json& accepted, std::int64_t sent_ms) : sent_ms_(sent_ms) {
  if (auto it = accepted.find("id"); it != accepted.end() && it->is_number_unsigned()) id_ = it->get<std::uint64_t>();
  else if (it != accepted.end() && it->is_number_integer()) id_ = static_cast<std::uint64_t>(it->get<std::int64_t>());
  group_ = accepted.value("group", std::string());
  to_ = accepted.value("to", std::string());
}

bool SwitchoverWatch::ours(const json& ev) const {
  if (id_) {
    auto it = ev.find("id");
    if (it == ev.end() || !it->is_number()) return false;
    return it->get<std::uint64_t>() == *id_;
  }
  return ev.value("group", std::string()) == group_;  // a daemon that gave no id: go by group
}

SwitchoverWatch::Step SwitchoverWatch::on_event(const json& ev) {
  Step step;
  if (!ev.is_object()) return step;
  const std::string name = ev.value("event", std::string());
  if (name == "switchover_begin" && ours(ev)) {
    began_ = true;
    if (to_.empty()) to_ = ev.value("to", std::string());
    if (group_.empty()) group_ = ev.value("group", std::string());
    step.out.push_back("moving " + group_ + " from " + ev.value("from", std::string("?")) + " to " +
                       ev.value("to", to_));
  } else if (name == "switchover_phase") {
    if (ev.value("group", std::string()) != group_) return step;
    if (!began_ && ev.value("ts_ms", std::int64_t{0}) < sent_ms_) return step;  // an earlier switchover
    std::string line = "  " + ev.value("phase", std::string("?")) + " ... " + (ev.value("ok", false) ? "ok" : "FAILED");
    if (ev.contains("elapsed_ms") && ev["elapsed_ms"].is_number())
      line += " (" + seconds_text(ev["elapsed_ms"].get<std::int64_t>()) + ")";
    step.out.push_back(line);
  } else if (name == "switchover_end" && ours(ev)) {
    std::string to = ev.value("to", to_);
    std::string line = "switched over " + group_ + " to " + (to.empty() ? "?" : to);
    if (ev.contains("duration_ms") && ev["duration_ms"].is_number())
      line += " in " + seconds_text(ev["duration_ms"].get<std::int64_t>());
    step.out.push_back(line);
    step.exit = 0;
  } else if (name == "switchover_failed" && ours(ev)) {
    std::string reason = ev.value("reason", std::string());
    // The scheduler's refusal names the request itself ("switchover of G to N refused: ...").
    step.error = reason.starts_with("switchover of ")
                     ? reason + " (see hactl status)"
                     : "switchover of " + group_ + (to_.empty() ? "" : " to " + to_) + " failed: " +
                           (reason.empty() ? "no reason given" : reason) + " (see hactl status)";
    step.exit = 1;
  }
  return step;
}

std::string SwitchoverWatch::accepted_line(std::int64_t timeout_ms) const {
  std::string line = "switchover of " + group_ + (to_.empty() ? "" : " to " + to_) + " accepted";
  if (id_) line += " (id " + std::to_string(*id_) + ")";
  return line + ", waiting up to " + seconds_text(timeout_ms);
}

std::string SwitchoverWatch::timeout_message(std::int64_t timeout_ms) const {
  return "no end of the switchover of " + group_ + (to_.empty() ? "" : " to " + to_) + " after " +
         seconds_text(timeout_ms) + ": the group may still be moving (watch it with hactl status or hactl events --follow)";
}

std::string SwitchoverWatch::closed_message() const {
  return "hacored closed the event stream before the switchover of " + group_ +
         " ended: the group may still be moving (check hactl status)";
}

}  // namespace hamail::hactl
