#include "hamail/hacore/scheduler/failure_policy.h"

namespace hamail::scheduler {
namespace {

using config::OnFail;

const config::Operation* find_operation(const config::ResourceConfig& resource, const std::string& name) {
  for (const auto& op : resource.ops) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

std::string why_fencing_unavailable(const config::ClusterConfig& cfg) {
  return cfg.stonith.enabled ? "fencing needs quorum" : "stonith is disabled";
}

void add_once(std::map<std::string, std::string>& to, const std::string& key, std::string reason) {
  to.emplace(key, std::move(reason));
}

}  // namespace

int migration_threshold(const config::ClusterConfig& cfg, const config::GroupConfig& group) {
  return group.migration_threshold.value_or(cfg.defaults.migration_threshold);
}

int stickiness(const config::ClusterConfig& cfg, const config::GroupConfig& group) {
  return group.stickiness.value_or(cfg.defaults.stickiness);
}

Milliseconds failure_timeout(const config::ClusterConfig& cfg, const config::GroupConfig& group) {
  return group.failure_timeout.value_or(cfg.defaults.failure_timeout);
}

OnFail effective_on_fail(const config::ClusterConfig& cfg, const config::ResourceConfig& resource,
                         const std::string& operation) {
  const config::Operation* op = find_operation(resource, operation);
  if (op && op->on_fail) return *op->on_fail;
  if (operation == "stop") return cfg.stonith.enabled ? OnFail::fence : OnFail::block;
  return cfg.defaults.on_fail;
}

int live_failure_count(const config::ClusterConfig& cfg, const config::GroupConfig& group,
                       const ClusterState& state, const std::string& resource, const std::string& node) {
  auto it = state.failures.find({resource, node});
  if (it == state.failures.end()) return 0;
  Milliseconds timeout = failure_timeout(cfg, group);
  if (timeout.count() > 0 && state.now - it->second.last_failure >= timeout) return 0;
  return it->second.count;
}

std::optional<std::string> failure_ban(const config::ClusterConfig& cfg, const config::GroupConfig& group,
                                       const ClusterState& state, const std::string& node) {
  int threshold = migration_threshold(cfg, group);
  if (threshold <= 0) return std::nullopt;
  for (const auto& res : group.resources) {
    int count = live_failure_count(cfg, group, state, res.name, node);
    if (count >= threshold) {
      return res.name + " failed " + std::to_string(count) + " time" + (count == 1 ? "" : "s") + " on " + node +
             " (migration_threshold " + std::to_string(threshold) + ")";
    }
  }
  return std::nullopt;
}

FailureConsequences assess_failures(const config::ClusterConfig& cfg, const ClusterState& state, bool can_fence) {
  FailureConsequences out;
  for (const auto& group : cfg.groups) {
    for (const auto& res : group.resources) {
      for (const auto& node_cfg : cfg.nodes) {
        const std::string& node = node_cfg.name;
        const NodeState* ns = state.node(node);
        if (!ns || ns->status != NodeStatus::online) continue;  // unclean: fenced anyway; offline: runs nothing
        ResourceStatus status = state.resource_status(res.name, node);
        auto record = state.failures.find({res.name, node});
        bool record_live = live_failure_count(cfg, group, state, res.name, node) > 0;
        std::string where = res.name + " on " + node;

        if (status == ResourceStatus::stop_failed) {
          OnFail of = effective_on_fail(cfg, res, "stop");
          std::string what = "stop of " + where + " failed";
          if (of == OnFail::fence && can_fence) {
            add_once(out.fence_nodes, node, what + " (on_fail=fence)");
          } else if (of == OnFail::fence) {
            add_once(out.blocked_groups, group.name, what + ": on_fail=fence but " + why_fencing_unavailable(cfg));
          } else if (of == OnFail::block) {
            add_once(out.blocked_groups, group.name, what + " (on_fail=block)");
          } else {
            add_once(out.blocked_groups, group.name, what + ": on_fail=" + config::to_string(of) + " cannot recover a failed stop");
          }
          continue;
        }

        if (status == ResourceStatus::failed) {
          std::string op = record != state.failures.end() ? record->second.operation : "monitor";
          OnFail of = effective_on_fail(cfg, res, op);
          std::string what = op + " of " + where + " failed";
          switch (of) {
            case OnFail::fence:
              if (can_fence) add_once(out.fence_nodes, node, what + " (on_fail=fence)");
              else add_once(out.blocked_groups, group.name, what + ": on_fail=fence but " + why_fencing_unavailable(cfg));
              break;
            case OnFail::block: add_once(out.blocked_groups, group.name, what + " (on_fail=block)"); break;
            case OnFail::standby: add_once(out.standby_nodes, node, what + " (on_fail=standby)"); break;
            case OnFail::stop: add_once(out.stopped_groups, group.name, what + " (on_fail=stop)"); break;
            case OnFail::restart: break;  // placement recovers it in place or moves the group
          }
          continue;
        }

        // A failure that is over (the resource was recovered or stopped) but not yet
        // expired keeps its standby / stop consequence until it expires or is cleared.
        if (record_live && record->second.operation != "stop") {
          OnFail of = effective_on_fail(cfg, res, record->second.operation);
          std::string what = record->second.operation + " of " + where + " failed";
          if (of == OnFail::standby) add_once(out.standby_nodes, node, what + " (on_fail=standby)");
          if (of == OnFail::stop) add_once(out.stopped_groups, group.name, what + " (on_fail=stop)");
        }
      }
    }
  }
  return out;
}

}  // namespace hamail::scheduler
