// Two ClusterCores joined by a simulated CPG (one agreed order for every message and
// membership change, messages carried as the bytes the real channel carries) and
// simulated agents that record what really runs where. Time: one monotonic and one wall
// clock, moved by the test (the wall clock can be stepped on its own).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "hamail/hacore/cluster/cluster_core.h"
#include "hamail/hacore/config/cluster_config_loader.h"
#include "two_node_config.h"

namespace hamail::cluster::coresim {

class Sim : public ::testing::Test {
 protected:
  virtual std::string config_text() const { return testing_config::kTwoNodeConfig; }
  void SetUp() override {
    auto load = config::parse_cluster_config(config_text(), "t.yaml");
    ASSERT_TRUE(load.config) << load.errors[0].to_string();
    cfg_ = *load.config;
    cores_["node1"] = std::make_unique<ClusterCore>(cfg_, "node1");
    cores_["node2"] = std::make_unique<ClusterCore>(cfg_, "node2");
  }

  // A scenario without bad input drops no message: a drop there is a bug in the core.
  void TearDown() override {
    if (expect_drops_) return;
    for (auto& [node, events] : events_)
      for (auto& e : events) EXPECT_NE(e["event"], "message_dropped") << node << ": " << e.dump();
  }

  struct Pending {
    std::string node, what, resource;
    int rc;
    LocalAction action;
  };
  struct Wire {
    std::string sender;
    std::string bytes;
  };

  // Each node's clocks: its own monotonic origin (never comparable across nodes) and wall clock.
  Now now(const std::string& node = "node1") {
    return Now{mono_ + mono_offset_[node], wall_ + wall_offset_[node]};
  }
  bool has_core(const std::string& node) const { return cores_.count(node) && cores_.at(node); }

  void handle(const std::string& node, Effects& fx) {
    for (auto& e : fx.events) events_[node].push_back(e);
    for (auto& m : fx.broadcast) cpg_.push_back({node, protocol::encode(m)});
    for (auto& r : fx.probes) {
      auto it = truth_.find({r, node});
      pending_.push_back({node, "probe", r, it == truth_.end() ? 7 : it->second, {}});
    }
    for (auto& a : fx.run) pending_.push_back({node, "run", a.resource, 0, a});
    for (auto& t : fx.cancel_fences)  // as the Fencer drops them
      std::erase_if(fence_jobs_, [&](const FenceCall& c) { return c.node == node && c.job.target == t; });
    for (auto& f : fx.fence) fence_jobs_.push_back({node, f});
    for (auto& r : fx.start_monitors) monitors_[node].insert(r);
    for (auto& r : fx.stop_monitors) monitors_[node].erase(r);
  }

  void membership(std::vector<std::string> members) {
    members_ = members;
    for (auto& name : members) {
      if (!has_core(name)) continue;  // a foreign peer, played by the test
      Effects fx;
      cores_[name]->on_quorum(true, now(name), fx);
      handle(name, fx);
    }
    for (auto& name : members) {
      if (!has_core(name)) continue;
      Effects fx;
      cores_[name]->on_group_membership(members, now(name), fx);
      handle(name, fx);
    }
  }

  // Hands `bytes` from `sender` to every member, as CPG would.
  void deliver(const std::string& sender, const std::string& bytes) {
    for (auto& name : members_) {
      if (!has_core(name)) continue;
      Effects fx;
      cores_[name]->on_message(sender, bytes, now(name), fx);
      handle(name, fx);
    }
  }

  void run_pending(const Pending& p) {
    if (std::find(members_.begin(), members_.end(), p.node) == members_.end()) return;
    Effects fx;
    if (p.what == "probe") {
      cores_[p.node]->on_probe_result(p.resource, p.rc, "", now(p.node), fx);
    } else {
      AgentOutcome o;
      o.ok = !fail_next_.erase({p.resource, p.node});
      o.rc = o.ok ? 0 : 1;
      o.detail = o.ok ? "" : "injected failure";
      note_double_start(p);
      if (o.ok) apply_truth(p);
      cores_[p.node]->on_action_result(p.action, o, now(p.node), fx);
    }
    handle(p.node, fx);
  }

  // A start or promote that runs while the resource is active on another node.
  void note_double_start(const Pending& p) {
    if (p.action.kind != scheduler::ActionKind::start && p.action.kind != scheduler::ActionKind::promote) return;
    for (const auto& [key, rc] : truth_)
      if (key.first == p.resource && key.second != p.node)
        double_starts_.push_back(p.resource + " on " + p.node + " while active on " + key.second);
  }

  void apply_truth(const Pending& p) {
    auto key = std::make_pair(p.resource, p.node);
    switch (p.action.kind) {
      case scheduler::ActionKind::start: truth_[key] = 0; break;
      case scheduler::ActionKind::promote: truth_[key] = 8; break;
      case scheduler::ActionKind::demote: truth_[key] = 0; break;
      case scheduler::ActionKind::stop: truth_.erase(key); break;
      default: break;
    }
  }

  // One round, 5 ms: the next CPG message, else the next agent result, else every node's
  // tick. An agent action HOLD matches is returned instead of run (a slow agent: the test
  // runs it later with run_pending).
  std::optional<Pending> step(const std::function<bool(const Pending&)>& hold = nullptr) {
    mono_ += 5;
    wall_ += 5;
    if (!cpg_.empty()) {
      Wire m = cpg_.front();
      cpg_.pop_front();
      deliver(m.sender, m.bytes);
      return std::nullopt;
    }
    if (!pending_.empty()) {
      Pending p = pending_.front();
      pending_.pop_front();
      if (hold && p.what == "run" && hold(p)) return p;
      run_pending(p);
      return std::nullopt;
    }
    for (auto& name : members_) {
      if (!has_core(name)) continue;
      Effects fx;
      cores_[name]->tick(now(name), fx);
      handle(name, fx);
    }
    return std::nullopt;
  }

  // Runs until nothing is queued and no transition runs (or fails the test).
  void settle(int rounds = 2000) {
    for (int i = 0; i < rounds; ++i) {
      bool idle = cpg_.empty() && pending_.empty();  // this round only ticks
      step();
      if (idle && cpg_.empty() && pending_.empty() && i > 10) {
        bool busy = false;
        for (auto& name : members_) busy |= has_core(name) && cores_[name]->state().transition.has_value();
        if (!busy || !fence_jobs_.empty()) return;  // done, or a fence waits for the test's answer
      }
    }
    FAIL() << "did not settle";
  }

  std::set<std::string> running_on(const std::string& node) {
    std::set<std::string> out;
    for (auto& [key, rc] : truth_)
      if (key.second == node) out.insert(key.first);
    return out;
  }

  bool has_event(const std::string& node, const std::string& name) {
    for (auto& e : events_[node])
      if (e["event"] == name) return true;
    return false;
  }

  json last_event(const std::string& node, const std::string& name) {
    json found;
    for (auto& e : events_[node])
      if (e["event"] == name) found = e;
    return found;
  }

  Status command(const std::string& node, const json& req) {
    auto r = decode_control_request(req);
    if (!r) return Error{r.error()};
    const auto* op = std::get_if<OperatorCommand>(&*r);
    if (!op) return Error{"not an operator command"};
    auto m = cores_[node]->command(*op, now(node));
    if (!m) return Error{m.error()};
    cpg_.push_back({node, protocol::encode(*m)});
    return Status::ok();
  }

  void lose(const std::string& node) {
    std::vector<std::string> rest;
    for (auto& n : members_)
      if (n != node) rest.push_back(n);
    membership(rest);
    std::erase_if(truth_, [&](const auto& kv) { return kv.first.second == node; });  // its agents died with it
  }

  config::ClusterConfig cfg_;
  std::map<std::string, std::unique_ptr<ClusterCore>> cores_;
  std::vector<std::string> members_;
  std::deque<Wire> cpg_;
  std::deque<Pending> pending_;
  std::map<std::string, std::vector<json>> events_;
  std::map<std::string, std::set<std::string>> monitors_;
  // What runs where, as the agents see it: resource -> status per node.
  std::map<std::pair<std::string, std::string>, int> truth_;  // 0 started, 8 promoted (absent: 7)
  std::set<std::pair<std::string, std::string>> fail_next_;    // (resource, node): next action fails
  std::vector<std::string> double_starts_;                     // note_double_start()
  struct FenceCall {
    std::string node;  // the executor
    FenceJob job;
  };
  std::deque<FenceCall> fence_jobs_;                           // fences asked for, not yet answered
  // Answers the oldest fence job as its executor's runner would.
  void answer_fence(bool ok, const std::string& detail = "") {
    ASSERT_FALSE(fence_jobs_.empty());
    FenceCall c = fence_jobs_.front();
    fence_jobs_.pop_front();
    FenceOutcome o{ok, detail, {"lab-fence"}, 1, 120, static_cast<std::uint64_t>(c.job.delay_ms)};
    if (!has_core(c.node)) return;
    Effects fx;
    cores_[c.node]->on_fence_result(c.job, o, now(c.node), fx);
    handle(c.node, fx);
  }
  bool expect_drops_ = false;
  std::int64_t mono_ = 5'000'000;                              // since boot
  std::int64_t wall_ = 1'700'000'000'000;
  std::map<std::string, std::int64_t> mono_offset_{{"node2", 987'654'321}};  // booted at another time
  std::map<std::string, std::int64_t> wall_offset_;
};

}  // namespace hamail::cluster::coresim
