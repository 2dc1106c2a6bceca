#include "hamail/mailsvc/traceweb/trace_api.h"

#include <algorithm>
#include <cctype>

#include "hamail/mailsvc/webmail/api_gate.h"
#include "hamail/mailsvc/webmail/api_views.h"

namespace hamail::mailsvc::traceweb {
namespace {

using http::Status;
using webmail::json_error;
using webmail::json_response;

http::HttpResponse index_error() { return json_error(Status::internal_server_error, "trace index error"); }

struct Runner {
  const TraceJob& job;
  TraceReader& reader;

  http::HttpResponse operator()(const SearchRoute& r) {
    trace::TraceQuery q = r.query;
    std::size_t limit = q.limit;
    q.limit = limit + 1;  // one more: is there more than a page?
    auto found = reader.find(q, job.viewer);
    if (!found) return index_error();
    return json_response(message_page_json(*found, limit));
  }
  http::HttpResponse operator()(const MessageRoute& r) {
    auto found = reader.show(r.id, job.viewer);
    if (!found) return index_error();
    if (found->empty()) return json_error(Status::not_found, "no such message");
    nlohmann::json list = nlohmann::json::array();
    for (std::size_t i = 0; i < found->size() && i < kShowMax; ++i) list.push_back(message_trace_json((*found)[i]));
    return json_response(nlohmann::json{{"messages", std::move(list)}});
  }
  http::HttpResponse operator()(const IndicatorsRoute& r) {
    auto got = reader.indicators(r.since, r.until);
    if (!got) return index_error();
    if (got->hours.size() > kIndicatorHoursMax)  // the latest hours
      got->hours.erase(got->hours.begin(), got->hours.end() - static_cast<std::ptrdiff_t>(kIndicatorHoursMax));
    return json_response(indicators_json(*got));
  }
};

}  // namespace

bool TraceApi::is_admin(std::string_view user) const {
  std::string u(user);
  std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::find(admins_.begin(), admins_.end(), u) != admins_.end();
}

std::variant<http::HttpResponse, TraceJob> TraceApi::admit(const http::HttpRequest& request, bool tls,
                                                          webmail::SessionTable& sessions, std::int64_t now_ms) const {
  webmail::GateResult gate = webmail::admit_api_request(request, tls, sessions, now_ms);
  if (auto* refusal = std::get_if<http::HttpResponse>(&gate)) return std::move(*refusal);
  const webmail::WebSession* session = std::get<const webmail::WebSession*>(gate);
  auto parsed = parse_trace_route(request);
  if (auto* e = std::get_if<TraceRouteError>(&parsed)) {
    Status s = e->status == 400 ? Status::bad_request : e->status == 405 ? Status::method_not_allowed : Status::not_found;
    http::HttpResponse r = json_error(s, e->message);
    if (e->status == 405) r.add("Allow", "GET, HEAD");
    return r;
  }
  bool admin = is_admin(session->user);
  TraceJob job{admin ? trace::Viewer::administrator() : trace::Viewer::user(session->user),
               std::get<TraceRoute>(std::move(parsed))};
  if (!admin) {
    if (auto* s = std::get_if<SearchRoute>(&job.route); s && !s->query.subject.empty())
      return json_error(Status::forbidden, "subject: admins only");
    if (std::holds_alternative<IndicatorsRoute>(job.route)) return json_error(Status::forbidden, "indicators: admins only");
  }
  return job;
}

http::HttpResponse TraceApi::run(const TraceJob& job, TraceReader& reader) {
  return std::visit(Runner{job, reader}, job.route);
}

}  // namespace hamail::mailsvc::traceweb
