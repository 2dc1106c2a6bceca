// The failover and switchover history from hacored's events: one entry per switchover
// (by its id: begin, phases, end or failure) and per failover (begin, end), newest
// first, bounded; and the fencing facts the events carry (devices, the last result).
#pragma once

#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

namespace hamail::mailsvc::dashboard {

inline constexpr std::size_t kMaxHistory = 50;

// [{kind: "switchover"|"failover", group, from?, to?, id?, started, ended?, result:
//   "running"|"done"|"failed", duration_ms?, reason?, by?, phases: [{phase, ok, elapsed_ms}]}]
nlohmann::json switch_history(const std::vector<nlohmann::json>& events);

// {devices: [names seen in fence_end events], last_result: the newest fence_end or null}
nlohmann::json fencing_from_events(const std::vector<nlohmann::json>& events);

}  // namespace hamail::mailsvc::dashboard
