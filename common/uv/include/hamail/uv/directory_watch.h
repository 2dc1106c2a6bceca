// Watches one directory for entries created, renamed, changed or removed (inotify through
// libuv's uv_fs_event). The callback runs on the loop and only says "something changed":
// the owner looks for itself. Stopped, restarted or destroyed at any time, also from inside
// its own callback.
#pragma once

#include <functional>
#include <string>

#include "hamail/base/result.h"
#include "hamail/uv/event_loop.h"

namespace hamail::uv {

class DirectoryWatch {
 public:
  explicit DirectoryWatch(EventLoop& loop);
  ~DirectoryWatch();
  DirectoryWatch(const DirectoryWatch&) = delete;
  DirectoryWatch& operator=(const DirectoryWatch&) = delete;

  // Starts watching `dir` (replacing an earlier watch); an error names the directory and
  // why (missing, or the inotify watch limit reached: the owner falls back to polling).
  Status start(const std::string& dir, std::function<void()> changed);
  void stop();
  bool active() const;

 private:
  detail::HandleState* state_ = nullptr;
};

}  // namespace hamail::uv
