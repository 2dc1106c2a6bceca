// The report of `hactl simulate` (simulate_command.h): the timeline, one line per event
// with its simulated time (`t=+2.200s  node2  fence node1 (off) begins`), where each group
// runs at the start and the end, and the verdict. Pure: the same result, the same bytes.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "hamail/hacore/cli/simulate_command.h"

namespace hamail::hactl {
namespace {

std::string secs(std::int64_t ms) {
  std::string s = std::to_string(std::abs(ms) / 1000) + "." + std::to_string(1000 + std::abs(ms) % 1000).substr(1) + "s";
  return (ms < 0 ? "-" : "+") + s;
}

std::string where(const hacore::sim::GroupOutcome& g) {
  if (g.nodes.empty()) return "group " + g.group + ": " + g.note;
  std::string s = "group " + g.group + " runs on ";
  for (std::size_t i = 0; i < g.nodes.size(); ++i) s += (i ? " and " : "") + g.nodes[i];
  return s;
}

}  // namespace

std::string render_simulation_text(const hacore::sim::ScriptResult& r) {
  std::size_t width = 1;
  for (const auto& l : r.timeline) width = std::max(width, l.node.size());
  std::string s = "start:\n";
  for (const auto& g : r.initial) s += "  " + where(g) + "\n";
  s += "timeline:\n";
  for (const auto& l : r.timeline) {
    std::string t = "t=" + secs(l.t_ms);
    std::string node = l.node.empty() ? "-" : l.node;
    s += "  " + t + std::string(t.size() < 12 ? 12 - t.size() : 1, ' ') + node +
         std::string(width + 2 - node.size(), ' ') + l.text + "\n";
  }
  s += "end (t=" + secs(r.end_ms) + "):\n";
  for (const auto& g : r.final) s += "  " + where(g) + "\n";
  for (const auto& u : r.unsafe) s += "UNSAFE: " + u + "\n";
  for (const auto& u : r.not_running) s += "NOT RUNNING: " + u + "\n";
  bool all_run = std::all_of(r.final.begin(), r.final.end(), [](const auto& g) { return !g.nodes.empty(); });
  if (r.safe())
    s += all_run ? "SAFE: no group ran on two nodes, and every group runs\n"
                 : "SAFE: no group ran on two nodes; a group that does not run waits for the reason above\n";
  return s;
}

std::string render_simulation_json(const hacore::sim::ScriptResult& r) {
  using nlohmann::json;
  auto groups = [](const std::vector<hacore::sim::GroupOutcome>& v) {
    json a = json::array();
    for (const auto& g : v) {
      json j = {{"group", g.group}, {"nodes", g.nodes}};
      if (!g.note.empty()) j["note"] = g.note;
      a.push_back(j);
    }
    return a;
  };
  json tl = json::array();
  for (const auto& l : r.timeline) tl.push_back({{"t_ms", l.t_ms}, {"node", l.node}, {"text", l.text}});
  json j = {{"start", groups(r.initial)}, {"timeline", tl},     {"end_ms", r.end_ms},
            {"end", groups(r.final)},     {"unsafe", r.unsafe}, {"not_running", r.not_running},
            {"safe", r.safe()}};
  return j.dump() + "\n";
}

}  // namespace hamail::hactl
