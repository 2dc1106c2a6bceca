#include "pair_harness.h"

namespace hamail::drbdlite {

bool Node::has_event(const std::string& n) const {
  for (auto& e : events)
    if (e.name == n) return true;
  return false;
}

bool Node::has_event_since(std::size_t from, const std::string& n) const {
  for (std::size_t i = from; i < events.size(); ++i)
    if (events[i].name == n) return true;
  return false;
}

const ReplicaEvent& Node::last_event(const std::string& n) const {
  static const ReplicaEvent none{"none", {}};
  for (auto it = events.rbegin(); it != events.rend(); ++it)
    if (it->name == n) return *it;
  ADD_FAILURE() << name << " has no event " << n;
  return none;
}

std::string Node::field(const std::string& event, const std::string& key) const {
  for (const auto& [k, v] : last_event(event).fields)
    if (k == key) return v;
  return "<no field " + key + ">";
}

std::uint64_t Node::last_fence_run() const {
  for (auto it = handlers.rbegin(); it != handlers.rend(); ++it)
    if (it->handler == Handler::fence_peer) return it->id;
  return 0;
}

std::string pattern(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + i * 7);
  return s;
}

sim::MemDiskOptions lossy() {
  sim::MemDiskOptions o;
  o.power_cut_survival = 0;
  o.power_cut_tear = 0;
  return o;
}

void Pair::SetUp() {
  auto layout = meta::layout_internal(kLower);
  ASSERT_TRUE(layout) << layout.error();
  layout_ = *layout;
  a_.name = "node1";
  b_.name = "node2";
  a_.next_id = 0x1000;
  b_.next_id = 0x2000;
  format(a_);
  format(b_);
}

void Pair::format(Node& n, sim::MemDiskOptions opts) {
  opts.name = n.name + "-disk";
  opts.lower_bytes = kLower;
  auto disk = sim::MemDisk::create(opts, n.next_id);
  ASSERT_TRUE(disk) << disk.error();
  n.disk = std::move(*disk);
  boot(n);
}

void Pair::boot(Node& n, std::optional<ReplicaConfig> with) {
  if (with) n.cfg = *with;
  ReplicaConfig cfg = n.cfg;
  cfg.volume = "r0";
  cfg.node = n.name;
  n.disk->restart();
  auto md = n.disk->attach();
  ASSERT_TRUE(md) << md.error();
  n.boot_problems = md->problems;
  n.reader = wire::FrameReader();
  n.up = true;
  Outbox out = outbox(n);
  Node* np = &n;
  n.r = std::make_unique<Replica>(cfg, *n.disk, md->sb, std::move(md->bitmap), std::move(md->al),
                                  [np] { return ++np->next_id; }, out);
  absorb(n, out);
}

void Pair::crash(Node& n, sim::CrashKind kind) {
  ASSERT_TRUE(n.up) << n.name << " is already down";
  if (kind == sim::CrashKind::power_cut) {
    n.disk->power_cut();
  } else {
    n.disk->kill_process();
  }
  Outbox none = outbox(n);
  absorb(n, none);  // sees the disk down: the node is gone
}

void Pair::restart(Node& n) {
  boot(n);
  connect(n);
}

// The production path: frames leave the core through the sink at once, encoded, and
// queue in the peer's FrameReader in the order they were sent. A node whose disk went
// down in the middle of a call is dead: what it "sends" after that goes nowhere.
Outbox Pair::outbox(Node& n) {
  return Outbox([this, np = &n](std::string&& frame) {
    Node& peer = peer_of(*np);
    if (!linked_ || !np->up || np->disk->is_down() || !peer.up || peer.closed_link) return;
    peer.reader.feed(frame);
    ++frames_sent_;
  });
}

void Pair::absorb(Node& n, Outbox& out) {
  // A process that died in the middle of a call never got to answer its clients.
  const bool died = n.up && n.disk->is_down();
  if (!died) {
    for (auto& c : out.completed) n.done.insert_or_assign(c.request, c.status);
  }
  for (auto& e : out.events) n.events.push_back(e);
  for (auto& h : out.handlers) n.handlers.push_back(h);
  // A side that drops the link closes its socket: it reads nothing more, but its last
  // frames (a refusal) still reach the peer, as over TCP; run() then cuts the link.
  if (out.drop_link && linked_) {
    n.closed_link = true;
    n.reader = wire::FrameReader();
  }
  if (died) {
    // The node crashed: its process is gone with every frame still queued for it. What it
    // sent before reaches the peer, which then sees the connection drop.
    n.up = false;
    n.r.reset();
    n.reader = wire::FrameReader();
    Node& peer = peer_of(n);
    while (deliver_one(peer)) {
    }
    cut();
  }
}

// Hands the next complete frame queued for `n` to its Replica; false when none is queued.
bool Pair::deliver_one(Node& n) {
  if (!linked_ || !n.up || n.closed_link) return false;
  auto m = n.reader.next();
  EXPECT_TRUE(m) << m.error();
  if (!m || !m->has_value()) return false;
  Outbox out = outbox(n);
  n.r->receive(std::move(**m), out);
  absorb(n, out);
  return true;
}

void Pair::link() {
  ASSERT_TRUE(a_.up && b_.up) << "a node is down";
  linked_ = true;
  for (Node* n : {&a_, &b_}) {
    Outbox out = outbox(*n);
    n->r->link_up(out);
    absorb(*n, out);
  }
}

void Pair::cut() {
  if (!linked_) return;
  linked_ = false;
  for (Node* n : {&a_, &b_}) {
    n->reader = wire::FrameReader();
    n->closed_link = false;
    if (!n->up) continue;
    Outbox out = outbox(*n);
    n->r->link_down("link cut", out);
    absorb(*n, out);
  }
}

void Pair::run(int max_rounds) {
  for (int i = 0; i < max_rounds; ++i) {
    bool moved = false;
    for (Node* n : {&a_, &b_}) {
      while (deliver_one(*n)) moved = true;
      if (linked_) {
        ASSERT_EQ(n->reader.buffered(), 0u) << "a partial frame is stuck in " << n->name << "'s reader";
      }
    }
    now_ += 10;
    for (Node* n : {&a_, &b_}) {
      if (!n->up) continue;
      std::uint64_t sent = frames_sent_;
      Outbox out = outbox(*n);
      n->r->tick(now_, out);
      if (frames_sent_ != sent || !out.completed.empty()) moved = true;
      absorb(*n, out);
    }
    if ((a_.closed_link || b_.closed_link) && !in_flight()) {
      cut();
      moved = true;
    }
    if (!moved && !in_flight() && i > 2) return;
  }
  FAIL() << "did not settle";
}

void Pair::tick_both() {
  now_ += 10;
  for (Node* n : {&a_, &b_}) {
    if (!n->up) continue;
    Outbox out = outbox(*n);
    n->r->tick(now_, out);
    absorb(*n, out);
  }
}

void Pair::synced_with(drbdlite::Fencing f) {
  a_.cfg.fencing = f;
  b_.cfg.fencing = f;
  boot(a_);
  boot(b_);
  make_primary_synced();
  ASSERT_TRUE(write(a_, 0, pattern(4096, 'a')));
}

Status Pair::command(Node& n, Status (Replica::*op)(Outbox&)) {
  Status st = Error{n.name + " is down"};
  cmd(n, [&](Replica& r, Outbox& o) { st = (r.*op)(o); });
  return st;
}

Status Pair::promote(Node& n, bool force) {
  Status st = Error{n.name + " is down"};
  cmd(n, [&](Replica& r, Outbox& o) { st = r.promote(force, o); });
  return st;
}

void Pair::connect(Node& n, bool discard_my_data) {
  cmd(n, [&](Replica& r, Outbox& o) { r.connect(discard_my_data, o); });
}

Status Pair::write(Node& n, std::uint64_t off, const std::string& data, bool fua) {
  std::uint64_t req = ++req_;
  cmd(n, [&](Replica& r, Outbox& o) { r.app_write(req, off, data, fua, o); });
  run();
  auto it = n.done.find(req);
  if (it == n.done.end()) return Error{"not completed"};
  return it->second;
}

Status Pair::flush(Node& n) {
  std::uint64_t req = ++req_;
  cmd(n, [&](Replica& r, Outbox& o) { r.app_flush(req, o); });
  run();
  auto it = n.done.find(req);
  if (it == n.done.end()) return Error{"not completed"};
  return it->second;
}

std::uint64_t Pair::start_write(Node& n, std::uint64_t off, const std::string& data) {
  std::uint64_t req = ++req_;
  cmd(n, [&](Replica& r, Outbox& o) { r.app_write(req, off, data, false, o); });
  return req;
}

std::uint64_t Pair::start_flush(Node& n) {
  std::uint64_t req = ++req_;
  cmd(n, [&](Replica& r, Outbox& o) { r.app_flush(req, o); });
  return req;
}

void Pair::fence_answer(Node& n, int exit_code, bool timed_out) {
  std::uint64_t id = n.last_fence_run();
  ASSERT_NE(id, 0u) << n.name << " never ran fence-peer";
  HandlerResult r;
  r.exit_code = exit_code;
  r.timed_out = timed_out;
  cmd(n, [&](Replica& rep, Outbox& o) { rep.fence_peer_done(id, r, o); });
}

void Pair::make_primary_synced() {
  connect(a_);
  connect(b_);
  link();
  run();
  ASSERT_TRUE(a_.has_event("both-fresh"));
  Status st = promote(a_, true);
  ASSERT_TRUE(st) << st.message();
  // The forced promotion reconnects; the transport would redial.
  run();
  ASSERT_FALSE(linked_);
  link();
  run();
  ASSERT_EQ(a_.r->disk(), DiskState::uptodate);
  ASSERT_EQ(b_.r->disk(), DiskState::uptodate);
  ASSERT_EQ(b_.r->conn(), ConnState::connected);
  ASSERT_TRUE(a_.disk->data() == b_.disk->data());
}

}  // namespace hamail::drbdlite
