// The readable text of a transition: numbered actions, the placement of every group
// and the notes. It is what hacore-schedule prints and what golden files contain.
#pragma once

#include <string>

#include "hamail/hacore/scheduler/transition.h"

namespace hamail::scheduler {

// actions:
//   1. node1 stop mail-fs (group mail moves node1 -> node2: switchover requested)
// placement:
//   mail: node1 -> node2 (switchover requested)
// notes:
//   - ...
std::string render_transition(const Transition& t);

}  // namespace hamail::scheduler
