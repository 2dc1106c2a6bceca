// Invocation: one parsed `hactl` command line for the daemon commands (status,
// switchover, standby, maintenance, resource, events, fence, fence-peer, unfence-peer). Parsing is pure: bad arguments
// come back as an error message, which the caller prints with the usage (exit 2).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/base/result.h"

namespace hamail::hactl {

enum class Command {
  status, switchover, standby, unstandby, maintenance, resource_cleanup, resource_restart, events,
  fence, fence_peer, unfence_peer
};

struct Invocation {
  Command command = Command::status;
  std::optional<std::string> config_file;  // --config FILE
  std::optional<std::string> socket;       // --socket PATH
  bool json = false;                       // status, events
  std::string group;                       // switchover [GROUP]
  std::string to;                          // switchover --to NODE
  bool wait = false;                       // switchover --wait
  bool clear = false;                      // switchover --clear
  std::chrono::milliseconds timeout{60000};  // switchover --timeout S
  std::string node;                        // standby / unstandby NODE
  bool on = false;                         // maintenance on|off
  std::string resource;                    // resource cleanup [R] / restart R
  bool follow = false;                     // events --follow
  std::optional<std::int64_t> since_ms;    // events --since T, resolved against `now_ms`
  bool confirm_off = false;                // fence NODE --confirm-off
  std::string volume;                      // fence-peer / unfence-peer --volume V
  std::string peer;                        // fence-peer --peer NODE
  bool query = false;                      // fence-peer --query
};

// args without argv[0]; `now_ms` (epoch ms) resolves relative --since values.
Result<Invocation> parse_invocation(const std::vector<std::string>& args, std::int64_t now_ms);

// The request line sent to hacored's control socket for this invocation.
nlohmann::json daemon_request(const Invocation& inv);

}  // namespace hamail::hactl
