// ClusterCore: the DC's transitions. The DC multicasts transition_start; applying it, it
// requests one action at a time (action_request); the node named runs it and multicasts
// action_result; every node applies the result, and the DC requests the next action. A
// result that answers nothing running is either a late fact (applied, and any running
// transition is aborted: its plan is stale) or a duplicate / forgery (dropped).
#include "core_invariants.h"
#include "core_util.h"
#include "hamail/hacore/cluster/cluster_core.h"
#include "hamail/base/utf8_text.h"

namespace hamail::cluster {

using scheduler::ActionKind;
using scheduler::NodeStatus;
using scheduler::ResourceStatus;

namespace {

constexpr std::size_t kMaxAppliedResults = 256;

json action_json(const scheduler::Action& a) {
  return {{"node", a.node}, {"resource", a.resource}, {"kind", scheduler::to_string(a.kind)}, {"reason", a.reason}};
}

}  // namespace

std::string action_text(const scheduler::Action& a) {
  return scheduler::to_string(a.kind) + (a.resource.empty() ? "" : " " + a.resource) + " on " + a.node;
}

Status ClusterCore::handle(const protocol::TransitionStart& m, const Delivery& d, Effects& fx) {
  if (d.sender == me_) start_sent_ms_.reset();
  if (d.sender != dc()) return Error{"only the DC (" + dc().value_or("none") + ") starts transitions"};
  if (frozen()) return Error{"this node is frozen (a member speaks an incompatible protocol): nothing starts"};
  if (state_.transition) return Error{"transition " + std::to_string(state_.transition->id) + " is still running"};
  if (m.id <= state_.last_transition_id)
    return Error{"field \"id\": " + std::to_string(m.id) + " is not after the last transition (" +
                 std::to_string(state_.last_transition_id) + ")"};
  if (m.facts != facts_epoch_)
    return Error{"stale plan: made from facts epoch " + std::to_string(m.facts) + ", the facts changed since (epoch " +
                 std::to_string(facts_epoch_) + ")"};
  // Quorum is a fact too, but it reaches each node outside the message order: a plan made
  // with quorum that arrives after this node lost it (corosync holds messages while it
  // waits for a qdevice's vote) must not fence or start anything.
  if (m.quorate != quorate_)
    return Error{std::string("stale plan: made ") +
                 (m.quorate ? "with quorum, and this node has lost it since" : "without quorum, and this node has it now")};
  // A membership change resets the facts epoch: a plan made before it (e.g. to fence a node
  // that has rejoined since) would look fresh.
  if (std::set<std::string>(m.members.begin(), m.members.end()) != state_.members)
    return Error{"stale plan: made for other members than the group's now"};
  for (std::size_t i = 0; i < m.actions.size(); ++i) {
    const auto& a = m.actions[i];
    std::string at = "field \"actions[" + std::to_string(i) + "].";
    if (!node_known(a.node)) return Error{at + "node\": no node named " + clip_utf8(a.node, 64)};
    if (a.kind != ActionKind::fence && !resource(a.resource))
      return Error{at + "resource\": no resource named " + clip_utf8(a.resource, 64)};
  }
  RunningTransition rt{m.id, m.actions, 0, false, d.now.mono_ms, m.trigger};
  json actions = json::array();
  for (const auto& a : m.actions) actions.push_back(action_json(a));
  state_.transition = rt;
  state_.last_transition_id = m.id;
  event(fx, d.now, "transition_started", {{"id", m.id}, {"actions", actions}, {"trigger", m.trigger}});
  for (const auto& n : m.notes) event(fx, d.now, "scheduler_note", {{"note", n}});
  if (is_dc()) request_next_action(fx);
  return Status::ok();
}

void ClusterCore::request_next_action(Effects& fx) {
  const auto& t = *state_.transition;
  check_action_index(t);
  if (t.waiting) return;
  check_start_is_safe(state_, t.actions[t.next], cfg_.stonith.enabled);
  fx.broadcast.push_back(message(protocol::ActionRequest{t.id, static_cast<std::uint32_t>(t.next)}));
}

Status ClusterCore::handle(const protocol::ActionRequest& m, const Delivery& d, Effects& fx) {
  if (d.sender != dc()) return Error{"only the DC (" + dc().value_or("none") + ") requests actions"};
  if (!state_.transition) return Error{"no transition is running (a late request of transition " + std::to_string(m.id) + ")"};
  auto& t = *state_.transition;
  if (m.id != t.id || m.index != t.next || t.waiting)
    return Error{"transition " + std::to_string(t.id) + " is at action " + std::to_string(t.next) +
                 (t.waiting ? " (requested)" : "") + ", not at action " + std::to_string(m.index) + " of transition " +
                 std::to_string(m.id)};
  check_action_index(t);
  t.waiting = true;
  const auto& a = t.actions[m.index];
  if (a.kind == ActionKind::fence) start_fence(a, t.id, m.index, d.now, fx);
  else if (a.node == me_) run_locally(a, t.id, m.index, fx);
  return Status::ok();
}

Status ClusterCore::check_result(const protocol::ActionResult& m, const Delivery& d) const {
  if (m.kind == ActionKind::fence) return Error{"field \"kind\": a fence is reported by fence_result"};
  if (m.node != d.sender) return Error{"field \"node\": " + clip_utf8(m.node, 64) + " is not the sender"};
  if (!node_known(m.node)) return Error{"field \"node\": no node named " + clip_utf8(m.node, 64)};
  if (!resource(m.resource)) return Error{"field \"resource\": no resource named " + clip_utf8(m.resource, 64)};
  return check_answer(m.id, m.index, scheduler::Action{m.node, m.resource, m.kind, ""});
}

Status ClusterCore::check_answer(std::uint64_t id, std::uint32_t index, const scheduler::Action& done) const {
  for (const auto& [seen_id, seen_index] : applied_results_)
    if (seen_id == id && seen_index == index)
      return Error{"a duplicate result of action " + std::to_string(index) + " of transition " + std::to_string(id)};
  if (!state_.transition || state_.transition->id != id) return Status::ok();  // a late fact
  const auto& t = *state_.transition;
  if (index >= t.actions.size())
    return Error{"field \"index\": transition " + std::to_string(t.id) + " has " + std::to_string(t.actions.size()) +
                 " actions"};
  const auto& a = t.actions[index];
  if (a.node != done.node || a.resource != done.resource || a.kind != done.kind)
    return Error{"it does not match action " + std::to_string(index) + " of transition " + std::to_string(t.id) +
                 " (" + action_text(a) + ")"};
  if (index != t.next || !t.waiting)
    return Error{"transition " + std::to_string(t.id) + " has not requested action " + std::to_string(index)};
  return Status::ok();
}

Status ClusterCore::handle(const protocol::ActionResult& m, const Delivery& d, Effects& fx) {
  if (auto st = check_result(m, d); !st) return st;
  applied_results_.emplace_back(m.id, m.index);
  while (applied_results_.size() > kMaxAppliedResults) applied_results_.pop_front();
  if (unanswered_ && unanswered_->id == m.id && unanswered_->index == m.index) unanswered_.reset();
  bool current = state_.transition && state_.transition->id == m.id;
  apply_result_facts(m, d.now, fx);
  if (current) advance_transition(m.index, m.ok, d.now, fx);
  else facts_changed("a late result of transition " + std::to_string(m.id) + " changed the facts", d.now, fx);
  sync_monitors(fx);
  check_progress(d.now, fx);
  return Status::ok();
}

void ClusterCore::apply_result_facts(const protocol::ActionResult& m, Now now, Effects& fx) {
  const std::string kind = scheduler::to_string(m.kind);
  if (m.node == me_) {
    busy_.erase(m.resource);
    answered_here_.erase(m.resource);
  }
  state_.in_flight.erase({m.resource, m.node});
  ResourceStatus st = m.kind == ActionKind::stop ? ResourceStatus::stop_failed : ResourceStatus::failed;
  if (m.ok) {
    st = m.kind == ActionKind::promote ? ResourceStatus::promoted
         : m.kind == ActionKind::stop  ? ResourceStatus::stopped
                                       : ResourceStatus::started;  // start, demote
  }
  set_status(m.resource, m.node, st);
  json ev = {{"node", m.node}, {"resource", m.resource}, {"action", kind}, {"ok", m.ok}, {"rc", m.rc},
             {"duration_ms", m.duration_ms}};
  if (!m.ok) ev["reason"] = m.detail;
  event(fx, now, "action_result", ev);
  const auto* g = group_of(m.resource);
  if (state_.switchover && !state_.switchover->done && g && g->name == state_.switchover->group) {
    event(fx, now, "switchover_phase",
          {{"id", state_.switchover->id}, {"group", state_.switchover->group},
           {"phase", kind + " " + m.resource + " on " + m.node}, {"ok", m.ok},
           {"elapsed_ms", now.mono_ms - state_.switchover->requested_ms}});
  }
  if (!m.ok) record_failure(m.node, m.resource, kind, m.rc, m.detail, now, fx);
}

void ClusterCore::advance_transition(std::uint32_t index, bool ok, Now now, Effects& fx) {
  auto& t = *state_.transition;
  check_action_index(t);
  t.waiting = false;
  t.next += 1;
  if (!ok) {
    abort_transition(action_text(t.actions[index]) + " failed", now, fx);
  } else if (t.next >= t.actions.size()) {
    finish_transition(now, fx);
  } else if (is_dc()) {
    request_next_action(fx);
  }
}

void ClusterCore::abort_transition(const std::string& reason, Now now, Effects& fx, bool back_off) {
  if (!state_.transition) return;
  const auto& t = *state_.transition;
  std::int64_t took = now.mono_ms - t.started_ms;
  event(fx, now, "transition_aborted",
        {{"id", t.id}, {"reason", reason}, {"done", t.next}, {"actions", t.actions.size()}, {"duration_ms", took}});
  state_.last_transition = json{{"id", t.id}, {"result", "aborted: " + reason}, {"actions", t.actions.size()},
                                {"duration_ms", took}, {"ended", iso_time(now.wall_ms)}};
  if (t.waiting && t.next < t.actions.size()) {
    // Its requested action still runs: the next plan waits for its result (sim seed 2920).
    const auto& a = t.actions[t.next];
    std::string runner = a.kind == scheduler::ActionKind::fence ? fence_executor(a.node).value_or("") : a.node;
    if (state_.members.count(runner))
      unanswered_ = Unanswered{t.id, static_cast<std::uint32_t>(t.next), runner, a.node, now.mono_ms};
  }
  state_.transition.reset();
  if (!back_off) {
    next_schedule_ms_ = 0;  // new facts: plan again at once
    return;
  }
  ++failed_transitions_;
  // Back off before the next attempt: 1 s, 2 s, 4 s ... at most 60 s (a repeating failure
  // must not spin); any later success resets it. Monotonic: a wall-clock step moves nothing.
  next_schedule_ms_ = now.mono_ms + std::min<std::int64_t>(60000, 1000LL << std::min(failed_transitions_ - 1, 6));
}

void ClusterCore::finish_transition(Now now, Effects& fx) {
  const auto& t = *state_.transition;
  std::int64_t took = now.mono_ms - t.started_ms;
  event(fx, now, "transition_finished", {{"id", t.id}, {"actions", t.actions.size()}, {"duration_ms", took}});
  state_.last_transition = json{{"id", t.id}, {"result", "done"}, {"actions", t.actions.size()},
                                {"duration_ms", took}, {"ended", iso_time(now.wall_ms)}};
  state_.transition.reset();
  failed_transitions_ = 0;
  next_schedule_ms_ = 0;
}

}  // namespace hamail::cluster
