// The simulated ports of one node's NodeShell (the hacored shell the simulator runs):
// SimClock (the node's clocks over simulated time), SimAgents (OCF agents that act on the
// world's ground truth and succeed, fail or hang until their timeout, by the seed) and
// SimFenceDevices (fence agents that power nodes off through the world, or fail or hang).
// Results always come later through the world's timeline, never from inside the call, as
// the real Executor and FenceAgentRunner do. Private to hacore_sim.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <map>
#include <memory>
#include <string>

#include "hamail/hacore/config/cluster_config.h"
#include "hamail/hacore/daemon/agent_runner.h"
#include "hamail/hacore/daemon/clock.h"
#include "hamail/hacore/daemon/fence_devices.h"

namespace hamail::hacore::sim {

// Probabilities of an agent's misbehaviour on one node (changed by the fault schedule).
struct AgentFaults {
  double fail = 0, hang = 0, monitor_fail = 0;
  double failed_start_runs = 0.3;  // a failed or hung start that left the resource running
  std::set<std::string> failing_starts;  // scripted: every start of these resources fails (rc 1)
};

// Probabilities of a fence device's misbehaviour (changed by the fault schedule).
struct DeviceFaults {
  double fail = 0, hang = 0;
  double hung_off_worked = 0.5;  // an `off` that timed out but powered the node off anyway
};

// What the ports need from the world: time, the timeline, seeded draws, the ground truth
// of what runs where, the power of the nodes, and the trace.
class SimWorld {
 public:
  virtual ~SimWorld() = default;
  virtual std::int64_t now() const = 0;
  // Runs fn at time t unless `life` expired first (the node's hacored died); forever()
  // never expires (what happens in the world whoever asked for it).
  virtual void at(std::int64_t t, std::weak_ptr<void> life, std::function<void()> fn) = 0;
  virtual std::weak_ptr<void> forever() const = 0;
  virtual std::uint64_t below(std::uint64_t n) = 0;
  virtual bool chance(double p) = 0;
  virtual void trace(const std::string& node, const std::string& line) = 0;
  // Ground truth: OCF rc of `resource` on `node` (0 running, 8 promoted, 7 not running).
  virtual int truth(const std::string& resource, const std::string& node) const = 0;
  virtual void set_truth(const std::string& resource, const std::string& node, int rc) = 0;
  virtual bool powered(const std::string& node) const = 0;
  // A power cut (`reboot`: it powers on again a few seconds later).
  virtual void power_off(const std::string& node, const std::string& why, bool reboot) = 0;
  virtual void power_on(const std::string& node, const std::string& why) = 0;
  virtual const DeviceFaults& device_faults(const std::string& device) const = 0;
  // An agent on `node` answered `op` of `resource` (what the events are checked against).
  virtual void agent_answered(const std::string& node, const std::string& resource, const std::string& op,
                              bool ok) = 0;
  // An agent on `node` begins to start or promote `resource` (checked against the group's order).
  virtual void agent_starting(const std::string& node, const std::string& resource) = 0;
};

class SimClock : public Clock {
 public:
  SimClock(const SimWorld& w, std::int64_t mono_offset, std::int64_t wall_offset)
      : world_(w), mono_offset_(mono_offset), wall_offset_(wall_offset) {}
  std::int64_t monotonic_ms() const override { return world_.now() + mono_offset_; }
  std::int64_t wall_ms() const override { return world_.now() + wall_offset_; }

 private:
  const SimWorld& world_;
  std::int64_t mono_offset_, wall_offset_;
};

class SimAgents : public AgentRunner {
 public:
  SimAgents(SimWorld& w, const config::ClusterConfig& cfg, std::string node, const AgentFaults& faults,
            std::weak_ptr<void> life);
  Status run(const std::string& resource, Op op, Done done) override;
  Status start_monitor(const std::string& resource, std::uint64_t interval_ms, Done on_result) override;
  void cancel_monitor(const std::string& resource, std::uint64_t interval_ms) override;

 private:
  struct Call {
    Op op;
    Done done;
  };
  void start_next(const std::string& resource);
  void finish(const std::string& resource, Op op, int outcome, std::uint64_t duration, const Done& done);
  void monitor_round(const std::string& resource, std::uint64_t generation);
  cluster::AgentOutcome observe(const std::string& resource) const;
  std::uint64_t timeout_ms(const std::string& resource, Op op) const;

  SimWorld& world_;
  const config::ClusterConfig& cfg_;
  std::string node_;
  const AgentFaults& faults_;
  std::weak_ptr<void> life_;
  std::map<std::string, std::deque<Call>> queue_;  // per resource: front is running
  struct Monitor {
    std::uint64_t interval_ms = 0, generation = 0;
    Done on_result;
  };
  std::map<std::string, Monitor> monitors_;
  std::set<std::string> running_;  // resources with an action in flight
  std::uint64_t generation_ = 0;
};

class SimFenceDevices : public FenceDevices {
 public:
  SimFenceDevices(SimWorld& w, const config::StonithConfig& cfg, std::string node, std::weak_ptr<void> life)
      : world_(w), cfg_(cfg), node_(std::move(node)), life_(std::move(life)) {}
  Status run(const config::StonithDevice& device, const std::string& action, const std::string& target,
             Done done) override;

 private:
  // What the agent did and answers; runs even after the executor's hacored died (static).
  static Run answer(SimWorld& world, const std::string& node, const config::StonithDevice& device,
                    const std::string& action, const std::string& target, int outcome, std::uint64_t duration);

  SimWorld& world_;
  const config::StonithConfig& cfg_;
  std::string node_;
  std::weak_ptr<void> life_;
};

}  // namespace hamail::hacore::sim
