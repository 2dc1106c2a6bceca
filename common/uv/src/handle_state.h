// Private to src/uv: the heap-allocated half of every wrapper. libuv may touch a
// handle after the wrapper object is gone (closing is asynchronous), so the uv
// handles live here and this object deletes itself once the last one has closed.
#pragma once

#include <uv.h>

#include <string>

#include "hamail/uv/event_loop.h"

namespace hamail::uv::detail {

class HandleState {
 public:
  // `owner` is the wrapper's pointer to this state; it is reset when the state is
  // released, including when the EventLoop is destroyed before the wrapper.
  HandleState(EventLoop& loop, HandleState** owner);
  HandleState(const HandleState&) = delete;
  HandleState& operator=(const HandleState&) = delete;

  // Detaches the wrapper: no callback reaches the user again. Closes every open
  // handle; the state is deleted from libuv's close callback of the last one.
  void release();
  bool released() const { return released_; }
  uv_loop_t* loop() { return loop_; }
  EventLoop& event_loop() { return *event_loop_; }
  // True while ~EventLoop runs: no handle may wait for anything any more.
  bool loop_is_ending() const;

  // Every handle's and request's `data` points at its state.
  template <class T>
  static T* from(const void* data) {
    return static_cast<T*>(static_cast<HandleState*>(const_cast<void*>(data)));
  }

 protected:
  virtual ~HandleState();
  // Counts a handle that was initialized (uv_*_init succeeded) and sets its data.
  void track(uv_handle_t* h);
  // Starts closing one handle (no-op when untracked or already closing). A state
  // keeps at least one handle open until release(), so that deletion always happens
  // in a close callback, never under a callback that still uses the state.
  void close_handle(uv_handle_t* h);
  // Closes every handle the state owns (via close_handle).
  virtual void close_all() = 0;

 private:
  static void on_closed(uv_handle_t* h);

  uv_loop_t* loop_;
  EventLoop* event_loop_;
  HandleState** owner_;
  int open_handles_ = 0;
  bool released_ = false;
};

}  // namespace hamail::uv::detail
