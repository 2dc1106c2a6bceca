// SharedState: what every node of the cluster agrees on, because each applies the
// same CPG messages and membership changes in the same (agreed) order: nodes and
// their flags, where each resource runs, failures, the running transition, operator
// requests and a bounded history (events, failed actions, transitions). Every time in
// it is this node's monotonic clock (Now::mono_ms) at the moment it applied the input.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/hacore/scheduler/cluster_state.h"
#include "hamail/hacore/scheduler/transition.h"

namespace hamail::cluster {

using nlohmann::json;

inline constexpr std::size_t kMaxEvents = 2000;
inline constexpr std::size_t kMaxFailedActions = 50;
inline constexpr std::size_t kMaxFencingHistory = 20;

// The transition the DC is executing, one action after the other.
struct RunningTransition {
  std::uint64_t id = 0;
  std::vector<scheduler::Action> actions;
  std::size_t next = 0;              // index of the action requested or to request
  bool waiting = false;              // a request is out, its result not yet applied
  std::int64_t started_ms = 0;       // monotonic
  std::string trigger;
};

// A group that lost its node (a failover) or one of its resources (a recovery, in place or
// elsewhere): when it runs again, it ends with failover_end or recovery_end.
struct Failover {
  std::string from;
  std::int64_t lost_ms = 0;          // monotonic
  bool recovery = false;             // began with a resource failure, not a node loss
};

struct Switchover {
  std::uint64_t id = 0;
  std::string group;
  std::optional<std::string> target;  // resolved when the request is applied
  std::string from;                   // where the group ran then
  std::int64_t requested_ms = 0;      // monotonic
  bool done = false;                  // completed, kept as a visible standing placement
};

// A volume outdated at the cluster level (drbd-lite's fence-peer while its peer was a
// member): the volume's group is not promoted on `node` until unfence-peer clears it.
struct OutdateRecord {
  std::string node;
  std::string by;
};

// Fencing of one node as this partition saw it.
struct FenceRecord {
  bool fenced = false;               // fenced (or confirmed off) since it was last a member
  int failures = 0;                  // consecutive failed attempts
  std::string last_error;
  std::string confirmed_by;          // an operator's --confirm-off
};

struct SharedState {
  std::map<std::string, scheduler::NodeState> nodes;
  std::set<std::string> members;     // nodes whose hacored is in the CPG group
  std::set<std::string> probed;      // members that reported their local resources since joining
  std::set<std::string> leaving;     // announced a clean shutdown
  std::map<scheduler::ResourceOnNode, scheduler::ResourceStatus> resources;
  std::map<scheduler::ResourceOnNode, scheduler::FailureRecord> failures;
  // Running but degraded (a monitor's OCF 190/191), with the agent's reason: a warning.
  std::map<scheduler::ResourceOnNode, std::string> degraded;  // last_failure: monotonic
  // Actions still running on a member, as its probe report says (their transition ended, or
  // was run by another DC): no plan until each result (or the member's loss), since what
  // follows the resource in its group must not start before it. Value: since (monotonic).
  std::map<scheduler::ResourceOnNode, std::int64_t> in_flight;
  bool maintenance = false;
  std::optional<Switchover> switchover;
  std::optional<RunningTransition> transition;
  std::uint64_t last_transition_id = 0;
  std::map<std::string, Failover> failovers;  // by group
  std::deque<json> events;
  std::deque<json> failed_actions;
  std::optional<json> last_transition;        // id, actions, result, duration_ms
  std::deque<json> fencing_history;
  std::map<std::string, FenceRecord> fencing;          // by node
  std::set<std::string> fence_requests;                // operator fences not yet carried out
  std::map<std::string, OutdateRecord> outdated;       // by volume

  void add_event(json e);
  void add_failed_action(json f);
  void add_fencing(json f);
};

std::optional<scheduler::ResourceStatus> resource_status_from(const std::string& s);
std::optional<scheduler::ActionKind> action_kind_from(const std::string& s);

}  // namespace hamail::cluster
