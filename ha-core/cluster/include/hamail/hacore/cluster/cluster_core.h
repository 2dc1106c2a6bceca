// ClusterCore: hacored's decision logic on one node, sans-IO. Inputs are the CPG group
// membership and messages (delivered to every node in the same order), the local
// quorum flag, local agent results and operator commands; outputs are Effects: messages
// to multicast, agent actions and probes to run here, monitors to start or stop, and
// events. The lowest node id in the group is the DC: it runs the scheduler and drives
// each transition one action at a time; every node applies the results identically.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/hacore/cluster/shared_state.h"
#include "hamail/hacore/config/cluster_config.h"
#include "hamail/base/result.h"
#include "hamail/hacore/scheduler/transition.h"

namespace hamail::cluster {

// A local agent action the DC asked this node to run.
struct LocalAction {
  std::uint64_t transition = 0;
  std::uint32_t index = 0;
  std::string resource;
  scheduler::ActionKind kind = scheduler::ActionKind::start;
};

struct Effects {
  std::vector<json> broadcast;                 // to every node (including this one), in order
  std::vector<LocalAction> run;                // agent actions to run here
  std::vector<std::string> probes;             // one-shot monitors of local resources
  std::vector<std::string> start_monitors;     // recurring monitors to start / stop here
  std::vector<std::string> stop_monitors;
  std::vector<json> events;                    // what the operator watches (also kept in the state)
};

// Agent result in the terms the core needs (the executor's result, reduced).
struct AgentOutcome {
  bool ok = false;
  int rc = 1;                                  // OCF exit code
  std::string detail;                          // "not running (exit code 7)", "timed out after 20000 ms"
  std::uint64_t duration_ms = 0;
};

class ClusterCore {
 public:
  ClusterCore(const config::ClusterConfig& cfg, std::string local_node);

  void on_group_membership(const std::vector<std::string>& members, std::int64_t now_ms, Effects& fx);
  void on_quorum(bool quorate, std::int64_t now_ms, Effects& fx);
  void on_message(const json& msg, std::int64_t now_ms, Effects& fx);
  void on_probe_result(const std::string& resource, int rc, const std::string& detail, std::int64_t now_ms,
                       Effects& fx);
  void on_action_result(const LocalAction& action, const AgentOutcome& outcome, std::int64_t now_ms, Effects& fx);
  void on_monitor_result(const std::string& resource, int rc, const std::string& detail, std::int64_t now_ms,
                         Effects& fx);
  void tick(std::int64_t now_ms, Effects& fx);

  // Operator commands (hactl): a message to multicast, or an error naming what is wrong.
  Result<json> command(const json& request, std::int64_t now_ms);
  // Clean shutdown: announce it (its groups move away, as with standby); then wait
  // until runs_nothing_here() before leaving the group.
  json shutdown_request(std::int64_t now_ms) const;
  // This node's reachability of its ping targets changed (see ConnectivityTracker).
  json connectivity_report(bool ok, std::int64_t now_ms) const;
  bool runs_nothing_here() const;

  json status() const;
  const SharedState& state() const { return state_; }
  bool is_dc() const;
  const std::string& local_node() const { return me_; }
  std::optional<std::string> dc() const;

 private:
  json message(const std::string& type, std::int64_t now_ms) const;
  void event(Effects& fx, std::int64_t ts_ms, const std::string& name, json fields);
  void apply(const json& m, std::int64_t now_ms, Effects& fx);
  void apply_action_result(const json& m, std::int64_t ts, Effects& fx);
  void abort_transition(const std::string& reason, std::int64_t ts, Effects& fx, bool back_off = true);
  void finish_transition(std::int64_t ts, Effects& fx);
  void maybe_schedule(std::int64_t now_ms, Effects& fx);
  void request_next_action(std::int64_t now_ms, Effects& fx);
  void start_probes(Effects& fx);
  void sync_monitors(Effects& fx);
  void check_progress(std::int64_t ts, Effects& fx);
  void set_status(const std::string& resource, const std::string& node, scheduler::ResourceStatus st);
  std::optional<std::string> group_node(const config::GroupConfig& g) const;
  bool group_running_on(const config::GroupConfig& g, const std::string& node) const;
  const config::GroupConfig* group_of(const std::string& resource) const;
  const config::ResourceConfig* resource(const std::string& name) const;
  std::uint64_t monitor_interval(const std::string& resource) const;
  std::string node_name(std::uint32_t id) const;

  const config::ClusterConfig& cfg_;
  std::string me_;
  SharedState state_;
  bool quorate_ = false;
  bool joined_ = false;                        // this node is in the group
  std::set<std::string> probing_;              // local probes in flight
  std::map<std::string, scheduler::ResourceStatus> probe_results_;
  bool reprobe_ = false;
  std::set<std::string> monitored_;            // local recurring monitors running
  std::set<std::string> busy_;                 // local resources with an action in flight (no monitor)
  std::int64_t next_schedule_ms_ = 0;          // backoff after a failed transition
  int failed_transitions_ = 0;
  std::uint64_t next_switchover_id_ = 1;
};

}  // namespace hamail::cluster
