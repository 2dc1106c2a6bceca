// ClusterCore: fencing. The DC's action_request of a fence is applied everywhere: every
// node records fence_begin, and the fence executor (the lowest-id member other than the
// target) runs it through its shell (Effects::fence) and multicasts fence_result. In the
// two-node fence race the executor that runs fewer resources than its lost peer waits
// stonith.priority_delay first, so the active node shoots first. Also: operator fences
// and confirmations (hactl fence), and volumes outdated through the cluster (fence-peer).
#include "core_invariants.h"
#include "core_util.h"
#include "hamail/base/utf8_text.h"
#include "hamail/hacore/cluster/cluster_core.h"

namespace hamail::cluster {

using scheduler::ActionKind;
using scheduler::NodeStatus;

namespace {
int active_count(const SharedState& s, const std::string& node) {
  int n = 0;
  for (const auto& [key, st] : s.resources) n += key.second == node && scheduler::is_active(st);
  return n;
}
}  // namespace

std::optional<std::string> ClusterCore::fence_executor(const std::string& target) const {
  std::optional<std::string> best;
  std::uint32_t best_id = 0;
  for (const auto& n : cfg_.nodes) {
    if (n.name == target || !state_.members.count(n.name)) continue;
    if (!best || n.id < best_id) {
      best = n.name;
      best_id = n.id;
    }
  }
  return best;
}

// The two-node fence race: both sides lost each other and each wants to shoot. The side
// that runs fewer resources than the target (a tie: the higher node id) waits.
std::pair<std::int64_t, std::string> ClusterCore::race_delay(const std::string& target,
                                                              const std::string& executor) const {
  auto it = state_.nodes.find(target);
  if (it == state_.nodes.end() || it->second.status != NodeStatus::unclean) return {0, ""};
  const auto* t = cfg_.find_node(target);
  const auto* e = cfg_.find_node(executor);
  int mine = active_count(state_, executor), theirs = active_count(state_, target);
  bool wait = theirs > mine || (theirs == mine && t && e && t->id < e->id);
  if (!wait || cfg_.stonith.priority_delay.count() == 0) return {0, ""};
  std::string why = theirs > mine ? target + " runs " + std::to_string(theirs) + " resources, " + executor + " " +
                                        std::to_string(mine) + ": the active node shoots first"
                                  : "neither runs more resources: " + target + " (lower id) shoots first";
  return {cfg_.stonith.priority_delay.count(), why};
}

void ClusterCore::start_fence(const scheduler::Action& a, std::uint64_t id, std::uint32_t index, Now now, Effects& fx) {
  auto executor = fence_executor(a.node);
  auto [delay, why] = executor ? race_delay(a.node, *executor) : std::pair<std::int64_t, std::string>{0, ""};
  event(fx, now, "fence_begin",
        {{"target", a.node}, {"action", cfg_.stonith.action}, {"reason", a.reason}, {"by", executor.value_or("")},
         {"delay_ms", delay}, {"delay_reason", why}});
  if (!executor) {
    if (!is_dc()) return;
    protocol::FenceResult r;
    r.id = id;
    r.index = index;
    r.node = a.node;
    r.action = cfg_.stonith.action;
    r.detail = "no member of the cluster other than " + a.node + " can run the fence";
    fx.broadcast.push_back(message(std::move(r)));
    return;
  }
  if (*executor != me_) return;
  check_may_run_locally(frozen());
  fx.fence.push_back(FenceJob{id, index, a.node, cfg_.stonith.action, a.reason, delay, why});
}

void ClusterCore::on_fence_result(const FenceJob& job, const FenceOutcome& o, Now, Effects& fx) {
  protocol::FenceResult r;
  r.id = job.transition;
  r.index = job.index;
  r.node = job.target;
  r.ok = o.ok;
  r.action = job.action;
  for (const auto& d : o.devices)
    if (r.devices.size() < protocol::kMaxFenceDevices) r.devices.push_back(clip_utf8(d, protocol::kMaxNameBytes));
  r.level = std::min<std::uint32_t>(o.level, 1000);
  r.duration_ms = o.duration_ms;
  r.delay_ms = o.delay_ms;
  r.detail = clip_utf8(o.detail, protocol::kMaxTextBytes);
  fx.broadcast.push_back(message(std::move(r)));
}

Status ClusterCore::handle(const protocol::FenceResult& m, const Delivery& d, Effects& fx) {
  if (!node_known(m.node)) return Error{"field \"node\": no node named " + clip_utf8(m.node, 64)};
  std::string reporter = fence_executor(m.node).value_or(dc().value_or(""));
  if (d.sender != reporter && d.sender != dc())
    return Error{"only the fence executor (" + reporter + ") or the DC reports fencing of " + m.node};
  if (auto st = check_answer(m.id, m.index, scheduler::Action{m.node, "", ActionKind::fence, ""}); !st) return st;
  applied_results_.emplace_back(m.id, m.index);
  while (applied_results_.size() > 256) applied_results_.pop_front();
  if (unanswered_ && unanswered_->id == m.id && unanswered_->index == m.index) unanswered_.reset();
  bool current = state_.transition && state_.transition->id == m.id;
  apply_fence_facts(m, d, fx, /*rejoined=*/!current && state_.members.count(m.node) > 0);
  if (current) advance_transition(m.index, m.ok, d.now, fx);
  else facts_changed("a late fence result of transition " + std::to_string(m.id) + " changed the facts", d.now, fx);
  sync_monitors(fx);
  check_progress(d.now, fx);
  return Status::ok();
}

void ClusterCore::mark_off(const std::string& node) {
  state_.nodes[node].status = NodeStatus::offline;
  std::erase_if(state_.resources, [&](const auto& kv) { return kv.first.second == node; });
  std::erase_if(state_.degraded, [&](const auto& kv) { return kv.first.second == node; });
  state_.fence_requests.erase(node);
  auto& rec = state_.fencing[node];
  rec.fenced = true;
  rec.failures = 0;
  rec.last_error.clear();
}

void ClusterCore::apply_fence_facts(const protocol::FenceResult& m, const Delivery& d, Effects& fx, bool rejoined) {
  json devices = m.devices;
  event(fx, d.now, "fence_end",
        {{"target", m.node}, {"action", m.action}, {"ok", m.ok}, {"result", m.ok ? "fenced" : "failed"},
         {"devices", devices}, {"level", m.level}, {"duration_ms", m.duration_ms}, {"delay_ms", m.delay_ms},
         {"reason", m.detail}, {"by", d.sender}});
  state_.add_fencing({{"node", m.node}, {"result", m.ok ? "fenced" : "failed"}, {"ts", iso_time(d.now.wall_ms)},
                      {"action", m.action}, {"devices", devices}, {"level", m.level},
                      {"duration_ms", m.duration_ms}, {"detail", m.detail}, {"by", d.sender}});
  if (m.ok && rejoined) {
    // A late result (its transition ended at a membership change) for a node that is a
    // member again: it was fenced and came back since, and what it reported after its
    // join is what runs there. Marking it off would erase that (sim seed 955).
    auto& rec = state_.fencing[m.node];
    rec.failures = 0;
    rec.last_error.clear();
    return;
  }
  if (m.ok) {
    state_.fencing[m.node].confirmed_by.clear();
    mark_off(m.node);
    return;
  }
  auto& rec = state_.fencing[m.node];
  rec.failures += 1;
  rec.last_error = m.detail;
  event(fx, d.now, "fence_failed",
        {{"target", m.node}, {"failures", rec.failures}, {"reason", m.detail},
         {"consequence", "the resources of " + m.node + " stay stopped; fencing is retried with back-off; once " +
                             m.node + " is known to be off: hactl fence " + m.node + " --confirm-off"}});
}

// ---- operator fences and confirmations ----------------------------------------------------

Result<protocol::Message> ClusterCore::fence_command(const FenceCommand& c, const std::string& by) const {
  if (!node_known(c.node)) return Error{"no node named '" + c.node + "'"};
  std::string who = clip_utf8(by, protocol::kMaxTextBytes);
  if (c.confirm_off) {
    if (state_.members.count(c.node))
      return Error{c.node + " is a member of the cluster (its hacored answers): it is not off"};
    return message(protocol::ConfirmOff{c.node, who});
  }
  if (!cfg_.stonith.enabled) return Error{"stonith is disabled in " + cfg_.source_file + ": no device can fence"};
  if (frozen()) return Error{"this node is frozen: a member speaks an incompatible protocol (hactl status)"};
  if (!fence_executor(c.node)) return Error{"no member of the cluster other than " + c.node + " can fence it"};
  return message(protocol::FenceNode{c.node, who});
}

Status ClusterCore::handle(const protocol::FenceNode& m, const Delivery& d, Effects& fx) {
  if (!node_known(m.node)) return Error{"field \"node\": no node named " + clip_utf8(m.node, 64)};
  state_.fence_requests.insert(m.node);
  event(fx, d.now, "fence_requested", {{"node", m.node}, {"by", m.by}, {"from", d.sender}});
  next_schedule_ms_ = 0;
  return Status::ok();
}

Status ClusterCore::handle(const protocol::ConfirmOff& m, const Delivery& d, Effects& fx) {
  if (!node_known(m.node)) return Error{"field \"node\": no node named " + clip_utf8(m.node, 64)};
  if (state_.members.count(m.node)) return Error{m.node + " is a member of the cluster: it is not off"};
  mark_off(m.node);
  fx.cancel_fences.push_back(m.node);  // a retry still waiting would shoot the node once it boots again
  state_.fencing[m.node].confirmed_by = m.by;
  seen_.insert(m.node);
  state_.add_fencing({{"node", m.node}, {"result", "confirmed off"}, {"ts", iso_time(d.now.wall_ms)}, {"by", m.by}});
  event(fx, d.now, "fence_confirmed", {{"node", m.node}, {"by", m.by}, {"from", d.sender}});
  failed_transitions_ = 0;
  next_schedule_ms_ = 0;
  facts_changed(m.node + " confirmed off by an operator", d.now, fx);
  if (unanswered_ && unanswered_->target == m.node) unanswered_.reset();  // its cancelled fence answers nothing
  return Status::ok();
}

// ---- volumes outdated through the cluster (drbd-lite's fence-peer) -------------------------

bool ClusterCore::manages_volume(const std::string& volume) const {
  for (const auto& g : cfg_.groups)
    for (const auto& r : g.resources)
      if (auto it = r.params.find("volume"); it != r.params.end() && it->second == volume) return true;
  return false;
}

Status ClusterCore::handle(const protocol::Outdate& m, const Delivery& d, Effects& fx) {
  if (d.sender == me_) outdate_sent_.erase(m.volume);
  if (!manages_volume(m.volume))
    return Error{"field \"volume\": no resource of this configuration has volume " + clip_utf8(m.volume, 64)};
  if (m.on && !node_known(m.node)) return Error{"field \"node\": no node named " + clip_utf8(m.node, 64)};
  if (m.on) {
    state_.outdated[m.volume] = OutdateRecord{m.node, m.by};
    event(fx, d.now, "volume_outdated", {{"volume", m.volume}, {"node", m.node}, {"by", m.by}});
  } else if (state_.outdated.erase(m.volume)) {
    event(fx, d.now, "volume_outdate_cleared", {{"volume", m.volume}, {"by", m.by}});
  } else {
    return Status::ok();
  }
  facts_changed("volume " + m.volume + (m.on ? " outdated on " + m.node : " no longer outdated"), d.now, fx);
  return Status::ok();
}

ClusterCore::FencePeerAnswer ClusterCore::fence_peer(const FencePeerQuery& q) {
  if (!manages_volume(q.volume)) return {kNotDone, "no resource of the cluster has volume " + q.volume, {}};
  std::string peer = q.peer;
  for (const auto& n : cfg_.nodes)
    if (peer.empty() && n.name != me_) peer = n.name;
  if (!node_known(peer) || peer == me_) return {kNotDone, "no peer node named '" + peer + "'", {}};
  if (!joined_) return {kNotDone, "this node is not in the cluster group (is hacored joined?)", {}};
  const FenceRecord rec = state_.fencing.count(peer) ? state_.fencing.at(peer) : FenceRecord{};
  if (state_.members.count(peer)) {
    if (q.query_only) return {kNotDone, peer + " is a member of the cluster: it is neither fenced nor down", {}};
    auto o = state_.outdated.find(q.volume);
    if (o != state_.outdated.end() && o->second.node == peer)
      return {kOutdated, q.volume + " is outdated on " + peer + " at the cluster level (by " + o->second.by + ")", {}};
    std::optional<protocol::Message> send;
    if (outdate_sent_.insert(q.volume).second)
      send = message(protocol::Outdate{q.volume, peer, true, "fence-peer on " + me_});
    return {kPending, "outdating " + q.volume + " on " + peer + " (a member)", send};
  }
  if (rec.fenced && !rec.confirmed_by.empty()) return {kFenced, peer + " was confirmed off by " + rec.confirmed_by, {}};
  if (rec.fenced) return {kFenced, peer + " was fenced", {}};
  NodeStatus st = state_.nodes.at(peer).status;
  if (st == NodeStatus::offline && seen_.count(peer)) return {kPeerDown, peer + " left the cluster cleanly", {}};
  if (st == NodeStatus::offline) return {kNotDone, peer + " has not been seen since this node started", {}};
  if (rec.failures > 0) return {kNotDone, "fencing " + peer + " failed: " + rec.last_error, {}};
  if (q.query_only) return {kNotDone, peer + " was lost and is not fenced yet", {}};
  return {kPending, peer + " was lost: waiting for it to be fenced", {}};
}

std::vector<std::string> ClusterCore::boot_waiting_for() const {
  std::vector<std::string> out;
  if (!cfg_.stonith.enabled || !cfg_.quorum.wait_for_all) return out;
  for (const auto& n : cfg_.nodes)
    if (!seen_.count(n.name)) out.push_back(n.name);
  return out;
}

json ClusterCore::fencing_status() const {
  json j = {{"enabled", cfg_.stonith.enabled}, {"action", cfg_.stonith.action},
            {"priority_delay_ms", cfg_.stonith.priority_delay.count()}};
  json requests = json::array();
  for (const auto& n : state_.fence_requests) requests.push_back(n);
  j["requests"] = requests;
  json outdated = json::array();
  for (const auto& [volume, rec] : state_.outdated)
    outdated.push_back({{"volume", volume}, {"node", rec.node}, {"by", rec.by}});
  j["outdated"] = outdated;
  j["boot_waiting_for"] = boot_waiting_for();
  return j;
}

}  // namespace hamail::cluster
