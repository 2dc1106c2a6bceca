#include "hamail/metrics/http_request.h"

#include "hamail/metrics/text_format.h"

namespace hamail::metrics {

namespace {

bool token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool target_char(char c) { return c > 0x20 && c < 0x7f; }

// "METHOD SP TARGET SP HTTP/1.x": the verdict of a complete request line.
RequestVerdict classify_line(std::string_view line) {
  auto sp1 = line.find(' ');
  if (sp1 == 0 || sp1 == std::string_view::npos) return RequestVerdict::bad_request;
  auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp2 == sp1 + 1) return RequestVerdict::bad_request;
  std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1),
                   version = line.substr(sp2 + 1);
  for (char c : method)
    if (!token_char(c)) return RequestVerdict::bad_request;
  for (char c : target)
    if (!target_char(c)) return RequestVerdict::bad_request;
  if (version != "HTTP/1.0" && version != "HTTP/1.1") return RequestVerdict::bad_request;
  if (method != "GET" && method != "HEAD") return RequestVerdict::method_not_allowed;
  std::string_view path = target.substr(0, target.find('?'));
  if (path != "/metrics") return RequestVerdict::not_found;
  return method == "GET" ? RequestVerdict::get_metrics : RequestVerdict::head_metrics;
}

}  // namespace

RequestVerdict classify_request(std::string_view received, std::size_t max_bytes) {
  // The head ends at the first empty line (CRLF CRLF, or bare LF LF as tolerated by servers).
  std::size_t end = std::string_view::npos;
  for (std::size_t i = 0; i < received.size() && end == std::string_view::npos; ++i) {
    if (received[i] != '\n') continue;
    if (i + 1 < received.size() && received[i + 1] == '\n')
      end = i;
    else if (i + 2 < received.size() && received[i + 1] == '\r' && received[i + 2] == '\n')
      end = i;
  }
  if (end == std::string_view::npos) {
    // The request line alone already tells garbage apart (a client that never sends the
    // blank line is answered at once).
    auto eol = received.find('\n');
    if (eol != std::string_view::npos) {
      std::string_view line = received.substr(0, eol);
      if (line.ends_with('\r')) line.remove_suffix(1);
      if (classify_line(line) == RequestVerdict::bad_request) return RequestVerdict::bad_request;
    }
    return received.size() > max_bytes ? RequestVerdict::too_large : RequestVerdict::incomplete;
  }
  if (end + 1 > max_bytes) return RequestVerdict::too_large;
  std::string_view line = received.substr(0, received.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  return classify_line(line);
}

std::string http_response(RequestVerdict verdict, std::string_view body) {
  std::string status, extra, text;
  bool head = false;
  switch (verdict) {
    case RequestVerdict::get_metrics:
      status = "200 OK";
      break;
    case RequestVerdict::head_metrics:
      status = "200 OK";
      head = true;
      break;
    case RequestVerdict::not_found:
      status = "404 Not Found";
      text = "only /metrics is served\n";
      break;
    case RequestVerdict::method_not_allowed:
      status = "405 Method Not Allowed";
      extra = "Allow: GET, HEAD\r\n";
      text = "only GET and HEAD are allowed\n";
      break;
    case RequestVerdict::too_large:
      status = "431 Request Header Fields Too Large";
      text = "request too large\n";
      break;
    case RequestVerdict::bad_request:
    case RequestVerdict::incomplete:
      status = "400 Bad Request";
      text = "bad request\n";
      break;
  }
  bool ok = verdict == RequestVerdict::get_metrics || verdict == RequestVerdict::head_metrics;
  std::string_view content = ok ? body : std::string_view(text);
  std::string out = "HTTP/1.1 " + status + "\r\n";
  out += "Content-Type: " + std::string(ok ? kTextContentType : "text/plain; charset=utf-8") + "\r\n";
  out += "Content-Length: " + std::to_string(content.size()) + "\r\n" + extra + "Connection: close\r\n\r\n";
  if (!head) out += content;
  return out;
}

}  // namespace hamail::metrics
