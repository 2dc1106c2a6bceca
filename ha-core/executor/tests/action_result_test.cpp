#include <gtest/gtest.h>

#include "hamail/hacore/executor/action_log.h"
#include "hamail/hacore/executor/action_result.h"

namespace hamail::executor {
namespace {

ActionKey key(Action a, std::uint64_t interval = 0) { return {"vip", a, interval, *parse_agent_spec("ocf:hamail:vip")}; }

TEST(ExecutorActionResult, FindsTheLastExitReasonLine) {
  EXPECT_EQ(find_exit_reason(""), "");
  EXPECT_EQ(find_exit_reason("noise\nocf-exit-reason:first\nmore\nocf-exit-reason:second\n"), "second");
  EXPECT_EQ(find_exit_reason("ocf-exit-reason:only"), "only");
  EXPECT_EQ(find_exit_reason("text ocf-exit-reason:not at line start\n"), "");
}

TEST(ExecutorActionResult, TailKeepsTheLastBytesWithoutTheFinalNewline) {
  EXPECT_EQ(tail("abc\n", 10), "abc");
  EXPECT_EQ(tail("0123456789\n", 4), "6789");
  EXPECT_EQ(tail("", 4), "");
}

TEST(ExecutorActionResult, FromAChildThatFailed) {
  uv::ChildResult child;
  child.exit_code = 7;
  child.stdout_data = "out\n";
  child.stderr_data = "ocf-exit-reason:vip 10.0.0.10 not configured on eth0\n";
  child.duration_ms = 12;
  ActionResult r = result_from_child(key(Action::monitor, 10000), child, 100);
  EXPECT_EQ(r.rc, OcfRc::not_running);
  EXPECT_EQ(r.classification, Classification::not_running);
  EXPECT_EQ(r.exit_reason, "vip 10.0.0.10 not configured on eth0");
  EXPECT_EQ(r.stdout_tail, "out");
  EXPECT_EQ(r.agent, "ocf:hamail:vip");
  EXPECT_EQ(r.describe(), "vip_monitor_10000: not running (exit code 7): vip 10.0.0.10 not configured on eth0");
}

TEST(ExecutorActionResult, ATimeoutOrASignalIsAGenericError) {
  uv::ChildResult child;
  child.exit_code = 0;  // an agent that trapped SIGTERM and exited 0 still timed out
  child.timed_out = true;
  child.duration_ms = 20001;
  ActionResult r = result_from_child(key(Action::start), child, 100);
  EXPECT_EQ(r.rc, OcfRc::err_generic);
  EXPECT_EQ(r.classification, Classification::soft_error);
  EXPECT_EQ(r.describe(), "vip_start_0: timed out after 20001 ms");

  uv::ChildResult killed;
  killed.term_signal = 9;
  ActionResult k = result_from_child(key(Action::stop), killed, 100);
  EXPECT_EQ(k.rc, OcfRc::err_generic);
  EXPECT_FALSE(k.timed_out);
  EXPECT_EQ(k.describe(), "vip_stop_0: error (killed by signal 9)");
}

TEST(ExecutorActionResult, NotRunIsNotInstalled) {
  ActionResult r = result_not_run(key(Action::start), "agent '/x/vip' not found");
  EXPECT_EQ(r.rc, OcfRc::not_installed);
  EXPECT_EQ(r.classification, Classification::hard_error);
  EXPECT_EQ(r.describe(), "vip_start_0: not installed (agent '/x/vip' not found)");
  EXPECT_EQ(result_not_run(key(Action::monitor), "gone").classification, Classification::not_running);
}

TEST(ExecutorActionLog, OneLogfmtRecordPerResult) {
  std::vector<std::string> lines;
  Logger log("hacored", LogLevel::debug);
  log.set_stderr(false);
  log.set_capture(&lines);
  uv::ChildResult child;
  child.exit_code = 1;
  child.stderr_data = "ocf-exit-reason:cannot bind 10.0.0.10\n";
  child.duration_ms = 5;
  log_action_result(log, result_from_child(key(Action::start), child, 100));
  ASSERT_EQ(lines.size(), 1u);
  const std::string& l = lines[0];
  for (const char* part : {"level=warning", "event=action_result", "resource=vip", "action=start", "rc=1",
                           "rc_text=error", "class=soft_error", "timed_out=false", "duration_ms=5", "exit_code=1",
                           "reason=\"cannot bind 10.0.0.10\""})
    EXPECT_NE(l.find(part), std::string::npos) << part << " in " << l;

  child.exit_code = 0;
  log_action_result(log, result_from_child(key(Action::monitor, 1000), child, 100), false);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[1].find("level=debug"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("changed=false"), std::string::npos) << lines[1];
}

}  // namespace
}  // namespace hamail::executor
