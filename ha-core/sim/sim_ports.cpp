// SimAgents and SimFenceDevices (sim_ports.h): seeded outcomes, results later through the
// world's timeline, effects on the ground truth (what runs, which node has power).
#include "sim_ports.h"

namespace hamail::hacore::sim {
namespace {

enum Outcome { kOk = 0, kFail = 1, kHang = 2 };

const char* op_name(AgentRunner::Op op) {
  static const char* const kNames[] = {"probe", "start", "stop", "promote", "demote"};
  return kNames[static_cast<int>(op)];
}

bool active(int rc) { return rc == 0 || rc == 8; }

}  // namespace

SimAgents::SimAgents(SimWorld& w, const config::ClusterConfig& cfg, std::string node, const AgentFaults& faults,
                     std::weak_ptr<void> life)
    : world_(w), cfg_(cfg), node_(std::move(node)), faults_(faults), life_(std::move(life)) {}

std::uint64_t SimAgents::timeout_ms(const std::string& resource, Op op) const {
  std::string name = op == Op::probe ? "monitor" : op_name(op);
  for (const auto& g : cfg_.groups)
    for (const auto& r : g.resources)
      if (r.name == resource)
        for (const auto& o : r.ops)
          if (o.name == name) return static_cast<std::uint64_t>(o.timeout.count());
  return 20000;
}

Status SimAgents::run(const std::string& resource, Op op, Done done) {
  bool known = false;
  for (const auto& g : cfg_.groups)
    for (const auto& r : g.resources) known = known || r.name == resource;
  if (!known) return Error{"no resource named " + resource};
  auto& q = queue_[resource];
  if (q.size() >= 64) return Error{"queue of " + resource + " is full"};
  q.push_back(Call{op, std::move(done)});
  if (!running_.count(resource)) start_next(resource);
  return Status::ok();
}

// The front call of `resource` starts: its outcome is drawn now; a start makes the
// resource (possibly) active from its first moment, so the truth says running at once.
void SimAgents::start_next(const std::string& resource) {
  auto& q = queue_[resource];
  if (q.empty()) return;
  running_.insert(resource);
  Op op = q.front().op;
  int outcome = world_.chance(faults_.hang) ? kHang : world_.chance(faults_.fail) && op != Op::probe ? kFail : kOk;
  if (outcome == kOk && op == Op::start && faults_.failing_starts.count(resource)) outcome = kFail;
  std::uint64_t duration = outcome == kHang ? timeout_ms(resource, op) : 5 + world_.below(150);
  if (op == Op::start || op == Op::promote) world_.agent_starting(node_, resource);
  if (op == Op::start && !active(world_.truth(resource, node_))) world_.set_truth(resource, node_, 0);
  world_.at(world_.now() + static_cast<std::int64_t>(duration), life_, [this, resource, op, outcome, duration] {
    auto& q = queue_[resource];
    Done done = std::move(q.front().done);
    q.pop_front();
    running_.erase(resource);
    finish(resource, op, outcome, duration, done);
    if (!running_.count(resource)) start_next(resource);
  });
}

void SimAgents::finish(const std::string& resource, Op op, int outcome, std::uint64_t duration, const Done& done) {
  int rc = world_.truth(resource, node_);
  if (outcome == kOk) {
    switch (op) {
      case Op::start:
      case Op::demote: rc = 0; break;
      case Op::promote: rc = 8; break;
      case Op::stop: rc = 7; break;
      case Op::probe: break;
    }
  } else if (op == Op::start) {
    rc = world_.chance(faults_.failed_start_runs) ? 0 : 7;
  }
  world_.set_truth(resource, node_, rc);
  cluster::AgentOutcome o;
  if (op == Op::probe && outcome != kHang) {
    o = observe(resource);
  } else if (outcome == kOk) {
    o = {true, 0, "", duration};
  } else if (outcome == kFail) {
    o = {false, 1, "exit code 1 (a failure the simulator planted)", duration};
  } else {
    o = {false, 1, std::string(op_name(op)) + " timed out after " + std::to_string(duration) + " ms", duration};
  }
  o.duration_ms = duration;
  world_.trace(node_, std::string("agent ") + op_name(op) + " " + resource + ": " + (o.ok ? "ok" : "FAILED") +
                          " rc=" + std::to_string(o.rc) + (o.detail.empty() ? "" : " (" + o.detail + ")") +
                          ", truth now " + std::to_string(world_.truth(resource, node_)));
  if (op != Op::probe) world_.agent_answered(node_, resource, op_name(op), o.ok);
  done(o);
}

cluster::AgentOutcome SimAgents::observe(const std::string& resource) const {
  int rc = world_.truth(resource, node_);
  return {active(rc), rc, rc == 7 ? "not running (exit code 7)" : "", 3};
}

Status SimAgents::start_monitor(const std::string& resource, std::uint64_t interval_ms, Done on_result) {
  std::uint64_t gen = ++generation_;
  monitors_[resource] = Monitor{interval_ms, gen, std::move(on_result)};
  world_.at(world_.now() + static_cast<std::int64_t>(interval_ms), life_,
            [this, resource, gen] { monitor_round(resource, gen); });
  return Status::ok();
}

void SimAgents::cancel_monitor(const std::string& resource, std::uint64_t) { monitors_.erase(resource); }

void SimAgents::monitor_round(const std::string& resource, std::uint64_t gen) {
  auto it = monitors_.find(resource);
  if (it == monitors_.end() || it->second.generation != gen) return;
  std::uint64_t interval = it->second.interval_ms;
  world_.at(world_.now() + static_cast<std::int64_t>(interval), life_,
            [this, resource, gen] { monitor_round(resource, gen); });
  if (running_.count(resource)) return;  // the executor runs one operation of a resource at a time
  cluster::AgentOutcome o = observe(resource);
  if (o.ok && world_.chance(faults_.monitor_fail)) o = {false, 1, "monitor failed (a failure the simulator planted)", 3};
  if (!o.ok) world_.trace(node_, "agent monitor " + resource + ": rc=" + std::to_string(o.rc));
  Done cb = it->second.on_result;  // the callback may cancel the monitor
  cb(o);
}

// ---- fence devices ----------------------------------------------------------------------------

Status SimFenceDevices::run(const config::StonithDevice& device, const std::string& action, const std::string& target,
                            Done done) {
  const DeviceFaults& f = world_.device_faults(device.name);
  int outcome = world_.chance(f.hang) ? kHang : world_.chance(f.fail) ? kFail : kOk;
  std::uint64_t timeout = static_cast<std::uint64_t>(device.timeout.value_or(cfg_.timeout).count());
  std::uint64_t duration = outcome == kHang ? timeout : 20 + world_.below(300);
  // The agent acts on the world whether or not hacored is still there to hear its answer.
  auto answer_box = std::make_shared<Run>();
  std::int64_t t = world_.now() + static_cast<std::int64_t>(duration);
  world_.at(t, world_.forever(), [&w = world_, node = node_, device, action, target, outcome, duration, answer_box] {
    *answer_box = answer(w, node, device, action, target, outcome, duration);
  });
  world_.at(t, life_, [answer_box, done = std::move(done)] { done(*answer_box); });
  return Status::ok();
}

FenceDevices::Run SimFenceDevices::answer(SimWorld& world, const std::string& node, const config::StonithDevice& device,
                                          const std::string& action, const std::string& target, int outcome,
                                          std::uint64_t duration) {
  const bool shoots = action == "off" || action == "reboot";
  std::string what = "fence " + device.name + " " + action + (target.empty() ? "" : " " + target);
  Run r;
  r.duration_ms = duration;
  if (outcome == kFail) {
    r = {1, false, "exit code 1: Failed: Unable to connect to the device (planted)", duration};
  } else if (outcome == kHang) {
    if (shoots && world.chance(world.device_faults(device.name).hung_off_worked))
      world.power_off(target, what + " (timed out, but the node went off)", action == "reboot");
    r = {-1, true, "timed out after " + std::to_string(duration) + " ms", duration};
  } else if (action == "status") {
    r = {world.powered(target) ? 0 : 2, false, "", duration};
  } else {
    if (shoots) world.power_off(target, what + " from " + node, action == "reboot");
    if (action == "on") world.power_on(target, what + " from " + node);
    r = {0, false, "", duration};
  }
  world.trace(node, what + ": rc=" + std::to_string(r.rc) + (r.timed_out ? " (timed out)" : ""));
  return r;
}

}  // namespace hamail::hacore::sim
