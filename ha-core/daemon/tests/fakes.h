// Test doubles of the shell's ports that fail the way the real ones do:
//  - FakeCpg: one total order of messages and membership changes for every member (as
//    CPG's agreed order); a bounded send queue ("corosync send queue full"); a dropped
//    node receives nothing more and its undelivered messages are lost with it.
//  - FakeAgents: results come later (the test pumps them), never from inside the call;
//    an unknown resource fails at once; an action can succeed, fail with an OCF code or
//    time out; probes and monitors report what really runs (AgentTruth).
//  - FakeFenceDevices: one power switch shared by both nodes: results come later (the test
//    pumps them); `off` powers the target off (on_power_off lets the test drop it from
//    the CPG), `status` says 2 when it is off and 0 when on; a device can be made to fail
//    (exit code 1, as a fence agent that cannot reach its device).
//  - FakeClock: monotonic and wall clocks moved by the test, each on its own.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "hamail/hacore/daemon/agent_runner.h"
#include "hamail/hacore/daemon/clock.h"
#include "hamail/hacore/daemon/connectivity_reporter.h"
#include "hamail/hacore/daemon/control_handler.h"
#include "hamail/hacore/daemon/fence_devices.h"
#include "hamail/hacore/daemon/message_channel.h"
#include "hamail/hacore/daemon/node_shell.h"

namespace hamail::hacore::fakes {

class FakeClock : public Clock {
 public:
  std::int64_t monotonic_ms() const override { return mono; }
  std::int64_t wall_ms() const override { return wall; }
  std::int64_t mono = 0;
  std::int64_t wall = 1'700'000'000'000;
};

class FakeCpg {
 public:
  static constexpr std::size_t kDefaultCapacity = 1024;  // as CpgChannel::kMaxQueued

  class Endpoint : public MessageChannel {
   public:
    Endpoint(FakeCpg& bus, std::uint32_t id) : bus_(bus), id_(id) {}
    Status send(std::string bytes) override { return bus_.send(id_, std::move(bytes)); }

   private:
    FakeCpg& bus_;
    std::uint32_t id_;
  };

  void attach(std::uint32_t id, NodeShell* shell) { shells_[id] = shell; }
  void join(std::uint32_t id) {
    members_.insert(id);
    queue_.push_back(Membership{members_});
  }
  // A clean leave (cpg_leave): delivered after what it sent.
  void leave(std::uint32_t id) {
    members_.erase(id);
    queue_.push_back(Membership{members_});
  }
  // The node vanishes (power off, kill -9): it hears nothing more; what it had sent but
  // the ring had not yet delivered is lost with it.
  void drop(std::uint32_t id) {
    members_.erase(id);
    std::erase_if(queue_, [id](const Item& it) {
      const auto* m = std::get_if<Message>(&it);
      return m && m->from == id;
    });
    queue_.push_back(Membership{members_});
  }
  Status send(std::uint32_t from, std::string bytes) {
    if (!members_.count(from)) return Error{"not connected to corosync"};
    if (queue_.size() >= capacity) return Error{"corosync send queue full (" + std::to_string(capacity) + " messages)"};
    queue_.push_back(Message{from, std::move(bytes)});
    return Status::ok();
  }
  // Bytes from a node that skip its shell: another implementation, a corrupted sender.
  void inject(std::uint32_t from, std::string bytes) { queue_.push_back(Message{from, std::move(bytes)}); }

  // Delivers the next item to every current member, in the same order everywhere.
  bool deliver_one() {
    if (queue_.empty()) return false;
    Item it = std::move(queue_.front());
    queue_.pop_front();
    // A message reaches the members of the last delivered membership that are alive.
    std::set<std::uint32_t> to;
    for (auto id : delivered_members_)
      if (members_.count(id)) to.insert(id);
    if (const auto* m = std::get_if<Membership>(&it)) to = delivered_members_ = m->members;
    for (auto id : to) {
      auto s = shells_.find(id);
      if (s == shells_.end() || !s->second) continue;
      if (const auto* m = std::get_if<Message>(&it)) s->second->on_message(m->from, m->bytes);
      else s->second->on_membership(std::vector<std::uint32_t>(to.begin(), to.end()));
    }
    return true;
  }
  bool idle() const { return queue_.empty(); }
  std::size_t capacity = kDefaultCapacity;

 private:
  struct Message {
    std::uint32_t from;
    std::string bytes;
  };
  struct Membership {
    std::set<std::uint32_t> members;
  };
  using Item = std::variant<Message, Membership>;
  std::deque<Item> queue_;
  std::set<std::uint32_t> members_;            // alive and joined (what send() checks)
  std::set<std::uint32_t> delivered_members_;  // as of the last membership delivered
  std::map<std::uint32_t, NodeShell*> shells_;
};

// What really runs where: (resource, node) -> 0 running, 8 promoted (absent: 7).
using AgentTruth = std::map<std::pair<std::string, std::string>, int>;

class FakeAgents : public AgentRunner {
 public:
  enum class Behaviour { succeed, fail, time_out };

  FakeAgents(std::string node, AgentTruth& truth, std::set<std::string> resources)
      : node_(std::move(node)), truth_(truth), resources_(std::move(resources)) {}

  Status run(const std::string& resource, Op op, Done done) override {
    if (!resources_.count(resource)) return Error{"no resource named " + resource};
    if (queue_.size() >= 64) return Error{"queue of " + resource + " is full"};
    queue_.push_back({resource, op, std::move(done)});
    return Status::ok();
  }
  Status start_monitor(const std::string& resource, std::uint64_t interval_ms, Done on_result) override {
    if (!resources_.count(resource)) return Error{"no resource named " + resource};
    monitors_[resource] = Monitor{interval_ms, std::move(on_result)};
    return Status::ok();
  }
  void cancel_monitor(const std::string& resource, std::uint64_t) override { monitors_.erase(resource); }

  // The next `op` of `resource` does this (once).
  void next(const std::string& resource, Op op, Behaviour b, int rc = 1) { scripted_[{resource, op}] = {b, rc}; }
  // Completes the oldest queued action; false when none is queued.
  bool complete_one() {
    if (queue_.empty()) return false;
    Call c = std::move(queue_.front());
    queue_.pop_front();
    c.done(c.op == Op::probe ? observe(c.resource) : act(c.resource, c.op));
    return true;
  }
  // Every monitor reports what runs now (the recurring monitor's next run).
  void run_monitors() {
    auto copy = monitors_;
    for (auto& [res, m] : copy)
      if (monitors_.count(res)) m.on_result(observe(res));
  }
  std::set<std::string> monitored() const {
    std::set<std::string> out;
    for (auto& [res, m] : monitors_) out.insert(res);
    return out;
  }
  bool idle() const { return queue_.empty(); }
  std::vector<std::string> log;  // "start vip", ... in the order they completed

 private:
  struct Call {
    std::string resource;
    Op op;
    Done done;
  };
  struct Monitor {
    std::uint64_t interval_ms;
    Done on_result;
  };

  cluster::AgentOutcome observe(const std::string& res) const {
    auto it = truth_.find({res, node_});
    int rc = it == truth_.end() ? 7 : it->second;
    return {rc == 0 || rc == 8, rc, rc == 7 ? "not running (exit code 7)" : "", 3};
  }

  cluster::AgentOutcome act(const std::string& res, Op op) {
    static const char* const kNames[] = {"probe", "start", "stop", "promote", "demote"};
    log.push_back(std::string(kNames[static_cast<int>(op)]) + " " + res);
    if (auto s = scripted_.find({res, op}); s != scripted_.end()) {
      auto [b, rc] = s->second;
      scripted_.erase(s);
      if (b == Behaviour::fail) return {false, rc, "exit code " + std::to_string(rc), 5};
      if (b == Behaviour::time_out) return {false, 1, res + " timed out after 20000 ms", 20000};
    }
    auto key = std::make_pair(res, node_);
    switch (op) {
      case Op::start:
      case Op::demote: truth_[key] = 0; break;
      case Op::promote: truth_[key] = 8; break;
      case Op::stop: truth_.erase(key); break;
      case Op::probe: break;
    }
    return {true, 0, "", 5};
  }

  std::string node_;
  AgentTruth& truth_;
  std::set<std::string> resources_;
  std::deque<Call> queue_;
  std::map<std::string, Monitor> monitors_;
  std::map<std::pair<std::string, Op>, std::pair<Behaviour, int>> scripted_;
};

class FakeFenceDevices : public FenceDevices {
 public:
  Status run(const config::StonithDevice& d, const std::string& action, const std::string& target, Done done) override {
    if (missing.count(d.name)) return Error{"fence agent " + d.agent + " not found"};
    queue_.push_back({d.name, action, target, std::move(done)});
    return Status::ok();
  }
  bool complete_one() {
    if (queue_.empty()) return false;
    Call c = std::move(queue_.front());
    queue_.pop_front();
    calls.push_back(c.device + " " + c.action + (c.target.empty() ? "" : " " + c.target));
    c.done(answer(c));
    return true;
  }
  bool idle() const { return queue_.empty(); }
  std::set<std::string> failing;   // devices whose agent exits 1
  std::set<std::string> missing;   // devices whose agent is not installed
  std::set<std::string> off;       // nodes powered off
  std::function<void(const std::string&)> on_power_off;
  std::vector<std::string> calls;  // "dev action target", in the order they completed

 private:
  struct Call {
    std::string device, action, target;
    Done done;
  };
  Run answer(const Call& c) {
    if (failing.count(c.device)) return {1, false, "exit code 1: Failed: Unable to connect to the device", 40};
    if (c.action == "status") return {off.count(c.target) ? 2 : 0, false, "", 20};
    if (c.action == "off" || c.action == "reboot") {
      bool was_on = off.insert(c.target).second;
      if (was_on && on_power_off) on_power_off(c.target);
      if (c.action == "reboot") off.erase(c.target);
    }
    if (c.action == "on") off.erase(c.target);
    return {0, false, "", 30};
  }
  std::deque<Call> queue_;
};

// Records what a control request got back.
class RecordingReplies : public ControlReplies {
 public:
  bool send(const nlohmann::json& line) override {
    lines.push_back(line);
    return !gone;
  }
  void subscribe() override { subscribed = true; }
  void end() override { ended = true; }
  std::vector<nlohmann::json> lines;
  bool subscribed = false, ended = false, gone = false;
};

// Ping, answered as the test says, later (on complete()).
class FakeProber : public ReachabilityProber {
 public:
  void probe(const std::vector<std::string>&, std::function<void(bool)> done) override { pending.push_back(std::move(done)); }
  void complete(bool any_answered) {
    auto d = std::move(pending.front());
    pending.pop_front();
    d(any_answered);
  }
  std::deque<std::function<void(bool)>> pending;
};

}  // namespace hamail::hacore::fakes
