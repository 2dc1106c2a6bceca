// The libuv event loop a daemon runs on: owns one uv_loop_t. Every wrapper in
// hamail::uv (Timer, Stream, StreamServer, ChildProcess, Signals) is created on an
// EventLoop; the loop closes any handle still open when it is destroyed.
#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::uv {

namespace detail {
class HandleState;
}

// The text of a libuv error code, e.g. "connection refused" for UV_ECONNREFUSED.
std::string error_text(int code);

class EventLoop {
 public:
  // Initializes the loop and ignores SIGPIPE process-wide (a write to a closed peer
  // then fails with EPIPE instead of killing the daemon; children get SIGPIPE back).
  static Result<std::unique_ptr<EventLoop>> create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs until stop() or until nothing is left to wait for.
  void run();
  // One iteration, blocking for I/O; returns whether work remains.
  bool run_once();
  // One iteration without blocking; returns whether work remains.
  bool run_nowait();
  // Makes run() return after the current iteration.
  void stop();
  // The loop's cached monotonic clock in milliseconds (updated each iteration).
  std::uint64_t now_ms() const;
  // For adapters that need a raw libuv call. Handles created on it directly are
  // closed (without a close callback) when the loop is destroyed.
  uv_loop_t* raw() { return &loop_; }
  // The buffer every Stream on this loop reads into (one read at a time, handed to the
  // callback and not kept), so an idle connection holds no read buffer of its own.
  std::vector<char>& read_buffer() { return read_buffer_; }

 private:
  friend class detail::HandleState;
  EventLoop() = default;

  uv_loop_t loop_{};
  // Every wrapper state not yet deleted; those still owned by a wrapper are released
  // when the loop is destroyed first.
  std::unordered_set<detail::HandleState*> states_;
  bool destroying_ = false;
  std::vector<char> read_buffer_;
};

}  // namespace hamail::uv
