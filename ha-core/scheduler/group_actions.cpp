#include "hamail/hacore/scheduler/group_actions.h"

#include "hamail/hacore/scheduler/failure_policy.h"

namespace hamail::scheduler {
namespace {

using config::ResourceConfig;

void stop_member(std::vector<Action>& out, const std::string& node, const ResourceConfig& res, ResourceStatus status,
                 const std::string& reason) {
  if (status == ResourceStatus::promoted) out.push_back({node, res.name, ActionKind::demote, reason});
  out.push_back({node, res.name, ActionKind::stop, reason});
}

// Index of the first member that failed on `node` (it and all after it restart).
std::size_t first_failed(const GroupActionInput& in, const std::string& node) {
  const auto& members = in.group.resources;
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (in.state.resource_status(members[i].name, node) == ResourceStatus::failed) return i;
  }
  return members.size();
}

std::string recovery_reason(const GroupActionInput& in, const std::string& node, const ResourceConfig& failed) {
  int count = live_failure_count(in.cfg, in.group, in.state, failed.name, node);
  int threshold = migration_threshold(in.cfg, in.group);
  std::string counted;
  if (count > 0) {
    counted = " (" + std::to_string(count) + " failure" + (count == 1 ? "" : "s");
    counted += threshold > 0 ? ", migration_threshold " + std::to_string(threshold) + ")" : ", migration_threshold 0: never moves)";
  }
  return failed.name + " failed on " + node + counted + ": recover in place";
}

}  // namespace

GroupActions plan_group_actions(const GroupActionInput& in) {
  GroupActions out;
  const auto& members = in.group.resources;

  // Leave every node that is not the target (only where an agent can still run).
  for (const auto& n : in.cfg.nodes) {
    if ((in.target && n.name == *in.target) || !in.reachable.count(n.name)) continue;
    for (auto it = members.rbegin(); it != members.rend(); ++it) {
      ResourceStatus s = in.state.resource_status(it->name, n.name);
      if (is_active(s)) stop_member(out.stops, n.name, *it, s, in.group_reason);
    }
  }
  if (!in.target) return out;

  const std::string& node = *in.target;
  bool arriving = !in.current || *in.current != node;
  std::size_t restart_from = first_failed(in, node);
  std::string recovery = restart_from < members.size() ? recovery_reason(in, node, members[restart_from]) : "";
  auto reason_for = [&](std::size_t i, const std::string& own) {
    if (arriving) return in.group_reason + in.start_warning;
    if (i == restart_from) return recovery;
    if (i > restart_from) return "restart: " + members[restart_from].name + " before it in group " + in.group.name + " recovers";
    return own;
  };

  // Restart in place: stop the failed member and everything after it, last first.
  for (std::size_t i = members.size(); i-- > restart_from;) {
    ResourceStatus s = in.state.resource_status(members[i].name, node);
    if (is_active(s)) stop_member(out.stops, node, members[i], s, reason_for(i, ""));
  }
  // Then bring every member up in order.
  for (std::size_t i = 0; i < members.size(); ++i) {
    const ResourceConfig& res = members[i];
    ResourceStatus s = i >= restart_from ? ResourceStatus::stopped : in.state.resource_status(res.name, node);
    std::string missing = res.name + " is not running on " + node + " where group " + in.group.name + " runs";
    if (s == ResourceStatus::stopped || s == ResourceStatus::unknown) {
      std::string why = reason_for(i, missing);
      out.starts.push_back({node, res.name, ActionKind::start, why});
      if (res.promotable) out.starts.push_back({node, res.name, ActionKind::promote, why});
    } else if (res.promotable && s == ResourceStatus::started) {
      out.starts.push_back({node, res.name, ActionKind::promote,
                            reason_for(i, res.name + " must be promoted where group " + in.group.name + " runs")});
    }
  }
  return out;
}

}  // namespace hamail::scheduler
