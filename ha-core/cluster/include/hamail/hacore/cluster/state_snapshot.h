// StateSnapshot: what a senior member hands a node that joins (the state_sync message):
// operator flags, failures, a standing switchover and the cluster's history. Times are
// ages (how long ago, on the sender's clock), never the sender's monotonic values: the
// receiver turns each age into its own clock (now - age).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/hacore/cluster/shared_state.h"

namespace hamail::cluster {

struct NodeFlags {
  bool standby = false;
  bool connectivity_ok = true;
};

struct FailureSnapshot {
  std::string resource;
  std::string node;
  int count = 0;
  std::int64_t age_ms = 0;           // since the last failure
  std::string operation = "monitor";
};

struct SwitchoverSnapshot {
  std::uint64_t id = 0;
  std::string group;
  std::string target;
  std::string from;
  std::int64_t age_ms = 0;           // since it was requested
  bool done = false;
};

struct OutdateSnapshot {
  std::string volume;
  std::string node;
  std::string by;
};

struct StateSnapshot {
  std::map<std::string, NodeFlags> nodes;
  std::vector<FailureSnapshot> failures;
  bool maintenance = false;
  std::optional<SwitchoverSnapshot> switchover;
  std::uint64_t last_transition_id = 0;
  std::optional<nlohmann::json> last_transition;
  std::vector<nlohmann::json> events;         // oldest first
  std::vector<nlohmann::json> failed_actions;
  std::vector<nlohmann::json> fencing_history;
  std::vector<OutdateSnapshot> outdated;      // volumes outdated at the cluster level (fence-peer)
};

// The snapshot of `state` at this node's monotonic time `now_mono`.
StateSnapshot snapshot_of(const SharedState& state, std::int64_t now_mono);
// Takes the snapshot's shared parts into `state` (membership-derived fields stay the
// receiver's own); names `state` does not know (another configuration) are skipped.
void apply_snapshot(SharedState& state, const StateSnapshot& snapshot, std::int64_t now_mono);

}  // namespace hamail::cluster
