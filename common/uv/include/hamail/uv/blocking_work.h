// Blocking work (fsync, password hashing, DNS lookups) run on libuv's thread pool, so
// the loop keeps serving other clients; the completion runs back on the loop thread.
// Destroying the BlockingWork first drops the completion: the work itself still runs
// to its end on its thread, so it must own (capture by value) everything it touches.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "hamail/uv/event_loop.h"

namespace hamail::uv {

class BlockingWork {
 public:
  // `work` runs on a pool thread, then `done` on the loop (unless cancelled by
  // destroying the returned object). The pool has UV_THREADPOOL_SIZE threads (default 4),
  // read at the first use in the process.
  static Result<std::unique_ptr<BlockingWork>> start(EventLoop& loop, std::function<void()> work,
                                                      std::function<void()> done);
  ~BlockingWork();
  BlockingWork(const BlockingWork&) = delete;
  BlockingWork& operator=(const BlockingWork&) = delete;

  bool finished() const { return request_ == nullptr; }

  struct Request;

 private:
  BlockingWork() = default;
  Request* request_ = nullptr;
};

// Typed form: `work` returns a value that `done` receives on the loop.
template <class T>
Result<std::unique_ptr<BlockingWork>> run_blocking(EventLoop& loop, std::function<T()> work,
                                                   std::function<void(T)> done) {
  auto result = std::make_shared<std::optional<T>>();
  return BlockingWork::start(
      loop, [work = std::move(work), result] { result->emplace(work()); },
      [done = std::move(done), result] { done(std::move(**result)); });
}

}  // namespace hamail::uv
