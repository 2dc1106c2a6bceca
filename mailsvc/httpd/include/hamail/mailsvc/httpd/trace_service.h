// The mail trace page's shell in httpd (issue 20): the API (traceweb::TraceApi, with
// webmail's sessions) and its reader, TraceDb on a read-only SQLite connection opened per
// pool job (never on the loop; a lock held by the indexer is waited for, boundedly).
#pragma once

#include <memory>
#include <string>

#include "hamail/mailsvc/traceweb/trace_api.h"

namespace hamail::mailsvc::httpd {

class TraceDbReader : public traceweb::TraceReader {
 public:
  static constexpr int kBusyTimeoutMs = 2000;
  explicit TraceDbReader(std::string index) : index_(std::move(index)) {}
  Result<std::vector<trace::MessageTrace>> find(const trace::TraceQuery& query, const trace::Viewer& viewer) override;
  Result<std::vector<trace::MessageTrace>> show(const std::string& id, const trace::Viewer& viewer) override;
  Result<traceweb::Indicators> indicators(const std::string& since, const std::string& until) override;

 private:
  std::string index_;
};

struct TraceService {
  traceweb::TraceApi api;
  std::shared_ptr<traceweb::TraceReader> reader;  // shared with pool jobs in flight
};

}  // namespace hamail::mailsvc::httpd
