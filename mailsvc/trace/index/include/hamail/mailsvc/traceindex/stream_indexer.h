// Indexing log lines from a pipe (`journalctl -o cat -f -u hamail-smtpd | mailsvc-trace
// follow node1=-`): the mail daemons log to journald, and a pipe has no position to keep,
// so the journal's own cursor (journalctl --cursor-file) says where to start and the
// index's idempotence absorbs what is read twice.
#pragma once

#include <atomic>
#include <string>

#include "hamail/base/result.h"
#include "hamail/mailsvc/traceindex/indexer.h"
#include "hamail/mailsvc/traceindex/trace_db.h"

namespace hamail::mailsvc::traceindex {

// Reads `fd` to its end (or until `stop`), committing a batch every `batch_lines` lines and
// whenever the input pauses for a second; bad lines are reported as "NAME:LINE: ...".
Result<IndexReport> index_stream(TraceDb& db, int fd, const std::string& name, const std::string& node,
                                 const BadLineSink& bad, const std::atomic<bool>& stop,
                                 std::size_t batch_lines = kBatchLines);

}  // namespace hamail::mailsvc::traceindex
