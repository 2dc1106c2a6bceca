#include "hamail/mailsvc/http/status.h"

namespace hamail::mailsvc::http {

std::string_view reason_phrase(Status s) {
  switch (s) {
    case Status::ok: return "OK";
    case Status::partial_content: return "Partial Content";
    case Status::moved_permanently: return "Moved Permanently";
    case Status::not_modified: return "Not Modified";
    case Status::bad_request: return "Bad Request";
    case Status::unauthorized: return "Unauthorized";
    case Status::forbidden: return "Forbidden";
    case Status::not_found: return "Not Found";
    case Status::method_not_allowed: return "Method Not Allowed";
    case Status::request_timeout: return "Request Timeout";
    case Status::payload_too_large: return "Content Too Large";
    case Status::uri_too_long: return "URI Too Long";
    case Status::unsupported_media_type: return "Unsupported Media Type";
    case Status::range_not_satisfiable: return "Range Not Satisfiable";
    case Status::too_many_requests: return "Too Many Requests";
    case Status::unprocessable_content: return "Unprocessable Content";
    case Status::bad_gateway: return "Bad Gateway";
    case Status::header_fields_too_large: return "Request Header Fields Too Large";
    case Status::internal_server_error: return "Internal Server Error";
    case Status::service_unavailable: return "Service Unavailable";
    case Status::version_not_supported: return "HTTP Version Not Supported";
  }
  return "Unknown";
}

}  // namespace hamail::mailsvc::http
