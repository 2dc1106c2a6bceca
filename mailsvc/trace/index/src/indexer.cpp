#include "hamail/mailsvc/traceindex/indexer.h"

#include "hamail/mailsvc/trace/event_parser.h"
#include "hamail/mailsvc/traceindex/log_file.h"

namespace hamail::mailsvc::traceindex {

Result<IndexReport> index_file(TraceDb& db, const std::string& path, const std::string& node, const BadLineSink& bad,
                               std::size_t batch_lines) {
  auto saved = db.position(path);
  if (!saved) return Error{saved.error()};
  auto file = LogFile::open(path, *saved);
  if (!file) return Error{file.error()};
  IndexReport report;
  report.restarted = file->restarted();
  bool first = true;
  for (;;) {
    auto batch = file->next(batch_lines);
    if (!batch) return Error{batch.error()};
    for (const auto& e : batch->errors) {
      ++report.bad;
      if (bad) bad(path + ":" + e.substr(5));  // "line N: ..." -> "FILE:N: ..."
    }
    // Nothing new: still record a new file's (or a rotated one's) position once.
    if (batch->lines.empty() && batch->errors.empty() && !(first && (report.restarted || !*saved))) break;
    first = false;
    std::vector<KeyedEvent> events;
    events.reserve(batch->lines.size());
    for (const auto& line : batch->lines) {
      ++report.lines;
      auto parsed = trace::parse_trace_line(line.text);
      if (!parsed) {
        ++report.bad;
        if (bad) bad(path + ":" + std::to_string(line.number) + ": " + parsed.error());
        continue;
      }
      if (!*parsed) continue;
      events.push_back({trace::record_key(line.text), std::move(**parsed)});
    }
    report.events += events.size();
    auto added = db.ingest(node, events, path, batch->end);
    if (!added) return Error{path + ": " + added.error()};
    report.added += *added;
    if (batch->lines.size() < batch_lines && batch->errors.empty()) break;
  }
  return report;
}

}  // namespace hamail::mailsvc::traceindex
