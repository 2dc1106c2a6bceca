#include <gtest/gtest.h>

#include <csignal>
#include <optional>

#include "hamail/uv/child_process.h"
#include "uv_test_util.h"

namespace hamail::uv {
namespace {

using testing::process_gone;
using testing::run_until;

class UvChildProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop) << loop.error();
    loop_ = std::move(*loop);
  }

  // Spawns, runs the loop until the child is reported (bounded), returns its result.
  ChildResult run(ChildOptions options, std::uint64_t deadline_ms = 10000) {
    std::optional<ChildResult> result;
    auto child = ChildProcess::spawn(*loop_, std::move(options), [&](ChildResult r) { result = std::move(r); });
    EXPECT_TRUE(child) << child.error();
    if (!child) return {};
    pid_ = (*child)->pid();
    EXPECT_GT(pid_, 0);
    EXPECT_TRUE(run_until(
        *loop_, [&] { return result.has_value(); }, deadline_ms))
        << "child not reported";
    EXPECT_FALSE((*child)->running());
    return result.value_or(ChildResult{});
  }

  static ChildOptions sh(const std::string& script) {
    ChildOptions o;
    o.argv = {"/bin/sh", "-c", script};
    o.env = {"PATH=/usr/bin:/bin"};
    return o;
  }

  std::unique_ptr<EventLoop> loop_;
  int pid_ = 0;
};

TEST_F(UvChildProcessTest, ReportsExitCodeAndCapturesStdoutAndStderr) {
  ChildResult r = run(sh("echo out; echo err >&2; exit 3"));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.stdout_data, "out\n");
  EXPECT_EQ(r.stderr_data, "err\n");
  EXPECT_FALSE(r.stdout_truncated);
  EXPECT_EQ(r.describe(), "exit code 3");
}

TEST_F(UvChildProcessTest, KeepsTheFirstBytesUpToTheLimit) {
  ChildOptions o = sh("i=0; while [ $i -lt 2000 ]; do echo 0123456789; echo e >&2; i=$((i+1)); done");
  o.max_output_bytes = 25;
  ChildResult r = run(o);
  EXPECT_EQ(r.exit_code, 0);  // not blocked on a full pipe: the rest is read and dropped
  EXPECT_EQ(r.stdout_data, "0123456789\n0123456789\n012");
  EXPECT_TRUE(r.stdout_truncated);
  EXPECT_EQ(r.stderr_data.size(), 25u);
  EXPECT_TRUE(r.stderr_truncated);
}

TEST_F(UvChildProcessTest, PassesExactlyTheGivenEnvironment) {
  ChildOptions o;
  o.argv = {"/usr/bin/env"};
  o.env = {"OCF_ROOT=/usr/lib/ocf", "OCF_RESKEY_ip=10.0.0.10"};
  ChildResult r = run(o);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.stdout_data, "OCF_ROOT=/usr/lib/ocf\nOCF_RESKEY_ip=10.0.0.10\n");
}

TEST_F(UvChildProcessTest, RunsInTheGivenDirectory) {
  ChildOptions o = sh("pwd");
  o.cwd = "/";
  EXPECT_EQ(run(o).stdout_data, "/\n");
}

TEST_F(UvChildProcessTest, WritesStdinThenClosesIt) {
  ChildOptions o;
  o.argv = {"/bin/cat"};
  o.stdin_data = "action=off\nport=node2\n";  // the fence-agents protocol
  ChildResult r = run(o);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.stdout_data, "action=off\nport=node2\n");
}

TEST_F(UvChildProcessTest, StdinIsEmptyWhenNotGiven) {
  ChildResult r = run(sh("cat; echo done"));
  EXPECT_EQ(r.stdout_data, "done\n");
}

TEST_F(UvChildProcessTest, MissingProgramIsAnErrorNamingIt) {
  ChildOptions o;
  o.argv = {"/nonexistent/hamail-agent", "start"};
  auto child = ChildProcess::spawn(*loop_, o, [](ChildResult) { FAIL() << "no exit for a child never started"; });
  ASSERT_FALSE(child);
  EXPECT_EQ(child.error(), "cannot run '/nonexistent/hamail-agent': no such file or directory");
  o.argv.clear();
  EXPECT_FALSE(ChildProcess::spawn(*loop_, o, [](ChildResult) {}));
}

TEST_F(UvChildProcessTest, TimeoutTerminatesTheWholeProcessGroup) {
  // The shell prints its background child's pid, then waits: both must die.
  ChildOptions o = sh("sleep 30 & echo $!; wait");
  o.timeout_ms = 200;
  ChildResult r = run(o);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.term_signal, SIGTERM);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_GE(r.duration_ms, 200u);
  EXPECT_LT(r.duration_ms, 5000u);
  EXPECT_EQ(r.describe(), "killed by signal 15 (Terminated) after a timeout");

  int grandchild = std::atoi(r.stdout_data.c_str());
  ASSERT_GT(grandchild, 0) << r.stdout_data;
  EXPECT_TRUE(run_until(
      *loop_, [&] { return process_gone(grandchild); }, 5000))
      << "background child " << grandchild << " survived the timeout";
  EXPECT_TRUE(process_gone(pid_));
}

TEST_F(UvChildProcessTest, SigkillFollowsWhenSigtermIsIgnored) {
  ChildOptions o = sh("trap '' TERM; sleep 30");  // the ignored TERM is inherited by sleep
  // The shell must have run its trap before the TERM comes: 1 s, not 100 ms (under the
  // full suite's load a shell once took longer than 100 ms and died of the TERM).
  o.timeout_ms = 1000;
  o.kill_grace_ms = 100;
  ChildResult r = run(o);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.term_signal, SIGKILL);
  EXPECT_GE(r.duration_ms, 1100u);
}

TEST_F(UvChildProcessTest, ReportsWithoutWaitingForADaemonHoldingItsOutput) {
  // An agent that starts a daemon which keeps stdout open: report after the drain time.
  ChildOptions o = sh("sleep 30 & echo $!; exit 0");
  o.output_drain_ms = 100;
  ChildResult r = run(o);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(r.timed_out);
  EXPECT_LT(r.duration_ms, 5000u);
  int daemon = std::atoi(r.stdout_data.c_str());
  ASSERT_GT(daemon, 0) << r.stdout_data;
  EXPECT_FALSE(process_gone(daemon)) << "a normal exit must not kill what the agent started";
  ::kill(daemon, SIGKILL);
}

TEST_F(UvChildProcessTest, DestroyingARunningChildKillsAndReapsIt) {
  ChildOptions o;
  o.argv = {"/bin/sleep", "30"};
  bool reported = false;
  auto child = ChildProcess::spawn(*loop_, o, [&](ChildResult) { reported = true; });
  ASSERT_TRUE(child) << child.error();
  int pid = (*child)->pid();
  ASSERT_TRUE((*child)->running());
  child->reset();
  // Reaped by the loop (no zombie left): kill(pid, 0) then fails with ESRCH.
  EXPECT_TRUE(run_until(
      *loop_, [&] { return ::kill(pid, 0) != 0 && errno == ESRCH; }, 5000));
  EXPECT_FALSE(reported);
}

TEST_F(UvChildProcessTest, KillSignalsTheGroup) {
  ChildOptions o;
  o.argv = {"/bin/sleep", "30"};
  std::optional<ChildResult> result;
  auto child = ChildProcess::spawn(*loop_, o, [&](ChildResult r) { result = r; });
  ASSERT_TRUE(child) << child.error();
  ASSERT_TRUE((*child)->kill(SIGINT));
  ASSERT_TRUE(run_until(*loop_, [&] { return result.has_value(); }));
  EXPECT_EQ(result->term_signal, SIGINT);
  EXPECT_FALSE(result->timed_out);
}

}  // namespace
}  // namespace hamail::uv
