// HandlerRunner on a real loop and real /bin/sh children: the exit code comes back, the
// environment names the volume and both nodes, a hung handler is killed at its timeout, an
// unconfigured one is reported at once, a volume going down kills what still runs.
#include "hamail/drbdlite/daemon/handler_runner.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <optional>

#include "uv_test_util.h"

namespace hamail::drbdlite {
namespace {

using uv::testing::process_gone;
using uv::testing::run_until;

class HandlerRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = uv::EventLoop::create();
    ASSERT_TRUE(loop) << loop.error();
    loop_ = std::move(*loop);
  }

  std::unique_ptr<HandlerRunner> runner(VolumeHandlers h, std::uint64_t timeout_ms = 10000) {
    return std::make_unique<HandlerRunner>(*loop_, log_, std::move(h), timeout_ms,
                                           HandlerContext{"r0", "node1", "node2", "10.0.1.2"});
  }

  // Runs one handler to its end (bounded) and returns its result.
  HandlerResult run(HandlerRunner& r, Handler h, std::uint64_t deadline_ms = 10000) {
    std::optional<HandlerResult> got;
    r.run(HandlerRequest{7, h}, [&](const HandlerRequest& req, const HandlerResult& res) {
      EXPECT_EQ(req.id, 7u);
      got = res;
    });
    EXPECT_TRUE(run_until(*loop_, [&] { return got.has_value(); }, deadline_ms)) << "handler not reported";
    return got.value_or(HandlerResult{});
  }

  Logger log_{"test"};
  std::unique_ptr<uv::EventLoop> loop_;
};

TEST_F(HandlerRunnerTest, TheExitCodeComesBack) {
  VolumeHandlers h;
  h.fence_peer = "exit 7";
  auto r = runner(h);
  HandlerResult res = run(*r, Handler::fence_peer);
  EXPECT_EQ(res.exit_code, 7);
  EXPECT_FALSE(res.timed_out);
  EXPECT_TRUE(fence_succeeded(res));
  EXPECT_EQ(r->running(), 0u);
}

TEST_F(HandlerRunnerTest, TheEnvironmentNamesTheVolumeAndBothNodes) {
  VolumeHandlers h;
  const std::string want = "r0 r0 split-brain node1 node2 10.0.1.2";
  h.split_brain = "test \"$DRBD_RESOURCE $DRBD_VOLUME $DRBD_HANDLER $DRBD_NODE $DRBD_PEER $DRBD_PEER_ADDRESS\" = '" +
                  want + "' && test -n \"$PATH\" && test -z \"$HOME\"";
  auto r = runner(h);
  EXPECT_EQ(run(*r, Handler::split_brain).exit_code, 0) << "the environment differs from: " << want;
}

TEST_F(HandlerRunnerTest, AHungHandlerIsKilledAtItsTimeout) {
  VolumeHandlers h;
  h.fence_peer = "sleep 600";
  auto r = runner(h, 300);
  HandlerResult res = run(*r, Handler::fence_peer);
  EXPECT_TRUE(res.timed_out);
  EXPECT_EQ(res.exit_code, -1);
  EXPECT_FALSE(fence_succeeded(res));
  EXPECT_NE(res.detail.find("timeout"), std::string::npos) << res.detail;
}

TEST_F(HandlerRunnerTest, AnUnconfiguredHandlerIsReportedAtOnce) {
  auto r = runner({});
  bool called = false;
  r->run(HandlerRequest{1, Handler::unfence_peer}, [&](const HandlerRequest&, const HandlerResult& res) {
    called = true;
    EXPECT_EQ(res.exit_code, -1);
    EXPECT_EQ(res.detail, "not configured (handlers.unfence-peer in cluster.yaml)");
  });
  EXPECT_TRUE(called);
}

TEST_F(HandlerRunnerTest, GoingDownKillsWhatStillRunsWithoutReporting) {
  char path[] = "/tmp/handler-pid-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  VolumeHandlers h;
  h.fence_peer = std::string("echo $$ > ") + path + "; exec sleep 600";
  auto r = runner(h);
  bool reported = false;
  r->run(HandlerRequest{1, Handler::fence_peer}, [&](const HandlerRequest&, const HandlerResult&) { reported = true; });
  ASSERT_EQ(r->running(), 1u);
  pid_t pid = 0;
  ASSERT_TRUE(run_until(*loop_, [&] {
    std::ifstream f(path);
    return static_cast<bool>(f >> pid) && pid > 0;
  }));
  r.reset();
  EXPECT_TRUE(run_until(*loop_, [&] { return process_gone(pid); })) << "handler pid " << pid << " still runs";
  EXPECT_FALSE(reported);
  ::unlink(path);
}

TEST_F(HandlerRunnerTest, RunsAtMostABoundedNumberAtOnce) {
  VolumeHandlers h;
  h.after_resync_target = "exec sleep 600";
  auto r = runner(h);
  for (std::uint64_t i = 0; i < HandlerRunner::kMaxRunning; ++i)
    r->run(HandlerRequest{i, Handler::after_resync_target}, [](const HandlerRequest&, const HandlerResult&) {});
  std::optional<HandlerResult> refused;
  r->run(HandlerRequest{99, Handler::after_resync_target},
         [&](const HandlerRequest&, const HandlerResult& res) { refused = res; });
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->exit_code, -1);
  EXPECT_NE(refused->detail.find("handlers of this volume still run"), std::string::npos) << refused->detail;
  EXPECT_EQ(r->running(), HandlerRunner::kMaxRunning);
}

}  // namespace
}  // namespace hamail::drbdlite
