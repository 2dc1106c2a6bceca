// World: the simulated cluster (handlers; fence-peer answered honestly: outdate, "down" only
// for a node that is down, STONITH as a power cut; a node fenced by its peer is refused
// until its peer unfences it, as ha-core's cluster-level outdate), the invariants checked
// after every step, and the heal at the end of a run.
#include <cstring>

#include "world.h"

namespace hamail::drbdlite::sim {

void World::on_handler(SimNode& n, const HandlerRequest& h) {
  trace(&n, "handler " + std::string(to_string(h.handler)) + " started");
  if (h.handler == Handler::fence_peer) {
    const bool hangs = !healing_ && rng_.chance(fence_hang_p_);
    const std::uint64_t due = now_ms_ + (hangs ? 5000 : 10 + rng_.below(400));
    n.fence_runs.push_back({h.id, due, hangs});
    ++result_.stats.fences;
  } else if (h.handler == Handler::unfence_peer) {
    fenced_[1 - n.index] = false;
    trace(&n, "cluster: " + nodes_[1 - n.index].name + " unfenced");
  }
}

// The cluster's answer to `requester`'s fence-peer, with its effect on the peer.
int World::fence(SimNode& requester, std::string& how) {
  SimNode& target = nodes_[1 - requester.index];
  if (fenced_[requester.index]) {
    how = "refused: " + requester.name + " itself is fenced by its peer";
    return 1;
  }
  if (!healing_ && rng_.chance(fence_fail_p_)) {
    how = "failed (the fence device did not answer)";
    return 1;
  }
  fenced_[target.index] = true;
  if (!target.up) {
    how = target.name + " is down";
    return kFencePeerDown;
  }
  const bool can_outdate = target.r->role() != Role::primary && !target.r->link_established();
  if (can_outdate && rng_.chance(0.5)) {
    Status st = Status::ok();
    call(target, [&](Replica& r, Outbox& o) { st = r.outdate(o); });
    if (st && target.up) {
      how = target.name + " outdated";
      return kFencePeerOutdated;
    }
  }
  crash(target, CrashKind::power_cut, "STONITH by " + requester.name + "'s fence-peer");
  how = target.name + " fenced (STONITH)";
  return kFencePeerFenced;
}

void World::fence_runs_due() {
  for (auto& n : nodes_) {
    while (n.up && !n.fence_runs.empty() && n.fence_runs.front().due_ms <= now_ms_) {
      SimNode::FenceRun run = n.fence_runs.front();
      n.fence_runs.erase(n.fence_runs.begin());
      HandlerResult r;
      std::string how = "hung: killed at its timeout";
      if (run.hangs) {
        r.timed_out = true;
      } else {
        r.exit_code = fence(n, how);
      }
      trace(&n, "fence-peer answers " + std::to_string(r.exit_code) + ": " + how);
      call(n, [&](Replica& rep, Outbox& o) { rep.fence_peer_done(run.id, r, o); });
    }
  }
}

void World::check_invariants() {
  const SimNode &a = nodes_[0], &b = nodes_[1];
  if (a.up && b.up && a.r->role() == Role::primary && b.r->role() == Role::primary) {
    const bool both_connected = is_connected(a.r->conn()) && is_connected(b.r->conn());
    if (fencing_ != Fencing::dont_care || both_connected) fail("two Primaries");
  }
  for (const auto& n : nodes_) {
    if (!n.up || n.r->role() != Role::primary || fencing_ == Fencing::dont_care) continue;
    DiskState d = n.r->disk();
    if (d != DiskState::uptodate && d != DiskState::failed)
      fail(n.name + " is Primary with a " + std::string(to_string(d)) + " disk without --force");
  }
}

// Faults stop; every node comes back up; StandAlone nodes without a split brain reconnect.
void World::heal() {
  healing_ = true;
  trace(nullptr, "heal: faults stop, every node back, the network whole");
  partition_until_ = 0;
  for (auto& n : nodes_) {
    if (n.up) {
      n.disk->disarm();
      n.armed.reset();
      n.disk->clear_errors();
      if (n.r->disk() == DiskState::failed) crash(n, CrashKind::process_kill, "operator restarts a failed disk");
    }
    if (!n.up) n.restart_at = now_ms_;
  }
  restart_due();
  for (std::uint64_t t = 0; t < 240000 && result_.ok; t += kStepMs) {
    now_ms_ += kStepMs;
    // StandAlone nodes reconnect, except after a split brain both sides logged (one that only
    // this side saw, its peer gone meanwhile, is met again so the peer logs it too).
    for (auto& n : nodes_)
      if (n.up && n.r->conn() == ConnState::standalone &&
          !(n.split_brain_logged && nodes_[1 - n.index].split_brain_logged)) {
        trace(&n, "operator: connect");
        call(n, [](Replica& r, Outbox& o) { r.connect(false, o); });
      }
    advance();
    if (settled()) return;
  }
  if (!result_.ok) return;
  std::string states;
  for (const auto& n : nodes_)
    states += " " + n.name + (n.up ? " " + std::string(to_string(n.r->role())) + "/" +
                                        std::string(to_string(n.r->conn())) + "/" + std::string(to_string(n.r->disk()))
                                   : " down");
  fail("did not settle within 240 s after the heal:" + states);
}

bool World::settled() const {
  for (const auto& n : nodes_)
    if (!n.up || !n.writes.empty() || !n.flushes.empty() || n.r->io_frozen()) return false;
  const Replica &a = *nodes_[0].r, &b = *nodes_[1].r;
  const bool in_sync = a.conn() == ConnState::connected && b.conn() == ConnState::connected &&
                       a.disk() == DiskState::uptodate && b.disk() == DiskState::uptodate &&
                       conn_.to[0].empty() && conn_.to[1].empty();
  // A split brain left to the operator: a side stays StandAlone (the other, restarted, may
  // try to connect), both logged it.
  const bool split = (a.conn() == ConnState::standalone || b.conn() == ConnState::standalone) &&
                     nodes_[0].split_brain_logged && nodes_[1].split_brain_logged;
  return in_sync || split;
}

void World::final_checks() {
  const SimNode &a = nodes_[0], &b = nodes_[1];
  if (a.r->conn() == ConnState::standalone || b.r->conn() == ConnState::standalone) {
    trace(nullptr, "end: both StandAlone after a logged split brain");
    return;
  }
  const std::string va(a.disk->data()), vb(b.disk->data());
  if (va != vb) {
    std::uint64_t at = 0;
    while (at < va.size() && va[at] == vb[at]) ++at;
    auto tag = [](const std::string& v, std::uint64_t off) {
      std::uint64_t id = 0;
      std::memcpy(&id, v.data() + off / kSectorBytes * kSectorBytes, 8);
      return std::to_string(id);
    };
    return fail("connected and UpToDate but the data differs (first at byte " + std::to_string(at) + ": write " +
                tag(va, at) + " on node1, write " + tag(vb, at) + " on node2)");
  }
  if (survivor_view_) {
    if (va.substr(0, survivor_view_->size()) != *survivor_view_)
      return fail("the split brain's survivor's data is not what both hold after the resync");
    ++result_.stats.survivor_checks;
  }
  if (check_data_) {
    for (std::uint64_t blk = 0; blk < kAppBlocks; ++blk)
      if (auto bad = model_.check(blk * 4096, va.substr(blk * 4096, 4096)))
        return fail("after the heal, block " + std::to_string(blk) + ": " + *bad);
  }
  trace(nullptr, "end: both UpToDate and identical");
}

}  // namespace hamail::drbdlite::sim
