#include "core_invariants.h"

#include "hamail/base/invariant.h"

namespace hamail::cluster {

using scheduler::ActionKind;
using scheduler::NodeStatus;

void check_start_is_safe(const SharedState& state, const scheduler::Action& a, bool stonith_enabled) {
  if (a.kind != ActionKind::start && a.kind != ActionKind::promote) return;
  for (const auto& [key, st] : state.resources) {
    if (key.first != a.resource || key.second == a.node || !scheduler::is_active(st)) continue;
    auto it = state.nodes.find(key.second);
    NodeStatus where = it == state.nodes.end() ? NodeStatus::offline : it->second.status;
    bool assumed_down = where == NodeStatus::offline || (where == NodeStatus::unclean && !stonith_enabled);
    HAMAIL_INVARIANT(assumed_down, "DC requests " + scheduler::to_string(a.kind) + " of " + a.resource + " on " +
                                       a.node + " while it is active on " + key.second +
                                       ", which was neither stopped nor fenced");
  }
}

void check_action_index(const RunningTransition& t) {
  HAMAIL_INVARIANT(t.next < t.actions.size(), "transition " + std::to_string(t.id) + " at action " +
                                                  std::to_string(t.next) + " of " + std::to_string(t.actions.size()));
}

void check_may_start_transition(bool is_dc, bool frozen) {
  HAMAIL_INVARIANT(is_dc, "only the DC broadcasts transition_start");
  HAMAIL_INVARIANT(!frozen, "a frozen node (incompatible peer in the group) schedules nothing");
}

void check_may_run_locally(bool frozen) {
  HAMAIL_INVARIANT(!frozen, "a frozen node (incompatible peer in the group) starts nothing");
}

}  // namespace hamail::cluster
