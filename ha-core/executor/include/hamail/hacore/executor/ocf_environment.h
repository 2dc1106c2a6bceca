// The exact environment an OCF agent gets, built from the resource and the action
// (as Pacemaker sets it): OCF_ROOT, OCF_RESKEY_<param>, CRM_meta_interval/timeout in
// milliseconds, the node, and a fixed PATH. Nothing of the daemon's own environment.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hamail/hacore/config/cluster_config.h"
#include "hamail/hacore/executor/agent_spec.h"
#include "hamail/hacore/executor/executor_options.h"
#include "hamail/base/result.h"

namespace hamail::executor {

// Prefix of the stderr line an agent uses to say why it failed (ocf_exit_reason).
inline constexpr const char* kExitReasonPrefix = "ocf-exit-reason:";

// True for a name usable in OCF_RESKEY_<name>: [A-Za-z_][A-Za-z0-9_]*.
bool valid_param_name(const std::string& name);
// An error naming the resource and the first parameter whose name is not valid.
Status check_param_names(const config::ResourceConfig& resource);

// "KEY=VALUE" entries, sorted by key.
std::vector<std::string> ocf_environment(const ExecutorOptions& options, const config::ResourceConfig& resource,
                                         const AgentSpec& spec, std::uint64_t interval_ms, std::uint64_t timeout_ms);

// LSB scripts and systemctl get only PATH (and a C locale, for parseable output).
std::vector<std::string> minimal_environment(const ExecutorOptions& options);

}  // namespace hamail::executor
