// ClusterCore: the DC's decisions. Once every member has reported its facts (and no
// back-off, transition or incompatible peer holds it), the DC runs the scheduler, decides
// a pending switchover and multicasts the plan as transition_start, stamped with the facts
// epoch it was made from. Also where groups run, and when a failover has ended.
#include <algorithm>

#include "core_invariants.h"
#include "hamail/hacore/cluster/cluster_core.h"
#include "hamail/base/utf8_text.h"
#include "hamail/hacore/scheduler/scheduler.h"

namespace hamail::cluster {

using scheduler::NodeStatus;
using scheduler::ResourceStatus;

namespace {
// A transition_start the DC sent but never got back (a full CPG queue) stops holding
// scheduling back after this long (monotonic).
constexpr std::int64_t kStartLostAfterMs = 30000;
// A member's result is never lost by CPG; this only bounds the wait for one.
constexpr std::int64_t kUnansweredLostAfterMs = 60000;
constexpr std::int64_t kSchedulerErrorRetryMs = 5000;

// Why a switchover did not move its group: the scheduler's note on the request (the target's
// refusal: outdated volume, failures, standby ...), else the group's placement note.
std::string refusal(const scheduler::Transition& tr, const Switchover& sw) {
  const std::string asked = "switchover of " + sw.group + " ";
  for (const auto& n : tr.notes)
    if (n.starts_with(asked)) return clip_utf8(n, protocol::kMaxTextBytes);
  for (const auto& p : tr.placements)
    if (p.group == sw.group && !p.note.empty()) return clip_utf8(p.note, protocol::kMaxTextBytes);
  return "group " + sw.group + " cannot run on " + sw.target.value_or("the other node");
}
}  // namespace

void ClusterCore::maybe_schedule(Now now, Effects& fx) {
  if (!is_dc() || state_.transition || frozen()) return;
  if (start_sent_ms_) {
    if (now.mono_ms - *start_sent_ms_ < kStartLostAfterMs) return;
    start_sent_ms_.reset();
  }
  if (unanswered_) {
    if (now.mono_ms - unanswered_->since_ms < kUnansweredLostAfterMs) return;
    unanswered_.reset();
  }
  // Facts first: after a join every member probes again, and the DC waits for all reports.
  // A node lost meanwhile is fenced without waiting (on what was known before): its fence
  // does not depend on the probes, and a flapping link must not let the passive node's
  // priority delay run out first while the active node probes (CI, flapping-link: the
  // probes took 6 s under load; the passive node, delayed 5 s, shot the active one).
  const bool facts_complete = std::all_of(state_.members.begin(), state_.members.end(),
                                          [&](const std::string& n) { return state_.probed.count(n) > 0; });
  const bool lost_unclean = std::any_of(state_.nodes.begin(), state_.nodes.end(), [&](const auto& e) {
    return e.second.status == NodeStatus::unclean && !state_.members.count(e.first);
  });
  if (!facts_complete && !lost_unclean) return;
  // An action still running on a member (its transition aborted, maybe by another DC): what
  // follows it in its group must not start before it ends (a daemon started on its mount
  // point before the mount: the split-brain suite's freeze-active under ASan). Bounded.
  if (std::any_of(state_.in_flight.begin(), state_.in_flight.end(),
                  [&](const auto& e) { return now.mono_ms - e.second < kUnansweredLostAfterMs; }))
    return;
  if (now.mono_ms < next_schedule_ms_) return;
  if (auto missing = boot_waiting_for(); !missing.empty()) {
    if (!boot_wait_noted_) {
      std::string names;
      for (const auto& n : missing) names += (names.empty() ? "" : ", ") + n;
      event(fx, now, "boot_wait",
            {{"node", me_}, {"waiting_for", missing},
             {"note", "stonith with wait_for_all: " + me_ + " has not seen " + names +
                          " since it started, so it starts nothing and fences nobody (no fence loop at boot) "
                          "until they join or an operator runs `hactl fence NODE --confirm-off`"}});
      boot_wait_noted_ = true;
    }
    return;
  }

  scheduler::ClusterState cs;
  cs.now = scheduler::Milliseconds(now.mono_ms);
  cs.quorate = quorate_;
  cs.maintenance = state_.maintenance;
  cs.nodes = state_.nodes;
  for (const auto& n : state_.leaving)
    if (cs.nodes.count(n)) cs.nodes[n].standby = true;  // shutting down: move its groups away
  cs.resources = state_.resources;
  cs.failures = state_.failures;
  cs.fence_requests = state_.fence_requests;
  for (const auto& [volume, rec] : state_.outdated) cs.outdated_volumes[volume] = rec.node;
  if (state_.switchover) cs.switchover = scheduler::SwitchoverRequest{state_.switchover->group, state_.switchover->target};
  auto tr = scheduler::schedule(cfg_, cs);
  if (tr && tr->actions.size() > protocol::kMaxActions) tr = Error{"a plan of more than " + std::to_string(protocol::kMaxActions) + " actions"};
  if (!tr) {
    event(fx, now, "scheduler_error", {{"error", tr.error()}});
    next_schedule_ms_ = now.mono_ms + kSchedulerErrorRetryMs;
    return;
  }
  if (!facts_complete) {  // the fences only; the rest waits for the probes
    std::erase_if(tr->actions, [](const scheduler::Action& a) { return a.kind != scheduler::ActionKind::fence; });
    if (tr->actions.empty()) return;
  } else {
    decide_switchover(*tr, fx);
  }
  if (tr->actions.empty()) return;
  start_transition(*tr, fx);
  start_sent_ms_ = now.mono_ms;  // until it is applied (in CPG order) nothing else is scheduled
}

// A pending switchover: done, refused, or under way (then decided when it settles).
void ClusterCore::decide_switchover(const scheduler::Transition& tr, Effects& fx) {
  if (!state_.switchover || state_.switchover->done || switchover_end_sent_ == state_.switchover->id) return;
  const Switchover& sw = *state_.switchover;
  for (const auto& p : tr.placements) {
    if (p.group != sw.group) continue;
    if (p.after && p.before != p.after) return;  // moving
    const config::GroupConfig* g = group(p.group);
    bool at_target = p.after && sw.target && *p.after == *sw.target;
    protocol::SwitchoverEnd end{sw.id, false, p.after.value_or(""), ""};
    if (at_target && tr.actions.empty() && g && group_running_on(*g, *p.after)) {
      end.done = true;
    } else if (at_target && !tr.actions.empty()) {
      return;  // still recovering there: decide once it settles
    } else {
      end.reason = refusal(tr, sw);
    }
    fx.broadcast.push_back(message(end));
    switchover_end_sent_ = sw.id;
    return;
  }
}

void ClusterCore::start_transition(const scheduler::Transition& tr, Effects& fx) {
  check_may_start_transition(is_dc(), frozen());
  protocol::TransitionStart m;
  m.id = state_.last_transition_id + 1;
  m.facts = facts_epoch_;
  m.quorate = quorate_;
  m.members.assign(state_.members.begin(), state_.members.end());
  m.actions = tr.actions;
  for (const auto& n : tr.notes)
    if (m.notes.size() < protocol::kMaxNotes) m.notes.push_back(clip_utf8(n, protocol::kMaxTextBytes));
  m.trigger = tr.placements.empty() ? "" : clip_utf8(tr.placements.front().note, protocol::kMaxTextBytes);
  fx.broadcast.push_back(message(std::move(m)));
}

std::optional<std::string> ClusterCore::group_node(const config::GroupConfig& g) const {
  // Where it runs among the members; a lost (unclean) node only when nowhere else.
  std::optional<std::string> elsewhere;
  for (const auto& r : g.resources)
    for (const auto& [key, st] : state_.resources)
      if (key.first == r.name && scheduler::is_active(st)) {
        if (state_.members.count(key.second)) return key.second;
        if (!elsewhere) elsewhere = key.second;
      }
  return elsewhere;
}

bool ClusterCore::group_running_on(const config::GroupConfig& g, const std::string& node) const {
  for (const auto& r : g.resources) {
    auto it = state_.resources.find({r.name, node});
    if (it == state_.resources.end()) return false;
    bool want_promoted = r.promotable;
    if (want_promoted ? it->second != ResourceStatus::promoted
                      : (it->second != ResourceStatus::started && it->second != ResourceStatus::promoted))
      return false;
  }
  return true;
}

void ClusterCore::check_progress(Now now, Effects& fx) {
  for (auto it = state_.failovers.begin(); it != state_.failovers.end();) {
    const config::GroupConfig* g = group(it->first);
    std::optional<std::string> where;
    if (g)
      for (const auto& n : cfg_.nodes)
        if (state_.members.count(n.name) && group_running_on(*g, n.name)) where = n.name;
    if (!where) {
      ++it;
      continue;
    }
    event(fx, now, it->second.recovery ? "recovery_end" : "failover_end",
          {{"group", it->first}, {"from", it->second.from}, {"to", *where},
           {"duration_ms", now.mono_ms - it->second.lost_ms}});
    it = state_.failovers.erase(it);
  }
}

}  // namespace hamail::cluster
