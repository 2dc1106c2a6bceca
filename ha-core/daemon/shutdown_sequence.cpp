#include "hamail/hacore/daemon/shutdown_sequence.h"

#include <string>

namespace hamail::hacore {

ShutdownSequence::Step ShutdownSequence::on_signal(int signum) {
  const auto& log = shell_.log();
  if (stopping_) {
    log.warning("stop_forced").kv("signal", signum);
    return Step::stop;
  }
  stopping_ = true;
  const auto& core = shell_.core();
  log.info("stopping").kv("signal", signum).kv("node", core.local_node());
  if (core.state().members.size() <= 1 && core.runs_nothing_here()) return Step::stop;
  if (core.frozen()) return stop_now("frozen: an incompatible peer is in the group, nothing can move");
  if (core.state().maintenance) {
    // Nothing moves in maintenance mode: leave cleanly (no failover, no fencing), the
    // resources as they are; a restarted hacored finds them with its probes (cluster reload).
    (void)shell_.send(core.shutdown_request());
    return stop_now("maintenance mode: resources are left as they are");
  }
  (void)shell_.send(core.shutdown_request());
  stop_by_ms_ = shell_.now().mono_ms + deadline_ms_;
  return Step::keep_running;
}

ShutdownSequence::Step ShutdownSequence::on_tick() {
  if (!stopping_) return Step::keep_running;
  const auto& core = shell_.core();
  if (core.runs_nothing_here()) return Step::stop;
  // Alone, the groups have nowhere to go: leaving is a standby, so the scheduler stops them
  // here (as Pacemaker does when its last node stops), unless it would stop nothing.
  if (core.state().members.size() <= 1) {
    if (std::string why = core.why_nothing_stops(); !why.empty()) return stop_now(("alone and " + why).c_str());
  }
  if (shell_.now().mono_ms > stop_by_ms_) return stop_now("timed out");
  return Step::keep_running;
}

ShutdownSequence::Step ShutdownSequence::stop_now(const char* reason) {
  if (!shell_.core().runs_nothing_here()) shell_.log().warning("stopping_with_resources").kv("reason", reason);
  return Step::stop;
}

}  // namespace hamail::hacore
