// Test helpers for the libuv layer: every loop run is bounded by a deadline.
#pragma once

#include <sys/types.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <functional>
#include <string>

#include "hamail/uv/event_loop.h"
#include "hamail/uv/timer.h"

namespace hamail::uv::testing {

// Runs the loop until `done()` holds or `timeout_ms` has passed; returns done().
inline bool run_until(EventLoop& loop, const std::function<bool()>& done, std::uint64_t timeout_ms = 5000) {
  bool expired = false;
  Timer deadline(loop);
  // uv_stop too: when the deadline is already due as run_once starts, libuv runs it before
  // polling and would then poll with no timeout left (forever, if nothing else happens).
  deadline.start(timeout_ms, [&] {
    expired = true;
    loop.stop();
  });
  while (!done() && !expired) loop.run_once();
  return done();
}

// Runs the loop for `ms` (to check that something does NOT happen).
inline void run_for(EventLoop& loop, std::uint64_t ms) {
  run_until(
      loop, [] { return false; }, ms);
}

// True when `pid` no longer runs: gone, or a zombie nobody has reaped yet (in a
// container the init process may not reap orphans).
inline bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  std::size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

}  // namespace hamail::uv::testing
