#include "hamail/hacore/executor/ocf_rc.h"

namespace hamail::executor {

std::string_view to_string(Classification c) {
  switch (c) {
    case Classification::success: return "success";
    case Classification::not_running: return "not_running";
    case Classification::soft_error: return "soft_error";
    case Classification::hard_error: return "hard_error";
    case Classification::fatal_error: return "fatal_error";
  }
  return "soft_error";
}

Classification classify(Action action, std::uint64_t interval_ms, OcfRc rc, bool timed_out) {
  if (timed_out) return Classification::soft_error;
  bool monitor = action == Action::monitor;
  bool probe = monitor && interval_ms == 0;
  switch (rc) {
    case OcfRc::success:
      return Classification::success;
    case OcfRc::not_running:
      return monitor ? Classification::not_running : Classification::soft_error;
    case OcfRc::running_promoted:
    case OcfRc::degraded:
    case OcfRc::degraded_promoted:  // running: a warning for the operator, not a failure
      return monitor ? Classification::success : Classification::soft_error;
    case OcfRc::not_installed:
      // Pacemaker: software that is not installed here cannot be running here.
      return probe ? Classification::not_running : Classification::hard_error;
    case OcfRc::err_args:
    case OcfRc::unimplemented:
    case OcfRc::err_perm:
      return Classification::hard_error;
    case OcfRc::not_configured:
      return Classification::fatal_error;
    case OcfRc::err_generic:
    case OcfRc::failed_promoted:
      return Classification::soft_error;
  }
  return Classification::soft_error;
}

}  // namespace hamail::executor
