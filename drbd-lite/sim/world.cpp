// World: set-up, the seeded schedule (application I/O, promotions, demotions, partitions,
// connection resets, crashes, disk faults) and the nodes' life (crash, restart).
#include "world.h"

namespace hamail::drbdlite::sim {
namespace {

constexpr std::uint64_t kLowerBytes = 512u << 10;

}  // namespace

World::World(const SimOptions& o)
    : opt_(o),
      rng_(o.seed),
      model_(meta::layout_internal(kLowerBytes)->data_bytes),
      trace_(kTraceTail, o.full_trace, o.trace_sink) {
  for (int i = 0; i < 2; ++i) {
    nodes_[i].index = i;
    nodes_[i].name = "node" + std::to_string(i + 1);
  }
}

void World::trace(const SimNode* n, const std::string& line) {
  trace_.add(static_cast<std::int64_t>(now_ms_), n ? n->name : std::string(), line);
}

void World::fail(const std::string& why) {
  if (!result_.ok) return;
  result_.ok = false;
  result_.failure = why;
  trace(nullptr, "INVARIANT BROKEN: " + why);
}

void World::choose_scenario() {
  const std::uint64_t f = rng_.below(10);
  fencing_ = f < 6 ? Fencing::resource_and_stonith : f < 8 ? Fencing::resource_only : Fencing::dont_care;
  const std::uint64_t p = rng_.below(10);
  protocol_ = p < 8 ? 'C' : p == 8 ? 'B' : 'A';
  static const char* zeros[] = {"disconnect", "discard-younger-primary", "discard-older-primary",
                                "discard-zero-changes", "discard-least-changes", "discard-node-node2"};
  static const char* ones[] = {"disconnect", "consensus", "discard-secondary", "call-pri-lost-after-sb"};
  static const char* twos[] = {"disconnect", "call-pri-lost-after-sb"};
  policy_ = *parse_split_brain_policy(zeros[rng_.below(6)], ones[rng_.below(4)], twos[rng_.below(2)]);
  disk_faults_ = rng_.chance(0.5);
  io_errors_ = rng_.chance(0.15);
  fence_fail_p_ = rng_.chance(0.3) ? 0.5 : 0.1;
  check_data_ = fencing_ == Fencing::resource_and_stonith && protocol_ == 'C';
  result_.scenario = "fencing=" + std::string(to_string(fencing_)) + " protocol=" + std::string(1, protocol_) + " " +
                     policy_.describe() + (disk_faults_ ? " disk-crashes" : "") + (io_errors_ ? " io-errors" : "");
}

void World::format(SimNode& n) {
  MemDiskOptions o;
  o.name = n.name + "-disk";
  o.lower_bytes = kLowerBytes;
  o.seed = rng_.next();
  o.write_cache_bytes = 64u << 10;
  n.disk = std::move(*MemDisk::create(o, rng_.next() | 1));
  n.cfg.protocol = protocol_;
  n.cfg.fencing = fencing_;
  n.cfg.split_brain = policy_;
  n.cfg.resync_rate_bytes = 4u << 20;
  n.cfg.resync_chunk_bytes = 16u << 10;
  n.cfg.resync_window_bytes = 64u << 10;
  n.cfg.resync_window_under_io_bytes = 16u << 10;  // the window shrinks while the application writes
  n.cfg.max_epoch_writes = 8;
}

bool World::boot(SimNode& n) {
  n.disk->restart();
  n.disk->clear_errors();  // a failing disk is repaired (or replaced by its mirror's resync) before a boot
  auto md = n.disk->attach();
  if (!md) {
    fail(n.name + " cannot boot from what its disk kept: " + md.error());
    return false;
  }
  ReplicaConfig cfg = n.cfg;
  cfg.volume = "r0";
  cfg.node = n.name;
  n.up = true;
  n.armed.reset();
  Outbox out = outbox(n);
  n.r = std::make_unique<Replica>(cfg, *n.disk, md->sb, std::move(md->bitmap), std::move(md->al),
                                  [this] { return rng_.next() | 1; }, out);
  absorb(n, out);
  trace(&n, "booted: disk " + std::string(to_string(n.r->disk())));
  call(n, [](Replica& r, Outbox& o) { r.connect(false, o); });
  return true;
}

SimNode* World::primary() {
  for (auto& n : nodes_)
    if (n.up && n.r->role() == Role::primary) return &n;
  return nullptr;
}

void World::crash(SimNode& n, CrashKind kind, const std::string& why) {
  if (!n.up) return;
  const bool power = kind == CrashKind::power_cut;
  if (!n.disk->is_down()) power ? n.disk->power_cut() : n.disk->kill_process();
  if (power) {
    model_.power_cut(n.index);
  } else {
    model_.process_killed(n.index);
  }
  n.up = false;
  n.r.reset();
  n.writes.clear();  // never answered: the application saw no completion
  n.flushes.clear();
  n.fence_runs.clear();
  n.restart_at = now_ms_ + 200 + rng_.below(4000);
  ++result_.stats.crashes;
  trace(&n, std::string(power ? "power cut" : "process killed") + " (" + why + ")");
  if (conn_.open) {
    conn_.closed[n.index] = true;
    conn_.to[n.index].clear();
    if (power) {
      conn_.silent[n.index] = true;  // no FIN: the peer finds out by its timeout
      conn_.to[1 - n.index].clear();
    }
  }
}

void World::restart_due() {
  for (auto& n : nodes_)
    if (!n.up && n.restart_at != 0 && now_ms_ >= n.restart_at) {
      n.restart_at = 0;
      if (conn_.open && (conn_.closed[n.index] || conn_.silent[n.index])) drop_conn("the node restarted");
      boot(n);
    }
}

void World::act_write(SimNode& p) {
  const std::uint64_t blocks = 1 + rng_.below(4);
  const std::uint64_t first = rng_.below(kAppBlocks - blocks + 1);
  const bool fua = rng_.chance(0.1);
  std::string data;
  const std::uint64_t id = model_.issue(p.index, first * 4096, blocks * 4096, fua, data);
  const std::uint64_t req = next_request_++;
  p.writes[req] = id;
  ++result_.stats.writes;
  trace(&p, "write #" + std::to_string(id) + " blocks " + std::to_string(first) + "+" + std::to_string(blocks) +
                (fua ? " fua" : "") + " (request " + std::to_string(req) + ")");
  call(p, [&](Replica& r, Outbox& o) { r.app_write(req, first * 4096, std::move(data), fua, o); });
}

void World::act_flush(SimNode& p) {
  const std::uint64_t req = next_request_++;
  p.flushes[req] = model_.flush_issued(p.index);
  trace(&p, "flush (request " + std::to_string(req) + ")");
  call(p, [&](Replica& r, Outbox& o) { r.app_flush(req, o); });
}

void World::act_read(SimNode& p) {
  const std::uint64_t first = rng_.below(kAppBlocks);
  auto data = p.r->app_read(first * 4096, 4096);
  if (p.disk->is_down()) return crash(p, p.armed.value_or(CrashKind::power_cut), "disk call crashed");
  if (!data || !check_data_) return;
  ++result_.stats.reads_checked;
  if (auto bad = model_.check(first * 4096, *data)) fail(p.name + " read block " + std::to_string(first) + ": " + *bad);
}

// The cluster manager promotes one node at a time and never one whose connected peer is
// Primary (ha-core's rule); a node cut off from its peer may be promoted (the case fencing
// guards). Forcing happens only without fencing, as an operator would.
void World::act_promote(SimNode& n) {
  SimNode& other = nodes_[1 - n.index];
  if (other.up && other.r->role() == Role::primary && conn_.open && !conn_.closed[0] && !conn_.closed[1]) return;
  // Promotion is local (README, limits): a node whose core still believes in a link to a peer
  // that just died may not have heard that peer become Primary. The cluster manager waits
  // for the link to drop (or disconnects it) before promoting the survivor.
  if (!other.up && n.r->link_established()) return;
  bool force = false;
  if (fencing_ == Fencing::dont_care) {
    DiskState d = n.r->disk();
    force = (d == DiskState::consistent || d == DiskState::outdated) && rng_.chance(0.5);
  }
  Status st = Status::ok();
  call(n, [&](Replica& r, Outbox& o) { st = r.promote(force, o); });
  ++result_.stats.promotions;
  trace(&n, std::string("promote") + (force ? " --force" : "") + ": " +
                (st ? (n.up && n.r->promotion_pending() ? "pending fence-peer" : "ok") : st.message()));
}

void World::random_action() {
  SimNode& n = nodes_[rng_.below(2)];
  SimNode* p = primary();
  const std::uint64_t x = rng_.below(100);
  if (x < 35) {
    if (p) act_write(*p);
  } else if (x < 43) {
    if (p) act_flush(*p);
  } else if (x < 51) {
    if (p) act_read(*p);
  } else if (x < 57) {
    if (n.up && !p) act_promote(n);
    else if (n.up && rng_.chance(0.2)) act_promote(n);  // a second Primary is asked for: never granted
  } else if (x < 61) {
    if (p) {
      Status st = Status::ok();
      call(*p, [&](Replica& r, Outbox& o) { st = r.demote(o); });
      trace(p, std::string("demote: ") + (st ? "ok" : st.message()));
    }
  } else if (x < 65) {
    if (partition_until_ == 0) {
      partition_until_ = now_ms_ + 100 + rng_.below(rng_.chance(0.5) ? 1000 : 12000);
      ++result_.stats.partitions;
      trace(nullptr, "network partitioned until t=" + sim_seconds(static_cast<std::int64_t>(partition_until_)));
    }
  } else if (x < 67) {
    if (conn_.open) drop_conn("connection reset");
  } else if (x < 71) {
    if (n.up) crash(n, rng_.chance(0.5) ? CrashKind::power_cut : CrashKind::process_kill, "scheduled");
  } else if (x < 74) {
    if (n.up && n.r->conn() == ConnState::standalone) {
      trace(&n, "operator: connect");
      call(n, [](Replica& r, Outbox& o) { r.connect(false, o); });
    }
  } else if (x < 77) {
    if (disk_faults_ && n.up && !n.armed) {
      static const DiskCall calls[] = {DiskCall::superblock, DiskCall::activity_log, DiskCall::bitmap,
                                       DiskCall::data_write, DiskCall::flush};
      const DiskCall c = calls[rng_.below(5)];
      n.armed = rng_.chance(0.7) ? CrashKind::power_cut : CrashKind::process_kill;
      n.disk->crash_during(c, *n.armed, 1 + static_cast<std::uint32_t>(rng_.below(3)));
      trace(&n, "disk armed to crash in a coming call");
    }
  } else if (x < 79) {
    if (io_errors_ && n.up) {
      n.disk->set_error_probability(0.01, 0.01);
      trace(&n, "disk starts failing 1% of reads and writes");
    }
  } else if (x < 82) {
    if (n.up) n.disk->clear_errors();
  }
}

void World::step_schedule() {
  if (rng_.chance(0.4)) random_action();
  if (partition_until_ != 0 && now_ms_ >= partition_until_) {
    partition_until_ = 0;
    trace(nullptr, "network healed");
  }
}

// What happens in one step of simulated time, after the schedule's action (if any).
void World::advance() {
  restart_due();
  connect_if_due();
  deliver_due();
  fence_runs_due();
  tick_all();
  check_invariants();
}

SimResult World::run() {
  choose_scenario();
  trace(nullptr, "seed " + std::to_string(opt_.seed) + ": " + result_.scenario);
  for (auto& n : nodes_) {
    format(n);
    if (!boot(n)) return result_;
  }
  // Bring-up: connected, node1 forced Primary on fresh disks, fully synced.
  for (int i = 0; i < 400 && !(conn_.open && nodes_[0].r && nodes_[0].r->link_established()); ++i) {
    now_ms_ += kStepMs;
    connect_if_due();
    deliver_due();
  }
  call(nodes_[0], [](Replica& r, Outbox& o) { (void)r.promote(true, o); });
  for (int s = 0; s < opt_.steps && result_.ok; ++s) {
    now_ms_ += kStepMs;
    if (s > 100) step_schedule();  // the initial full sync first
    advance();
  }
  if (result_.ok) heal();
  if (result_.ok) final_checks();
  result_.stats.writes_ok = model_.completed_ok();
  result_.trace = trace_.lines();
  return result_;
}

SimResult run_seed(const SimOptions& options) {
  World w(options);
  return w.run();
}

}  // namespace hamail::drbdlite::sim
