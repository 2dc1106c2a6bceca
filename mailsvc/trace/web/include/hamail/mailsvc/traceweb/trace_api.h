// The trace page's API in two steps, like webmail's: admit() on the loop (webmail's gate:
// TLS, the session cookie, CSRF; the route; who is asking) -> an answer now or a
// TraceJob; run() on the pool (only the TraceReader: SQLite) -> the answer. A user gets
// only their own messages: another's is a 404, as one that does not exist.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/mailsvc/http/request.h"
#include "hamail/mailsvc/http/response.h"
#include "hamail/mailsvc/trace/access_rule.h"
#include "hamail/mailsvc/trace/timeline.h"
#include "hamail/mailsvc/traceweb/trace_route.h"
#include "hamail/mailsvc/traceweb/trace_views.h"
#include "hamail/mailsvc/webmail/session_table.h"

namespace hamail::mailsvc::traceweb {

// What the index gives (the shell: TraceDb on a read-only connection). Each call may block.
class TraceReader {
 public:
  virtual ~TraceReader() = default;
  // Messages `viewer` may see, oldest first, at most query.limit.
  virtual Result<std::vector<trace::MessageTrace>> find(const trace::TraceQuery& query, const trace::Viewer& viewer) = 0;
  // By queue id or Message-ID; empty when none `viewer` may see.
  virtual Result<std::vector<trace::MessageTrace>> show(const std::string& id, const trace::Viewer& viewer) = 0;
  virtual Result<Indicators> indicators(const std::string& since, const std::string& until) = 0;
};

struct TraceJob {
  trace::Viewer viewer;
  TraceRoute route;
};

inline constexpr std::size_t kShowMax = 20;  // messages sharing one Message-ID in an answer

class TraceApi {
 public:
  // `admins`: lower-cased mail users who see every message (and the indicators).
  explicit TraceApi(std::vector<std::string> admins) : admins_(std::move(admins)) {}

  // On the loop. `sessions`: webmail's (the same login and cookie).
  std::variant<http::HttpResponse, TraceJob> admit(const http::HttpRequest& request, bool tls,
                                                   webmail::SessionTable& sessions, std::int64_t now_ms) const;
  // On the pool.
  static http::HttpResponse run(const TraceJob& job, TraceReader& reader);

  bool is_admin(std::string_view user) const;

 private:
  std::vector<std::string> admins_;
};

}  // namespace hamail::mailsvc::traceweb
