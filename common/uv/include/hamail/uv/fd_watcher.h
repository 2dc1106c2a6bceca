// FdWatcher: calls back when a file descriptor someone else owns becomes readable
// (corosync's libcpg/libquorum descriptors, driven from the libuv loop).
#pragma once

#include <functional>

#include "hamail/uv/event_loop.h"

namespace hamail::uv {

namespace detail {
class HandleState;
}

class FdWatcher {
 public:
  explicit FdWatcher(EventLoop& loop);
  ~FdWatcher();
  FdWatcher(const FdWatcher&) = delete;
  FdWatcher& operator=(const FdWatcher&) = delete;

  // Watches `fd` for readability (and hang-up/error, reported as readable: the owner's
  // dispatch call then reports the failure). Restarting replaces fd and callback.
  Status start(int fd, std::function<void()> on_readable);
  void stop();

 private:
  detail::HandleState* state_ = nullptr;
};

}  // namespace hamail::uv
