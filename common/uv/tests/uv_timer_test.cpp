#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <thread>

#include "hamail/uv/event_loop.h"
#include "hamail/uv/signals.h"
#include "hamail/uv/timer.h"
#include "uv_test_util.h"

namespace hamail::uv {
namespace {

using testing::run_for;
using testing::run_until;

std::unique_ptr<EventLoop> make_loop() {
  auto loop = EventLoop::create();
  EXPECT_TRUE(loop) << loop.error();
  return std::move(*loop);
}

TEST(UvTimer, FiresOnce) {
  auto loop = make_loop();
  Timer t(*loop);
  int fired = 0;
  t.start(5, [&] { ++fired; });
  EXPECT_TRUE(t.active());
  ASSERT_TRUE(run_until(*loop, [&] { return fired == 1; }));
  run_for(*loop, 30);
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(t.active());
}

// A timer started late in a long callback counts from its start, not from the loop's clock
// cached when the iteration began (it fired that much early before: webmail's login delay).
TEST(UvTimer, CountsFromItsStartNotFromTheIterationsStart) {
  auto loop = make_loop();
  Timer first(*loop), second(*loop);
  std::chrono::steady_clock::time_point started, fired;
  bool done = false;
  first.start(1, [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(80));  // a long callback
    started = std::chrono::steady_clock::now();
    second.start(100, [&] {
      fired = std::chrono::steady_clock::now();
      done = true;
    });
  });
  ASSERT_TRUE(run_until(*loop, [&] { return done; }));
  EXPECT_GE(std::chrono::duration_cast<std::chrono::milliseconds>(fired - started).count(), 99);
}

TEST(UvTimer, RepeatsUntilStoppedFromItsCallback) {
  auto loop = make_loop();
  Timer t(*loop);
  int fired = 0;
  t.start(
      1,
      [&] {
        if (++fired == 3) t.stop();
      },
      2);
  ASSERT_TRUE(run_until(*loop, [&] { return fired == 3; }));
  run_for(*loop, 20);
  EXPECT_EQ(fired, 3);
  EXPECT_FALSE(t.active());
}

TEST(UvTimer, CanBeDestroyedInItsOwnCallback) {
  auto loop = make_loop();
  auto t = std::make_unique<Timer>(*loop);
  int fired = 0;
  t->start(
      1,
      [&] {
        ++fired;
        t.reset();  // the callback object stays alive until it returns
      },
      1);
  ASSERT_TRUE(run_until(*loop, [&] { return t == nullptr; }));
  run_for(*loop, 10);
  EXPECT_EQ(fired, 1);
}

TEST(UvTimer, CanBeRestartedWithANewCallbackFromItsCallback) {
  auto loop = make_loop();
  Timer t(*loop);
  std::string trace;
  t.start(1, [&] {
    trace += "a";
    t.start(1, [&] { trace += "b"; });
  });
  ASSERT_TRUE(run_until(*loop, [&] { return trace == "ab"; }));
}

TEST(UvTimer, AgainBeforeStartIsAnError) {
  auto loop = make_loop();
  Timer t(*loop);
  Status st = t.again();
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("cannot restart"), std::string::npos) << st.message();
}

TEST(UvTimer, StopEndsRun) {
  auto loop = make_loop();
  Timer ticker(*loop), stopper(*loop), safety(*loop);
  int ticks = 0;
  ticker.start(
      1, [&] { ++ticks; }, 1);
  stopper.start(20, [&] { loop->stop(); });
  bool safety_fired = false;
  safety.start(5000, [&] {
    safety_fired = true;
    loop->stop();
  });
  loop->run();  // would run forever without stop(): the ticker repeats
  EXPECT_FALSE(safety_fired);
  EXPECT_GT(ticks, 0);
  EXPECT_GE(loop->now_ms(), 20u);
}

TEST(UvTimer, OutlivingItsLoopMakesItInert) {
  auto loop = make_loop();
  Timer t(*loop);
  t.start(1000, [] {});
  loop.reset();  // closes the timer's handle
  EXPECT_FALSE(t.active());
  t.start(1, [] {});  // no-op, no crash
  EXPECT_FALSE(t.again());
}

TEST(UvSignals, DeliversAWatchedSignalOnTheLoop) {
  auto loop = make_loop();
  int got = 0;
  auto signals = Signals::watch(*loop, {SIGUSR1, SIGUSR2}, [&](int signum) { got = signum; });
  ASSERT_TRUE(signals) << signals.error();
  ASSERT_EQ(::raise(SIGUSR2), 0);
  ASSERT_TRUE(run_until(*loop, [&] { return got != 0; }));
  EXPECT_EQ(got, SIGUSR2);
}

TEST(UvSignals, InvalidSignalIsAnErrorNamingIt) {
  auto loop = make_loop();
  auto signals = Signals::watch(*loop, {SIGTERM, 12345}, [](int) {});
  ASSERT_FALSE(signals);
  EXPECT_NE(signals.error().find("12345"), std::string::npos) << signals.error();
}

}  // namespace
}  // namespace hamail::uv
