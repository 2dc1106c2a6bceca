// The command line and environment for one action of one resource: the OCF agent
// with the action as its argument, the init script with start/stop/status, or
// systemctl start/stop/is-active UNIT. Pure: nothing is run or looked at here.
#pragma once

#include <cstdint>
#include <string>

#include "hamail/hacore/config/cluster_config.h"
#include "hamail/hacore/executor/action.h"
#include "hamail/hacore/executor/agent_spec.h"
#include "hamail/hacore/executor/executor_options.h"
#include "hamail/base/result.h"
#include "hamail/uv/child_process.h"

namespace hamail::executor {

// The program that runs the action: the OCF agent, the init script or systemctl.
std::string agent_program(const ExecutorOptions& options, const AgentSpec& spec);

// systemd:NAME without a suffix means NAME.service (as in Pacemaker).
std::string systemd_unit_name(const std::string& type);

// An error when the class has no such action (LSB and systemd: start, stop, monitor).
Result<uv::ChildOptions> agent_command(const ExecutorOptions& options, const config::ResourceConfig& resource,
                                       const AgentSpec& spec, Action action, std::uint64_t interval_ms,
                                       std::uint64_t timeout_ms);

// The action's timeout from the resource's ops: the op with the same name and interval,
// else the same name, else `default_ms`.
std::uint64_t operation_timeout_ms(const config::ResourceConfig& resource, Action action, std::uint64_t interval_ms,
                                   std::uint64_t default_ms);

}  // namespace hamail::executor
