#include "hamail/uv/event_loop.h"

#include <csignal>
#include <vector>

#include "handle_state.h"

namespace hamail::uv {

std::string error_text(int code) { return uv_strerror(code); }

Result<std::unique_ptr<EventLoop>> EventLoop::create() {
  std::unique_ptr<EventLoop> loop(new EventLoop());
  int rc = uv_loop_init(&loop->loop_);
  if (rc != 0) return Error{"cannot create event loop: " + error_text(rc)};
  std::signal(SIGPIPE, SIG_IGN);
  return loop;
}

EventLoop::~EventLoop() {
  destroying_ = true;
  // Wrappers should be destroyed before their loop; if one was not, it becomes inert.
  std::vector<detail::HandleState*> live(states_.begin(), states_.end());
  for (detail::HandleState* s : live) s->release();
  // Handles created directly on raw(); the states' own handles are all closing now.
  uv_walk(
      &loop_,
      [](uv_handle_t* h, void* arg) {
        auto* states = static_cast<std::unordered_set<detail::HandleState*>*>(arg);
        if (uv_is_closing(h) || states->count(static_cast<detail::HandleState*>(h->data))) return;
        uv_close(h, nullptr);
      },
      &states_);
  // Close callbacks (which free the states) and cancelled requests run here. Every
  // handle is closing, so each run ends as soon as the pending callbacks are done.
  for (int i = 0; i < 16 && uv_loop_close(&loop_) == UV_EBUSY; ++i) uv_run(&loop_, UV_RUN_DEFAULT);
}

void EventLoop::run() { uv_run(&loop_, UV_RUN_DEFAULT); }
bool EventLoop::run_once() { return uv_run(&loop_, UV_RUN_ONCE) != 0; }
bool EventLoop::run_nowait() { return uv_run(&loop_, UV_RUN_NOWAIT) != 0; }
void EventLoop::stop() { uv_stop(&loop_); }
std::uint64_t EventLoop::now_ms() const { return uv_now(&loop_); }

namespace detail {

HandleState::HandleState(EventLoop& loop, HandleState** owner) : loop_(loop.raw()), event_loop_(&loop), owner_(owner) {
  event_loop_->states_.insert(this);
}

HandleState::~HandleState() { event_loop_->states_.erase(this); }

bool HandleState::loop_is_ending() const { return event_loop_->destroying_; }

void HandleState::release() {
  if (released_) return;
  released_ = true;
  if (owner_) *owner_ = nullptr;
  close_all();
  // Only reachable when no handle was ever initialized (a failed constructor path);
  // otherwise the last close callback deletes the state.
  if (open_handles_ == 0) delete this;
}

void HandleState::track(uv_handle_t* h) {
  h->data = this;
  ++open_handles_;
}

void HandleState::close_handle(uv_handle_t* h) {
  if (h->data == this && !uv_is_closing(h)) uv_close(h, &HandleState::on_closed);
}

void HandleState::on_closed(uv_handle_t* h) {
  HandleState* s = from<HandleState>(h->data);
  h->data = nullptr;
  if (--s->open_handles_ == 0 && s->released_) delete s;
}

}  // namespace detail
}  // namespace hamail::uv
