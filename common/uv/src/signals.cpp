#include "hamail/uv/signals.h"

#include "handle_state.h"

namespace hamail::uv {
namespace {

struct SignalsState : detail::HandleState {
  SignalsState(EventLoop& loop, HandleState** owner, Signals::OnSignal cb)
      : HandleState(loop, owner), on_signal(std::make_shared<Signals::OnSignal>(std::move(cb))) {}

  Status add(int signum) {
    handles.push_back(std::make_unique<uv_signal_t>());
    uv_signal_t* h = handles.back().get();
    *h = uv_signal_t{};
    uv_signal_init(loop(), h);  // cannot fail
    track(reinterpret_cast<uv_handle_t*>(h));
    int rc = uv_signal_start(h, &on_signal_cb, signum);
    if (rc != 0) return Error{"cannot watch signal " + std::to_string(signum) + ": " + error_text(rc)};
    return Status::ok();
  }
  void close_all() override {
    for (auto& h : handles) close_handle(reinterpret_cast<uv_handle_t*>(h.get()));
  }
  static void on_signal_cb(uv_signal_t* h, int signum) {
    std::shared_ptr<Signals::OnSignal> cb = from<SignalsState>(h->data)->on_signal;  // may destroy us
    (*cb)(signum);
  }

  std::shared_ptr<Signals::OnSignal> on_signal;
  std::vector<std::unique_ptr<uv_signal_t>> handles;
};

}  // namespace

Result<std::unique_ptr<Signals>> Signals::watch(EventLoop& loop, const std::vector<int>& signums, OnSignal cb) {
  if (signums.empty()) return Error{"cannot watch signals: no signal given"};
  std::unique_ptr<Signals> signals(new Signals());
  auto* s = new SignalsState(loop, &signals->state_, std::move(cb));
  signals->state_ = s;
  for (int signum : signums) {
    if (Status st = s->add(signum); !st) return Error{st.message()};
  }
  return signals;
}

Signals::~Signals() {
  if (state_) state_->release();
}

}  // namespace hamail::uv
