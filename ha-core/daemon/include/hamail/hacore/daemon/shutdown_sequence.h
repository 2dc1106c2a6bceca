// ShutdownSequence: hacored's clean stop (SIGTERM, SIGINT). It announces that this node is
// leaving (its groups move away, as with standby; on the last node they stop) and then
// stops once nothing runs here, or the deadline (monotonic: a wall-clock step neither
// shortens nor stretches it) has passed, or, alone, once nothing can be stopped (no quorum
// with no_quorum_policy freeze, waiting for the peer at boot). A frozen node (incompatible peer) can move
// nothing: it stops at once. In maintenance mode it announces its leaving and stops at once,
// its resources left running (`hactl cluster reload` restarts hacored so). A second signal
// stops at once too.
#pragma once

#include <cstdint>

#include "hamail/hacore/daemon/node_shell.h"

namespace hamail::hacore {

class ShutdownSequence {
 public:
  enum class Step { keep_running, stop };
  static constexpr std::int64_t kDefaultDeadlineMs = 120000;

  explicit ShutdownSequence(NodeShell& shell, std::int64_t deadline_ms = kDefaultDeadlineMs)
      : shell_(shell), deadline_ms_(deadline_ms) {}

  Step on_signal(int signum);
  Step on_tick();  // main() calls it with the shell's tick
  bool stopping() const { return stopping_; }

 private:
  Step stop_now(const char* reason);

  NodeShell& shell_;
  std::int64_t deadline_ms_;
  bool stopping_ = false;
  std::int64_t stop_by_ms_ = 0;  // monotonic
};

}  // namespace hamail::hacore
