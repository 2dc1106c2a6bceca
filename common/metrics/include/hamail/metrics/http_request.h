// The one request a metrics endpoint understands, read without an HTTP library: the bytes
// received so far are classified as incomplete, or as the answer they get. Bounded: a
// request whose head does not end within the limit is refused. Sans-IO.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hamail::metrics {

enum class RequestVerdict {
  incomplete,          // no blank line yet, within the limit: read more
  get_metrics,         // GET /metrics (a query string is ignored)
  head_metrics,        // HEAD /metrics
  not_found,           // a well-formed GET or HEAD of another path: 404
  method_not_allowed,  // a well-formed request with another method: 405
  bad_request,         // not an HTTP/1.x request line: 400
  too_large,           // the head exceeds the limit: 431
};

inline constexpr std::size_t kMaxRequestBytes = 8 * 1024;

RequestVerdict classify_request(std::string_view received, std::size_t max_bytes = kMaxRequestBytes);

// The whole response for a verdict other than incomplete: status line, Content-Type,
// Content-Length, Connection: close (and Allow for 405), then `body` unless HEAD (for
// get/head) or a one-line reason (for errors).
std::string http_response(RequestVerdict verdict, std::string_view body);

}  // namespace hamail::metrics
