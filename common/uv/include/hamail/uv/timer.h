// A one-shot or repeating timer on an EventLoop. The callback runs on the loop; the
// Timer may be stopped, restarted or destroyed at any time, including from inside
// its own callback.
#pragma once

#include <cstdint>
#include <functional>

#include "hamail/uv/event_loop.h"

namespace hamail::uv {

class Timer {
 public:
  explicit Timer(EventLoop& loop);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // Fires `cb` after `after_ms`, then every `repeat_ms` when that is non-zero.
  // Restarting replaces the previous schedule and callback.
  void start(std::uint64_t after_ms, std::function<void()> cb, std::uint64_t repeat_ms = 0);
  void stop();
  // Restarts a repeating timer from now with its repeat interval; an error when the
  // timer was never started.
  Status again();
  bool active() const;

 private:
  detail::HandleState* state_ = nullptr;
};

}  // namespace hamail::uv
