// OCF resource agent exit codes (the OCF resource agent API: 0-9, and OCF 1.1's 190/191 for
// a monitor that finds the resource running but degraded, as Pacemaker reads them), defined
// once for the agents, the executor that runs them and the cluster core that reads them.
#pragma once

#include <string_view>

namespace hamail {

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
  degraded = 190,           // running, but with a problem the operator should see (a warning)
  degraded_promoted = 191,  // running promoted, degraded
};

constexpr int code(OcfRc rc) { return static_cast<int>(rc); }

// "ok", "not running", "insufficient privileges", ...
std::string_view to_string(OcfRc rc);
// 0-9, 190 and 191 keep their meaning; any other code (or death by a signal, < 0) is a
// generic error.
OcfRc ocf_rc_from_exit_code(int exit_code);

}  // namespace hamail
