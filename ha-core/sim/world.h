// World: one simulator run (simulator.h). Two nodes, each its hacored (NodeShell over the
// ClusterCore, with SimAgents, SimFenceDevices, a SimCpg channel and a SimClock) while it
// runs; the simulated corosync (SimCpg, votequorum's two_node + wait_for_all); the ground
// truth of what runs where and which node has power; the timeline of simulated time and
// the one seeded generator every choice is drawn from. In scripted mode (scripted.h, the
// world_script*.cpp files) the configuration, the start and the faults are the user's and
// every "random" choice takes the middle of its range. Private to hacore_sim.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/base/sim_trace.h"
#include "hamail/hacore/cluster/cluster_core.h"
#include "hamail/hacore/daemon/node_shell.h"
#include "hamail/hacore/sim/scripted.h"
#include "hamail/hacore/sim/sim_cpg.h"
#include "hamail/hacore/sim/simulator.h"
#include "sim_ports.h"

namespace hamail::hacore::sim {

class World;

// hacored's end of the CPG: sends go to the SimCpg with the world's time.
class SimChannel : public MessageChannel {
 public:
  SimChannel(World& w, std::uint32_t id) : world_(w), id_(id) {}
  Status send(std::string bytes) override;

 private:
  World& world_;
  std::uint32_t id_;
};

// One hacored process: everything it holds dies with it.
struct Hacored {
  Hacored(World& w, const config::ClusterConfig& cfg, const std::string& name, std::uint32_t id,
          const AgentFaults& faults, std::int64_t mono_offset, std::int64_t wall_offset);
  std::shared_ptr<int> life = std::make_shared<int>(0);  // expires: its pending callbacks are dropped
  Logger log;
  SimClock clock;
  SimAgents agents;
  SimFenceDevices fence_devices;
  SimChannel channel;
  cluster::ClusterCore core;
  NodeShell shell;
};

struct SimNode {
  std::string name;
  std::uint32_t id = 0;
  bool powered = false;
  bool wfa_seen = false;        // votequorum's wait_for_all: saw every node since corosync started
  bool quorate = false;
  bool stays_off = false;       // powered on again only at the heal
  std::int64_t last_down_at = -1;
  std::unique_ptr<Hacored> hacored;
  AgentFaults faults;
};

class World : public SimWorld {
 public:
  explicit World(const SimOptions& o);
  SimResult run();
  // Scripted mode (world_script.cpp): the input outlives the world.
  explicit World(const ScriptInput& in);
  ScriptResult run_script();

  // SimWorld (the ports' view).
  std::int64_t now() const override { return now_; }
  void at(std::int64_t t, std::weak_ptr<void> life, std::function<void()> fn) override;
  std::weak_ptr<void> forever() const override { return forever_; }
  std::uint64_t below(std::uint64_t n) override {
    if (script_) return n / 2;  // scripted: no random choice, the middle of the range
    return n ? rng_() % n : 0;
  }
  bool chance(double p) override;
  void trace(const std::string& node, const std::string& line) override;
  int truth(const std::string& resource, const std::string& node) const override;
  void set_truth(const std::string& resource, const std::string& node, int rc) override;
  bool powered(const std::string& node) const override { return find(node).powered; }
  void power_off(const std::string& node, const std::string& why, bool reboot) override;
  void power_on(const std::string& node, const std::string& why) override;
  const DeviceFaults& device_faults(const std::string& device) const override;
  void agent_answered(const std::string& node, const std::string& resource, const std::string& op, bool ok) override;
  void agent_starting(const std::string& node, const std::string& resource) override;
  Status cpg_send(std::uint32_t from, std::string bytes);

 private:
  // world.cpp: set-up, the main loop, node life, corosync.
  void choose_scenario();
  bool step();
  void start_hacored(SimNode& n);
  void kill_hacored(SimNode& n, const std::string& why);
  void tick(SimNode& n);
  void ring_change(std::int64_t delay_ms, bool lost);
  void reform();
  void deliver(std::uint32_t to, SimCpg::Item item);
  SimNode& find(const std::string& name);
  const SimNode& find(const std::string& name) const;
  SimNode& by_id(std::uint32_t id) { return nodes_[id == nodes_[1].id ? 1 : 0]; }
  // world_faults.cpp: the seeded fault schedule and the heal.
  void next_fault();
  void fault_partition();
  void fault_agents(SimNode& n);
  void fault_device();
  void fault_resource_death();
  void fault_switchover();
  void heal();
  // world_checks.cpp: invariants after every step, events against the truth, liveness.
  void on_event(const SimNode& n, const nlohmann::json& e);
  void check_safety();
  void note_death(const std::string& resource, const std::string& node);
  void check_liveness();
  bool groups_running(std::string* why) const;
  bool healed() const;
  void fail(const std::string& why);
  // world_script.cpp: the scripted run (boot or state, the faults, settling).
  void script_boot();
  void apply_fault(const Fault& f);
  void script_switchover(const Fault& f);
  void settle(std::int64_t max_ms, bool until_running);
  void run_until(std::int64_t t);
  // world_script_report.cpp: the timeline's lines and the verdict.
  void narrate(const std::string& node, const std::string& text);
  void narrate_event(const SimNode& n, const nlohmann::json& e);
  void script_unsafe(const std::string& resource, const std::string& a, const std::string& b);
  std::vector<GroupOutcome> outcomes(bool judge);
  std::string group_note(const config::GroupConfig& g, bool* could_run);
  bool group_runs_on(const config::GroupConfig& g, const SimNode& n) const;

  SimOptions opt_;
  std::mt19937_64 rng_;
  SimResult result_;
  config::ClusterConfig cfg_;
  std::shared_ptr<int> forever_ = std::make_shared<int>(0);
  std::int64_t now_ = 0;
  struct Timed {
    std::weak_ptr<void> life;
    std::function<void()> fn;
  };
  std::map<std::pair<std::int64_t, std::uint64_t>, Timed> timeline_;
  std::uint64_t timeline_seq_ = 0;
  SimCpg cpg_;
  std::array<SimNode, 2> nodes_;
  std::map<std::pair<std::string, std::string>, int> truth_;  // (resource, node) -> 0 | 8 (absent: 7)
  std::map<std::string, DeviceFaults> device_faults_;
  std::map<std::string, bool> answered_;                      // "node resource op" -> last agent answer
  std::map<std::string, std::int64_t> fence_begun_;           // target -> when its executor began the fence
  bool partitioned_ = false;
  bool ring_lost_ = false;      // a break since the last reform: survivors may miss the tail
  std::uint64_t reform_gen_ = 0;
  bool reform_pending_ = false;
  // Scenario, drawn from the seed.
  std::int64_t detect_ms_ = 2200;
  // Phases: faults until fault_ms, then the heal; liveness counted from `healed_at_`.
  bool healing_ = false;
  std::int64_t healed_at_ = -1, running_since_ = -1;
  SimTrace trace_;
  // Scripted mode only.
  const ScriptInput* script_ = nullptr;
  ScriptResult script_result_;
  bool narrating_ = false;        // the boot (or the state) settled: the timeline runs
  std::int64_t origin_ = 0;       // t=0 of the timeline
  std::int64_t last_event_at_ = 0;  // the last event of any core (settling waits for quiet)
  std::set<std::string> unsafe_groups_;
  std::set<std::string> boot_waiting_;  // nodes whose hacored waits for its peer (boot_wait)
  // (resource, node) killed by a fault and not started since: the cluster may not know yet.
  std::set<std::pair<std::string, std::string>> dead_unnoticed_;
  // (resource, node) whose start or promote is under way (its agent has not answered).
  std::set<std::pair<std::string, std::string>> starting_;
  void forget_starts(const std::string& node);
};

}  // namespace hamail::hacore::sim
