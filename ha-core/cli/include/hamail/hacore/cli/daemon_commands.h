// The commands that talk to a running hacored over its control socket: status,
// switchover, standby/unstandby, maintenance, resource cleanup/restart, events.
// Each returns the process exit code: 0 done, 1 the daemon refused or is unreachable.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>

#include <nlohmann/json.hpp>

#include "hamail/control/control_client.h"
#include "hamail/base/result.h"
#include "hamail/hacore/cli/invocation.h"

namespace hamail::hactl {

// How long a plain request waits for its one reply line.
inline constexpr std::chrono::seconds kReplyTimeout{30};

int run_daemon_command(const Invocation& inv, std::ostream& out, std::ostream& err);

// `switchover`, with or without --wait (switchover_command.cpp).
int run_switchover(const Invocation& inv, const ControlEndpoint& ep, std::ostream& out, std::ostream& err);

// Shared by the commands: the reply as {"ok":true,...}, or the daemon's error / a
// transport error as a message.
Result<nlohmann::json> request(ControlClient& client, const nlohmann::json& req);
std::int64_t now_epoch_ms();

}  // namespace hamail::hactl
