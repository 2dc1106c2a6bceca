// Two ClusterCores joined by a simulated CPG (one agreed order for every message and
// membership change) and simulated agents that record what really runs where.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <set>

#include "hamail/hacore/cluster/cluster_core.h"
#include "hamail/hacore/cluster/connectivity.h"
#include "hamail/hacore/config/cluster_config_loader.h"

namespace hamail::cluster {
namespace {

const char* kConfig = R"(cluster: {name: t}
nodes:
  - {name: node1, id: 1, ring_addrs: [10.0.0.1]}
  - {name: node2, id: 2, ring_addrs: [10.0.0.2]}
stonith: {enabled: false}
defaults: {migration_threshold: 3}
groups:
  - name: mail
    preferred_node: node1
    resources:
      - {name: vip, agent: "ocf:test:Dummy", ops: {monitor: {interval: 10s}}}
      - {name: vol, agent: "ocf:test:Dummy", promotable: true, ops: {monitor: {interval: 10s}}}
      - {name: smtpd, agent: "ocf:test:Dummy", ops: {monitor: {interval: 10s}}}
)";

class Sim : public ::testing::Test {
 protected:
  void SetUp() override {
    auto load = config::parse_cluster_config(kConfig, "t.yaml");
    ASSERT_TRUE(load.config) << load.errors[0].to_string();
    cfg_ = *load.config;
    cores_["node1"] = std::make_unique<ClusterCore>(cfg_, "node1");
    cores_["node2"] = std::make_unique<ClusterCore>(cfg_, "node2");
  }

  // What runs where, as the agents see it: resource -> status per node.
  std::map<std::pair<std::string, std::string>, int> truth_;  // 0 started, 8 promoted (absent: 7)
  std::set<std::pair<std::string, std::string>> fail_next_;    // (resource, node): next action fails

  void handle(const std::string& node, Effects& fx) {
    for (auto& e : fx.events) events_[node].push_back(e);
    for (auto& m : fx.broadcast) cpg_.push_back(m);
    for (auto& r : fx.probes) {
      auto it = truth_.find({r, node});
      pending_.push_back({node, "probe", r, it == truth_.end() ? 7 : it->second, {}});
    }
    for (auto& a : fx.run) pending_.push_back({node, "run", a.resource, 0, a});
    for (auto& r : fx.start_monitors) monitors_[node].insert(r);
    for (auto& r : fx.stop_monitors) monitors_[node].erase(r);
  }

  struct Pending {
    std::string node, what, resource;
    int rc;
    LocalAction action;
  };

  void membership(std::vector<std::string> members) {
    members_ = members;
    for (auto& name : members) {
      Effects fx;
      cores_[name]->on_quorum(true, now_, fx);
      handle(name, fx);
    }
    for (auto& name : members) {
      Effects fx;
      cores_[name]->on_group_membership(members, now_, fx);
      handle(name, fx);
    }
  }

  void settle(int rounds = 2000) {
    for (int i = 0; i < rounds; ++i) {
      now_ += 5;
      if (!cpg_.empty()) {
        json m = cpg_.front();
        cpg_.pop_front();
        for (auto& name : members_) {
          Effects fx;
          cores_[name]->on_message(m, now_, fx);
          handle(name, fx);
        }
        continue;
      }
      if (!pending_.empty()) {
        Pending p = pending_.front();
        pending_.pop_front();
        if (std::find(members_.begin(), members_.end(), p.node) == members_.end()) continue;
        Effects fx;
        if (p.what == "probe") {
          cores_[p.node]->on_probe_result(p.resource, p.rc, "", now_, fx);
        } else {
          AgentOutcome o;
          o.ok = !fail_next_.erase({p.resource, p.node});
          o.rc = o.ok ? 0 : 1;
          o.detail = o.ok ? "" : "injected failure";
          if (o.ok) {
            auto key = std::make_pair(p.resource, p.node);
            switch (p.action.kind) {
              case scheduler::ActionKind::start: truth_[key] = 0; break;
              case scheduler::ActionKind::promote: truth_[key] = 8; break;
              case scheduler::ActionKind::demote: truth_[key] = 0; break;
              case scheduler::ActionKind::stop: truth_.erase(key); break;
              default: break;
            }
          }
          cores_[p.node]->on_action_result(p.action, o, now_, fx);
        }
        handle(p.node, fx);
        continue;
      }
      for (auto& name : members_) {
        Effects fx;
        cores_[name]->tick(now_, fx);
        handle(name, fx);
      }
      if (cpg_.empty() && pending_.empty() && i > 10) {
        bool busy = false;
        for (auto& name : members_) busy |= cores_[name]->state().transition.has_value();
        if (!busy) return;
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

  Status command(const std::string& node, json req) {
    auto m = cores_[node]->command(req, now_);
    if (!m) return Error{m.error()};
    cpg_.push_back(*m);
    return Status::ok();
  }

  config::ClusterConfig cfg_;
  std::map<std::string, std::unique_ptr<ClusterCore>> cores_;
  std::vector<std::string> members_;
  std::deque<json> cpg_;
  std::deque<Pending> pending_;
  std::map<std::string, std::vector<json>> events_;
  std::map<std::string, std::set<std::string>> monitors_;
  std::int64_t now_ = 1'700'000'000'000;
};

TEST_F(Sim, BothNodesStartingAtOnceStartTheGroupOnceOnThePreferredNode) {
  membership({"node1", "node2"});
  settle();
  EXPECT_EQ(running_on("node1"), (std::set<std::string>{"vip", "vol", "smtpd"}));
  EXPECT_TRUE(running_on("node2").empty());
  EXPECT_EQ(truth_[std::make_pair(std::string("vol"), std::string("node1"))], 8);  // promoted
  EXPECT_TRUE(cores_["node1"]->is_dc());
  EXPECT_FALSE(cores_["node2"]->is_dc());
  EXPECT_EQ(monitors_["node1"].size(), 3u);
  // Both nodes agree on the state and on the event history.
  EXPECT_EQ(cores_["node1"]->state().to_json()["resources"], cores_["node2"]->state().to_json()["resources"]);
  EXPECT_TRUE(has_event("node2", "transition_finished"));
  EXPECT_EQ(cores_["node2"]->status()["groups"][0]["node"], "node1");
}

TEST_F(Sim, SwitchoverMovesTheGroupAndReportsPhases) {
  membership({"node1", "node2"});
  settle();
  ASSERT_TRUE(command("node2", {{"cmd", "switchover"}}));
  settle();
  EXPECT_TRUE(running_on("node1").empty());
  EXPECT_EQ(running_on("node2"), (std::set<std::string>{"vip", "vol", "smtpd"}));
  json end = last_event("node1", "switchover_end");
  ASSERT_FALSE(end.is_null());
  EXPECT_EQ(end["to"], "node2");
  EXPECT_TRUE(has_event("node2", "switchover_phase"));
  // No standing constraint (auto_failback is false): the request is gone.
  EXPECT_FALSE(cores_["node1"]->state().switchover.has_value());
  // Nothing else moves afterwards.
  settle();
  EXPECT_EQ(running_on("node2").size(), 3u);
}

TEST_F(Sim, SwitchoverToAStandbyNodeIsRefusedAndNothingMoves) {
  membership({"node1", "node2"});
  settle();
  ASSERT_TRUE(command("node1", {{"cmd", "standby"}, {"node", "node2"}}));
  settle();
  Status st = command("node1", {{"cmd", "switchover"}, {"to", "node2"}});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "cannot switch over to node2: it is in standby (hactl unstandby node2)");
  EXPECT_EQ(running_on("node1").size(), 3u);
}

TEST_F(Sim, NodeLossFailsOverWithATimedFailover) {
  membership({"node1", "node2"});
  settle();
  std::int64_t lost_at = now_;
  membership({"node2"});  // node1 powered off: its agents are gone with it
  for (auto it = truth_.begin(); it != truth_.end();) it = it->first.second == "node1" ? truth_.erase(it) : std::next(it);
  settle();
  EXPECT_TRUE(cores_["node2"]->is_dc());
  EXPECT_EQ(running_on("node2"), (std::set<std::string>{"vip", "vol", "smtpd"}));
  json end = last_event("node2", "failover_end");
  ASSERT_FALSE(end.is_null());
  EXPECT_EQ(end["from"], "node1");
  EXPECT_EQ(end["to"], "node2");
  EXPECT_GT(end["duration_ms"].get<std::int64_t>(), 0);
  EXPECT_LT(end["duration_ms"].get<std::int64_t>(), now_ - lost_at + 1);
  EXPECT_TRUE(has_event("node2", "node_lost"));
  // stonith disabled: the scheduler says so loudly.
  bool warned = false;
  for (auto& e : events_["node2"])
    if (e["event"] == "scheduler_note" && e["note"].get<std::string>().find("WARNING") != std::string::npos) warned = true;
  EXPECT_TRUE(warned);
}

TEST_F(Sim, ARestartedLowerIdNodeLearnsTheClusterHistoryInsteadOfWipingIt) {
  membership({"node1", "node2"});
  settle();
  ASSERT_TRUE(command("node1", {{"cmd", "switchover"}}));
  settle();
  ASSERT_TRUE(command("node2", {{"cmd", "standby"}, {"node", "node1"}}));
  settle();
  // node1 (the lowest id, so the DC once back) crashes and restarts with an empty state.
  membership({"node2"});
  for (auto it = truth_.begin(); it != truth_.end();) it = it->first.second == "node1" ? truth_.erase(it) : std::next(it);
  settle();
  cores_["node1"] = std::make_unique<ClusterCore>(cfg_, "node1");
  membership({"node1", "node2"});
  settle();
  EXPECT_TRUE(cores_["node1"]->is_dc());
  EXPECT_TRUE(cores_["node1"]->state().nodes.at("node1").standby) << "operator flag lost";
  bool has_switchover = false;
  for (const auto& e : cores_["node1"]->state().events)
    if (e["event"] == "switchover_end") has_switchover = true;
  EXPECT_TRUE(has_switchover) << "the restarted node did not get the cluster's history";
  EXPECT_EQ(running_on("node2").size(), 3u);
  EXPECT_TRUE(running_on("node1").empty());
}

TEST_F(Sim, MonitorFailureRestartsInPlaceThenMovesAtTheThreshold) {
  membership({"node1", "node2"});
  settle();
  for (int i = 1; i <= 3; ++i) {
    Effects fx;
    cores_["node1"]->on_monitor_result("smtpd", 7, "not running", now_, fx);
    handle("node1", fx);
    settle();
    if (i < 3) {
      EXPECT_EQ(running_on("node1").size(), 3u) << "failure " << i << ": restarted in place";
    }
  }
  EXPECT_TRUE(running_on("node1").empty()) << "moved after 3 failures";
  EXPECT_EQ(running_on("node2").size(), 3u);
  EXPECT_EQ(cores_["node2"]->status()["groups"][0]["resources"][2]["fail_counts"]["node1"], 3);
  // Cleanup forgets the failures.
  ASSERT_TRUE(command("node2", {{"cmd", "cleanup"}, {"resource", "smtpd"}}));
  settle();
  EXPECT_FALSE(cores_["node2"]->status()["groups"][0]["resources"][2].contains("fail_counts"));
}

TEST_F(Sim, FailedStartIsRecordedAndTheTransitionIsRetriedWithBackoff) {
  fail_next_.insert({"smtpd", "node1"});
  membership({"node1", "node2"});
  settle();
  now_ += 2000;  // past the retry backoff
  settle();
  EXPECT_TRUE(has_event("node1", "resource_failed"));
  EXPECT_TRUE(has_event("node1", "transition_aborted"));
  EXPECT_EQ(cores_["node1"]->status()["failed_actions"].size(), 1u);
  // Recovered: restart in place after the failure (below the threshold).
  EXPECT_EQ(running_on("node1").size(), 3u);
}

TEST_F(Sim, MaintenanceStopsAllActions) {
  membership({"node1", "node2"});
  settle();
  ASSERT_TRUE(command("node1", {{"cmd", "maintenance"}, {"on", true}}));
  settle();
  EXPECT_TRUE(monitors_["node1"].empty());
  Status st = command("node1", {{"cmd", "switchover"}});
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("maintenance"), std::string::npos);
}

TEST_F(Sim, CommandsNameWhatIsWrong) {
  membership({"node1", "node2"});
  settle();
  EXPECT_EQ(command("node1", {{"cmd", "switchover"}, {"group", "web"}}).message(), "no group named 'web'");
  EXPECT_EQ(command("node1", {{"cmd", "switchover"}, {"to", "node3"}}).message(), "no node named 'node3'");
  EXPECT_EQ(command("node1", {{"cmd", "switchover"}, {"to", "node1"}}).message(), "group mail already runs on node1");
  EXPECT_EQ(command("node1", {{"cmd", "restart"}, {"resource", "nope"}}).message(), "no resource named 'nope'");
  EXPECT_EQ(command("node1", {{"cmd", "frob"}}).message(), "unknown command 'frob'");
}

}  // namespace
}  // namespace hamail::cluster

namespace hamail::cluster {
namespace {

TEST(ConnectivityTracker, FlipsOnlyAfterThresholdRoundsInARow) {
  ConnectivityTracker t(3);
  EXPECT_TRUE(t.ok());
  EXPECT_EQ(t.round(false), std::nullopt);
  EXPECT_EQ(t.round(false), std::nullopt);
  EXPECT_EQ(t.round(true), std::nullopt);  // a single answer resets the streak
  EXPECT_EQ(t.round(false), std::nullopt);
  EXPECT_EQ(t.round(false), std::nullopt);
  EXPECT_EQ(t.round(false), std::optional<bool>(false));
  EXPECT_FALSE(t.ok());
  // Flapping does not bring it back either.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(t.round(i % 2 == 0), std::nullopt);
  }
  EXPECT_EQ(t.round(true), std::nullopt);
  EXPECT_EQ(t.round(true), std::nullopt);
  EXPECT_EQ(t.round(true), std::optional<bool>(true));
}

}  // namespace
}  // namespace hamail::cluster

namespace hamail::cluster {
namespace {

TEST_F(Sim, LosingConnectivityMovesTheGroupToTheNodeThatStillHasIt) {
  membership({"node1", "node2"});
  settle();
  cpg_.push_back(cores_["node1"]->connectivity_report(false, now_));
  settle();
  EXPECT_TRUE(running_on("node1").empty());
  EXPECT_EQ(running_on("node2").size(), 3u);
  EXPECT_TRUE(has_event("node2", "connectivity_lost"));
  // Regained: the group stays where it is (stickiness), nothing bounces back.
  cpg_.push_back(cores_["node1"]->connectivity_report(true, now_));
  settle();
  EXPECT_EQ(running_on("node2").size(), 3u);
}

}  // namespace
}  // namespace hamail::cluster
