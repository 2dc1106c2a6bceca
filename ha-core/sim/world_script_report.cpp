// World, scripted mode: the timeline's lines (faults, power, hacored life, and the cores'
// events told once, by the node they are about or that acted) and the verdict: where each
// group runs, whether it ever ran on two nodes, and why a group that does not run waits.
#include <algorithm>

#include "world.h"

namespace hamail::hacore::sim {
namespace {

std::string secs(std::int64_t ms) {
  std::string s = std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1) + "s";
  return ms < 0 ? "-" + s : "+" + s;
}

std::string list(const nlohmann::json& a) {
  std::string s;
  if (a.is_array())
    for (const auto& x : a) s += (s.empty() ? "" : ", ") + (x.is_string() ? x.get<std::string>() : x.dump());
  return s;
}

}  // namespace

void World::narrate(const std::string& node, const std::string& text) {
  if (!script_ || !narrating_) return;
  script_result_.timeline.push_back(TimelineLine{now_ - origin_, node, text});
}

void World::narrate_event(const SimNode& n, const nlohmann::json& e) {
  last_event_at_ = now_;
  const std::string name = e.value("event", ""), me = n.name;
  const bool dc = n.hacored && n.hacored->core.is_dc();
  auto s = [&](const char* k) { return e.value(k, ""); };
  if (name == "boot_wait") boot_waiting_.insert(me);
  if (name == "node_joined") boot_waiting_.erase(me);
  if (name == "node_lost") {
    narrate(me, "lost " + s("node") + " (it left the ring without a clean shutdown: unclean)");
  } else if (name == "node_joined" && s("node") != me) {
    narrate(me, s("node") + " joined");
  } else if (name == "node_left" && s("node") != me) {
    narrate(me, s("node") + " left" + (e.value("fenced", false) ? " (fenced)" : e.value("clean", false) ? " (clean)" : ""));
  } else if (name == "quorum_lost" || name == "quorum_gained") {
    narrate(me, name == "quorum_lost" ? "quorum lost" : "quorum gained");
  } else if (name == "boot_wait") {
    narrate(me, "waits for " + list(e["waiting_for"]) +
                    ": starts nothing and fences nobody until it joins (stonith with wait_for_all)");
  } else if (name == "fence_begin" && (s("by") == me || (s("by").empty() && dc))) {
    std::string t = "fence " + s("target") + " (" + s("action") + ")";
    if (s("by").empty()) {
      narrate(me, t + ": no member other than " + s("target") + " can run it");
    } else {
      std::int64_t delay = e.value("delay_ms", std::int64_t{0});
      narrate(me, t + " begins" + (delay > 0 ? " (race delay " + secs(delay).substr(1) + " unless it is off already: " +
                                                   s("delay_reason") + ")"
                                             : ""));
    }
  } else if (name == "fence_end" && s("by") == me) {
    std::string t = "fence " + s("target") + " (" + s("action") + ") via " + list(e["devices"]) + ": ";
    narrate(me, t + (e.value("ok", false) ? "done" : "FAILED") + (s("reason").empty() ? "" : " (" + s("reason") + ")"));
  } else if (name == "fence_failed" && s("target") != me) {
    narrate(me, "fencing " + s("target") + " failed " + std::to_string(e.value("failures", 0)) +
                    " time(s): its resources stay stopped; retried with back-off");
  } else if (name == "action_result" && s("node") == me) {
    bool ok = e.value("ok", false);
    narrate(me, s("action") + " " + s("resource") + (ok ? ": ok" : ": FAILED rc=" + std::to_string(e.value("rc", 0)) +
                                                                     " (" + s("reason") + ")"));
  } else if (name == "resource_failed" && s("node") == me && s("op") == "monitor") {
    narrate(me, "monitor of " + s("resource") + " failed: " + s("reason") + " (fail count " +
                    std::to_string(e.value("fail_count", 0)) + ")");
  } else if (name == "scheduler_note" && dc && s("note").rfind("WARNING", 0) == 0) {
    narrate(me, s("note"));
  } else if ((name == "switchover_end" || name == "switchover_failed") && dc) {
    narrate(me, "switchover of " + s("group") + " to " + s("to") +
                    (name == "switchover_end" ? ": done" : ": FAILED (" + s("reason") + ")"));
  } else if ((name == "failover_end" || name == "recovery_end") && s("to") == me) {
    narrate(me, "group " + s("group") +
                    (s("from") == me                ? " recovered in place: it runs here again"
                     : name == "failover_end"       ? " failed over from " + s("from") + ": it runs here"
                                                    : " moved from " + s("from") + " after a failure there: it runs here"));
  }
}

void World::script_unsafe(const std::string& resource, const std::string& a, const std::string& b) {
  std::string group = resource;
  for (const auto& g : cfg_.groups)
    for (const auto& r : g.resources)
      if (r.name == resource) group = g.name;
  if (!unsafe_groups_.insert(group).second) return;
  std::string why = cfg_.stonith.enabled ? "neither was fenced first" : "stonith.enabled is false";
  std::string line = "group " + group + " would run on both nodes from t=" + secs(now_ - origin_) + " (" + resource +
                     " active on " + a + " and " + b + "): " + why;
  script_result_.unsafe.push_back(line);
  narrate("", "UNSAFE: " + line);
}

bool World::group_runs_on(const config::GroupConfig& g, const SimNode& n) const {
  if (!n.powered) return false;
  for (const auto& r : g.resources) {
    int rc = truth(r.name, n.name);
    if (r.promotable ? rc != 8 : rc != 0) return false;
  }
  return true;
}

std::vector<GroupOutcome> World::outcomes(bool judge) {
  std::vector<GroupOutcome> out;
  for (const auto& g : cfg_.groups) {
    GroupOutcome o{g.name, {}, ""};
    for (const auto& n : nodes_)
      if (group_runs_on(g, n)) o.nodes.push_back(n.name);
    bool could = false;
    if (o.nodes.empty()) o.note = group_note(g, &could);
    if (judge && could)
      script_result_.not_running.push_back("group " + g.name + " could run but does not, " +
                                           secs(now_ - origin_).substr(1) + " into the run: " + o.note);
    out.push_back(std::move(o));
  }
  return out;
}

// Why a group runs nowhere, from the ground truth and each node's own hacored; could_run:
// some node could run it now (powered, hacored, quorate, not in standby or maintenance, not
// waiting for a fence or for its peer, no planted start failure of its members).
std::string World::group_note(const config::GroupConfig& g, bool* could_run) {
  *could_run = false;
  std::string why, eligible;
  for (const auto& n : nodes_) {
    std::string r;
    if (!n.powered) r = "off";
    else if (!n.hacored) r = "hacored does not run";
    else if (!n.quorate) r = "no quorum";
    else if (boot_waiting_.count(n.name)) r = "waits for its peer (wait_for_all)";
    if (r.empty()) {
      auto st = n.hacored->core.status();
      if (st.value("maintenance", false)) r = "maintenance mode";
      for (const auto& x : st["nodes"]) {
        std::string peer = x.value("name", "");
        if (peer == n.name && x.value("standby", false)) r = "standby";
        if (peer != n.name && x.value("status", "") == "unclean" && r.empty()) {
          int failures = x.contains("fencing") ? x["fencing"].value("failures", 0) : 0;
          r = "waits until " + peer + " is fenced" +
              (failures ? " (" + std::to_string(failures) + " failed attempt(s): " +
                              x["fencing"].value("last_error", "") + ")" : "");
        }
      }
    }
    for (const auto& res : g.resources)
      if (r.empty() && n.faults.failing_starts.count(res.name)) r = "start of " + res.name + " fails (fault)";
    if (r.empty()) eligible += (eligible.empty() ? "" : ", ") + n.name;
    else why += (why.empty() ? "" : "; ") + n.name + ": " + r;
  }
  if (!eligible.empty()) {
    *could_run = true;
    return "stopped, though " + eligible + " could run it" + (why.empty() ? "" : " (" + why + ")");
  }
  return "stopped (" + why + ")";
}

}  // namespace hamail::hacore::sim
