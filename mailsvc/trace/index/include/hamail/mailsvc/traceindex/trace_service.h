// mailsvc-trace as a cluster resource (ocf:hamail:mailsvc service=trace): which index and
// which logs to follow come from a YAML file; what it does is logged in logfmt; at SIGTERM
// (the mail daemons stopped just before it) it reads the logs a last time.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/base/result.h"

namespace hamail::mailsvc::traceindex {

struct TraceServiceConfig {
  std::string db;                 // the index, on the replicated volume (default kDefaultTraceDb)
  std::string node;               // the logs' node (default: this host's name)
  std::string user;               // run as this account (owns the index's directory); empty: as started
  std::vector<std::string> logs;  // absolute paths of the daemons' log files on this node
};

// trace.yaml: `db`, `node`, `user`, `logs` (1 to 32 absolute paths); errors as
// "FILE:LINE:COL: key: what".
Result<TraceServiceConfig> parse_trace_service_config(const std::string& text, const std::string& file);
Result<TraceServiceConfig> load_trace_service_config(const std::string& path);

// Follows cfg.logs into cfg.db until `stop`, then indexes once more. A log file that does not
// exist yet is skipped until it does. Returns 0, or 1 when it could not start.
int run_trace_service(const TraceServiceConfig& cfg, const std::atomic<bool>& stop, const Logger& log);

}  // namespace hamail::mailsvc::traceindex
