// Turns a finished program's exit code into an OCF result for each agent class:
// OCF agents speak OCF already; LSB "status" has its own codes (0 running, 1/2/3 not
// running, 4 unknown); systemctl's start/stop follow LSB and is-active is 0 or not.
#pragma once

#include "hamail/hacore/executor/action.h"
#include "hamail/hacore/executor/agent_spec.h"
#include "hamail/hacore/executor/ocf_rc.h"

namespace hamail::executor {

// LSB init-script codes for status (LSB 4.1, 20.2) as Pacemaker reads them.
inline constexpr int kLsbStatusRunning = 0;
inline constexpr int kLsbStatusDeadPidFile = 1;
inline constexpr int kLsbStatusDeadLockFile = 2;
inline constexpr int kLsbStatusNotRunning = 3;
inline constexpr int kLsbStatusUnknown = 4;
inline constexpr int kLsbStatusNotInstalled = 150;     // Pacemaker's reading of the reserved range
inline constexpr int kLsbStatusInsufficientPriv = 151;

// `exit_code` is -1 when the program died by a signal.
OcfRc map_exit_code(AgentClass agent_class, Action action, int exit_code);

}  // namespace hamail::executor
