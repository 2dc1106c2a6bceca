// The trace page's API under /trace/api/ (GET only), parsed, checked and bounded before
// any index work: a search (a page of messages), one message's timeline, the indicators.
// A bad parameter is a 400 that names it.
#pragma once

#include <string>
#include <variant>

#include "hamail/mailsvc/http/request.h"
#include "hamail/mailsvc/trace/trace_query.h"

namespace hamail::mailsvc::traceweb {

inline constexpr std::size_t kPageDefault = 50;
inline constexpr std::size_t kPageMax = 200;         // messages in one answer
inline constexpr std::size_t kValueMax = 320;        // bytes of one decoded parameter
inline constexpr std::size_t kMaxParameters = 16;
inline constexpr std::size_t kIndicatorHoursMax = 24 * 31;

// GET /trace/api/messages?message_id=&queue_id=&from=&to=&subject=&status=&since=&until=&limit=
//     &order=newest (default: the latest page) | oldest
struct SearchRoute {
  trace::TraceQuery query;  // limit: 1..kPageMax
};
// GET /trace/api/messages/ID: a queue id or a Message-ID (percent-encoded)
struct MessageRoute {
  std::string id;
};
// GET /trace/api/indicators?since=&until=: per hour, and the queue's size
struct IndicatorsRoute {
  std::string since, until;
};
using TraceRoute = std::variant<SearchRoute, MessageRoute, IndicatorsRoute>;

struct TraceRouteError {
  int status = 404;  // 400, 404 or 405
  std::string message;
};

// Whether httpd hands `target` to the trace API.
bool is_trace_api(std::string_view target);

std::variant<TraceRoute, TraceRouteError> parse_trace_route(const http::HttpRequest& request);

}  // namespace hamail::mailsvc::traceweb
