// Malformed, forged, duplicate and late messages through two running ClusterCores: each
// is dropped with a message_dropped event naming the sender, the state of both nodes is
// unchanged, nothing crashes, and the cluster goes on working afterwards.
#include <gtest/gtest.h>

#include "core_sim.h"
#include "sample_messages.h"

namespace hamail::cluster {
namespace {

using coresim::Sim;
using nlohmann::json;

// Everything of the state a message could change, but the event history.
json fingerprint(const ClusterCore& c) {
  const SharedState& s = c.state();
  json j;
  for (const auto& [name, ns] : s.nodes)
    j["nodes"][name] = {scheduler::to_string(ns.status), ns.standby, ns.connectivity_ok};
  j["members"] = s.members;
  j["probed"] = s.probed;
  j["leaving"] = s.leaving;
  for (const auto& [key, st] : s.resources) j["resources"].push_back({key.first, key.second, scheduler::to_string(st)});
  for (const auto& [key, f] : s.failures)
    j["failures"].push_back({key.first, key.second, f.count, f.last_failure.count(), f.operation});
  j["maintenance"] = s.maintenance;
  if (s.switchover)
    j["switchover"] = {s.switchover->id, s.switchover->group, s.switchover->target.value_or(""), s.switchover->from,
                       s.switchover->requested_ms, s.switchover->done};
  if (s.transition) j["transition"] = {s.transition->id, s.transition->next, s.transition->waiting};
  j["last_transition_id"] = s.last_transition_id;
  for (const auto& [g, f] : s.failovers) j["failovers"][g] = {f.from, f.lost_ms};
  j["failed_actions"] = json(s.failed_actions);
  j["fencing_history"] = json(s.fencing_history);
  if (s.last_transition) j["last_transition"] = *s.last_transition;
  j["frozen"] = c.frozen();
  j["status"] = c.status();
  return j;
}

struct Bad {
  std::string sender;
  std::string bytes;
};

std::string with(json j, std::initializer_list<std::pair<const char*, json>> changes) {
  for (const auto& [k, v] : changes) j[k] = v;
  return j.dump();
}

json sample_from(const std::string& type, const std::string& node) {
  for (const auto& m : samples::one_of_each())
    if (protocol::type_name(m.body) == type) {
      json j = json::parse(protocol::encode(m));
      j["from"] = node;
      if (j.contains("node")) j["node"] = node;
      return j;
    }
  return json::object();
}

// Shapes that fail to decode: every sample with each field given a value of another kind.
std::vector<Bad> undecodable() {
  std::vector<Bad> out = {
      {"node2", ""}, {"node2", "garbage"}, {"node2", "[1,2,3]"}, {"node2", "{\"v\":2}"},
      {"node2", std::string(100, '{')}, {"node2", R"({"v":5,"t":"frob","from":"node2"})"},
      {"node2", R"({"v":5,"t":"hello","from":"node2","node":"node2","config":"","extra":1})"},
      {"node2", std::string(protocol::kMaxMessageBytes + 10, 'x')},
  };
  const json others = json::parse(R"(["x", 3, -1, 1.5, true, null, [], {}])");
  for (const auto& m : samples::one_of_each()) {
    json good = sample_from(protocol::type_name(m.body), "node2");
    for (const auto& [key, value] : good.items()) {
      if (key == "v" || key == "t" || key == "from") continue;
      for (const auto& other : others)
        if (other.type() != value.type()) out.push_back({"node2", with(good, {{key.c_str(), other}})});
    }
  }
  return out;
}

// Well-formed messages the state refuses: unknown names, the wrong sender, late, duplicate.
std::vector<Bad> refused_by_the_state() {
  json result = sample_from("action_result", "node1");  // transition 1's first result: applied already
  result["id"] = 1;
  return {
      {"node9", sample_from("hello", "node9").dump()},                               // not a configured node
      {"node2", with(sample_from("hello", "node2"), {{"from", "node1"}})},           // claims another sender
      {"node2", with(sample_from("hello", "node2"), {{"node", "node1"}})},
      {"node2", with(sample_from("probe_report", "node2"), {{"node", "node1"}})},     // reports on another node
      {"node2", with(sample_from("failure", "node2"), {{"resource", "nope"}})},
      {"node2", with(sample_from("failure", "node2"), {{"node", "node1"}})},
      {"node2", with(sample_from("leaving", "node2"), {{"node", "node1"}})},
      {"node2", with(sample_from("connectivity", "node2"), {{"node", "node1"}})},
      {"node2", with(sample_from("quorum", "node2"), {{"node", "node1"}})},
      {"node2", with(sample_from("set_standby", "node2"), {{"node", "node9"}})},
      {"node2", with(sample_from("switchover", "node2"), {{"group", "web"}})},
      {"node2", with(sample_from("switchover", "node2"), {{"target", "node9"}})},
      {"node2", with(sample_from("switchover_clear", "node2"), {{"group", "web"}})},
      {"node2", with(sample_from("cleanup", "node2"), {{"resource", "nope"}})},
      {"node2", with(sample_from("restart", "node2"), {{"resource", "nope"}})},
      {"node2", sample_from("transition_start", "node2").dump()},                    // not the DC
      {"node2", with(sample_from("action_request", "node2"), {{"id", 1}})},          // not the DC
      {"node2", with(sample_from("switchover_end", "node2"), {{"id", 1}})},          // not the DC
      {"node1", with(sample_from("switchover_end", "node1"), {{"id", 424242}})},     // no such switchover
      {"node1", with(sample_from("action_request", "node1"), {{"id", 1}})},          // late: nothing runs
      {"node1", with(sample_from("transition_start", "node1"), {{"id", 1}})},        // an old id
      {"node1", with(sample_from("transition_start", "node1"), {{"id", 99}, {"facts", 12345}})},  // stale plan
      {"node1", [] {
         json j = sample_from("transition_start", "node1");
         j["id"] = 99;
         j["actions"][0]["resource"] = "nope";
         return j.dump();
       }()},
      {"node1", result.dump()},                                                      // a duplicate result
      {"node1", with(result, {{"node", "node2"}})},                                  // about another node
      {"node1", with(result, {{"resource", "nope"}, {"id", 77}})},
      {"node2", with(result, {{"node", "node2"}, {"kind", "fence"}, {"resource", ""}, {"id", 77}})},  // fence: DC only
  };
}

TEST_F(Sim, BadMessagesAreDroppedLeavingBothNodesUnchangedAndWorking) {
  expect_drops_ = true;
  membership({"node1", "node2"});
  settle();
  ASSERT_EQ(running_on("node1").size(), 3u);
  std::vector<Bad> bad = undecodable();
  for (auto& b : refused_by_the_state()) bad.push_back(b);
  ASSERT_GT(bad.size(), 300u);
  for (const auto& b : bad) {
    SCOPED_TRACE(b.sender + ": " + b.bytes.substr(0, 240));
    json before1 = fingerprint(*cores_["node1"]), before2 = fingerprint(*cores_["node2"]);
    deliver(b.sender, b.bytes);
    EXPECT_EQ(fingerprint(*cores_["node1"]), before1);
    EXPECT_EQ(fingerprint(*cores_["node2"]), before2);
    for (const std::string node : {"node1", "node2"}) {
      ASSERT_FALSE(events_[node].empty());
      const json& e = events_[node].back();
      EXPECT_EQ(e["event"], "message_dropped");
      EXPECT_EQ(e["from"], b.sender);
      EXPECT_FALSE(e["error"].get<std::string>().empty());
    }
    EXPECT_TRUE(cpg_.empty()) << "a dropped message made a node say something";
    EXPECT_TRUE(pending_.empty()) << "a dropped message made a node run something";
  }
  // Still a working cluster.
  ASSERT_TRUE(command("node2", {{"cmd", "switchover"}}));
  settle();
  EXPECT_EQ(running_on("node2").size(), 3u);
  EXPECT_TRUE(running_on("node1").empty());
}

TEST_F(Sim, AStateSyncNamingUnknownThingsIsTakenWithoutThem) {
  membership({"node1", "node2"});
  settle();
  StateSnapshot snap = samples::sample_snapshot();
  snap.failures.push_back({"ghost", "node1", 5, 10, "monitor"});
  snap.failures.push_back({"smtpd", "node9", 5, 10, "monitor"});
  snap.nodes["node9"] = NodeFlags{true, false};
  snap.switchover->group = "web";
  deliver("node2", protocol::encode(protocol::Message{protocol::kVersion, "node2", protocol::StateSync{snap}}));
  const SharedState& s = cores_["node1"]->state();
  EXPECT_EQ(s.failures.size(), 1u);
  EXPECT_TRUE(s.failures.count({"smtpd", "node1"}));
  EXPECT_FALSE(s.nodes.count("node9"));
  EXPECT_FALSE(s.switchover.has_value());
  EXPECT_TRUE(s.nodes.at("node2").standby);
}

TEST_F(Sim, ALateResultOfAnAbortedTransitionIsAFactAndItsDuplicateIsNot) {
  membership({"node1", "node2"});
  settle();
  // A result for a transition that is not running, for an action never recorded as
  // applied (it ran while the membership changed, say): its fact counts.
  protocol::ActionResult late{7, 2, "node2", "smtpd", scheduler::ActionKind::start, true, 0, "", 10};
  std::string bytes = protocol::encode(protocol::Message{protocol::kVersion, "node2", late});
  deliver("node2", bytes);
  EXPECT_EQ(cores_["node1"]->state().resources.at({"smtpd", "node2"}), scheduler::ResourceStatus::started);
  EXPECT_EQ(cores_["node2"]->state().resources.at({"smtpd", "node2"}), scheduler::ResourceStatus::started);
  json before = fingerprint(*cores_["node1"]);
  expect_drops_ = true;
  deliver("node2", bytes);
  EXPECT_EQ(fingerprint(*cores_["node1"]), before);
  EXPECT_EQ(last_event("node1", "message_dropped")["error"], "a duplicate result of action 2 of transition 7");
  // The core recovers from the fact (smtpd active on both nodes): it stops the stray one.
  truth_[{"smtpd", "node2"}] = 0;
  settle();
  EXPECT_EQ(running_on("node1").size(), 3u);
  EXPECT_TRUE(running_on("node2").empty());
}

TEST_F(Sim, AGroupFoundActiveOnBothNodesAfterAPartitionHealsIsRecoveredNotAborted) {
  for (const std::string node : {"node1", "node2"}) {
    truth_[{"vip", node}] = 0;
    truth_[{"vol", node}] = 8;
    truth_[{"smtpd", node}] = 0;
  }
  membership({"node1", "node2"});
  settle();
  EXPECT_EQ(running_on("node1").size() + running_on("node2").size(), 3u);
  EXPECT_EQ(cores_["node1"]->state().resources, cores_["node2"]->state().resources);
}

}  // namespace
}  // namespace hamail::cluster
