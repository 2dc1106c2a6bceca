#include "hamail/mailsvc/traceweb/trace_route.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "hamail/mailsvc/trace/trace_event.h"
#include "hamail/mailsvc/webmail/api_route.h"

namespace hamail::mailsvc::traceweb {
namespace {

constexpr std::string_view kPrefix = "/trace/api/";

TraceRouteError bad(const std::string& parameter, const std::string& why) {
  return TraceRouteError{400, parameter + ": " + why};
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A form value: '+' is a space, then percent-decoded.
std::optional<std::string> form_decode(std::string_view s) {
  std::string plus(s);
  std::replace(plus.begin(), plus.end(), '+', ' ');
  return webmail::percent_decode(plus);
}

bool queue_id_chars(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c); });
}

// Sets one search parameter; an error names it.
std::optional<TraceRouteError> set_search(trace::TraceQuery& q, const std::string& key, const std::string& value) {
  if (key == "message_id") {
    if (value.find('@') == std::string::npos) return bad(key, "a Message-ID has an '@'");
    q.message_id = trace::normalize_message_id(value);
  } else if (key == "queue_id") {
    if (!queue_id_chars(value)) return bad(key, "letters and digits only");
    q.queue_id = value;
  } else if (key == "from") {
    q.from = trace::normalize_address(value);
  } else if (key == "to") {
    q.to = trace::normalize_address(value);
  } else if (key == "subject") {
    q.subject = lower(value);
  } else if (key == "status") {
    if (!trace::known_status(value)) return bad(key, "not a known status");
    q.status = value;
  } else if (key == "since" || key == "until") {
    if (Status s = trace::check_time_prefix(value); !s) return bad(key, s.message());
    (key == "since" ? q.since : q.until) = value;
  } else if (key == "order") {
    if (value != "newest" && value != "oldest") return bad(key, "newest or oldest");
    q.newest_first = value == "newest";
  } else if (key == "limit") {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size() || n < 1 || n > kPageMax)
      return bad(key, "a number from 1 to " + std::to_string(kPageMax));
    q.limit = n;
  } else {
    return bad(key, "unknown parameter");
  }
  return std::nullopt;
}

// Calls `each(key, value)` for every parameter of the query string (empty values skipped:
// a form's empty field); an error names the parameter.
template <class Each>
std::optional<TraceRouteError> for_each_parameter(std::string_view query, Each each) {
  std::size_t count = 0;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    if (++count > kMaxParameters) return TraceRouteError{400, "too many parameters"};
    std::size_t eq = pair.find('=');
    auto key = form_decode(pair.substr(0, eq));
    if (!key || key->empty() || key->size() > 32) return TraceRouteError{400, "a bad parameter name"};
    auto value = form_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!value) return bad(*key, "a bad percent escape");
    if (value->size() > kValueMax) return bad(*key, "over " + std::to_string(kValueMax) + " bytes");
    if (value->empty()) continue;
    if (auto e = each(*key, *value)) return e;
  }
  return std::nullopt;
}

}  // namespace

bool is_trace_api(std::string_view target) { return target.starts_with(kPrefix); }

std::variant<TraceRoute, TraceRouteError> parse_trace_route(const http::HttpRequest& request) {
  std::string_view target = request.target;
  std::size_t qmark = target.find('?');
  std::string_view path = target.substr(0, qmark);
  std::string_view query = qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1);
  if (!path.starts_with(kPrefix)) return TraceRouteError{404, "no such endpoint"};
  path.remove_prefix(kPrefix.size());
  bool known = path == "messages" || path == "indicators" || path.starts_with("messages/");
  if (!known) return TraceRouteError{404, "no such endpoint"};
  if (request.method != "GET" && request.method != "HEAD") return TraceRouteError{405, "GET only"};
  if (path == "messages") {
    SearchRoute r;
    r.query.limit = kPageDefault;
    r.query.newest_first = true;
    if (auto e = for_each_parameter(query, [&](const std::string& k, const std::string& v) {
          return set_search(r.query, k, v);
        }))
      return *e;
    return r;
  }
  if (path == "indicators") {
    IndicatorsRoute r;
    if (auto e = for_each_parameter(query, [&](const std::string& k, const std::string& v) -> std::optional<TraceRouteError> {
          if (k != "since" && k != "until") return bad(k, "unknown parameter");
          if (Status s = trace::check_time_prefix(v); !s) return bad(k, s.message());
          (k == "since" ? r.since : r.until) = v;
          return std::nullopt;
        }))
      return *e;
    return r;
  }
  path.remove_prefix(std::string_view("messages/").size());
  auto id = webmail::percent_decode(path);
  if (!id || id->empty() || id->size() > kValueMax) return bad("id", "a queue id or Message-ID of 1 to 320 bytes");
  if (id->find('@') == std::string::npos && !queue_id_chars(*id)) return bad("id", "a queue id or Message-ID");
  if (!query.empty()) return bad(std::string(query.substr(0, query.find('='))), "unknown parameter");
  return MessageRoute{*id};
}

}  // namespace hamail::mailsvc::traceweb
