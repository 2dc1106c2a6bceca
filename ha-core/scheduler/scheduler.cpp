#include "hamail/hacore/scheduler/scheduler.h"

#include <map>
#include <set>

#include "hamail/hacore/scheduler/failure_policy.h"
#include "hamail/hacore/scheduler/group_actions.h"
#include "hamail/hacore/scheduler/placement.h"

namespace hamail::scheduler {
namespace {

const config::ResourceConfig* find_resource(const config::ClusterConfig& cfg, const std::string& name) {
  for (const auto& g : cfg.groups) {
    for (const auto& r : g.resources) {
      if (r.name == name) return &r;
    }
  }
  return nullptr;
}

bool has_group(const config::ClusterConfig& cfg, const std::string& name) {
  for (const auto& g : cfg.groups) {
    if (g.name == name) return true;
  }
  return false;
}

std::optional<std::string> first_active(const config::ClusterConfig& cfg, const config::GroupConfig& group,
                                        const ClusterState& state) {
  std::vector<std::string> active = active_nodes(cfg, group, state);
  if (active.empty()) return std::nullopt;
  return active.front();
}

// Every group keeps its place, untouched (maintenance mode, frozen without quorum).
Transition leave_everything(const config::ClusterConfig& cfg, const ClusterState& state, GroupMode mode,
                            const std::string& why) {
  Transition t;
  for (const auto& g : cfg.groups) {
    auto where = first_active(cfg, g, state);
    t.placements.push_back({g.name, where, where, mode, why});
  }
  return t;
}

// The fences of this run (node -> reason, config order) and the unclean nodes that
// are not fenced, with what that means.
struct FencePlan {
  std::vector<std::pair<std::string, std::string>> fences;
  std::set<std::string> fenced;
  std::set<std::string> unfenced_unclean;  // stonith disabled: assumed down, loudly
};

FencePlan plan_fencing(const config::ClusterConfig& cfg, const ClusterState& state, bool can_fence,
                       const FailureConsequences& failures, Transition& t) {
  FencePlan plan;
  for (const auto& n : cfg.nodes) {
    const NodeState& ns = *state.node(n.name);
    std::optional<std::string> reason;
    if (ns.status == NodeStatus::unclean) {
      if (can_fence) {
        reason = n.name + " is unclean (lost without a clean stop): fence it before its resources run elsewhere";
      } else if (!cfg.stonith.enabled) {
        plan.unfenced_unclean.insert(n.name);
        t.notes.push_back("WARNING: " + n.name + " is unclean and stonith is disabled: it is NOT fenced and is " +
                          "assumed down; its resources may still run there while they start elsewhere");
      } else {
        t.notes.push_back(n.name + " is unclean and cannot be fenced without quorum: its resources start nowhere else");
      }
    } else if (auto it = failures.fence_nodes.find(n.name); it != failures.fence_nodes.end()) {
      reason = it->second;
    } else if (state.fence_requests.count(n.name)) {
      if (can_fence) reason = "an operator asked to fence " + n.name + " (hactl fence)";
      else t.notes.push_back("an operator asked to fence " + n.name + ": not without quorum and stonith enabled");
    }
    if (reason) {
      plan.fences.push_back({n.name, *reason});
      plan.fenced.insert(n.name);
    }
  }
  return plan;
}

// Node -> why it can run no group in this run.
std::map<std::string, std::string> unavailable_nodes(const config::ClusterConfig& cfg, const ClusterState& state,
                                                     const FailureConsequences& failures, const FencePlan& fencing) {
  std::map<std::string, std::string> out;
  for (const auto& n : cfg.nodes) {
    const NodeState& ns = *state.node(n.name);
    if (ns.status == NodeStatus::offline) {
      out[n.name] = n.name + " is offline";
    } else if (ns.status == NodeStatus::unclean) {
      out[n.name] = n.name + (fencing.fenced.count(n.name) ? " was lost (unclean) and is fenced first"
                                                            : " was lost (unclean)");
    } else if (fencing.fenced.count(n.name)) {
      auto it = failures.fence_nodes.find(n.name);
      out[n.name] = n.name + " is being fenced" + (it == failures.fence_nodes.end() ? " (operator request)" : ": " + it->second);
    } else if (ns.standby) {
      out[n.name] = n.name + " is in standby";
    } else if (auto it = failures.standby_nodes.find(n.name); it != failures.standby_nodes.end()) {
      out[n.name] = n.name + " is in standby: " + it->second;
    }
  }
  return out;
}

std::string group_reason(const config::GroupConfig& g, const PlacementDecision& d) {
  if (!d.target) return "group " + g.name + " stops: " + d.why;
  if (!d.current) return "group " + g.name + " starts on " + *d.target + ": " + d.why;
  if (*d.current == *d.target) return "group " + g.name + " runs on " + *d.target + " only";
  return "group " + g.name + " moves " + *d.current + " -> " + *d.target + ": " + d.why;
}

// Nodes other than `target` where the group is active (a group runs on one node only).
std::vector<std::string> extra_nodes(const std::vector<std::string>& active, const std::optional<std::string>& target) {
  std::vector<std::string> out;
  for (const auto& n : active) {
    if (!target || n != *target) out.push_back(n);
  }
  return out;
}

}  // namespace

Status validate_state(const config::ClusterConfig& cfg, const ClusterState& state) {
  for (const auto& n : cfg.nodes) {
    if (!state.node(n.name)) return Error{"the state has no entry for node '" + n.name + "'"};
  }
  for (const auto& [name, ns] : state.nodes) {
    if (!cfg.find_node(name)) return Error{"the state names node '" + name + "', which is not configured"};
  }
  auto check = [&](const ResourceOnNode& key, const char* what) -> Status {
    if (!find_resource(cfg, key.first))
      return Error{std::string(what) + " names resource '" + key.first + "', which is not configured"};
    if (!cfg.find_node(key.second))
      return Error{std::string(what) + " names node '" + key.second + "', which is not configured"};
    return Status::ok();
  };
  for (const auto& [key, s] : state.resources) {
    if (auto st = check(key, "a resource state"); !st) return st;
  }
  for (const auto& [key, f] : state.failures) {
    if (auto st = check(key, "a failure record"); !st) return st;
  }
  for (const auto& n : state.fence_requests)
    if (!cfg.find_node(n)) return Error{"a fence request names node '" + n + "', which is not configured"};
  for (const auto& [volume, n] : state.outdated_volumes)
    if (!cfg.find_node(n)) return Error{"volume " + volume + " is outdated on node '" + n + "', which is not configured"};
  if (state.switchover) {
    if (!has_group(cfg, state.switchover->group))
      return Error{"the switchover request names group '" + state.switchover->group + "', which is not configured"};
    if (state.switchover->target_node && !cfg.find_node(*state.switchover->target_node))
      return Error{"the switchover request names node '" + *state.switchover->target_node + "', which is not configured"};
  }
  return Status::ok();
}

Result<Transition> schedule(const config::ClusterConfig& cfg, const ClusterState& state) {
  if (Status s = validate_state(cfg, state); !s) return Error{s.message()};

  if (state.maintenance) {
    Transition t = leave_everything(cfg, state, GroupMode::unmanaged, "maintenance mode");
    t.notes.push_back("maintenance mode: nothing is started, stopped, promoted or fenced");
    return t;
  }
  const config::NoQuorumPolicy policy = cfg.defaults.no_quorum_policy;
  const std::string no_quorum = "no quorum (no_quorum_policy=" + config::to_string(policy) + ")";
  if (!state.quorate && policy == config::NoQuorumPolicy::freeze) {
    Transition t = leave_everything(cfg, state, GroupMode::frozen, no_quorum);
    t.notes.push_back(no_quorum + ": what runs keeps running, nothing new starts, nothing is fenced");
    return t;
  }
  const bool quorum_ok = state.quorate || policy == config::NoQuorumPolicy::ignore;
  Transition t;
  if (!state.quorate) {
    t.notes.push_back(policy == config::NoQuorumPolicy::ignore
                          ? "WARNING: " + no_quorum + ": scheduling as if quorate"
                          : no_quorum + ": every resource stops, nothing starts, nothing is fenced");
  }
  const bool can_fence = cfg.stonith.enabled && quorum_ok;
  FailureConsequences failures = assess_failures(cfg, state, can_fence);
  FencePlan fencing = plan_fencing(cfg, state, can_fence, failures, t);
  std::map<std::string, std::string> unavailable = unavailable_nodes(cfg, state, failures, fencing);

  std::set<std::string> reachable;
  for (const auto& n : cfg.nodes) {
    if (state.node(n.name)->status == NodeStatus::online && !fencing.fenced.count(n.name)) reachable.insert(n.name);
  }

  for (const auto& [node, reason] : fencing.fences) t.actions.push_back({node, "", ActionKind::fence, reason});
  std::vector<Action> stops, starts;
  for (const auto& g : cfg.groups) {
    GroupPlacement placed{g.name, first_active(cfg, g, state), std::nullopt, GroupMode::managed, ""};
    if (auto it = failures.blocked_groups.find(g.name); it != failures.blocked_groups.end()) {
      placed.after = placed.before;
      placed.mode = GroupMode::blocked;
      placed.note = it->second + "; nothing is done for " + g.name + " until an operator clears the failure";
      t.placements.push_back(placed);
      continue;
    }

    PlacementDecision d;
    if (!quorum_ok) {
      d.current = placed.before;
      d.why = no_quorum;
    } else if (auto it = failures.stopped_groups.find(g.name); it != failures.stopped_groups.end()) {
      d.current = placed.before;
      d.why = it->second + ": kept stopped until the failure expires or is cleared";
    } else {
      d = place_group(cfg, g, state, unavailable);
    }
    if (!d.switchover_note.empty()) t.notes.push_back(d.switchover_note);

    std::vector<std::string> active = active_nodes(cfg, g, state);
    std::string warning;
    for (const auto& n : active) {
      if (fencing.unfenced_unclean.count(n) && d.target && *d.target != n)
        warning += "; WARNING: " + n + " was NOT fenced (stonith disabled) and may still run " + g.name;
    }
    std::string reason = group_reason(g, d);
    if (d.target && d.current == d.target && active.size() > 1) {
      std::string elsewhere;
      for (const auto& n : extra_nodes(active, d.target)) elsewhere += (elsewhere.empty() ? "" : ", ") + n;
      d.why += (d.why.empty() ? "" : "; ") + std::string("also active on ") + elsewhere + ": stopped there";
      reason += ": also active on " + elsewhere;
    }
    GroupActions acts = plan_group_actions({cfg, g, state, d.current, d.target, reachable, reason, warning});
    stops.insert(stops.end(), acts.stops.begin(), acts.stops.end());
    starts.insert(starts.end(), acts.starts.begin(), acts.starts.end());

    placed.after = d.target;
    placed.note = d.why;
    t.placements.push_back(placed);
  }
  t.actions.insert(t.actions.end(), stops.begin(), stops.end());
  t.actions.insert(t.actions.end(), starts.begin(), starts.end());
  return t;
}

}  // namespace hamail::scheduler
