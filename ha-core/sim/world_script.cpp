// World, scripted mode (scripted.h): the user's configuration, a boot or the user's state,
// then the user's faults one after the other (the cluster settled between them, or at the
// given times), then a bounded wait for the end: the real cores decide everything.
#include <algorithm>
#include <limits>

#include "world.h"

namespace hamail::hacore::sim {
namespace {

constexpr std::int64_t kSettleMaxMs = 180'000;  // a fault's aftermath is cut off after this

std::int64_t quiet_ms(const config::ClusterConfig& cfg, std::int64_t detect_ms) {
  std::int64_t q = std::max<std::int64_t>(10'000, detect_ms + 2000);
  for (const auto& g : cfg.groups)
    for (const auto& r : g.resources)
      for (const auto& o : r.ops)
        if (o.name == "monitor") q = std::max<std::int64_t>(q, o.interval.count() + 2000);
  return q;
}

}  // namespace

World::World(const ScriptInput& in)
    : cfg_(in.cfg), cpg_([this](std::uint64_t n) { return below(n); }), trace_(kTraceTail, false, {}), script_(&in) {
  for (std::size_t i = 0; i < 2; ++i) {
    nodes_[i].id = cfg_.nodes[i].id;
    nodes_[i].name = cfg_.nodes[i].name;
  }
  // corosync notices a loss after token + consensus (default 1.2 x token).
  detect_ms_ = cfg_.timing.token.count() + cfg_.timing.consensus.value_or(cfg_.timing.token * 6 / 5).count();
  for (const auto& d : cfg_.stonith.devices) device_faults_[d.name] = DeviceFaults{};
}

Result<ScriptResult> run_script(const ScriptInput& input) {
  const auto& cfg = input.cfg;
  if (cfg.nodes.size() != 2)
    return Error{"the simulator models two-node clusters; the configuration has " + std::to_string(cfg.nodes.size()) +
                 " nodes"};
  if (cfg.quorum.qdevice)
    return Error{"quorum.qdevice: not simulated (the simulator's votequorum is two_node); simulate a copy "
                 "without the qdevice to see the two-node behaviour"};
  World w(input);
  return w.run_script();
}

ScriptResult World::run_script() {
  script_boot();
  origin_ = now_;
  narrating_ = true;
  script_result_.initial = outcomes(false);
  bool first = true;
  for (const auto& f : script_->faults) {
    if (f.at_ms) run_until(origin_ + *f.at_ms);
    else if (!first) settle(kSettleMaxMs, false);
    first = false;
    apply_fault(f);
  }
  settle(kLivenessBoundMs, true);
  script_result_.final = outcomes(true);
  script_result_.end_ms = now_ - origin_;
  return script_result_;
}

// Both nodes boot together (from nothing, or with what the state says already running:
// hacored probes it and adopts it); then the state's standby, maintenance and offline nodes.
void World::script_boot() {
  const auto& st = script_->state;
  if (st) {
    for (const auto& [key, rc] : st->running)
      if (st->online.at(key.second)) set_truth(key.first, key.second, rc);
    // Their corosync has long seen both nodes (wait_for_all was met before the state was taken).
  }
  for (auto& n : nodes_) at(0, forever_, [this, &n] { power_on(n.name, "boot"); });
  settle(kSettleMaxMs, false);
  if (!st) return;
  for (auto& n : nodes_) {
    SimNode* via = nullptr;
    for (auto& x : nodes_)
      if (x.hacored && !via) via = &x;
    if (!via) break;
    std::vector<cluster::OperatorCommand> cmds;
    if (st->standby.count(n.name) && st->standby.at(n.name)) cmds.push_back(cluster::StandbyCommand{n.name, true});
    if (st->maintenance && &n == &nodes_[0]) cmds.push_back(cluster::MaintenanceCommand{true});
    for (const auto& c : cmds) {
      auto m = via->hacored->core.command(c, via->hacored->shell.now(), "hactl simulate --state");
      if (m) (void)via->hacored->shell.send(*m);
    }
  }
  settle(kSettleMaxMs, false);
  for (auto& n : nodes_)
    if (!st->online.at(n.name)) power_off(n.name, "offline in the state", false);
  settle(kSettleMaxMs, false);
}

void World::run_until(std::int64_t t) {
  for (;;) {
    auto due = cpg_.next_due();
    std::int64_t next = timeline_.empty() ? std::numeric_limits<std::int64_t>::max() : timeline_.begin()->first.first;
    if (due) next = std::min(next, *due);
    if (next > t || !step()) break;
    check_safety();
  }
  now_ = std::max(now_, t);
}

// Runs until nothing happened for a while (no event of any core, the ring formed), at
// most max_ms; `until_running` also waits for every group that could run to run.
void World::settle(std::int64_t max_ms, bool until_running) {
  const std::int64_t start = now_, quiet = quiet_ms(cfg_, detect_ms_);
  last_event_at_ = now_;
  while (now_ - start < max_ms && step()) {
    check_safety();
    if (now_ - last_event_at_ < quiet || reform_pending_) continue;
    if (!until_running) return;
    bool waiting = false;
    for (const auto& g : cfg_.groups) {
      bool could = false;
      std::vector<std::string> where;
      for (const auto& n : nodes_)
        if (group_runs_on(g, n)) where.push_back(n.name);
      if (where.empty()) (void)group_note(g, &could);
      waiting = waiting || could;
    }
    if (!waiting) return;
  }
}

void World::apply_fault(const Fault& f) {
  narrate("", "fault: " + f.text);
  SimNode* n = f.node.empty() ? nullptr : &find(f.node);
  switch (f.kind) {
    case FaultKind::cut_cluster:
      if (partitioned_) return narrate("", "(the ring is already cut)");
      partitioned_ = true;
      ring_change(detect_ms_, true);
      return;
    case FaultKind::heal:
      for (auto& [name, df] : device_faults_) df = DeviceFaults{};
      for (auto& x : nodes_) x.faults = AgentFaults{};
      if (partitioned_) {
        partitioned_ = false;
        ring_change(200 + static_cast<std::int64_t>(below(1000)), false);
      }
      return;
    case FaultKind::poweroff:
      if (!n->powered) return narrate(n->name, "(already off)");
      return power_off(n->name, "fault", false);
    case FaultKind::poweron:
      if (n->powered) return narrate(n->name, "(already on)");
      return power_on(n->name, "fault");
    case FaultKind::crash_hacored:
      if (!n->hacored) return narrate(n->name, "(hacored does not run)");
      return kill_hacored(*n, "fault");
    case FaultKind::start_hacored:
      if (!n->powered || n->hacored) return narrate(n->name, n->powered ? "(hacored already runs)" : "(the node is off)");
      return start_hacored(*n);
    case FaultKind::fail_start:
      n->faults.failing_starts.insert(f.resource);
      return;
    case FaultKind::fail_monitor:
      if (truth(f.resource, n->name) == 7) return narrate(n->name, "(" + f.resource + " does not run here)");
      set_truth(f.resource, n->name, 7);
      note_death(f.resource, n->name);
      return narrate(n->name, f.resource + " dies (its next monitor finds out)");
    case FaultKind::device_fails:
      for (auto& [name, df] : device_faults_)
        if (f.device.empty() || f.device == name) df.fail = 1.0;
      return;
    case FaultKind::switchover:
      return script_switchover(f);
  }
}

// As `hactl switchover` on the DC (or the node whose hacored runs).
void World::script_switchover(const Fault& f) {
  SimNode* via = nullptr;
  for (auto& x : nodes_)
    if (x.hacored && (!via || x.hacored->core.is_dc())) via = &x;
  if (!via) return narrate("", "hactl switchover: refused: no hacored runs");
  auto m = via->hacored->core.command(cluster::SwitchoverCommand{f.group, f.node, false}, via->hacored->shell.now(),
                                      "hactl simulate");
  if (!m) return narrate(via->name, "hactl switchover: refused: " + m.error());
  if (auto st = via->hacored->shell.send(*m); !st) narrate(via->name, "hactl switchover: not sent: " + st.message());
}

}  // namespace hamail::hacore::sim
