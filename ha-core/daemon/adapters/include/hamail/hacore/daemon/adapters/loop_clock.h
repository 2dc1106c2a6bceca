// LoopClock: the shell's Clock in hacored: the event loop's monotonic clock (uv_now,
// updated each loop iteration) and the system clock for event timestamps.
#pragma once

#include <chrono>

#include "hamail/hacore/daemon/clock.h"
#include "hamail/uv/event_loop.h"

namespace hamail::hacore {

class LoopClock : public Clock {
 public:
  explicit LoopClock(const uv::EventLoop& loop) : loop_(loop) {}
  std::int64_t monotonic_ms() const override { return static_cast<std::int64_t>(loop_.now_ms()); }
  std::int64_t wall_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }

 private:
  const uv::EventLoop& loop_;
};

}  // namespace hamail::hacore
