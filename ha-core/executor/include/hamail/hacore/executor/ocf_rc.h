// How an OCF exit code (hamail/base/ocf.h) is classified the way
// Pacemaker does: success, the expected "not running" of a monitor or probe, a soft
// error (recover in place), a hard error (not on this node) or a fatal one (nowhere).
#pragma once

#include <cstdint>
#include <string_view>

#include "hamail/base/ocf.h"
#include "hamail/hacore/executor/action.h"

namespace hamail::executor {

using hamail::OcfRc;
using hamail::ocf_rc_from_exit_code;
using hamail::to_string;

enum class Classification {
  success,      // the action did what was asked (monitor: running, or running promoted)
  not_running,  // monitor or probe: cleanly stopped here, expected for an inactive resource
  soft_error,   // recover in place (restart here), subject to the migration threshold
  hard_error,   // do not retry on this node: invalid args, unimplemented, privileges, not installed
  fatal_error,  // configuration wrong: do not retry on any node
};

std::string_view to_string(Classification c);     // "success", "not_running", "soft_error", ...

// How the cluster should treat `rc` for `action` (a monitor with interval 0 is a
// probe). A timeout is a soft error whatever the agent's code.
Classification classify(Action action, std::uint64_t interval_ms, OcfRc rc, bool timed_out);

}  // namespace hamail::executor
