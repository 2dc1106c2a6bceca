// `hactl simulate --config FILE [--state STATUS.json] --fault F ... [--json]`: a what-if
// run of the user's cluster.yaml on the deterministic simulator (the real cores, no
// daemons, nothing touched), printed as a timeline and a verdict.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "hamail/hacore/sim/scripted.h"

namespace hamail::hactl {

// args after "simulate". Exit code: 0 safe, 1 an invariant would break, 2 bad input.
int run_simulate_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The report: the timeline, where each group runs, the verdict (text or one JSON object).
std::string render_simulation_text(const hacore::sim::ScriptResult& r);
std::string render_simulation_json(const hacore::sim::ScriptResult& r);

extern const char* const kSimulateUsage;

}  // namespace hamail::hactl
