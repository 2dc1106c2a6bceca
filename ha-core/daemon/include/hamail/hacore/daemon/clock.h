// Clock: the two clocks hacored's shell reads. monotonic_ms() (the event loop's, libuv's
// uv_now in hacored) measures every duration, back-off and deadline; wall_ms() (the
// system clock) only stamps events. A test moves them by hand, each on its own.
#pragma once

#include <cstdint>

namespace hamail::hacore {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t monotonic_ms() const = 0;
  virtual std::int64_t wall_ms() const = 0;
};

}  // namespace hamail::hacore
