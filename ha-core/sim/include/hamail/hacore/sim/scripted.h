// The simulator's scripted mode (`hactl simulate`): the user's cluster.yaml, an optional
// starting state (what `hactl status --json` showed) and a list of faults, run on the same
// World as the seeded mode (the real NodeShell + ClusterCore + scheduler + Fencer of each
// node) with no random choice: the same input always gives the same timeline and verdict.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/hacore/config/cluster_config.h"

namespace hamail::hacore::sim {

enum class FaultKind {
  cut_cluster, heal, poweroff, poweron, crash_hacored, start_hacored, fail_start, fail_monitor, device_fails,
  switchover
};

// One fault of the script, checked against the configuration (names exist).
struct Fault {
  FaultKind kind = FaultKind::heal;
  std::string text;                  // as the user wrote it, without the time suffix
  std::string node, resource, device, group;  // device empty: every device
  std::optional<std::int64_t> at_ms;  // "@SECONDS": from the start of the script; else after settling
};

// The grammar (one fault per string; names are the configuration's):
//   cut cluster | heal | poweroff NODE | poweron NODE | crash hacored NODE | start hacored NODE
//   fail start RESOURCE on NODE | fail monitor RESOURCE on NODE | fence-device fails [DEVICE]
//   switchover [GROUP] [to NODE]            each optionally followed by " @SECONDS"
Result<Fault> parse_fault(const std::string& text, const config::ClusterConfig& cfg);

// Where the run starts instead of a boot: each node online or off, in standby or not,
// and what runs where (resource, node) -> OCF rc (0 running, 8 promoted).
struct InitialState {
  std::map<std::string, bool> online;   // every configured node
  std::map<std::string, bool> standby;
  std::map<std::pair<std::string, std::string>, int> running;
  bool maintenance = false;
};

struct ScriptInput {
  config::ClusterConfig cfg;
  std::optional<InitialState> state;
  std::vector<Fault> faults;
};

struct TimelineLine {
  std::int64_t t_ms = 0;  // from the start of the script (the first fault's time base)
  std::string node;       // empty: the world (a fault, the operator)
  std::string text;
};

struct GroupOutcome {
  std::string group;
  std::vector<std::string> nodes;  // where it runs (every member active; more than one: unsafe)
  std::string note;                // why it does not run, when it does not
};

struct ScriptResult {
  std::vector<GroupOutcome> initial;   // after the boot (or the state) settled
  std::vector<TimelineLine> timeline;
  std::vector<GroupOutcome> final;
  std::vector<std::string> unsafe;     // "group mail would run on both nodes from t=+3.100s: ..."
  std::vector<std::string> not_running;  // liveness: a group that could run does not
  std::int64_t end_ms = 0;
  bool safe() const { return unsafe.empty() && not_running.empty(); }
};

// Fails only for a configuration the simulator cannot model (say which, for exit 2).
Result<ScriptResult> run_script(const ScriptInput& input);

}  // namespace hamail::hacore::sim
