// The facts ClusterCore guarantees by construction, stated as HAMAIL_INVARIANTs (a broken
// one aborts hacored naming it). Only facts the code itself makes true: never facts the
// outside world reports (probe results may show a resource active on two nodes after a
// partition heals; the core recovers from that, it does not abort). Internal; the death
// tests call these directly.
#pragma once

#include "hamail/hacore/cluster/shared_state.h"
#include "hamail/hacore/scheduler/transition.h"

namespace hamail::cluster {

// The DC never requests a start/promote of a resource on a node while the shared state
// shows it active on another node that was neither stopped nor fenced first. (Allowed:
// a node known offline, or an unclean one with stonith disabled: the scheduler's loud,
// configured assumption.) Holds because a plan is applied only on the facts it was made
// from, and any fact that does not come from the running transition aborts it.
void check_start_is_safe(const SharedState& state, const scheduler::Action& action, bool stonith_enabled);
// A running transition's next action index never runs past its actions.
void check_action_index(const RunningTransition& t);
// Only the DC, and never while frozen, broadcasts a transition_start.
void check_may_start_transition(bool is_dc, bool frozen);
// A frozen node (an incompatible peer in the group) runs no agent action.
void check_may_run_locally(bool frozen);

}  // namespace hamail::cluster
