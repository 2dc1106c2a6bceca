#include "hamail/hacore/scheduler/placement.h"

#include <algorithm>

#include "hamail/hacore/scheduler/failure_policy.h"

namespace hamail::scheduler {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool connected(const ClusterState& state, const std::string& node) {
  const NodeState* ns = state.node(node);
  return ns && ns->connectivity_ok;
}

// Why `node` cannot host `group`, or nothing when it can.
std::optional<std::string> why_not(const config::ClusterConfig& cfg, const config::GroupConfig& group,
                                   const ClusterState& state, const std::map<std::string, std::string>& unavailable,
                                   const std::string& node) {
  if (auto it = unavailable.find(node); it != unavailable.end()) return it->second;
  for (const auto& r : group.resources) {
    auto v = r.params.find("volume");
    if (v == r.params.end()) continue;
    auto o = state.outdated_volumes.find(v->second);
    if (o != state.outdated_volumes.end() && o->second == node)
      return "volume " + v->second + " is outdated on " + node + " (fence-peer; cleared by unfence-peer after a resync)";
  }
  return failure_ban(cfg, group, state, node);
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

}  // namespace

std::vector<std::string> active_nodes(const config::ClusterConfig& cfg, const config::GroupConfig& group,
                                      const ClusterState& state) {
  std::vector<std::pair<int, std::string>> counted;
  for (const auto& n : cfg.nodes) {
    const NodeState* ns = state.node(n.name);
    if (!ns || ns->status == NodeStatus::offline) continue;
    int count = 0;
    for (const auto& r : group.resources) count += is_active(state.resource_status(r.name, n.name)) ? 1 : 0;
    if (count > 0) counted.push_back({count, n.name});
  }
  std::stable_sort(counted.begin(), counted.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (const auto& [count, name] : counted) out.push_back(name);
  return out;
}

PlacementDecision place_group(const config::ClusterConfig& cfg, const config::GroupConfig& group,
                              const ClusterState& state, const std::map<std::string, std::string>& unavailable) {
  PlacementDecision d;
  std::vector<std::string> active = active_nodes(cfg, group, state);
  if (!active.empty()) d.current = active.front();

  // Nodes that can host the group; those with connectivity win over those without.
  std::vector<std::string> candidates, refusals;
  for (const auto& n : cfg.nodes) {
    if (auto why = why_not(cfg, group, state, unavailable, n.name)) refusals.push_back(*why);
    else candidates.push_back(n.name);
  }
  bool any_connected = std::any_of(candidates.begin(), candidates.end(),
                                   [&](const std::string& n) { return connected(state, n); });
  if (any_connected) {
    std::erase_if(candidates, [&](const std::string& n) { return !connected(state, n); });
  }

  if (candidates.empty()) {
    d.why = "no node can run it: " + join(refusals, "; ");
    return d;
  }

  // An operator switchover wins when its target can run the group.
  bool switchover = false;
  if (state.switchover && state.switchover->group == group.name) {
    std::optional<std::string> to = state.switchover->target_node;
    if (!to && d.current) {
      for (const auto& n : cfg.nodes) {
        if (n.name != *d.current) {
          to = n.name;
          break;
        }
      }
    }
    std::string asked = "switchover of " + group.name + (to ? " to " + *to : "");
    if (!to) {
      d.switchover_note = asked + " refused: " + group.name + " is not running, so there is no other node; name the target node";
    } else if (d.current && *to == *d.current) {
      d.switchover_note = asked + ": nothing to do, it already runs there";
      if (contains(candidates, *to)) d.target = *to;
    } else if (contains(candidates, *to)) {
      d.target = *to;
      switchover = true;
    } else {
      std::optional<std::string> why = why_not(cfg, group, state, unavailable, *to);
      std::string reason = why ? *why : *to + " has lost connectivity";
      d.switchover_note = asked + " refused: " + reason + "; " + group.name +
                          (d.current ? " stays on " + *d.current : " is placed as usual");
    }
  }

  if (!d.target) {
    std::vector<std::string> order;
    const auto& preferred = group.preferred_node;
    bool preferred_first = group.auto_failback || stickiness(cfg, group) == 0;
    if (preferred_first && preferred) order.push_back(*preferred);
    if (d.current) order.push_back(*d.current);
    if (!preferred_first && preferred) order.push_back(*preferred);
    for (const auto& n : cfg.nodes) order.push_back(n.name);
    for (const auto& n : order) {
      if (contains(candidates, n)) {
        d.target = n;
        break;
      }
    }
  }

  const std::string& target = *d.target;
  if (d.current && *d.current == target) {  // stays: say why only when it is not where it would prefer
    bool wants_preferred = group.auto_failback || stickiness(cfg, group) == 0;
    if (wants_preferred && group.preferred_node && *group.preferred_node != target && !switchover) {
      std::optional<std::string> why = why_not(cfg, group, state, unavailable, *group.preferred_node);
      d.why = "stays off preferred node " + *group.preferred_node + ": " +
              (why ? *why : *group.preferred_node + " has lost connectivity");
    }
    return d;
  }

  if (switchover) {
    d.why = "switchover requested";
  } else if (d.current) {
    const std::string& cur = *d.current;
    if (auto why = why_not(cfg, group, state, unavailable, cur)) {
      d.why = *why;
    } else if (!connected(state, cur) && connected(state, target)) {
      d.why = cur + " lost connectivity (" + target + " still has it)";
    } else if (group.preferred_node && target == *group.preferred_node) {
      d.why = group.auto_failback ? "auto_failback: back to preferred node " + target
                                  : "preferred node " + target + " (stickiness 0)";
    } else {
      d.why = "placement prefers " + target;
    }
  } else if (group.preferred_node && target == *group.preferred_node) {
    d.why = "preferred node";
  } else if (group.preferred_node) {
    std::optional<std::string> why = why_not(cfg, group, state, unavailable, *group.preferred_node);
    d.why = "preferred node " + *group.preferred_node + " cannot run it (" +
            (why ? *why : *group.preferred_node + " has lost connectivity") + ")";
  } else {
    d.why = "no preferred node: first node in config order that can run it";
  }
  return d;
}

}  // namespace hamail::scheduler
