// OCF exit codes 0-9 with their meanings, and how a result is classified the way
// Pacemaker does: success, the expected "not running" of a monitor or probe, a soft
// error (recover in place), a hard error (not on this node) or a fatal one (nowhere).
#pragma once

#include <cstdint>
#include <string_view>

#include "executor/action.h"

namespace hamail::executor {

enum class OcfRc : int {
  success = 0,
  err_generic = 1,
  err_args = 2,
  unimplemented = 3,
  err_perm = 4,
  not_installed = 5,
  not_configured = 6,
  not_running = 7,
  running_promoted = 8,
  failed_promoted = 9,
};

enum class Classification {
  success,      // the action did what was asked (monitor: running, or running promoted)
  not_running,  // monitor or probe: cleanly stopped here, expected for an inactive resource
  soft_error,   // recover in place (restart here), subject to the migration threshold
  hard_error,   // do not retry on this node: invalid args, unimplemented, privileges, not installed
  fatal_error,  // configuration wrong: do not retry on any node
};

std::string_view to_string(OcfRc rc);             // "ok", "not running", "insufficient privileges", ...
std::string_view to_string(Classification c);     // "success", "not_running", "soft_error", ...
// 0-9 keep their meaning; any other code (or death by a signal) is a generic error.
OcfRc ocf_rc_from_exit_code(int exit_code);

// How the cluster should treat `rc` for `action` (a monitor with interval 0 is a
// probe). A timeout is a soft error whatever the agent's code.
Classification classify(Action action, std::uint64_t interval_ms, OcfRc rc, bool timed_out);

}  // namespace hamail::executor
