// A cluster node's services as systemd units (corosync, drbdlited, hacored), driven with
// systemctl: HAMAIL_SYSTEMCTL replaces the command (another prefix, or a test's fake).
// Used by `hactl cluster start|stop` and by `hactl status` to say what is not running.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::hactl {

// In start order; stop goes the other way.
inline const std::vector<std::string> kNodeUnits = {"corosync", "drbdlited", "hacored"};

// `systemctl is-active UNIT...`: each unit's state (active, inactive, failed, activating,
// ...). An error when systemctl cannot answer (not installed, no systemd on this host).
Result<std::map<std::string, std::string>> unit_states(const std::vector<std::string>& units);

// Starts this node's units, one systemctl call each, and says what it did on `out`. While
// hacored is stopped here (inactive or failed), corosync is restarted rather than started,
// so that it reads the corosync.conf just written (Debian's package starts corosync at
// install with its own example); with hacored running, a restart would bounce it. Then
// every unit must be active (a failed ConditionPathExists starts nothing, with exit 0).
Status start_node_units(std::ostream& out);
// `systemctl restart UNIT`, said on `out`.
Status restart_node_unit(const std::string& unit, std::ostream& out);
// Stops hacored (its groups move to the peer), drbdlited, corosync; stops at the first failure.
Status stop_node_units(std::ostream& out);

// What `hactl status` adds when hacored's socket cannot be reached: which of corosync and
// hacored is not running here, and how to start it. Empty when hacored is active (the
// connection error says why) or a state is unknown.
std::string not_running_hint(const std::map<std::string, std::string>& states);

}  // namespace hamail::hactl
