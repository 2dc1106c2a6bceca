// The scheduler's output: the agent actions to run, in an order that is safe to
// execute one after the other, plus where each group ends up and why. The daemon
// executes the actions and re-runs the scheduler after any failure or new event.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hamail::scheduler {

enum class ActionKind { fence, demote, stop, start, promote };

// One step: run `kind` of `resource` on `node` (fence: `node` is the victim and
// `resource` is empty). `reason` says why, for the log and for operators.
struct Action {
  std::string node;
  std::string resource;
  ActionKind kind = ActionKind::start;
  std::string reason;
};

// How the scheduler treated a group in this run.
// managed: actions as needed; blocked: left as is after a failure it cannot recover;
// unmanaged: maintenance mode; frozen: quorum lost with no_quorum_policy=freeze.
enum class GroupMode { managed, blocked, unmanaged, frozen };

// Where a group runs before and after the transition, and anything worth saying.
struct GroupPlacement {
  std::string group;
  std::optional<std::string> before;  // node it runs (or may run) on now
  std::optional<std::string> after;   // node it runs on once the actions are done
  GroupMode mode = GroupMode::managed;
  std::string note;                   // why it moved, stopped, is blocked ... (may be empty)
};

// Actions in execution order (fences, then demotes/stops, then starts/promotes),
// the placement of every configured group (config order) and cluster-wide notes.
// A note starting with "WARNING:" is logged by the daemon as a warning.
struct Transition {
  std::vector<Action> actions;
  std::vector<GroupPlacement> placements;
  std::vector<std::string> notes;
};

std::string to_string(ActionKind k);
std::string to_string(GroupMode m);

}  // namespace hamail::scheduler
