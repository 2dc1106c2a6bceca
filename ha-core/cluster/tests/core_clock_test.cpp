// One clock: back-offs, durations and failure ages run on each node's monotonic clock;
// the wall clock only stamps events. Stepping the wall clock moves no back-off and no
// duration, and a state_sync hands over ages, never another node's monotonic values.
#include <gtest/gtest.h>

#include "core_sim.h"

namespace hamail::cluster {
namespace {

using coresim::Sim;
using nlohmann::json;

std::size_t count(const std::vector<json>& events, const std::string& name) {
  std::size_t n = 0;
  for (const auto& e : events) n += e["event"] == name;
  return n;
}

TEST_F(Sim, AWallClockStepMovesNoBackOff) {
  fail_next_.insert({"smtpd", "node1"});
  membership({"node1", "node2"});
  settle();  // the first transition failed: the next waits 1 s (monotonic)
  ASSERT_TRUE(has_event("node1", "transition_aborted"));
  const std::size_t started = count(events_["node1"], "transition_started");
  auto tick = [&] {
    Effects fx;
    cores_["node1"]->tick(now("node1"), fx);
    handle("node1", fx);
    while (!cpg_.empty()) {  // what it multicast is applied (agents do not run yet)
      auto m = cpg_.front();
      cpg_.pop_front();
      deliver(m.sender, m.bytes);
    }
  };
  wall_ += 3'600'000;  // an hour forward (NTP step, operator date -s)
  mono_ += 10;
  tick();
  EXPECT_EQ(count(events_["node1"], "transition_started"), started) << "a wall-clock step ended the back-off";
  wall_ -= 7'200'000;  // and two hours back
  tick();
  EXPECT_EQ(count(events_["node1"], "transition_started"), started);
  mono_ += 1000;  // the back-off really elapses
  tick();
  EXPECT_EQ(count(events_["node1"], "transition_started"), started + 1);
  settle();
  EXPECT_EQ(running_on("node1").size(), 3u);
}

TEST_F(Sim, DurationsAcrossNodesUseEachNodesOwnMonotonicClock) {
  membership({"node1", "node2"});
  settle();
  // Requested on node2 (whose monotonic clock is ~11 days ahead of node1's), ended by
  // the DC node1; the wall clock steps back an hour in between.
  ASSERT_TRUE(command("node2", {{"cmd", "switchover"}}));
  wall_ -= 3'600'000;
  settle();
  for (const std::string node : {"node1", "node2"}) {
    json end = last_event(node, "switchover_end");
    ASSERT_FALSE(end.is_null()) << node;
    std::int64_t d = end["duration_ms"].get<std::int64_t>();
    EXPECT_GT(d, 0) << node;
    EXPECT_LT(d, 10'000) << node;
    // Its timestamp is the wall clock (after the step), for the operator.
    EXPECT_LE(end["ts_ms"].get<std::int64_t>(), now(node).wall_ms);
    EXPECT_GT(end["ts_ms"].get<std::int64_t>(), now(node).wall_ms - 20'000);
  }
  json finished = last_event("node2", "transition_finished");
  EXPECT_GT(finished["duration_ms"].get<std::int64_t>(), 0);
  EXPECT_LT(finished["duration_ms"].get<std::int64_t>(), 10'000);
}

TEST_F(Sim, AStateSyncCarriesAgesThatTheReceiverTurnsIntoItsOwnClock) {
  membership({"node1", "node2"});
  settle();
  Effects fx;
  cores_["node1"]->on_monitor_result("smtpd", 7, "not running", now("node1"), fx);
  handle("node1", fx);
  settle();
  mono_ += 5000;
  // node1 restarts (a new process: its monotonic clock is its own) and learns the
  // failure from node2's state_sync.
  lose("node1");
  settle();
  cores_["node1"] = std::make_unique<ClusterCore>(cfg_, "node1");
  membership({"node1", "node2"});
  settle();
  const auto& theirs = cores_["node2"]->state().failures.at({"smtpd", "node1"});
  const auto& ours = cores_["node1"]->state().failures.at({"smtpd", "node1"});
  EXPECT_EQ(ours.count, theirs.count);
  std::int64_t age_there = now("node2").mono_ms - theirs.last_failure.count();
  std::int64_t age_here = now("node1").mono_ms - ours.last_failure.count();
  EXPECT_GT(age_here, 5000);
  EXPECT_NEAR(static_cast<double>(age_here), static_cast<double>(age_there), 200.0)
      << "node1 took node2's monotonic value instead of its age";
}

}  // namespace
}  // namespace hamail::cluster
