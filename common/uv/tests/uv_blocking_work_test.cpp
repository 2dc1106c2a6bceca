#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "hamail/uv/blocking_work.h"
#include "hamail/uv/timer.h"
#include "uv_test_util.h"

namespace hamail::uv {
namespace {

using testing::run_until;

std::unique_ptr<EventLoop> make_loop() {
  auto loop = EventLoop::create();
  EXPECT_TRUE(loop) << loop.error();
  return std::move(*loop);
}

TEST(UvBlockingWork, RunsOffTheLoopThreadAndCompletesOnIt) {
  auto loop = make_loop();
  const auto loop_thread = std::this_thread::get_id();
  std::thread::id work_thread, done_thread;
  int result = 0;
  auto w = run_blocking<int>(
      *loop,
      [&] {
        work_thread = std::this_thread::get_id();
        return 42;
      },
      [&](int v) {
        done_thread = std::this_thread::get_id();
        result = v;
      });
  ASSERT_TRUE(w) << w.error();
  EXPECT_FALSE((*w)->finished());
  ASSERT_TRUE(run_until(*loop, [&] { return result == 42; }));
  EXPECT_NE(work_thread, loop_thread);
  EXPECT_EQ(done_thread, loop_thread);
  EXPECT_TRUE((*w)->finished());
}

TEST(UvBlockingWork, LoopServesTimersWhileWorkBlocks) {
  auto loop = make_loop();
  std::atomic<bool> release{false};
  bool done = false;
  auto w = BlockingWork::start(
      *loop,
      [&] {
        for (int i = 0; i < 1000 && !release; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      },
      [&] { done = true; });
  ASSERT_TRUE(w);
  int ticks = 0;
  Timer t(*loop);
  t.start(1, [&] { if (++ticks == 3) release = true; }, 1);  // only the loop can release the work
  ASSERT_TRUE(run_until(*loop, [&] { return done; }));
  EXPECT_GE(ticks, 3);
  EXPECT_TRUE(release);
}

TEST(UvBlockingWork, DestroyedOwnerDropsTheCompletion) {
  auto loop = make_loop();
  std::atomic<bool> ran{false};
  bool done = false;
  auto w = BlockingWork::start(*loop, [&] { ran = true; }, [&] { done = true; });
  ASSERT_TRUE(w);
  w->reset();
  ASSERT_TRUE(run_until(*loop, [&] { return ran.load(); }));
  for (int i = 0; i < 5; ++i) loop->run_nowait();
  EXPECT_FALSE(done);
}

TEST(UvBlockingWork, CompletionMayDestroyItsOwner) {
  auto loop = make_loop();
  std::unique_ptr<BlockingWork> w;
  bool done = false;
  auto r = BlockingWork::start(*loop, [] {}, [&] {
    w.reset();
    done = true;
  });
  ASSERT_TRUE(r);
  w = std::move(*r);
  ASSERT_TRUE(run_until(*loop, [&] { return done; }));
  EXPECT_EQ(w, nullptr);
}

TEST(UvBlockingWork, LoopDestroyedWithWorkInFlightWaitsForIt) {
  auto loop = make_loop();
  std::atomic<bool> ran{false};
  auto w = BlockingWork::start(*loop, [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ran = true;
  }, [] {});
  ASSERT_TRUE(w);
  w->reset();
  loop.reset();  // must not free the request under the running work
  EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace hamail::uv
