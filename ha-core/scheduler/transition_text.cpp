#include "hamail/hacore/scheduler/transition_text.h"

namespace hamail::scheduler {
namespace {

std::string where(const std::optional<std::string>& node) { return node ? *node : "stopped"; }

std::string render_action(const Action& a) {
  std::string line = a.node + " " + to_string(a.kind);
  if (!a.resource.empty()) line += " " + a.resource;
  return line + " (" + a.reason + ")";
}

std::string render_placement(const GroupPlacement& p) {
  std::string line = p.group + ": ";
  switch (p.mode) {
    case GroupMode::managed:
      line += p.before == p.after ? where(p.after) : where(p.before) + " -> " + where(p.after);
      break;
    case GroupMode::blocked:
    case GroupMode::unmanaged:
    case GroupMode::frozen:
      line += to_string(p.mode) + (p.before ? " on " + *p.before : ", not running");
      break;
  }
  if (!p.note.empty()) line += " (" + p.note + ")";
  return line;
}

}  // namespace

std::string render_transition(const Transition& t) {
  std::string out = t.actions.empty() ? "actions: none\n" : "actions:\n";
  for (std::size_t i = 0; i < t.actions.size(); ++i) {
    out += "  " + std::to_string(i + 1) + ". " + render_action(t.actions[i]) + "\n";
  }
  out += "placement:\n";
  for (const auto& p : t.placements) out += "  " + render_placement(p) + "\n";
  if (!t.notes.empty()) {
    out += "notes:\n";
    for (const auto& n : t.notes) out += "  - " + n + "\n";
  }
  return out;
}

}  // namespace hamail::scheduler
