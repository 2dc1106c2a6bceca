#include "hamail/hacore/executor/exit_mapping.h"

namespace hamail::executor {
namespace {

OcfRc lsb_status(int code) {
  switch (code) {
    case kLsbStatusRunning: return OcfRc::success;
    case kLsbStatusDeadPidFile:
    case kLsbStatusDeadLockFile:
    case kLsbStatusNotRunning: return OcfRc::not_running;
    case kLsbStatusNotInstalled: return OcfRc::not_installed;
    case kLsbStatusInsufficientPriv: return OcfRc::err_perm;
    case kLsbStatusUnknown:
    default: return OcfRc::err_generic;
  }
}

// LSB codes for actions other than status are OCF's 0-7; anything else is an error.
OcfRc lsb_action(int code) {
  if (code < 0 || code > 7) return OcfRc::err_generic;
  return static_cast<OcfRc>(code);
}

}  // namespace

OcfRc map_exit_code(AgentClass agent_class, Action action, int exit_code) {
  switch (agent_class) {
    case AgentClass::ocf:
      return ocf_rc_from_exit_code(exit_code);
    case AgentClass::lsb:
      return action == Action::monitor ? lsb_status(exit_code) : lsb_action(exit_code);
    case AgentClass::systemd:
      if (action == Action::monitor) return exit_code == 0 ? OcfRc::success : OcfRc::not_running;
      // Stopping a unit that does not exist leaves it stopped (Pacemaker agrees).
      if (action == Action::stop && exit_code == 5) return OcfRc::success;
      return lsb_action(exit_code);
  }
  return OcfRc::err_generic;
}

}  // namespace hamail::executor
