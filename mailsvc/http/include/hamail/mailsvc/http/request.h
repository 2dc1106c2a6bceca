// One HTTP/1.x request as the server sees it after parsing: method, target, version,
// header fields (names kept as sent, looked up without case) and the body, all bounded
// by RequestLimits before they get here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hamail::mailsvc::http {

struct HttpVersion {
  int major = 1;
  int minor = 1;
  bool operator==(const HttpVersion&) const = default;
};

struct HttpRequest {
  std::string method;  // "GET", "HEAD", "POST", ... (as http-parser knows them)
  std::string target;  // the request-target as sent: "/a/b%20c?x=1"
  HttpVersion version;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;    // de-chunked

  // The first field named `name` (any case), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
  std::size_t header_count(std::string_view name) const;
  // Whether the connection stays open after the answer: HTTP/1.1 unless "Connection:
  // close", HTTP/1.0 only with "Connection: keep-alive".
  bool keep_alive() const;
};

// Whether the comma-separated `list` ("keep-alive, Upgrade") holds `token` (any case).
bool has_token(std::string_view list, std::string_view token);
bool equals_ignore_case(std::string_view a, std::string_view b);

}  // namespace hamail::mailsvc::http
