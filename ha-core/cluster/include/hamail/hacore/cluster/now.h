// Now: the time of one input to the core, on two clocks. mono_ms (the event loop's
// monotonic clock) measures every duration, back-off, timeout and failure age; wall_ms
// (the system clock) only stamps events for the operator (`ts`, `ts_ms`). Monotonic values
// of two nodes are never compared: each node measures with its own clock, at the moment
// it applies a message (every node applies every message).
#pragma once

#include <cstdint>

namespace hamail::cluster {

struct Now {
  std::int64_t mono_ms = 0;
  std::int64_t wall_ms = 0;
};

}  // namespace hamail::cluster
