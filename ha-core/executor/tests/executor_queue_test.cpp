// Serialisation per resource, parallelism across resources, the bounded queue, and
// lifetimes (destroying the executor from a callback or with an agent running).
#include <algorithm>

#include "executor_fixture.h"

namespace hamail::executor::testing {
namespace {

struct Span {
  std::string resource;
  std::string action;
  long long begin = 0;
  long long end = 0;
};

// Pairs the timeline agent's "begin R A NS" / "end R A NS" lines, in file order.
std::vector<Span> spans(const std::string& log) {
  std::vector<Span> out;
  for (const std::string& line : lines_of(log)) {
    std::istringstream in(line);
    std::string what, res, action;
    long long ns = 0;
    in >> what >> res >> action >> ns;
    if (what == "begin") {
      out.push_back({res, action, ns, 0});
    } else {
      for (Span& s : out)
        if (s.resource == res && s.end == 0) s.end = ns;
    }
  }
  return out;
}

TEST_F(ExecutorTest, ActionsOfOneResourceNeverOverlap) {
  fs::path log = dir_ / "timeline.log";
  add(resource("mail", "ocf:test:timeline", {{"log", log.string()}, {"sleep", "0.1"}}));
  std::vector<std::string> done;
  const Action order[] = {Action::start, Action::monitor, Action::monitor, Action::stop, Action::start};
  for (Action a : order)
    ASSERT_TRUE(exec_->execute("mail", a, [&](const ActionResult& r) { done.push_back(std::string(to_string(r.action))); }));
  EXPECT_EQ(exec_->queued("mail"), 5u);
  ASSERT_TRUE(wait_for([&] { return exec_->running("mail"); }));
  EXPECT_EQ(exec_->queued("mail"), 4u);
  ASSERT_TRUE(wait_for([&] { return done.size() == 5; }, 15000));
  EXPECT_EQ(done, (std::vector<std::string>{"start", "monitor", "monitor", "stop", "start"}));
  EXPECT_FALSE(exec_->running("mail"));

  std::vector<Span> s = spans(read_file(log));
  ASSERT_EQ(s.size(), 5u);
  for (std::size_t i = 0; i < s.size(); ++i) {
    EXPECT_EQ(s[i].action, done[i]);
    EXPECT_GT(s[i].end, 0);
    if (i > 0) {
      EXPECT_LE(s[i - 1].end, s[i].begin) << "action " << i << " started before action " << i - 1 << " ended";
    }
  }
}

TEST_F(ExecutorTest, DifferentResourcesRunInParallel) {
  fs::path log = dir_ / "timeline.log";
  add(resource("imap", "ocf:test:timeline", {{"log", log.string()}, {"sleep", "0.5"}}));
  add(resource("smtp", "ocf:test:timeline", {{"log", log.string()}, {"sleep", "0.5"}}));
  int done = 0;
  ASSERT_TRUE(exec_->execute("imap", Action::start, [&](const ActionResult&) { ++done; }));
  ASSERT_TRUE(exec_->execute("smtp", Action::start, [&](const ActionResult&) { ++done; }));
  ASSERT_TRUE(wait_for([&] { return exec_->running("imap") && exec_->running("smtp"); }));
  ASSERT_TRUE(wait_for([&] { return done == 2; }));
  std::vector<Span> s = spans(read_file(log));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_LT(s[0].begin, s[1].end);
  EXPECT_LT(s[1].begin, s[0].end);
}

TEST_F(ExecutorTest, TheQueueIsBounded) {
  options_.max_queue = 2;
  make_executor();
  fs::path log = dir_ / "timeline.log";
  add(resource("mail", "ocf:test:timeline", {{"log", log.string()}, {"sleep", "0.05"}}));
  int done = 0;
  auto count = [&](const ActionResult&) { ++done; };
  ASSERT_TRUE(exec_->execute("mail", Action::start, count));
  ASSERT_TRUE(exec_->execute("mail", Action::monitor, count));
  Status full = exec_->execute("mail", Action::stop, count);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.message(), "resource 'mail': action queue full (2 waiting), refusing stop");
  ASSERT_TRUE(wait_for([&] { return done == 2; }));
  run_for(*loop_, 100);
  EXPECT_EQ(done, 2);
  EXPECT_TRUE(exec_->execute("mail", Action::stop, count));  // room again
  ASSERT_TRUE(wait_for([&] { return done == 3; }));
}

TEST_F(ExecutorTest, AMissingAgentDoesNotBlockTheQueue) {
  add(resource("ghost", "ocf:test:nope"));
  std::vector<OcfRc> rcs;
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(exec_->execute("ghost", Action::stop, [&](const ActionResult& r) { rcs.push_back(r.rc); }));
  ASSERT_TRUE(wait_for([&] { return rcs.size() == 3; }));
  EXPECT_EQ(rcs, std::vector<OcfRc>(3, OcfRc::not_installed));
}

TEST_F(ExecutorTest, ParametersChangedLaterApplyToLaterActions) {
  add(resource("r", "ocf:test:exitcode", {{"rc", "0"}}));
  std::vector<int> codes;
  ASSERT_TRUE(exec_->execute("r", Action::start, [&](const ActionResult& r) { codes.push_back(r.exit_code); }));
  add(resource("r", "ocf:test:exitcode", {{"rc", "1"}}));
  ASSERT_TRUE(exec_->execute("r", Action::start, [&](const ActionResult& r) { codes.push_back(r.exit_code); }));
  ASSERT_TRUE(wait_for([&] { return codes.size() == 2; }));
  EXPECT_EQ(codes, (std::vector<int>{0, 1}));
}

TEST_F(ExecutorTest, DestroyingTheExecutorKillsRunningAgents) {
  fs::path pidfile = dir_ / "hang.pid";
  add(resource("stuck", "ocf:test:hang", {{"pidfile", pidfile.string()}}));
  bool called = false;
  ASSERT_TRUE(exec_->execute("stuck", Action::start, [&](const ActionResult&) { called = true; }, 60000));
  ASSERT_TRUE(wait_for([&] { return lines_of(read_file(pidfile)).size() == 1; }));
  std::istringstream pids(read_file(pidfile));
  pid_t agent = 0, child = 0;
  pids >> agent >> child;
  ASSERT_GT(child, 0);
  exec_.reset();
  EXPECT_TRUE(wait_for([&] { return process_gone(agent) && process_gone(child); }));
  EXPECT_FALSE(called);
}

TEST_F(ExecutorTest, TheExecutorMayBeDestroyedFromAResultCallback) {
  add(resource("a", "ocf:test:exitcode"));
  int calls = 0;
  ASSERT_TRUE(exec_->execute("a", Action::start, [&](const ActionResult&) {
    ++calls;
    exec_.reset();
  }));
  ASSERT_TRUE(exec_->execute("a", Action::stop, [&](const ActionResult&) { ++calls; }));
  ASSERT_TRUE(wait_for([&] { return exec_ == nullptr; }));
  run_for(*loop_, 100);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace hamail::executor::testing
