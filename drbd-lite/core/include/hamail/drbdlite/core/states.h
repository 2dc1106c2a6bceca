// The state names users know from DRBD: a node's role, the connection state of the
// replication link, and the state of a disk (local or, as the peer reports it, remote).
#pragma once

#include <cstdint>
#include <string_view>

namespace hamail::drbdlite {

enum class Role : std::uint8_t { secondary = 0, primary = 1, unknown = 2 };
enum class ConnState : std::uint8_t { standalone, connecting, connected, sync_source, sync_target, verify_s, verify_t };
enum class DiskState : std::uint8_t {
  diskless, attaching, inconsistent, outdated, dunknown, consistent, uptodate, failed
};

constexpr std::string_view to_string(Role r) {
  switch (r) {
    case Role::secondary: return "Secondary";
    case Role::primary: return "Primary";
    case Role::unknown: return "Unknown";
  }
  return "?";
}

constexpr std::string_view to_string(ConnState c) {
  switch (c) {
    case ConnState::standalone: return "StandAlone";
    case ConnState::connecting: return "Connecting";
    case ConnState::connected: return "Connected";
    case ConnState::sync_source: return "SyncSource";
    case ConnState::sync_target: return "SyncTarget";
    case ConnState::verify_s: return "VerifyS";
    case ConnState::verify_t: return "VerifyT";
  }
  return "?";
}

constexpr std::string_view to_string(DiskState d) {
  switch (d) {
    case DiskState::diskless: return "Diskless";
    case DiskState::attaching: return "Attaching";
    case DiskState::inconsistent: return "Inconsistent";
    case DiskState::outdated: return "Outdated";
    case DiskState::dunknown: return "DUnknown";
    case DiskState::consistent: return "Consistent";
    case DiskState::uptodate: return "UpToDate";
    case DiskState::failed: return "Failed";
  }
  return "?";
}

// True while the link carries replication traffic (any connected sub-state).
constexpr bool is_connected(ConnState c) { return c != ConnState::standalone && c != ConnState::connecting; }

}  // namespace hamail::drbdlite
