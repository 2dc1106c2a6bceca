// HTTP status codes as the server uses them, and their reason phrases (RFC 9110 section
// 15), so that a response line and a log record name a status the same way.
#pragma once

#include <string_view>

namespace hamail::mailsvc::http {

enum class Status : int {
  ok = 200,
  partial_content = 206,
  moved_permanently = 301,
  not_modified = 304,
  bad_request = 400,
  unauthorized = 401,
  forbidden = 403,
  not_found = 404,
  method_not_allowed = 405,
  request_timeout = 408,
  payload_too_large = 413,
  uri_too_long = 414,
  unsupported_media_type = 415,
  unprocessable_content = 422,
  range_not_satisfiable = 416,
  too_many_requests = 429,
  header_fields_too_large = 431,
  internal_server_error = 500,
  bad_gateway = 502,
  service_unavailable = 503,
  version_not_supported = 505,
};

constexpr int code(Status s) { return static_cast<int>(s); }
// "OK", "Not Found", ...
std::string_view reason_phrase(Status s);

}  // namespace hamail::mailsvc::http
