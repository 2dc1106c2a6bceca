// From one mail daemon log line to a TraceEvent: the records a trace needs are mapped to
// their kind, every other record (and every non-mail event) is ignored; a line that is not
// a log record is an error value, never a crash.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hamail/base/result.h"
#include "hamail/mailsvc/trace/trace_event.h"

namespace hamail::mailsvc::trace {

// nullopt: a valid record the trace does not use. Error: not a record (no ts=, bad logfmt).
Result<std::optional<TraceEvent>> parse_trace_line(std::string_view line);

// What makes a record unique whatever file (or node's copy) it was read from: its ts and
// a 64-bit FNV-1a hash of the whole line.
std::string record_key(std::string_view line);

}  // namespace hamail::mailsvc::trace
