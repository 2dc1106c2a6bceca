#include "hamail/uv/directory_watch.h"

#include <memory>

#include "handle_state.h"

namespace hamail::uv {
namespace {

struct WatchState : detail::HandleState {
  WatchState(EventLoop& loop, HandleState** owner) : HandleState(loop, owner) {
    uv_fs_event_init(loop.raw(), &event);  // cannot fail
    track(reinterpret_cast<uv_handle_t*>(&event));
  }
  void close_all() override { close_handle(reinterpret_cast<uv_handle_t*>(&event)); }

  static void on_event(uv_fs_event_t* e, const char*, int, int) {
    auto* s = from<WatchState>(e->data);
    // Hold the callback: it may stop, restart or destroy this watch while it runs.
    std::shared_ptr<std::function<void()>> cb = s->cb;
    if (cb && *cb) (*cb)();
  }

  uv_fs_event_t event{};
  std::shared_ptr<std::function<void()>> cb;
};

WatchState* watch_state(detail::HandleState* s) { return static_cast<WatchState*>(s); }

}  // namespace

DirectoryWatch::DirectoryWatch(EventLoop& loop) { state_ = new WatchState(loop, &state_); }

DirectoryWatch::~DirectoryWatch() {
  if (state_) state_->release();
}

Status DirectoryWatch::start(const std::string& dir, std::function<void()> changed) {
  if (!state_) return Error{"directory watch: event loop is gone"};
  WatchState* s = watch_state(state_);
  uv_fs_event_stop(&s->event);
  s->cb = std::make_shared<std::function<void()>>(std::move(changed));
  int rc = uv_fs_event_start(&s->event, &WatchState::on_event, dir.c_str(), 0);
  if (rc != 0) return Error{"cannot watch " + dir + ": " + error_text(rc)};
  return Status::ok();
}

void DirectoryWatch::stop() {
  if (state_) uv_fs_event_stop(&watch_state(state_)->event);
}

bool DirectoryWatch::active() const {
  return state_ && uv_is_active(reinterpret_cast<uv_handle_t*>(&watch_state(state_)->event));
}

}  // namespace hamail::uv
