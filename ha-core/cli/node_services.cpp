#include "hamail/hacore/cli/node_services.h"

#include <cstdint>
#include <sstream>

#include "hamail/hacore/cli/program_runner.h"

namespace hamail::hactl {
namespace {

constexpr std::uint64_t kIsActiveTimeoutMs = 10'000;
constexpr std::uint64_t kStartStopTimeoutMs = 200'000;  // hacored's clean stop may take 150 s

Result<uv::ChildResult> systemctl(std::vector<std::string> args, std::uint64_t timeout_ms) {
  uv::ChildOptions o;
  o.argv = command_prefix("HAMAIL_SYSTEMCTL", {"systemctl"});
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.env = inherited_environment();
  o.timeout_ms = timeout_ms;
  return run_program(std::move(o));
}

std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

Status unit_action(const std::string& verb, const std::string& unit, std::ostream& out) {
  auto r = systemctl({verb, unit}, kStartStopTimeoutMs);
  if (!r) return Error{"systemctl " + verb + " " + unit + ": " + r.error()};
  if (r->exit_code != 0) {
    std::string why = last_line(r->stderr_data);
    return Error{"systemctl " + verb + " " + unit + " failed (" + r->describe() + ")" + (why.empty() ? "" : ": " + why) +
                 "; see `journalctl -u " + unit + "`"};
  }
  out << "  systemctl " << verb << " " << unit << ": done\n";
  return Status::ok();
}

}  // namespace

Result<std::map<std::string, std::string>> unit_states(const std::vector<std::string>& units) {
  std::vector<std::string> args = {"is-active"};
  args.insert(args.end(), units.begin(), units.end());
  auto r = systemctl(args, kIsActiveTimeoutMs);
  if (!r) return Error{r.error()};
  std::istringstream in(r->stdout_data);
  std::map<std::string, std::string> states;
  std::string line;
  for (const auto& u : units) {
    if (!std::getline(in, line) || line.empty() || line.find(' ') != std::string::npos)
      return Error{"systemctl is-active did not answer for " + u + " (" + r->describe() + ")"};
    states[u] = line;
  }
  return states;
}

Status start_node_units(std::ostream& out) {
  auto states = unit_states({"hacored"});
  if (!states) return Error{states.error()};
  const std::string& hacored = states->at("hacored");
  bool hacored_stopped = hacored == "inactive" || hacored == "failed";
  if (auto st = unit_action(hacored_stopped ? "restart" : "start", "corosync", out); !st) return st;
  for (const char* unit : {"drbdlited", "hacored"})
    if (auto st = unit_action("start", unit, out); !st) return st;
  // A unit whose condition fails (no /etc/hamail/cluster.yaml) "starts" with exit 0 and stays inactive.
  auto after = unit_states(kNodeUnits);
  if (!after) return Error{after.error()};
  std::string list, first;
  for (const auto& u : kNodeUnits) {
    if (after->at(u) == "active") continue;
    list += (list.empty() ? "" : ", ") + u + " is " + after->at(u);
    if (first.empty()) first = u;
  }
  if (first.empty()) return Status::ok();
  return Error{"after the start, " + list + ": see `systemctl status " + first +
               "` (drbdlited and hacored start only with /etc/hamail/cluster.yaml in place)"};
}

Status restart_node_unit(const std::string& unit, std::ostream& out) { return unit_action("restart", unit, out); }

Status stop_node_units(std::ostream& out) {
  for (auto it = kNodeUnits.rbegin(); it != kNodeUnits.rend(); ++it)
    if (auto st = unit_action("stop", *it, out); !st) return st;
  return Status::ok();
}

std::string not_running_hint(const std::map<std::string, std::string>& states) {
  auto state = [&](const std::string& u) {
    auto it = states.find(u);
    return it == states.end() ? std::string() : it->second;
  };
  std::string corosync = state("corosync"), hacored = state("hacored");
  if (corosync.empty() || hacored.empty() || hacored == "active") return "";
  std::string how = hacored == "activating" ? "hacored is still starting on this node" : "hacored is not running on this node";
  if (corosync == "active")
    return how + " (corosync is running): start it with `hactl cluster start` or `systemctl start hacored`";
  return how + ", nor is corosync (" + corosync + "): start both with `hactl cluster start` " +
         "(systemctl start corosync drbdlited hacored)";
}

}  // namespace hamail::hactl
