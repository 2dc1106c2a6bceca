// ClusterCore: hacored's decision logic on one node, sans-IO. Inputs are the CPG group
// membership and messages (delivered to every node in the same order, as bytes with the
// sender CPG names), the local quorum flag, local agent results and operator commands,
// each with the time (Now); outputs are Effects: typed messages to multicast, agent
// actions and probes to run here, monitors to start or stop, and events. The lowest node
// id in the group is the DC: it runs the scheduler and drives each transition one action
// at a time; every node applies the results identically. A message that does not decode
// or does not fit the state is dropped with a message_dropped event, the state unchanged.
// While a member speaks a protocol version this node cannot read, the node is frozen:
// it schedules and starts nothing and leaves running resources alone (see README).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/base/result.h"
#include "hamail/hacore/cluster/control_request.h"
#include "hamail/hacore/cluster/effects.h"
#include "hamail/hacore/cluster/now.h"
#include "hamail/hacore/cluster/protocol.h"
#include "hamail/hacore/cluster/shared_state.h"
#include "hamail/hacore/config/cluster_config.h"
#include "hamail/hacore/scheduler/transition.h"

namespace hamail::cluster {

class ClusterCore {
 public:
  ClusterCore(const config::ClusterConfig& cfg, std::string local_node);

  void on_group_membership(const std::vector<std::string>& members, Now now, Effects& fx);
  void on_quorum(bool quorate, Now now, Effects& fx);
  // One CPG message as delivered: `sender` is the configured node CPG says sent it.
  void on_message(const std::string& sender, std::string_view bytes, Now now, Effects& fx);
  void on_probe_result(const std::string& resource, int rc, const std::string& detail, Now now, Effects& fx);
  void on_action_result(const LocalAction& action, const AgentOutcome& outcome, Now now, Effects& fx);
  void on_monitor_result(const std::string& resource, int rc, const std::string& detail, Now now, Effects& fx);
  // A fence this node ran for the cluster (an Effects::fence job) ended.
  void on_fence_result(const FenceJob& job, const FenceOutcome& outcome, Now now, Effects& fx);
  void tick(Now now, Effects& fx);

  // Operator commands (hactl): a message to multicast, or an error naming what is wrong.
  // `by` says who asked (recorded with fences and confirmations).
  Result<protocol::Message> command(const OperatorCommand& cmd, Now now, const std::string& by = "hactl");
  // drbd-lite's fence-peer (see README): the answer now (kOutdated, kPeerDown, kFenced;
  // kPending: ask again; kNotDone with the reason) and an outdate to multicast, if any.
  static constexpr int kNotDone = 1, kPending = 0, kOutdated = 4, kPeerDown = 5, kFenced = 7;
  struct FencePeerAnswer {
    int code = kNotDone;
    std::string text;
    std::optional<protocol::Message> send;
  };
  FencePeerAnswer fence_peer(const FencePeerQuery& q);
  // With stonith and quorum.wait_for_all: the nodes not seen in the group since this node
  // started (and not confirmed off). While any is missing, nothing starts and nobody is fenced.
  std::vector<std::string> boot_waiting_for() const;
  // Clean shutdown: announce it (its groups move away, as with standby); then wait
  // until runs_nothing_here() before leaving the group.
  protocol::Message shutdown_request() const;
  // This node's reachability of its ping targets changed (see ConnectivityTracker).
  protocol::Message connectivity_report(bool ok) const;
  bool runs_nothing_here() const;
  // Why the scheduler would stop nothing here now (maintenance, frozen, waiting for the peer
  // at boot, no quorum with no_quorum_policy freeze), or empty: a leaving node's groups stop.
  std::string why_nothing_stops() const;
  // A member speaks a protocol version this node cannot read: nothing is scheduled or started.
  bool frozen() const;

  nlohmann::json status() const;
  const SharedState& state() const { return state_; }
  bool is_dc() const;
  const std::string& local_node() const { return me_; }
  std::optional<std::string> dc() const;

 private:
  // The message being applied: who sent it (CPG) and when this node applies it.
  struct Delivery {
    const std::string& sender;
    Now now;
    int version = protocol::kVersion;
  };

  // cluster_core.cpp: plumbing shared by every part.
  protocol::Message message(protocol::Body body) const;
  void event(Effects& fx, Now now, const std::string& name, nlohmann::json fields);
  void drop(Effects& fx, Now now, const std::string& sender, const std::string& type, const std::string& why);
  Status apply(const protocol::Message& m, const Delivery& d, Effects& fx);
  const config::GroupConfig* group_of(const std::string& resource) const;
  const config::GroupConfig* group(const std::string& name) const;
  const config::ResourceConfig* resource(const std::string& name) const;
  bool node_known(const std::string& name) const { return state_.nodes.count(name) > 0; }
  std::uint64_t monitor_interval(const std::string& resource) const;
  void set_status(const std::string& resource, const std::string& node, scheduler::ResourceStatus st);
  void record_failure(const std::string& node, const std::string& res, const std::string& op, int rc,
                      const std::string& reason, Now now, Effects& fx);
  // Resource facts changed other than by the running transition: a plan made before is
  // stale (the epoch moves on) and a running transition is aborted.
  void facts_changed(const std::string& why, Now now, Effects& fx, bool back_off = false);

  // core_membership.cpp: the group, quorum, protocol versions.
  void node_left(const std::string& node, const std::set<std::string>& now_members, Now now, Effects& fx);
  void greet_newcomers(const std::set<std::string>& before, const std::set<std::string>& now_members, Now now,
                       Effects& fx);
  void mark_incompatible(const std::string& peer, int version, Now now, Effects& fx);
  void mark_compatible(const std::string& peer, const std::string& why, Now now, Effects& fx);
  Status handle(const protocol::Hello& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::StateSync& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::Leaving& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::Quorum& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::ForeignVersion& m, const Delivery& d, Effects& fx);

  // core_local.cpp: this node's probes, monitors and agent actions.
  void start_probes(Now now, Effects& fx);
  protocol::ProbeReport probe_report() const;
  void sync_monitors(Effects& fx);
  void report_health(const std::string& res, int rc, const std::string& detail, Effects& fx);

  // core_facts.cpp: what nodes report about their resources and reachability.
  Status handle(const protocol::ProbeReport& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::Failure& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::Connectivity& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::ResourceHealth& m, const Delivery& d, Effects& fx);

  // core_transitions.cpp: the DC's transitions, one action at a time.
  Status handle(const protocol::TransitionStart& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::ActionRequest& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::ActionResult& m, const Delivery& d, Effects& fx);
  Status check_result(const protocol::ActionResult& m, const Delivery& d) const;
  // A result (agent or fence) against the running transition: not a duplicate, the action
  // requested (a result of an earlier transition is a late fact: ok).
  Status check_answer(std::uint64_t id, std::uint32_t index, const scheduler::Action& done) const;
  void apply_result_facts(const protocol::ActionResult& m, Now now, Effects& fx);
  void advance_transition(std::uint32_t index, bool ok, Now now, Effects& fx);
  void abort_transition(const std::string& reason, Now now, Effects& fx, bool back_off = true);
  void finish_transition(Now now, Effects& fx);
  void request_next_action(Effects& fx);
  void run_locally(const scheduler::Action& a, std::uint64_t id, std::uint32_t index, Effects& fx);

  // core_operator.cpp: operator requests, applied everywhere in CPG order.
  Status handle(const protocol::SetStandby& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::SetMaintenance& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::Switchover& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::SwitchoverEnd& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::SwitchoverClear& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::Cleanup& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::Restart& m, const Delivery& d, Effects& fx);

  // core_schedule.cpp: the DC's decisions.
  void maybe_schedule(Now now, Effects& fx);
  void decide_switchover(const scheduler::Transition& tr, Effects& fx);
  void start_transition(const scheduler::Transition& tr, Effects& fx);
  void check_progress(Now now, Effects& fx);
  std::optional<std::string> group_node(const config::GroupConfig& g) const;
  bool group_running_on(const config::GroupConfig& g, const std::string& node) const;

  // core_fencing.cpp: fences (who runs them, the race delay, results), operator fences and
  // confirmations, outdated volumes.
  Status handle(const protocol::FenceResult& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::FenceNode& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::ConfirmOff& m, const Delivery& d, Effects& fx);
  Status handle(const protocol::Outdate& m, const Delivery& d, Effects& fx);
  void start_fence(const scheduler::Action& a, std::uint64_t id, std::uint32_t index, Now now, Effects& fx);
  std::optional<std::string> fence_executor(const std::string& target) const;
  std::pair<std::int64_t, std::string> race_delay(const std::string& target, const std::string& executor) const;
  // `rejoined`: a late ok result for a node that is a member again (it came back since).
  void apply_fence_facts(const protocol::FenceResult& m, const Delivery& d, Effects& fx, bool rejoined);
  void mark_off(const std::string& node);
  bool manages_volume(const std::string& volume) const;
  Result<protocol::Message> fence_command(const FenceCommand& c, const std::string& by) const;
  json fencing_status() const;

  // core_commands.cpp
  Result<protocol::Message> switchover_command(const SwitchoverCommand& c, Now now);
  Result<protocol::Message> resource_command(const std::string& cmd, const std::string& res) const;

  const config::ClusterConfig& cfg_;
  std::string me_;
  std::uint32_t my_id_ = 0;
  SharedState state_;
  bool quorate_ = false;
  bool joined_ = false;                        // this node is in the group
  std::map<std::string, int> incompatible_;    // member -> the protocol version it speaks
  std::set<std::string> probing_;              // local probes in flight
  std::map<std::string, scheduler::ResourceStatus> probe_results_;
  bool reprobe_ = false;
  std::set<std::string> monitored_;            // local recurring monitors running
  std::set<std::string> busy_;                 // local resources with an action in flight (no monitor)
  std::map<std::string, scheduler::ResourceStatus> answered_here_;  // busy, its result sent: what it left
  std::map<std::string, std::string> degraded_here_;  // local resource -> reason last reported degraded
  std::deque<std::pair<std::uint64_t, std::uint32_t>> applied_results_;  // (transition, index), bounded
  std::int64_t next_schedule_ms_ = 0;          // monotonic: back-off after a failed transition
  std::map<std::string, std::string> member_configs_;  // cluster.yaml sha256 each member said at its hello
  std::uint64_t facts_epoch_ = 0;              // resource fact changes since the last membership change
  std::optional<std::int64_t> start_sent_ms_;  // monotonic: the DC sent a transition_start not yet applied
  // An action of an aborted transition that was requested and not answered yet: the DC
  // plans again only once its result is applied, its node left, or kUnansweredLostAfterMs.
  struct Unanswered {
    std::uint64_t id = 0;
    std::uint32_t index = 0;
    std::string node;                          // who runs it (a fence: its executor)
    std::string target;                        // the action's node (a fence: whom it shoots)
    std::int64_t since_ms = 0;                 // monotonic
  };
  std::optional<Unanswered> unanswered_;
  std::optional<std::uint64_t> switchover_end_sent_;  // the DC sent its end, not yet applied
  int failed_transitions_ = 0;
  std::set<std::string> seen_;                 // nodes seen in the group (or confirmed off) since start
  std::set<std::string> reported_;             // members whose probe_done this node applied since they joined
  bool boot_wait_noted_ = false;
  std::set<std::string> outdate_sent_;         // volumes whose outdate this node sent, not yet applied
  std::uint64_t next_switchover_seq_ = 1;
};

}  // namespace hamail::cluster
