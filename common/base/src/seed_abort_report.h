// The abort report of a simulator's seed loop (seed_runner.h): while a seed runs, SIGABRT and
// SIGSEGV print "FAILED seed N: ..." and the replay command on stdout, then the process dies
// of the signal. Private to hamail_base.
#pragma once

#include <cstdint>
#include <string_view>

namespace hamail {

// Installs the handlers; `program` (cut to 63 bytes) names the replay command.
void install_seed_abort_report(std::string_view program);
// The seed the report names from now on.
void set_running_seed(std::uint64_t seed);

}  // namespace hamail
