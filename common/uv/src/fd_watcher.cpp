#include "hamail/uv/fd_watcher.h"

#include <memory>

#include "handle_state.h"

namespace hamail::uv {
namespace {

struct PollState : detail::HandleState {
  PollState(EventLoop& loop, HandleState** owner) : HandleState(loop, owner) {}
  void close_all() override {
    if (initialized) close_handle(reinterpret_cast<uv_handle_t*>(&poll));
  }
  int init(int fd) {
    int rc = uv_poll_init(loop(), &poll, fd);
    if (rc == 0) {
      initialized = true;
      track(reinterpret_cast<uv_handle_t*>(&poll));
    }
    return rc;
  }
  static void on_poll(uv_poll_t* p, int, int) {
    auto* s = from<PollState>(p->data);
    std::shared_ptr<std::function<void()>> cb = s->cb;  // it may destroy the watcher
    if (cb && *cb) (*cb)();
  }
  uv_poll_t poll{};
  bool initialized = false;
  std::shared_ptr<std::function<void()>> cb;
};

}  // namespace

FdWatcher::FdWatcher(EventLoop& loop) { state_ = new PollState(loop, &state_); }

FdWatcher::~FdWatcher() {
  if (state_) state_->release();
}

Status FdWatcher::start(int fd, std::function<void()> on_readable) {
  if (!state_) return Error{"fd watcher: event loop is gone"};
  auto* s = static_cast<PollState*>(state_);
  if (s->initialized) return Error{"fd watcher: already watching a descriptor"};
  int rc = s->init(fd);
  if (rc != 0) return Error{"cannot watch descriptor " + std::to_string(fd) + ": " + error_text(rc)};
  s->cb = std::make_shared<std::function<void()>>(std::move(on_readable));
  rc = uv_poll_start(&s->poll, UV_READABLE | UV_DISCONNECT, &PollState::on_poll);
  if (rc != 0) return Error{"cannot watch descriptor " + std::to_string(fd) + ": " + error_text(rc)};
  return Status::ok();
}

void FdWatcher::stop() {
  if (!state_) return;
  auto* s = static_cast<PollState*>(state_);
  if (s->initialized) uv_poll_stop(&s->poll);
}

}  // namespace hamail::uv
