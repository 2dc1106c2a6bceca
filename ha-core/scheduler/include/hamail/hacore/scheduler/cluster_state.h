// What the scheduler knows about the cluster right now: each node's membership
// status and flags, each resource's observed state per node, failure history, quorum,
// maintenance mode and a pending operator request. Plain data; the daemon fills it in.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace hamail::scheduler {

using Milliseconds = std::chrono::milliseconds;

// Membership of one node as the local partition sees it.
// offline: known down (clean shutdown, or fenced and confirmed): it runs nothing.
// unclean: lost without a clean stop and not yet fenced: its resources may still run.
enum class NodeStatus { online, offline, unclean };

// One node's status and operator/health flags.
struct NodeState {
  NodeStatus status = NodeStatus::online;
  bool standby = false;          // operator standby: runs nothing
  bool connectivity_ok = true;   // its ping targets answer
};

// What the last operation on (resource, node) showed.
// unknown (not yet probed) is treated as stopped; failed means a monitor (or start)
// failed and the resource needs recovery; stop_failed means it may still run there.
enum class ResourceStatus { stopped, started, promoted, failed, stop_failed, unknown };

// Failures of one resource on one node: how many, when the last one happened and
// which operation failed (its on_fail decides standby/stop consequences).
struct FailureRecord {
  int count = 0;
  Milliseconds last_failure{0};
  std::string operation = "monitor";
};

// Operator request: move a group to a named node, or to "the other node".
// The daemon keeps a completed request as a standing preference (with the node
// resolved) until the operator clears it.
struct SwitchoverRequest {
  std::string group;
  std::optional<std::string> target_node;  // empty: the other node
};

using ResourceOnNode = std::pair<std::string, std::string>;  // (resource, node)

// The complete input state of one scheduler run.
struct ClusterState {
  Milliseconds now{0};
  bool quorate = true;
  bool maintenance = false;
  std::map<std::string, NodeState> nodes;                 // every configured node
  std::map<ResourceOnNode, ResourceStatus> resources;     // absent: stopped
  std::map<ResourceOnNode, FailureRecord> failures;
  std::optional<SwitchoverRequest> switchover;
  std::set<std::string> fence_requests;                   // an operator asked to fence these nodes
  // drbd-lite's fence-peer through the cluster: volume -> the node where it is outdated
  // (a group with a resource whose `volume` param names it runs anywhere but there).
  std::map<std::string, std::string> outdated_volumes;

  ResourceStatus resource_status(const std::string& resource, const std::string& node) const;
  const NodeState* node(const std::string& name) const;
};

std::string to_string(NodeStatus s);
std::string to_string(ResourceStatus s);

// True when the resource runs or may run (started, promoted, failed, stop_failed).
bool is_active(ResourceStatus s);

}  // namespace hamail::scheduler
