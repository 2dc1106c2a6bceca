// parse_fault (scripted.h): the small fault grammar of `hactl simulate --fault`, every name
// checked against the configuration, and a clear error naming what is wrong.
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "hamail/hacore/sim/scripted.h"

namespace hamail::hacore::sim {
namespace {

const char* const kGrammar =
    "cut cluster | heal | poweroff NODE | poweron NODE | crash hacored NODE | start hacored NODE | "
    "fail start RESOURCE on NODE | fail monitor RESOURCE on NODE | fence-device fails [DEVICE] | "
    "switchover [GROUP] [to NODE], optionally followed by @SECONDS";

std::string names_of_nodes(const config::ClusterConfig& cfg) {
  std::string s;
  for (const auto& n : cfg.nodes) s += (s.empty() ? "" : ", ") + n.name;
  return s;
}

Status check_node(const std::string& name, const config::ClusterConfig& cfg) {
  for (const auto& n : cfg.nodes)
    if (n.name == name) return Status::ok();
  return Error{"no node named '" + name + "' in the configuration (nodes: " + names_of_nodes(cfg) + ")"};
}

Status check_resource(const std::string& name, const config::ClusterConfig& cfg) {
  for (const auto& g : cfg.groups)
    for (const auto& r : g.resources)
      if (r.name == name) return Status::ok();
  return Error{"no resource named '" + name + "' in the configuration"};
}

Status check_group(const std::string& name, const config::ClusterConfig& cfg) {
  for (const auto& g : cfg.groups)
    if (g.name == name) return Status::ok();
  return Error{"no group named '" + name + "' in the configuration"};
}

Status check_device(const std::string& name, const config::ClusterConfig& cfg) {
  for (const auto& d : cfg.stonith.devices)
    if (d.name == name) return Status::ok();
  return Error{"no fence device named '" + name + "' in stonith.devices"};
}

// "@12" or "@1.5" at the end: seconds from the start of the script.
Status take_time(std::vector<std::string>& w, std::optional<std::int64_t>& at_ms) {
  if (w.empty() || w.back().empty() || w.back()[0] != '@') return Status::ok();
  std::string s = w.back().substr(1);
  char* end = nullptr;
  double secs = std::strtod(s.c_str(), &end);
  if (s.empty() || !end || *end != '\0' || !std::isfinite(secs) || secs < 0 || secs > 86400)
    return Error{"bad time '" + w.back() + "': expected @SECONDS (0 to 86400, e.g. @12 or @2.5)"};
  at_ms = static_cast<std::int64_t>(std::llround(secs * 1000));
  w.pop_back();
  return Status::ok();
}

}  // namespace

Result<Fault> parse_fault(const std::string& text, const config::ClusterConfig& cfg) {
  std::istringstream in(text);
  std::vector<std::string> w;
  for (std::string word; in >> word;) w.push_back(word);
  Fault f;
  if (auto st = take_time(w, f.at_ms); !st) return Error{"fault \"" + text + "\": " + st.message()};
  for (const auto& word : w) f.text += (f.text.empty() ? "" : " ") + word;
  auto bad = [&](const std::string& why) -> Result<Fault> { return Error{"fault \"" + text + "\": " + why}; };
  auto unknown = [&]() { return bad("unknown fault; the faults are: " + std::string(kGrammar)); };
  auto named = [&](Status st) -> Result<Fault> {
    if (!st) return bad(st.message());
    return f;
  };
  if (w.empty()) return unknown();
  const std::string& v = w[0];
  if (v == "cut" && w.size() == 2 && w[1] == "cluster") {
    f.kind = FaultKind::cut_cluster;
    return f;
  }
  if (v == "cut" && w.size() == 2 && w[1] == "replication")
    return bad("not simulated: ha-core sees only the corosync ring; a replication cut reaches it only through "
               "drbd-lite's fence-peer handler (hactl fence-peer), which outdates the peer's volume while both "
               "nodes stay members, so nothing moves (use drbd-lite's simulator for the replication side)");
  if (v == "heal" && w.size() == 1) {
    f.kind = FaultKind::heal;
    return f;
  }
  if ((v == "poweroff" || v == "poweron") && w.size() == 2) {
    f.kind = v == "poweroff" ? FaultKind::poweroff : FaultKind::poweron;
    f.node = w[1];
    return named(check_node(f.node, cfg));
  }
  if ((v == "crash" || v == "start") && w.size() == 3 && w[1] == "hacored") {
    f.kind = v == "crash" ? FaultKind::crash_hacored : FaultKind::start_hacored;
    f.node = w[2];
    return named(check_node(f.node, cfg));
  }
  if (v == "fail" && w.size() == 5 && (w[1] == "start" || w[1] == "monitor") && w[3] == "on") {
    f.kind = w[1] == "start" ? FaultKind::fail_start : FaultKind::fail_monitor;
    f.resource = w[2];
    f.node = w[4];
    if (auto st = check_resource(f.resource, cfg); !st) return bad(st.message());
    return named(check_node(f.node, cfg));
  }
  if (v == "fence-device" && (w.size() == 2 || w.size() == 3) && w[1] == "fails") {
    f.kind = FaultKind::device_fails;
    if (cfg.stonith.devices.empty()) return bad("the configuration has no fence devices (stonith.devices)");
    if (w.size() == 3) f.device = w[2];
    return named(f.device.empty() ? Status::ok() : check_device(f.device, cfg));
  }
  if (v == "switchover" && w.size() <= 4) {
    f.kind = FaultKind::switchover;
    std::size_t i = 1;
    if (i < w.size() && w[i] != "to") f.group = w[i++];
    if (i < w.size()) {
      if (w[i] != "to" || i + 2 != w.size()) return bad("expected: switchover [GROUP] [to NODE]");
      f.node = w[i + 1];
    }
    if (!f.group.empty())
      if (auto st = check_group(f.group, cfg); !st) return bad(st.message());
    return named(f.node.empty() ? Status::ok() : check_node(f.node, cfg));
  }
  return unknown();
}

}  // namespace hamail::hacore::sim
