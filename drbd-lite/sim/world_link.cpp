// World: the simulated link (a TCP connection: in order, delayed, held through a partition,
// closed with or without a FIN) and the execution of each node's Outbox.
#include "world.h"

namespace hamail::drbdlite::sim {

Outbox World::outbox(SimNode& n) {
  return Outbox([this, np = &n](std::string&& frame) { send_frame(*np, std::move(frame)); });
}

void World::send_frame(SimNode& from, std::string&& frame) {
  const int i = from.index;
  if (!conn_.open || !from.up || from.disk->is_down() || conn_.closed[i]) return;
  // Loss and reordering of segments are TCP's: they show as delay and jitter, never as
  // frames out of order or twice. A slow segment (a loss, retransmitted) delays all after it.
  std::uint64_t delay = 1 + rng_.below(8);
  if (rng_.chance(0.02)) delay += 200 + rng_.below(400);
  std::uint64_t at = std::max(conn_.last_at[1 - i], now_ms_ + delay);
  conn_.last_at[1 - i] = at;
  conn_.to[1 - i].push_back({at, std::move(frame)});
}

void World::call(SimNode& n, const std::function<void(Replica&, Outbox&)>& f) {
  if (!n.up) return;
  Outbox out = outbox(n);
  f(*n.r, out);
  absorb(n, out);
}

void World::absorb(SimNode& n, Outbox& out) {
  if (!n.up) return;
  const bool died = n.disk->is_down();
  for (const auto& e : out.events) on_event(n, e);
  if (!died) {
    for (const auto& c : out.completed) on_completed(n, c);
    for (const auto& h : out.handlers) on_handler(n, h);
  }
  if (died) return crash(n, n.armed.value_or(CrashKind::power_cut), "crashed inside a disk call");
  if (out.drop_link && conn_.open && !conn_.closed[n.index]) close_conn_side(n.index, *out.drop_link);
}

void World::on_completed(SimNode& n, const AppCompletion& c) {
  if (auto w = n.writes.find(c.request); w != n.writes.end()) {
    ReplicaStatus s = n.r->status();
    const bool replicating = s.conn == ConnState::connected || s.conn == ConnState::verify_s ||
                             s.conn == ConnState::verify_t;
    const bool copy_on_peer = protocol_ == 'C' && replicating && s.peer_disk == DiskState::uptodate;
    model_.complete(w->second, static_cast<bool>(c.status), copy_on_peer);
    trace(&n, "write #" + std::to_string(w->second) + " completed " + (c.status ? "OK" : c.status.message()) +
                  (copy_on_peer ? " (on both)" : " (here only)"));
    n.writes.erase(w);
  } else if (auto f = n.flushes.find(c.request); f != n.flushes.end()) {
    model_.flush_completed(f->second, static_cast<bool>(c.status));
    trace(&n, "flush completed " + std::string(c.status ? "OK" : c.status.message()));
    n.flushes.erase(f);
  }
}

void World::on_event(SimNode& n, const ReplicaEvent& e) {
  std::string line = e.name;
  for (const auto& [k, v] : e.fields)
    if (k != "volume") line += " " + k + "=" + v;
  trace(&n, line);
  if (e.name == "role" && line.find("new=Primary") != std::string::npos && !nodes_[1 - n.index].up) {
    // Failing over from a node that is down abandons what only its cache held: for the
    // model, as if it lost power (protocol C survives one node's loss, not two).
    model_.power_cut(1 - n.index);
    trace(nullptr, "model: " + nodes_[1 - n.index].name + "'s unflushed writes may be lost with the failover");
  }
  if (e.name == "disk" && line.find("new=Failed") != std::string::npos) model_.disk_failed(n.index);
  if (e.name != "split-brain") return;
  ++result_.stats.split_brains;
  n.split_brain_logged = true;
  if (fencing_ == Fencing::resource_and_stonith)
    fail("split brain with resource-and-stonith: two data versions diverged although every promotion fenced");
  std::string decision;
  for (const auto& [k, v] : e.fields)
    if (k == "decision") decision = v;
  sb_decisions_[n.index][conn_.id] = decision;
  auto& other = sb_decisions_[1 - n.index];
  if (auto it = other.find(conn_.id); it != other.end()) {
    const bool agree = (decision == "this node discards its changes" && it->second == "the peer discards its changes") ||
                       (decision == "the peer discards its changes" && it->second == "this node discards its changes") ||
                       (decision == it->second && decision.rfind("disconnect", 0) == 0);
    if (!agree) fail("the two sides decided the split brain differently: '" + decision + "' / '" + it->second + "'");
  }
  if (healing_ && decision == "the peer discards its changes")
    survivor_view_ = std::string(n.disk->data().substr(0, kAppBlocks * 4096));
}

// Node i closed the connection: it reads nothing more; what it sent still reaches the peer,
// which then sees the connection end (a FIN), unless i died without one.
void World::close_conn_side(int i, const std::string& reason) {
  conn_.closed[i] = true;
  conn_.to[i].clear();
  trace(&nodes_[i], "closes the connection: " + reason);
  call(nodes_[i], [&](Replica& r, Outbox& o) { r.link_down(reason, o); });
}

void World::drop_conn(const std::string& why) {
  if (!conn_.open) return;
  trace(nullptr, "connection " + std::to_string(conn_.id) + " ends: " + why);
  conn_.open = false;
  for (auto& n : nodes_)
    if (n.up && !conn_.closed[n.index]) call(n, [&](Replica& r, Outbox& o) { r.link_down(why, o); });
  conn_ = SimConn{};
  connect_at_ = now_ms_ + 50 + rng_.below(500);
}

void World::connect_if_due() {
  if (conn_.open || partition_until_ != 0 || now_ms_ < connect_at_) return;
  for (const auto& n : nodes_)
    if (!n.up || !n.r->wants_link()) return;
  conn_ = SimConn{};
  conn_.open = true;
  conn_.id = next_conn_++;
  trace(nullptr, "connection " + std::to_string(conn_.id) + " established");
  model_.link_established();
  for (auto& n : nodes_) call(n, [](Replica& r, Outbox& o) { r.link_up(o); });
}

void World::deliver_due() {
  for (bool moved = true; moved && conn_.open;) {
    moved = false;
    for (int i = 0; i < 2 && conn_.open; ++i) {
      auto& q = conn_.to[i];
      SimNode& n = nodes_[i];
      if (partition_until_ != 0 || q.empty() || q.front().at > now_ms_ || !n.up || conn_.closed[i]) continue;
      conn_.reader[i].feed(q.front().bytes);
      q.pop_front();
      auto m = conn_.reader[i].next();
      if (!m || !m->has_value()) {
        fail("the link carried a frame " + n.name + " cannot decode: " + (m ? "partial" : m.error()));
        return;
      }
      call(n, [&](Replica& r, Outbox& o) { r.receive(std::move(**m), o); });
      moved = true;
    }
    // A side that closed (with a FIN) and whose frames all arrived: the other side sees the end.
    for (int i = 0; i < 2 && conn_.open; ++i) {
      const int peer = 1 - i;
      if (conn_.closed[i] && !conn_.silent[i] && conn_.to[peer].empty() && partition_until_ == 0) {
        drop_conn(nodes_[i].name + " closed the connection");
        moved = false;
      }
    }
    if (conn_.open && conn_.closed[0] && conn_.closed[1]) drop_conn("both sides closed");
  }
}

void World::tick_all() {
  for (auto& n : nodes_) call(n, [&](Replica& r, Outbox& o) { r.tick(now_ms_, o); });
}

}  // namespace hamail::drbdlite::sim
