// ControlRequest: one hactl request to hacored's control socket, decoded before anything
// acts on it: the command and its fields with checked types and bounds. A bad request is
// an error naming the command and the field (never an exception). Queries are answered
// by the shell; OperatorCommands go through ClusterCore::command() and CPG.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "hamail/base/result.h"

namespace hamail::cluster {

struct StatusQuery {};
struct EventsQuery {
  std::int64_t since_ms = 0;  // wall clock (epoch ms), compared with the events' ts_ms
  bool follow = false;
};

struct SwitchoverCommand {
  std::string group;          // empty: the only group
  std::string to;             // empty: the other node
  bool clear = false;         // drop a standing switchover placement instead
};
struct StandbyCommand {
  std::string node;           // empty: this node
  bool on = true;             // standby / unstandby
};
struct MaintenanceCommand { bool on = false; };
struct CleanupCommand { std::string resource; };  // empty: every resource
struct RestartCommand { std::string resource; };
struct FenceCommand {
  std::string node;
  bool confirm_off = false;   // record an operator's word that the node is off (no agent runs)
};
struct UnfencePeerCommand { std::string volume; };  // drbd-lite's unfence-peer: clears an outdate

// drbd-lite's fence-peer handler (hactl fence-peer): asked again until it has an answer.
struct FencePeerQuery {
  std::string volume;
  std::string peer;           // empty: the other node
  bool query_only = false;    // never outdate or wait: is the peer fenced or down already?
};

using OperatorCommand = std::variant<SwitchoverCommand, StandbyCommand, MaintenanceCommand, CleanupCommand,
                                     RestartCommand, FenceCommand, UnfencePeerCommand>;
using ControlRequest = std::variant<StatusQuery, EventsQuery, FencePeerQuery, OperatorCommand>;

inline constexpr std::int64_t kMaxSinceMs = 1LL << 53;

Result<ControlRequest> decode_control_request(const nlohmann::json& request);
// "switchover", "standby", ... as hactl names them.
std::string command_name(const OperatorCommand& command);

}  // namespace hamail::cluster
