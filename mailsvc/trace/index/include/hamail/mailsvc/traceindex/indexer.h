// Reading one log file into the trace index from where it was left: batches of lines
// parsed into events, each batch with the file's new position in one transaction, so a
// restart resumes where the last committed batch ended and never indexes a record twice.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "hamail/base/result.h"
#include "hamail/mailsvc/traceindex/trace_db.h"

namespace hamail::mailsvc::traceindex {

struct IndexReport {
  std::size_t lines = 0;   // lines read
  std::size_t events = 0;  // of them, records the trace uses
  std::size_t added = 0;   // of those, new to the index
  std::size_t bad = 0;     // lines that are no log record
  bool restarted = false;  // the file was rotated or truncated since the last run
};

// Called with "FILE:LINE: what is wrong" for each bad line.
using BadLineSink = std::function<void(const std::string&)>;

inline constexpr std::size_t kBatchLines = 2000;

// Reads `path` (logged on `node`) to its current end.
Result<IndexReport> index_file(TraceDb& db, const std::string& path, const std::string& node, const BadLineSink& bad,
                               std::size_t batch_lines = kBatchLines);

}  // namespace hamail::mailsvc::traceindex
