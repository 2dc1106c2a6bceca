#include "hamail/uv/timer.h"

#include <memory>

#include "handle_state.h"

namespace hamail::uv {
namespace {

struct TimerState : detail::HandleState {
  TimerState(EventLoop& loop, HandleState** owner) : HandleState(loop, owner) {
    uv_timer_init(loop.raw(), &timer);  // cannot fail
    track(reinterpret_cast<uv_handle_t*>(&timer));
  }
  void close_all() override { close_handle(reinterpret_cast<uv_handle_t*>(&timer)); }

  static void on_timer(uv_timer_t* t) {
    auto* s = from<TimerState>(t->data);
    // Hold the callback: it may restart or destroy this timer while it runs.
    std::shared_ptr<std::function<void()>> cb = s->cb;
    if (cb && *cb) (*cb)();
  }

  uv_timer_t timer{};
  std::shared_ptr<std::function<void()>> cb;
};

TimerState* timer_state(detail::HandleState* s) { return static_cast<TimerState*>(s); }

}  // namespace

Timer::Timer(EventLoop& loop) { state_ = new TimerState(loop, &state_); }

Timer::~Timer() {
  if (state_) state_->release();
}

void Timer::start(std::uint64_t after_ms, std::function<void()> cb, std::uint64_t repeat_ms) {
  if (!state_) return;  // the loop is gone
  TimerState* s = timer_state(state_);
  s->cb = std::make_shared<std::function<void()>>(std::move(cb));
  // From now, not from the loop's clock cached when this iteration began: a timer started
  // late in a long iteration fired early (webmail's failed-login delay ended before the
  // limiter's own lock-out on a loaded machine, so the next login met a 429).
  uv_update_time(s->timer.loop);
  uv_timer_start(&s->timer, &TimerState::on_timer, after_ms, repeat_ms);
}

void Timer::stop() {
  if (state_) uv_timer_stop(&timer_state(state_)->timer);
}

Status Timer::again() {
  if (!state_) return Error{"timer: event loop is gone"};
  int rc = uv_timer_again(&timer_state(state_)->timer);
  if (rc != 0) return Error{"timer: cannot restart: " + error_text(rc)};
  return Status::ok();
}

bool Timer::active() const {
  return state_ && uv_is_active(reinterpret_cast<uv_handle_t*>(&timer_state(state_)->timer));
}

}  // namespace hamail::uv
