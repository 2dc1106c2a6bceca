// World: the invariants, checked after every step.
//  (1) safety: no resource is active (the ground truth) on two powered nodes at once;
//  (2) liveness: once the faults stopped and the cluster healed, every group runs on one
//      node (every member active, a promotable one promoted) within kLivenessBoundMs;
//  (3) events describe what happened: fence_end ok only for a node that really went off
//      after its executor began the fence; an ok action_result only for an action whose
//      agent answered ok on that node;
//  (4) order: a group's resource starts (or is promoted) on a node only while every resource
//      before it in the group runs there (a promotable one promoted) and its own start or
//      promote has ended, unless one of those died by a fault the cluster has not noticed yet.
#include "world.h"

namespace hamail::hacore::sim {
namespace {

// An event in the trace: its name and fields, without the clocks.
std::string describe(const nlohmann::json& e) {
  std::string s = e.value("event", "?");
  for (const auto& [k, v] : e.items()) {
    if (k == "event" || k == "ts" || k == "ts_ms") continue;
    s += " " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return s;
}

}  // namespace

void World::on_event(const SimNode& n, const nlohmann::json& e) {
  const std::string name = e.value("event", "");
  if (name == "fence_begin" && e.value("by", "") == n.name) {
    // A target already off when the fence began counts as off since then.
    std::string target = e.value("target", "");
    fence_begun_[target] = find(target).powered ? now_ : -2;
  }
  trace(n.name, "event " + describe(e));
  if (script_) narrate_event(n, e);
  if (name == "fence_end" && e.value("ok", false)) {
    std::string target = e.value("target", "");
    const SimNode& t = find(target);
    auto begun = fence_begun_.find(target);
    bool went_off = begun != fence_begun_.end() && t.last_down_at >= begun->second;
    if (t.powered && !went_off)
      fail(n.name + " recorded fence_end ok for " + target + ", which is powered and was not off since the fence began");
    if (n.name == e.value("by", "")) ++result_.stats.fences_ok;
  }
  if (name == "fence_end" && !e.value("ok", true) && n.name == e.value("by", "")) ++result_.stats.fences_failed;
  if (name == "failover_end" && n.id == 1) ++result_.stats.failovers;
  if (name == "action_result" && e.value("ok", false)) {
    std::string key = e.value("node", "") + " " + e.value("resource", "") + " " + e.value("action", "");
    auto it = answered_.find(key);
    if (it == answered_.end() || !it->second)
      fail(n.name + " recorded an ok " + e.value("action", "") + " of " + e.value("resource", "") + " on " +
           e.value("node", "") + ", but its agent " + (it == answered_.end() ? "never ran it" : "failed"));
  }
}

void World::check_safety() {
  // truth_ is ordered by (resource, node): a resource active on two nodes is two neighbours.
  const std::pair<std::string, std::string>* prev = nullptr;
  for (const auto& [key, rc] : truth_) {
    if (prev && prev->first == key.first && find(prev->second).powered && find(key.second).powered && script_)
      script_unsafe(key.first, prev->second, key.second);
    else if (prev && prev->first == key.first && find(prev->second).powered && find(key.second).powered)
      fail(key.first + " is active on " + prev->second + " and " + key.second +
           ", both powered: neither was fenced first");
    prev = &key;
  }
}

void World::note_death(const std::string& resource, const std::string& node) {
  dead_unnoticed_.insert({resource, node});
}

void World::agent_starting(const std::string& node, const std::string& resource) {
  for (const auto& g : cfg_.groups) {
    auto self = std::find_if(g.resources.begin(), g.resources.end(), [&](const auto& r) { return r.name == resource; });
    if (self == g.resources.end()) continue;
    for (const auto& r : std::ranges::subrange(g.resources.begin(), self)) {
      int rc = truth(r.name, node);
      bool ready = r.promotable ? rc == 8 : (rc == 0 || rc == 8);
      bool under_way = starting_.count({r.name, node}) > 0;
      if ((!ready || under_way) && !dead_unnoticed_.count({r.name, node}))
        fail("order: " + resource + " starts on " + node + " while " + r.name + ", before it in group " + g.name +
             ", is " + (under_way ? "still starting" : rc == 7 ? "not running" : "not promoted") + " there");
    }
  }
  starting_.insert({resource, node});
}

void World::forget_starts(const std::string& node) {
  std::erase_if(starting_, [&](const auto& k) { return k.second == node; });
}

bool World::healed() const {
  if (!healing_ || partitioned_ || reform_pending_) return false;
  for (const auto& n : nodes_)
    if (!n.powered || !n.hacored || !cpg_.joined(n.id)) return false;
  return true;
}

// Every group runs on one node: each member active there and nowhere else, promotable
// members promoted.
bool World::groups_running(std::string* why) const {
  for (const auto& g : cfg_.groups) {
    bool runs = false;
    for (const auto& n : nodes_) {
      bool all = n.powered;
      for (const auto& r : g.resources) {
        int rc = truth(r.name, n.name);
        all = all && (r.promotable ? rc == 8 : rc == 0);
      }
      runs = runs || all;
    }
    if (!runs) {
      if (why) {
        *why = "group " + g.name + " does not run:";
        for (const auto& r : g.resources)
          for (const auto& n : nodes_) *why += " " + r.name + "@" + n.name + "=" + std::to_string(truth(r.name, n.name));
      }
      return false;
    }
  }
  return true;
}

void World::check_liveness() {
  if (healed_at_ < 0 && healed()) {
    healed_at_ = now_;
    trace("", "healed: both nodes up, hacored joined, one ring; every group must run by t=" +
                  std::to_string((now_ + kLivenessBoundMs) / 1000) + "s");
  }
  if (healed_at_ < 0) return;
  std::string why;
  if (groups_running(&why)) {
    if (running_since_ < 0) {
      running_since_ = now_;
      result_.stats.heal_to_running_ms = now_ - healed_at_;
    }
    return;
  }
  running_since_ = -1;
  if (now_ - healed_at_ > kLivenessBoundMs)
    fail("liveness: " + std::to_string(kLivenessBoundMs / 1000) + " s after the heal, " + why);
}

}  // namespace hamail::hacore::sim
