#include "hamail/mailsvc/http/conditional.h"

#include <cstdio>

#include "hamail/mailsvc/http/http_date.h"

namespace hamail::mailsvc::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// If-None-Match uses the weak comparison: W/"x" matches "x".
bool list_matches(std::string_view list, std::string_view etag) {
  if (trim(list) == "*") return true;
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view tag = trim(list.substr(0, comma));
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

Validators validators_for(std::uint64_t size, std::int64_t mtime_ns) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "\"%llx-%llx\"", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(mtime_ns));
  return Validators{buf, static_cast<std::time_t>(mtime_ns / 1000000000)};
}

bool not_modified(const HttpRequest& request, const Validators& v) {
  if (auto inm = request.header("If-None-Match")) return list_matches(*inm, v.etag);
  if (auto ims = request.header("If-Modified-Since")) {
    auto t = parse_http_date(trim(*ims));
    return t && v.last_modified <= *t;
  }
  return false;
}

bool if_range_allows(const HttpRequest& request, const Validators& v) {
  auto ir = request.header("If-Range");
  if (!ir) return true;
  std::string_view value = trim(*ir);
  if (value.starts_with("\"")) return value == v.etag;  // strong comparison
  auto t = parse_http_date(value);
  return t && *t == v.last_modified;
}

}  // namespace hamail::mailsvc::http
