// ClusterCore: the CPG group (who is in it, who left cleanly or was lost), quorum, the
// state handed to newcomers, and protocol versions (freezing while an incompatible peer
// is in the group).
#include "hamail/hacore/cluster/cluster_core.h"
#include "hamail/base/utf8_text.h"

namespace hamail::cluster {

using scheduler::NodeStatus;

void ClusterCore::on_group_membership(const std::vector<std::string>& members, Now now, Effects& fx) {
  std::set<std::string> now_members;
  for (const auto& m : members)
    if (node_known(m)) now_members.insert(m);
  const std::set<std::string> before = state_.members;
  std::set<std::string> joined, left;
  for (const auto& n : now_members)
    if (!before.count(n)) joined.insert(n);
  for (const auto& n : before)
    if (!now_members.count(n)) left.insert(n);
  if (joined.empty() && left.empty()) return;
  state_.members = now_members;
  joined_ = now_members.count(me_) > 0;
  if (joined_) seen_.insert(now_members.begin(), now_members.end());
  // Every node applies this change at the same point of the order: from here on, what is
  // derived from the messages alone (facts epoch, results seen) is the same everywhere.
  facts_epoch_ = 0;
  applied_results_.clear();
  start_sent_ms_.reset();
  switchover_end_sent_.reset();

  // After a join every member probes again (greet_newcomers): the DC waits for every
  // member's new report, its own too, whose busy resources may run (sim seed 2413).
  if (!joined.empty()) state_.probed.clear();
  for (const auto& n : left) node_left(n, now_members, now, fx);
  for (const auto& n : joined) {
    state_.nodes[n].status = NodeStatus::online;
    state_.probed.erase(n);
    reported_.erase(n);
    state_.leaving.erase(n);
    if (auto f = state_.fencing.find(n); f != state_.fencing.end()) {
      f->second.fenced = false;  // a member again: a later loss is a new one
      f->second.confirmed_by.clear();
    }
    event(fx, now, "node_joined", {{"node", n}});
  }
  if (state_.transition) abort_transition("membership changed", now, fx, false);  // identical on every node
  if (unanswered_ && !state_.members.count(unanswered_->node)) unanswered_.reset();  // its result never comes
  std::erase_if(state_.in_flight, [&](const auto& e) { return !state_.members.count(e.first.second); });
  if (!joined.empty() && joined_) greet_newcomers(before, now_members, now, fx);
  maybe_schedule(now, fx);
}

void ClusterCore::node_left(const std::string& n, const std::set<std::string>& now_members, Now now, Effects& fx) {
  state_.probed.erase(n);
  // A node lost before its report reached this one (this one had just joined) may have run
  // any group that runs nowhere else here.
  bool unknown = !reported_.erase(n);
  member_configs_.erase(n);
  for (auto it = state_.degraded.begin(); it != state_.degraded.end();)
    it = it->first.second == n ? state_.degraded.erase(it) : std::next(it);
  if (incompatible_.count(n)) mark_compatible(n, "it left the group", now, fx);
  auto& ns = state_.nodes[n];
  if (state_.leaving.erase(n)) {
    ns.status = NodeStatus::offline;
    event(fx, now, "node_left", {{"node", n}, {"clean", true}});
    return;
  }
  if (auto f = state_.fencing.find(n); f != state_.fencing.end() && f->second.fenced) {
    mark_off(n);  // fenced (or confirmed off) while it was still in the group: its leaving is expected
    event(fx, now, "node_left", {{"node", n}, {"clean", false}, {"fenced", true}});
    return;
  }
  bool ran_something = false;
  for (const auto& [key, st] : state_.resources)
    if (key.second == n && scheduler::is_active(st)) ran_something = true;
  ns.status = NodeStatus::unclean;
  event(fx, now, "node_lost",
        {{"node", n}, {"members", json(std::vector<std::string>(now_members.begin(), now_members.end()))}});
  if (!ran_something && !unknown) return;
  for (const auto& g : cfg_.groups) {
    auto where = group_node(g);
    if (ran_something ? where != n : where.has_value()) continue;
    state_.failovers[g.name] = Failover{n, now.mono_ms};
    event(fx, now, "failover_begin",
          {{"group", g.name}, {"from", n},
           {"reason", "node " + n + " lost" + (ran_something ? "" : " before it reported what it ran to " + me_)}});
  }
}

void ClusterCore::greet_newcomers(const std::set<std::string>& before, const std::set<std::string>& now_members,
                                  Now now, Effects& fx) {
  // Everyone says which protocol it speaks, then reports what runs locally again, so the
  // DC schedules from facts.
  fx.broadcast.push_back(message(protocol::Hello{me_, cfg_.digest}));
  start_probes(now, fx);
  // The senior member (lowest id among those already in the group) hands its state and
  // history to the newcomers; a node that just (re)started has nothing to give.
  std::optional<std::string> senior;
  std::uint32_t senior_id = 0;
  for (const auto& n : cfg_.nodes)
    if (before.count(n.name) && now_members.count(n.name) && (!senior || n.id < senior_id)) {
      senior = n.name;
      senior_id = n.id;
    }
  if (senior == me_) fx.broadcast.push_back(message(protocol::StateSync{snapshot_of(state_, now.mono_ms)}));
}

void ClusterCore::on_quorum(bool quorate, Now now, Effects& fx) {
  if (quorate == quorate_) return;
  quorate_ = quorate;
  event(fx, now, quorate ? "quorum_gained" : "quorum_lost", {{"node", me_}});
  maybe_schedule(now, fx);
}

// ---- protocol versions ----------------------------------------------------------------------

void ClusterCore::mark_incompatible(const std::string& peer, int version, Now now, Effects& fx) {
  if (peer == me_ || !state_.members.count(peer)) return;  // our own echo; a node already gone
  auto it = incompatible_.find(peer);
  if (it != incompatible_.end() && it->second == version) return;
  incompatible_[peer] = version;
  event(fx, now, "protocol_incompatible",
        {{"node", peer}, {"peer_version", version}, {"local_version", protocol::kVersion},
         {"consequence", "frozen: this node schedules and starts nothing and leaves running resources alone "
                         "until " + peer + " leaves the group or speaks protocol v" +
                             std::to_string(protocol::kVersion)}});
  if (state_.transition) abort_transition("node " + peer + " speaks an incompatible protocol", now, fx, false);
}

void ClusterCore::mark_compatible(const std::string& peer, const std::string& why, Now now, Effects& fx) {
  auto it = incompatible_.find(peer);
  if (it == incompatible_.end()) return;
  event(fx, now, "protocol_incompatible_cleared", {{"node", peer}, {"peer_version", it->second}, {"reason", why}});
  incompatible_.erase(it);
}

Status ClusterCore::handle(const protocol::ForeignVersion&, const Delivery& d, Effects& fx) {
  mark_incompatible(d.sender, d.version, d.now, fx);
  return Status::ok();  // recognized and refused: not a malformed message
}

Status ClusterCore::handle(const protocol::Hello& m, const Delivery& d, Effects& fx) {
  if (m.node != d.sender) return Error{"field \"node\": " + clip_utf8(m.node, 64) + " is not the sender"};
  if (m.node == me_) return Status::ok();
  auto known = member_configs_.find(m.node);
  bool told = known != member_configs_.end() && known->second != cfg_.digest;
  member_configs_[m.node] = clip_utf8(m.config, 64);
  // Said once per join: the operator must make the files the same (nothing is refused:
  // a node runs its own file, and the plans are the DC's).
  if (!told && m.config != cfg_.digest)
    event(fx, d.now, "config_mismatch",
          {{"node", m.node}, {"local", me_}, {"local_config", cfg_.digest.substr(0, 16)},
           {"peer_config", clip_utf8(m.config, 16)},
           {"consequence", m.node + " runs another cluster.yaml than " + me_ +
                               ": copy the same file to both nodes and restart hacored where it changed; "
                               "until then each node reads its own file and the DC plans from its own"}});
  return Status::ok();
}

// ---- state handed over, departures ------------------------------------------------------------

Status ClusterCore::handle(const protocol::StateSync& m, const Delivery& d, Effects&) {
  if (d.sender == me_) return Status::ok();  // our own state
  StateSnapshot snap = m.state;
  // Names this configuration does not know would end up in the scheduler's input: skipped.
  std::erase_if(snap.failures, [&](const FailureSnapshot& f) { return !resource(f.resource) || !node_known(f.node); });
  if (snap.switchover && !group(snap.switchover->group)) snap.switchover.reset();
  if (snap.switchover && !snap.switchover->target.empty() && !node_known(snap.switchover->target))
    snap.switchover.reset();
  apply_snapshot(state_, snap, d.now.mono_ms);
  return Status::ok();
}

Status ClusterCore::handle(const protocol::Leaving& m, const Delivery& d, Effects& fx) {
  if (m.node != d.sender) return Error{"field \"node\": " + clip_utf8(m.node, 64) + " is not the sender"};
  state_.leaving.insert(m.node);
  event(fx, d.now, "node_shutting_down", {{"node", m.node}});
  return Status::ok();
}

Status ClusterCore::handle(const protocol::Quorum& m, const Delivery& d, Effects&) {
  // Informational (a node's own view); each node acts on its own quorum only.
  if (m.node != d.sender) return Error{"field \"node\": " + clip_utf8(m.node, 64) + " is not the sender"};
  return Status::ok();
}

}  // namespace hamail::cluster
