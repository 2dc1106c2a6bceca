// Delivers POSIX signals (SIGTERM, SIGINT, SIGHUP, ...) as callbacks on the loop, so
// a daemon can shut down or reload cleanly instead of dying mid-write.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "hamail/uv/event_loop.h"

namespace hamail::uv {

class Signals {
 public:
  using OnSignal = std::function<void(int signum)>;

  // Watches each of `signums` until destroyed; fails naming the signal it could not watch.
  static Result<std::unique_ptr<Signals>> watch(EventLoop& loop, const std::vector<int>& signums, OnSignal cb);
  ~Signals();
  Signals(const Signals&) = delete;
  Signals& operator=(const Signals&) = delete;

 private:
  Signals() = default;
  detail::HandleState* state_ = nullptr;
};

}  // namespace hamail::uv
