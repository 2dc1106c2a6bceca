#include "hamail/mailsvc/http/response.h"

#include <cstdio>

#include "hamail/mailsvc/http/http_date.h"

namespace hamail::mailsvc::http {

std::string serialise_head(const HttpResponse& r, std::time_t now, bool keep_alive, bool chunked) {
  std::string out = "HTTP/1.1 ";
  out += std::to_string(code(r.status));
  out += ' ';
  out += reason_phrase(r.status);
  out += "\r\nDate: ";
  out += format_http_date(now);
  out += "\r\nServer: hamail-httpd\r\n";
  for (const auto& [n, v] : r.headers) {
    out += n;
    out += ": ";
    out += v;
    out += "\r\n";
  }
  if (r.stream && r.status != Status::not_modified) {
    if (chunked) out += "Transfer-Encoding: chunked\r\n";
  } else if (r.status != Status::not_modified) {
    out += "Content-Length: ";
    out += std::to_string(r.body_length());
    out += "\r\n";
  }
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return out;
}

HttpResponse error_response(Status s) {
  HttpResponse r;
  r.status = s;
  r.body = std::to_string(code(s)) + " " + std::string(reason_phrase(s)) + "\n";
  r.add("Content-Type", "text/plain; charset=utf-8");
  r.close = s == Status::bad_request || s == Status::payload_too_large || s == Status::uri_too_long ||
            s == Status::header_fields_too_large || s == Status::version_not_supported ||
            s == Status::request_timeout;
  return r;
}

std::string encode_chunk(std::string_view data) {
  if (data.empty()) return {};
  char size[24];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out = size;
  out.append(data);
  out += "\r\n";
  return out;
}

}  // namespace hamail::mailsvc::http
