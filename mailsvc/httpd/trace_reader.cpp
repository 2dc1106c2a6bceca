#include "hamail/mailsvc/httpd/trace_service.h"

#include "hamail/mailsvc/traceindex/trace_db.h"

namespace hamail::mailsvc::httpd {

using traceindex::TraceDb;

Result<std::vector<trace::MessageTrace>> TraceDbReader::find(const trace::TraceQuery& query,
                                                             const trace::Viewer& viewer) {
  auto db = TraceDb::open_read_only(index_, kBusyTimeoutMs);
  if (!db) return Error{db.error()};
  return db->find(query, viewer);
}

Result<std::vector<trace::MessageTrace>> TraceDbReader::show(const std::string& id, const trace::Viewer& viewer) {
  auto db = TraceDb::open_read_only(index_, kBusyTimeoutMs);
  if (!db) return Error{db.error()};
  return db->show(id, viewer);
}

Result<traceweb::Indicators> TraceDbReader::indicators(const std::string& since, const std::string& until) {
  auto db = TraceDb::open_read_only(index_, kBusyTimeoutMs);
  if (!db) return Error{db.error()};
  auto hours = db->hourly_counts(since, until);
  if (!hours) return Error{hours.error()};
  auto queue = db->queue_size();
  if (!queue) return Error{queue.error()};
  traceweb::Indicators out;
  for (const auto& h : *hours) out.hours.push_back({h.hour, h.received, h.rejected, h.deferred, h.bounced});
  out.queue_size = *queue;
  return out;
}

}  // namespace hamail::mailsvc::httpd
