// Recurring monitors: they repeat, report changes, and stop when cancelled.
#include "executor_fixture.h"

namespace hamail::executor::testing {
namespace {

TEST_F(ExecutorTest, RecurringMonitorRepeatsUntilCancelled) {
  fs::path count = dir_ / "count";
  add(resource("vip", "ocf:test:monitor_file", {{"count_file", count.string()}}));
  std::vector<MonitorEvent> events;
  ASSERT_TRUE(exec_->start_monitor("vip", 50, [&](const MonitorEvent& ev) {
    events.push_back(ev);
    if (events.size() == 4) {
      EXPECT_TRUE(exec_->cancel_monitor("vip", 50));  // from inside its own callback
    }
  }));
  EXPECT_TRUE(exec_->has_monitor("vip", 50));
  EXPECT_FALSE(exec_->start_monitor("vip", 50, nullptr));  // one per interval
  ASSERT_TRUE(wait_for([&] { return events.size() == 4; }));
  EXPECT_FALSE(exec_->has_monitor("vip", 50));
  run_for(*loop_, 300);
  EXPECT_EQ(events.size(), 4u);
  EXPECT_EQ(lines_of(read_file(count)).size(), 4u);

  EXPECT_TRUE(events[0].changed);
  EXPECT_FALSE(events[0].previous_rc.has_value());
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_FALSE(events[i].changed) << i;
    EXPECT_EQ(events[i].previous_rc, OcfRc::success);
  }
  for (const MonitorEvent& ev : events) {
    EXPECT_EQ(ev.result.action, Action::monitor);
    EXPECT_EQ(ev.result.interval_ms, 50u);
    EXPECT_FALSE(ev.result.is_probe());
    EXPECT_TRUE(ev.result.ok());
  }
  // Unchanged results are logged at debug, the first at info.
  std::vector<std::string> lines = action_result_lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[0].find("level=info"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("changed=true"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("level=debug"), std::string::npos) << lines[1];
}

TEST_F(ExecutorTest, RecurringMonitorReportsAChange) {
  fs::path rc_file = dir_ / "rc";
  add(resource("vip", "ocf:test:monitor_file", {{"rc_file", rc_file.string()}}));
  std::vector<MonitorEvent> events;
  ASSERT_TRUE(exec_->start_monitor("vip", 30, [&](const MonitorEvent& ev) {
    events.push_back(ev);
    if (events.size() == 2) write_file(rc_file, "7\n");  // the resource dies
  }));
  ASSERT_TRUE(wait_for([&] { return events.size() == 4; }));
  ASSERT_TRUE(exec_->cancel_monitor("vip", 30));
  EXPECT_TRUE(events[0].changed);
  EXPECT_FALSE(events[1].changed);
  EXPECT_TRUE(events[2].changed);
  EXPECT_EQ(events[2].previous_rc, OcfRc::success);
  EXPECT_EQ(events[2].result.rc, OcfRc::not_running);
  EXPECT_EQ(events[2].result.classification, Classification::not_running);
  EXPECT_FALSE(events[3].changed);
}

TEST_F(ExecutorTest, RecurringMonitorsOfOneResourceShareItsQueue) {
  fs::path log = dir_ / "timeline.log";
  add(resource("mail", "ocf:test:timeline", {{"log", log.string()}, {"sleep", "0.05"}}));
  int fast = 0, slow = 0, started = 0;
  ASSERT_TRUE(exec_->start_monitor("mail", 20, [&](const MonitorEvent&) { ++fast; }));
  ASSERT_TRUE(exec_->start_monitor("mail", 40, [&](const MonitorEvent&) { ++slow; }));
  ASSERT_TRUE(exec_->execute("mail", Action::start, [&](const ActionResult&) { ++started; }));
  ASSERT_TRUE(wait_for([&] { return fast >= 3 && slow >= 2 && started == 1; }));
  EXPECT_TRUE(exec_->cancel_monitor("mail", 20));
  EXPECT_TRUE(exec_->cancel_monitor("mail", 40));
  ASSERT_TRUE(wait_for([&] { return !exec_->running("mail"); }));

  long long last_end = 0;
  for (const std::string& line : lines_of(read_file(log))) {
    std::istringstream in(line);
    std::string what, res, action;
    long long ns = 0;
    in >> what >> res >> action >> ns;
    if (what == "begin") {
      EXPECT_GE(ns, last_end) << "overlapping actions";
    }
    if (what == "end") last_end = ns;
  }
}

TEST_F(ExecutorTest, CancellingWhileARunIsInProgressDropsItsReport) {
  fs::path log = dir_ / "timeline.log";
  add(resource("mail", "ocf:test:timeline", {{"log", log.string()}, {"sleep", "0.2"}}));
  int events = 0;
  ASSERT_TRUE(exec_->start_monitor("mail", 1000, [&](const MonitorEvent&) { ++events; }));
  ASSERT_TRUE(wait_for([&] { return exec_->running("mail"); }));
  ASSERT_TRUE(exec_->cancel_monitor("mail", 1000));
  ASSERT_TRUE(wait_for([&] { return !exec_->running("mail"); }));
  run_for(*loop_, 50);
  EXPECT_EQ(events, 0);
  EXPECT_EQ(action_result_lines().size(), 1u);  // still logged
  EXPECT_TRUE(exec_->remove_resource("mail"));
}

}  // namespace
}  // namespace hamail::executor::testing
