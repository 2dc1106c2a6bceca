// World: set-up (the scenario's cluster.yaml), the main loop over simulated time, the
// nodes' life (power, hacored start and crash, ticks) and the simulated corosync (ring
// reforms, votequorum's two_node + wait_for_all, CPG deliveries).
#include "world.h"

#include <algorithm>

#include "hamail/hacore/config/cluster_config_loader.h"

namespace hamail::hacore::sim {
namespace {

std::string ids(const std::vector<std::uint32_t>& v) {
  std::string s = "[";
  for (auto id : v) s += (s.size() > 1 ? "," : "") + std::string("node") + std::to_string(id);
  return s + "]";
}

// Two groups, one preferring each node: an active/active cluster, so a fence race has a
// side with more resources and every failover moves something.
std::string cluster_yaml(const std::string& action, const std::string& priority_delay) {
  const std::string ops = R"(ops: {monitor: {interval: 4s, timeout: 3s}, start: {timeout: 5s}, stop: {timeout: 5s})";
  const std::string promotable_ops = R"(, promote: {timeout: 5s}, demote: {timeout: 5s}})";
  return R"(cluster: {name: sim}
nodes:
  - {name: node1, id: 1, ring_addrs: [10.0.0.1]}
  - {name: node2, id: 2, ring_addrs: [10.0.0.2]}
quorum: {two_node: true, wait_for_all: true}
timing: {token: 1s}
stonith:
  action: )" + action + R"(
  timeout: 8s
  priority_delay: )" + priority_delay + R"(
  devices: [{name: pdu, agent: fence_sim, hosts: [node1, node2], monitor_interval: 10s}]
defaults: {migration_threshold: 3, failure_timeout: 30s}
groups:
  - name: mail
    preferred_node: node1
    resources:
      - {name: vip, agent: "ocf:sim:Dummy", )" + ops + R"(}}
      - {name: vol, agent: "ocf:sim:Dummy", promotable: true, params: {volume: r0}, )" + ops + promotable_ops + R"(}
      - {name: smtpd, agent: "ocf:sim:Dummy", )" + ops + R"(}}
  - name: web
    preferred_node: node2
    resources:
      - {name: webip, agent: "ocf:sim:Dummy", )" + ops + R"(}}
      - {name: httpd, agent: "ocf:sim:Dummy", )" + ops + R"(}}
)";
}

}  // namespace

Status SimChannel::send(std::string bytes) { return world_.cpg_send(id_, std::move(bytes)); }

Hacored::Hacored(World& w, const config::ClusterConfig& cfg, const std::string& name, std::uint32_t id,
                 const AgentFaults& faults, std::int64_t mono_offset, std::int64_t wall_offset)
    : log("hacored", LogLevel::error),
      clock(w, mono_offset, wall_offset),
      agents(w, cfg, name, faults, life),
      fence_devices(w, cfg.stonith, name, life),
      channel(w, id),
      core(cfg, name),
      shell(cfg, core, agents, fence_devices, channel, clock, log) {
  log.set_stderr(false);
}

World::World(const SimOptions& o)
    : opt_(o),
      rng_(o.seed),
      cpg_([this](std::uint64_t n) { return below(n); }),
      trace_(kTraceTail, o.full_trace, o.trace_sink) {
  for (std::uint32_t i = 0; i < 2; ++i) {
    nodes_[i].id = i + 1;
    nodes_[i].name = "node" + std::to_string(i + 1);
  }
}

void World::choose_scenario() {
  std::string action = chance(0.7) ? "off" : "reboot";
  std::string delay = chance(0.8) ? "5s" : "0s";
  static const std::int64_t kDelays[] = {0, 5, 20, 20, 50, 200};
  std::int64_t max_delay = kDelays[below(6)];
  cpg_.set_max_delay_ms(max_delay);
  detect_ms_ = 2000 + static_cast<std::int64_t>(below(400));
  auto load = config::parse_cluster_config(cluster_yaml(action, delay), "sim.yaml");
  if (!load.config) {
    fail("the simulator's cluster.yaml does not load: " + load.errors[0].to_string());
    return;
  }
  cfg_ = *load.config;
  result_.scenario = "action=" + action + " priority_delay=" + delay + " cpg_delay<=" + std::to_string(max_delay) +
                     "ms detect=" + std::to_string(detect_ms_) + "ms";
  device_faults_["pdu"] = DeviceFaults{};
}

bool World::chance(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  if (script_) return false;  // scripted: only what a fault makes certain happens
  return static_cast<double>(rng_() >> 11) * 0x1.0p-53 < p;
}

void World::trace(const std::string& node, const std::string& line) {
  trace_.add(now_, node, line);
}

void World::fail(const std::string& why) {
  if (script_) {  // scripted: the verdict lists it, and the run goes on
    auto& u = script_result_.unsafe;
    if (std::find(u.begin(), u.end(), "INVARIANT BROKEN: " + why) == u.end()) u.push_back("INVARIANT BROKEN: " + why);
    return;
  }
  if (!result_.ok) return;
  result_.ok = false;
  result_.failure = why;
  trace("", "INVARIANT BROKEN: " + why);
}

void World::at(std::int64_t t, std::weak_ptr<void> life, std::function<void()> fn) {
  timeline_.emplace(std::make_pair(t, timeline_seq_++), Timed{std::move(life), std::move(fn)});
}

SimNode& World::find(const std::string& name) { return nodes_[name == nodes_[1].name ? 1 : 0]; }
const SimNode& World::find(const std::string& name) const { return nodes_[name == nodes_[1].name ? 1 : 0]; }

int World::truth(const std::string& resource, const std::string& node) const {
  auto it = truth_.find({resource, node});
  return it == truth_.end() ? 7 : it->second;
}

void World::set_truth(const std::string& resource, const std::string& node, int rc) {
  if (rc == 0 || rc == 8) {
    truth_[{resource, node}] = rc;
    dead_unnoticed_.erase({resource, node});
  } else {
    truth_.erase({resource, node});
  }
}

const DeviceFaults& World::device_faults(const std::string& device) const { return device_faults_.at(device); }

void World::agent_answered(const std::string& node, const std::string& resource, const std::string& op, bool ok) {
  answered_[node + " " + resource + " " + op] = ok;
  if (op == "start" || op == "promote") starting_.erase({resource, node});
}

Status World::cpg_send(std::uint32_t from, std::string bytes) {
  ++result_.stats.messages;
  return cpg_.send(from, std::move(bytes), now_);
}

// ---- the main loop ------------------------------------------------------------------------------

SimResult World::run() {
  choose_scenario();
  if (!result_.ok) return result_;
  for (auto& n : nodes_) at(static_cast<std::int64_t>(below(3000)), forever_, [this, &n] { power_on(n.name, "boot"); });
  at(opt_.fault_ms, forever_, [this] { heal(); });
  at(5000 + static_cast<std::int64_t>(below(5000)), forever_, [this] { next_fault(); });
  const std::int64_t end = opt_.fault_ms + 30'000 + kLivenessBoundMs;
  while (result_.ok && now_ < end && step()) {
    check_safety();
    check_liveness();
    if (running_since_ >= 0 && now_ - running_since_ >= 3000) break;  // healed, running, stable
  }
  if (result_.ok && running_since_ < 0) check_liveness();
  if (result_.ok && running_since_ < 0) fail("the run ended before the groups ran after the heal");
  result_.trace = trace_.lines();
  return result_;
}

// One step: the earliest of the next CPG delivery and the next timed thing.
bool World::step() {
  auto due = cpg_.next_due();
  if (timeline_.empty() && !due) return false;
  if (due && (timeline_.empty() || *due <= timeline_.begin()->first.first)) {
    now_ = std::max(now_, *due);
    auto item = cpg_.pop_due(now_);
    if (item) deliver(item->first, std::move(item->second));
    return true;
  }
  auto node = timeline_.extract(timeline_.begin());
  now_ = std::max(now_, node.key().first);
  if (!node.mapped().life.expired()) node.mapped().fn();
  return true;
}

void World::deliver(std::uint32_t to, SimCpg::Item item) {
  SimNode& n = by_id(to);
  if (!n.hacored) return;
  if (item.is_view) {
    trace(n.name, "cpg view " + ids(item.members));
    n.hacored->shell.on_membership(item.members);
  } else {
    n.hacored->shell.on_message(item.from, item.bytes);
  }
}

// ---- node life --------------------------------------------------------------------------------

void World::power_on(const std::string& name, const std::string& why) {
  SimNode& n = find(name);
  if (n.powered) return;
  // Its corosync cannot rejoin before the others noticed it left (a boot outlasts the token):
  // the loss's reform happens first, so every survivor sees it go and come back.
  if (reform_pending_ && ring_lost_) reform();
  n.powered = true;
  n.stays_off = false;
  n.wfa_seen = false;
  n.quorate = false;
  trace(n.name, "power on (" + why + ")");
  narrate(n.name, "power on (" + why + ")");
  ring_change(300 + static_cast<std::int64_t>(below(700)), false);
  at(now_ + 1000 + static_cast<std::int64_t>(below(2000)), forever_, [this, &n] {
    if (n.powered && !n.hacored) start_hacored(n);
  });
}

void World::power_off(const std::string& name, const std::string& why, bool reboot) {
  SimNode& n = find(name);
  if (!n.powered) return;
  ++result_.stats.power_cuts;
  trace(n.name, "POWER OFF (" + why + ")");
  narrate(n.name, "POWER OFF (" + why + "): its resources stop, its hacored and corosync die");
  n.hacored.reset();  // its callbacks expire with it
  forget_starts(n.name);
  n.powered = false;
  n.quorate = false;
  n.last_down_at = now_;
  std::erase_if(truth_, [&](const auto& kv) { return kv.first.second == n.name; });
  cpg_.power_cut(n.id);
  ring_change(detect_ms_, true);
  if (script_ && !reboot) {
    // scripted: an off node stays off until a `poweron` fault
  } else if (reboot) {
    at(now_ + 1000 + static_cast<std::int64_t>(below(4000)), forever_, [this, &n] { power_on(n.name, "reboot"); });
  } else if (!healing_ && !n.stays_off) {
    at(now_ + 2000 + static_cast<std::int64_t>(below(25000)), forever_, [this, &n] {
      if (!n.stays_off) power_on(n.name, "restarted by its operator");
    });
  } else if (healing_) {
    at(now_ + 2000 + static_cast<std::int64_t>(below(3000)), forever_, [this, &n] { power_on(n.name, "heal"); });
  }
}

void World::start_hacored(SimNode& n) {
  // Each boot has its own monotonic origin; wall clocks agree within a few ms.
  std::int64_t mono = 1'000'000 + static_cast<std::int64_t>(below(1'000'000'000));
  std::int64_t wall = 1'767'000'000'000 + static_cast<std::int64_t>(below(5));
  n.hacored = std::make_unique<Hacored>(*this, cfg_, n.name, n.id, n.faults, mono, wall);
  n.hacored->shell.set_event_listener([this, &n](const nlohmann::json& e) { on_event(n, e); });
  trace(n.name, std::string("hacored starts (quorate=") + (n.quorate ? "yes" : "no") + ")");
  narrate(n.name, std::string("hacored starts (quorate: ") + (n.quorate ? "yes" : "no") + ")");
  boot_waiting_.erase(n.name);
  n.hacored->shell.on_quorum(n.quorate);
  cpg_.join(n.id, now_);
  std::weak_ptr<void> life = n.hacored->life;
  at(now_ + 1 + static_cast<std::int64_t>(below(200)), life, [this, &n] { tick(n); });
}

void World::kill_hacored(SimNode& n, const std::string& why) {
  if (!n.hacored) return;
  ++result_.stats.process_crashes;
  trace(n.name, "HACORED DIES (" + why + "); its resources keep running");
  narrate(n.name, "HACORED DIES (" + why + "); its resources keep running");
  n.hacored.reset();
  forget_starts(n.name);  // its agents' answers never come: what they did stays in the truth
  cpg_.process_gone(n.id, now_);
}

void World::tick(SimNode& n) {
  n.hacored->shell.tick();
  if (!n.hacored) return;
  std::weak_ptr<void> life = n.hacored->life;
  at(now_ + 200, life, [this, &n] { tick(n); });
}

// ---- corosync -----------------------------------------------------------------------------------

// The ring changes (a break, a power cut, a node or a heal joining): sends are held until it
// reforms `delay_ms` later (the last change decides the time).
void World::ring_change(std::int64_t delay_ms, bool lost) {
  cpg_.ring_broken();
  ring_lost_ = ring_lost_ || lost;
  std::uint64_t gen = ++reform_gen_;
  reform_pending_ = true;
  at(now_ + delay_ms, forever_, [this, gen] {
    if (gen == reform_gen_) reform();
  });
}

void World::reform() {
  reform_pending_ = false;
  std::vector<std::set<std::uint32_t>> components;
  std::set<std::uint32_t> up;
  for (const auto& n : nodes_)
    if (n.powered) up.insert(n.id);
  if (partitioned_) {
    for (auto id : up) components.push_back({id});
  } else if (!up.empty()) {
    components.push_back(up);
  }
  trace("", std::string("corosync ring reformed: ") + std::to_string(components.size()) + " component(s)" +
                (ring_lost_ ? " after a loss" : ""));
  cpg_.reform(components, now_, ring_lost_);
  ring_lost_ = false;
  for (auto& n : nodes_) {
    if (!n.powered) continue;
    bool all = false;
    for (const auto& c : components) all = all || (c.count(n.id) && c.size() == nodes_.size());
    n.wfa_seen = n.wfa_seen || all;
    // two_node: one node of two is quorate once wait_for_all is met (or without wait_for_all).
    const auto& q = cfg_.quorum;
    bool quorate = all || (q.two_node && (n.wfa_seen || !q.wait_for_all));
    if (quorate == n.quorate) continue;
    n.quorate = quorate;
    trace(n.name, std::string("votequorum: ") + (quorate ? "quorate" : "NOT quorate"));
    if (!n.hacored) continue;
    std::weak_ptr<void> life = n.hacored->life;
    at(now_ + static_cast<std::int64_t>(below(50)), life, [&n] { n.hacored->shell.on_quorum(n.quorate); });
  }
}

SimResult run_seed(const SimOptions& options) {
  World w(options);
  return w.run();
}

}  // namespace hamail::hacore::sim
