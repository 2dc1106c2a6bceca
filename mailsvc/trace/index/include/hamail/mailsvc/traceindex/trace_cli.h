// mailsvc-trace, the mail trace's command line: index or follow log files into the index,
// show one message's timeline, search, and the hourly indicators. Runs over explicit
// streams so the tests call it as main() does.
#pragma once

#include <atomic>
#include <iosfwd>
#include <string>
#include <vector>

namespace hamail::mailsvc::traceindex {

inline constexpr const char* kDefaultTraceDb = "/srv/mail/trace/trace.db";

// `args` without the program name. `stop` ends `follow` (SIGINT/SIGTERM in main).
// Exit codes: 0 ok, 1 failed (or nothing found), 2 usage.
int run_trace_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                  const std::atomic<bool>& stop);

std::string trace_cli_usage();

}  // namespace hamail::mailsvc::traceindex
