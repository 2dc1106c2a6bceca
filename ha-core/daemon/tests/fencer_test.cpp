// The Fencer over fake fence devices: topology levels in order (a level needs all its
// devices), reboot with two devices (all off, then all on), the status that confirms an
// off, retries, device delays, the race delay (waited, or skipped when the target is
// already off) and device monitors.
#include <gtest/gtest.h>

#include <algorithm>

#include "fakes.h"
#include "hamail/hacore/config/cluster_config_loader.h"
#include "hamail/hacore/daemon/fencer.h"

namespace hamail::hacore {
namespace {

const char* const kConfig = R"(cluster: {name: t}
nodes:
  - {name: node1, id: 1, ring_addrs: [10.0.0.1]}
  - {name: node2, id: 2, ring_addrs: [10.0.0.2]}
stonith:
  action: off
  devices:
    - {name: ipmi2, agent: fence_ipmilan, hosts: [node2], retries: 1, monitor_interval: 0ms}
    - {name: pdu-a, agent: fence_apc, hosts: [node1, node2], retries: 0, delay_base: 2s, monitor_interval: 30s}
    - {name: pdu-b, agent: fence_apc, hosts: [node1, node2], retries: 0, monitor_interval: 0ms}
  topology:
    node2: [ipmi2, [pdu-a, pdu-b]]
)";

class FencerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto load = config::parse_cluster_config(kConfig, "t.yaml");
    ASSERT_TRUE(load.config) << load.errors[0].to_string();
    cfg_ = *load.config;
    fencer_ = std::make_unique<Fencer>(cfg_.stonith, devices_, clock_);
    fencer_->set_health_listener([this](const std::string& d, bool ok, const std::string&) {
      health_events_.push_back(d + (ok ? " ok" : " failed"));
    });
  }
  // Completes device runs and ticks (100 ms each) until the job is done or `ms` passed.
  void run_for(std::int64_t ms) {
    for (std::int64_t t = 0; t < ms && !outcome_; t += 100) {
      while (devices_.complete_one()) {}
      if (outcome_) break;
      clock_.mono += 100;
      fencer_->tick();
    }
  }
  void fence(std::string target, std::string action = "off", std::int64_t delay = 0) {
    cluster::FenceJob job{1, 0, std::move(target), std::move(action), "test", delay, delay ? "race" : ""};
    ASSERT_TRUE(fencer_->fence(job, [this](const cluster::FenceOutcome& o) { outcome_ = o; }));
  }
  config::ClusterConfig cfg_;
  fakes::FakeFenceDevices devices_;
  fakes::FakeClock clock_;
  std::unique_ptr<Fencer> fencer_;
  std::optional<cluster::FenceOutcome> outcome_;
  std::vector<std::string> health_events_;
};

TEST_F(FencerTest, TheFirstLevelThatWorksFencesAndAnOffIsConfirmedByStatus) {
  fence("node2");
  run_for(5000);
  ASSERT_TRUE(outcome_);
  EXPECT_TRUE(outcome_->ok) << outcome_->detail;
  EXPECT_EQ(outcome_->level, 1u);
  EXPECT_EQ(outcome_->devices, std::vector<std::string>{"ipmi2"});
  EXPECT_EQ(devices_.calls, (std::vector<std::string>{"ipmi2 off node2", "ipmi2 status node2"}));
  EXPECT_NE(outcome_->detail.find("off confirmed by ipmi2 status"), std::string::npos) << outcome_->detail;
}

TEST_F(FencerTest, AFailingLevelIsRetriedThenTheNextLevelNeedsAllItsDevices) {
  devices_.failing = {"ipmi2"};
  fence("node2");
  run_for(10000);
  ASSERT_TRUE(outcome_);
  EXPECT_TRUE(outcome_->ok) << outcome_->detail;
  EXPECT_EQ(outcome_->level, 2u);
  EXPECT_EQ(outcome_->devices, (std::vector<std::string>{"pdu-a", "pdu-b"}));
  EXPECT_EQ(devices_.calls, (std::vector<std::string>{"ipmi2 off node2", "ipmi2 off node2", "pdu-a off node2",
                                                       "pdu-a status node2", "pdu-b off node2", "pdu-b status node2"}));
  EXPECT_GE(outcome_->delay_ms, 2000u) << "pdu-a's delay_base";
}

TEST_F(FencerTest, ALevelFailsWhenOneOfItsDevicesFails) {
  devices_.failing = {"ipmi2", "pdu-b"};
  fence("node2");
  run_for(10000);
  ASSERT_TRUE(outcome_);
  EXPECT_FALSE(outcome_->ok);
  EXPECT_NE(outcome_->detail.find("level 1 (ipmi2): ipmi2 off: exit code 1"), std::string::npos) << outcome_->detail;
  EXPECT_NE(outcome_->detail.find("level 2 (pdu-a, pdu-b): pdu-b off"), std::string::npos) << outcome_->detail;
}

TEST_F(FencerTest, RebootWithTwoDevicesTurnsAllOffThenAllOn) {
  devices_.failing = {"ipmi2"};
  fence("node2", "reboot");
  run_for(10000);
  ASSERT_TRUE(outcome_ && outcome_->ok);
  std::vector<std::string> level2(devices_.calls.begin() + 2, devices_.calls.end());
  EXPECT_EQ(level2, (std::vector<std::string>{"pdu-a off node2", "pdu-a status node2", "pdu-b off node2",
                                              "pdu-b status node2", "pdu-a on node2", "pdu-b on node2"}));
}

TEST_F(FencerTest, AnOffThatStatusDoesNotConfirmFails) {
  devices_.missing = {"pdu-a"};
  // ipmi2 powers node2 off, but something powers it on again before status asks.
  devices_.on_power_off = [this](const std::string& n) { devices_.off.erase(n); };
  cfg_.stonith.topology["node2"] = {{"ipmi2"}};
  fence("node2");
  run_for(5000);
  ASSERT_TRUE(outcome_);
  EXPECT_FALSE(outcome_->ok);
  EXPECT_NE(outcome_->detail.find("node2 is still on after off"), std::string::npos) << outcome_->detail;
}

TEST_F(FencerTest, TheRaceDelayIsWaitedUnlessTheTargetIsAlreadyOff) {
  fence("node1", "off", 5000);  // node1's only level: pdu-a (delay_base 2 s), pdu-b
  run_for(3000);
  EXPECT_FALSE(outcome_) << "still waiting its race delay";
  EXPECT_EQ(devices_.calls, (std::vector<std::string>{"pdu-a status node1"})) << "the precheck only";
  run_for(10000);
  ASSERT_TRUE(outcome_ && outcome_->ok);
  EXPECT_GE(outcome_->delay_ms, 7000u);

  outcome_.reset();
  devices_.calls.clear();
  devices_.off = {"node1"};  // it really died
  std::int64_t before = clock_.mono;
  fence("node1", "off", 5000);
  run_for(10000);
  ASSERT_TRUE(outcome_ && outcome_->ok);
  EXPECT_LT(clock_.mono - before, 4000) << "the race delay was skipped";
  EXPECT_NE(outcome_->detail.find("delay skipped: already off"), std::string::npos) << outcome_->detail;
}

TEST_F(FencerTest, AFenceWaitingItsRaceDelayIsDroppedWhenTheTargetIsConfirmedOff) {
  fence("node1", "off", 5000);
  fence("node1");  // a retry queued behind it
  run_for(1000);
  ASSERT_EQ(devices_.calls, (std::vector<std::string>{"pdu-a status node1"}));
  EXPECT_EQ(fencer_->cancel("node1"), 2u);
  EXPECT_FALSE(fencer_->busy());
  run_for(20000);
  EXPECT_FALSE(outcome_) << "a dropped job never answers";
  std::erase(devices_.calls, "pdu-a monitor");
  EXPECT_EQ(devices_.calls, (std::vector<std::string>{"pdu-a status node1"})) << "nobody shot node1 afterwards";
}

TEST_F(FencerTest, ARunningAgentFinishesButTheFenceStopsThere) {
  fence("node2");
  fence("node1");
  EXPECT_EQ(fencer_->cancel("node2"), 1u);  // its `ipmi2 off` runs
  EXPECT_EQ(fencer_->cancel("node2"), 0u) << "already stopping";
  run_for(20000);
  ASSERT_TRUE(outcome_) << "node1's fence runs next";
  ASSERT_GE(devices_.calls.size(), 2u);
  EXPECT_EQ(devices_.calls[0], "ipmi2 off node2");
  EXPECT_EQ(devices_.calls[1], "pdu-a off node1") << "no status confirmation for node2's stopped fence";
  EXPECT_EQ(std::count(devices_.calls.begin(), devices_.calls.end(), "ipmi2 status node2"), 0);
}

TEST_F(FencerTest, MonitorsReportADeadDeviceBeforeItIsNeeded) {
  fencer_->tick();
  while (devices_.complete_one()) {}
  EXPECT_TRUE(health_events_.empty()) << "a healthy first check is quiet";
  EXPECT_EQ(fencer_->health()["pdu-a"]["ok"], true);
  EXPECT_FALSE(fencer_->health()["ipmi2"].contains("ok")) << "never monitored";
  devices_.failing = {"pdu-a"};
  clock_.mono += 30000;
  fencer_->tick();
  while (devices_.complete_one()) {}
  EXPECT_EQ(health_events_, std::vector<std::string>{"pdu-a failed"});
  EXPECT_EQ(fencer_->health()["pdu-a"]["ok"], false);
  devices_.failing.clear();
  clock_.mono += 30000;
  fencer_->tick();
  while (devices_.complete_one()) {}
  EXPECT_EQ(health_events_.back(), "pdu-a ok");
}

}  // namespace
}  // namespace hamail::hacore
