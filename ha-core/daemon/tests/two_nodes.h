// The shell tests' fixture: two hacored nodes without a loop, each a ClusterCore +
// NodeShell (+ ControlHandler, ShutdownSequence, ConnectivityReporter) over fake agents,
// fake fence devices, a fake CPG that delivers every message and membership change to
// both in one order, and fake clocks. config_text() chooses the cluster.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "fakes.h"
#include "two_node_config.h"
#include "hamail/hacore/config/cluster_config_loader.h"
#include "hamail/hacore/daemon/shutdown_sequence.h"

namespace hamail::hacore {

using fakes::FakeAgents;
using nlohmann::json;

// The core tests' two-node cluster, plus ping targets (2 lost rounds make a loss).
inline const std::string kConfig = std::string(cluster::testing_config::kTwoNodeConfig) +
                            "connectivity: {targets: [192.0.2.1], interval: 2s, failures: 2}\n";

struct Node {
  Node(const config::ClusterConfig& cfg, fakes::FakeCpg& cpg, fakes::AgentTruth& truth,
       fakes::FakeFenceDevices& fence_devices, std::uint32_t id, const std::string& name, std::int64_t mono_origin)
      : log("hacored", LogLevel::debug),
        channel(cpg, id),
        agents(name, truth, {"vip", "vol", "smtpd"}),
        core(cfg, name),
        shell(cfg, core, agents, fence_devices, channel, clock, log),
        control(shell),
        shutdown(shell),
        reach(shell, prober) {
    log.set_stderr(false);
    log.set_capture(&log_lines);
    clock.mono = mono_origin;
    shell.set_event_listener([this](const json& e) { events.push_back(e); });
  }

  json ask(const json& request) {
    fakes::RecordingReplies r;
    auto reply = control.handle(request, r);
    return reply ? *reply : json(r.lines);
  }
  // Whether one log line holds every one of `needles`.
  bool logged(std::initializer_list<std::string> needles) const {
    for (const auto& l : log_lines) {
      bool all = true;
      for (const auto& n : needles) all = all && l.find(n) != std::string::npos;
      if (all) return true;
    }
    return false;
  }
  std::size_t count(const std::string& event) const {
    std::size_t n = 0;
    for (const auto& e : events) n += e["event"] == event;
    return n;
  }

  std::vector<std::string> log_lines;
  Logger log;
  fakes::FakeClock clock;
  fakes::FakeCpg::Endpoint channel;
  FakeAgents agents;
  cluster::ClusterCore core;
  NodeShell shell;
  ControlHandler control;
  ShutdownSequence shutdown;
  fakes::FakeProber prober;
  ConnectivityReporter reach;
  std::vector<json> events;
  bool stopped = false;  // its ShutdownSequence said stop
};

class TwoNodes : public ::testing::Test {
 protected:
  virtual std::string config_text() const { return kConfig; }
  void SetUp() override {
    auto load = config::parse_cluster_config(config_text(), "t.yaml");
    ASSERT_TRUE(load.config) << load.errors[0].to_string();
    cfg_ = *load.config;
    // Two machines booted at different times: their monotonic clocks have nothing in common.
    nodes_[1] = std::make_unique<Node>(cfg_, cpg_, truth_, fence_, 1, "node1", 3'000'000);
    nodes_[2] = std::make_unique<Node>(cfg_, cpg_, truth_, fence_, 2, "node2", 900'000'000);
    for (auto& [id, n] : nodes_) cpg_.attach(id, &n->shell);
  }

  Node& node(std::uint32_t id) { return *nodes_.at(id); }

  void start() {
    for (auto& [id, n] : nodes_) n->shell.on_quorum(true);
    cpg_.join(1);
    cpg_.join(2);
    settle();
  }

  void advance(std::int64_t ms) {
    for (auto& [id, n] : nodes_) {
      n->clock.mono += ms;
      n->clock.wall += ms;
    }
  }

  // One step of work: a CPG delivery, else an agent result; false when there is none.
  bool step() {
    if (cpg_.deliver_one()) return true;
    if (fence_.complete_one()) return true;
    for (auto& [id, n] : nodes_)
      if (n->agents.complete_one()) return true;
    return false;
  }

  void tick_all() {
    for (auto& [id, n] : nodes_) {
      if (n->stopped) continue;
      n->shell.tick();
      if (n->shutdown.on_tick() == ShutdownSequence::Step::stop) n->stopped = true;
    }
  }

  // Runs (1 ms per step, a 200 ms tick when idle) until nothing happened for 3 s.
  void settle(std::int64_t max_ms = 300'000) {
    std::int64_t quiet = 0;
    for (std::int64_t t = 0; t < max_ms;) {
      if (step()) {
        advance(1);
        t += 1;
        quiet = 0;
        continue;
      }
      advance(200);
      t += 200;
      tick_all();
      bool busy = !cpg_.idle();
      for (auto& [id, n] : nodes_) busy |= n->core.state().transition.has_value();
      quiet = busy ? 0 : quiet + 200;
      if (quiet >= 3000) return;
    }
    FAIL() << "did not settle in " << max_ms << " ms";
  }

  std::set<std::string> running_on(const std::string& name) const {
    std::set<std::string> out;
    for (const auto& [key, rc] : truth_)
      if (key.second == name) out.insert(key.first);
    return out;
  }

  const std::set<std::string> all_ = {"vip", "vol", "smtpd"};
  config::ClusterConfig cfg_;
  fakes::FakeCpg cpg_;
  fakes::AgentTruth truth_;
  fakes::FakeFenceDevices fence_;
  std::map<std::uint32_t, std::unique_ptr<Node>> nodes_;
};

}  // namespace hamail::hacore
