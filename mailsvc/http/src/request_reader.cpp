// http-parser drives the callbacks below; each checks a bound and fails the parse with
// the status to answer. The parser is paused at the end of every message so that
// pipelined requests are handed out one at a time.
#include "hamail/mailsvc/http/request_reader.h"

#include <http_parser.h>

#include <limits>

namespace hamail::mailsvc::http {

struct RequestReader::Parser {
  http_parser parser{};
  http_parser_settings settings{};
  RequestLimits limits;
  HttpRequest request;
  std::size_t header_bytes = 0;
  bool in_value = false;     // the last header callback was a value
  bool started = false;      // a byte of the current request was read
  bool headers_done = false;
  bool complete = false;
  std::optional<Status> error;

  static Parser& of(http_parser* p) { return *static_cast<Parser*>(p->data); }
  int fail(Status s) {
    error = s;
    return -1;
  }
  int count_header_bytes(std::size_t n) {
    header_bytes += n;
    return header_bytes > limits.max_header_bytes ? fail(Status::header_fields_too_large) : 0;
  }
  void reset() {
    request = HttpRequest{};
    header_bytes = 0;
    in_value = started = headers_done = complete = false;
  }
};

namespace {

using P = RequestReader::Parser;

int on_message_begin(http_parser* hp) {
  P::of(hp).started = true;
  return 0;
}

int on_url(http_parser* hp, const char* at, std::size_t n) {
  P& p = P::of(hp);
  p.request.target.append(at, n);
  if (p.request.target.size() > p.limits.max_target_bytes) return p.fail(Status::uri_too_long);
  return p.count_header_bytes(n);
}

int on_header_field(http_parser* hp, const char* at, std::size_t n) {
  P& p = P::of(hp);
  if (p.in_value || p.request.headers.empty()) {
    if (p.request.headers.size() >= p.limits.max_header_count) return p.fail(Status::header_fields_too_large);
    p.request.headers.emplace_back();
    p.in_value = false;
    if (int r = p.count_header_bytes(4); r != 0) return r;  // ": " and CRLF
  }
  p.request.headers.back().first.append(at, n);
  return p.count_header_bytes(n);
}

int on_header_value(http_parser* hp, const char* at, std::size_t n) {
  P& p = P::of(hp);
  p.in_value = true;
  p.request.headers.back().second.append(at, n);
  return p.count_header_bytes(n);
}

int on_headers_complete(http_parser* hp) {
  P& p = P::of(hp);
  p.headers_done = true;
  p.request.method = http_method_str(static_cast<http_method>(hp->method));
  p.request.version = HttpVersion{hp->http_major, hp->http_minor};
  if (hp->http_major != 1 || hp->http_minor > 1) return p.fail(Status::version_not_supported);
  // RFC 9112 section 3.2: exactly one Host in HTTP/1.1; at most one in 1.0.
  std::size_t hosts = p.request.header_count("Host");
  if (hosts > 1 || (hosts == 0 && hp->http_minor == 1)) return p.fail(Status::bad_request);
  if (hp->content_length != std::numeric_limits<std::uint64_t>::max() && hp->content_length > p.limits.max_body_bytes)
    return p.fail(Status::payload_too_large);
  return 0;
}

int on_body(http_parser* hp, const char* at, std::size_t n) {
  P& p = P::of(hp);
  if (p.request.body.size() + n > p.limits.max_body_bytes) return p.fail(Status::payload_too_large);
  p.request.body.append(at, n);
  return 0;
}

int on_message_complete(http_parser* hp) {
  P& p = P::of(hp);
  p.complete = true;
  http_parser_pause(hp, 1);
  return 0;
}

Status status_of(http_errno e) {
  return e == HPE_HEADER_OVERFLOW ? Status::header_fields_too_large : Status::bad_request;
}

}  // namespace

RequestReader::RequestReader(RequestLimits limits) : p_(std::make_unique<Parser>()) {
  p_->limits = limits;
  http_parser_init(&p_->parser, HTTP_REQUEST);
  p_->parser.data = p_.get();
  http_parser_settings& s = p_->settings;
  http_parser_settings_init(&s);
  s.on_message_begin = on_message_begin;
  s.on_url = on_url;
  s.on_header_field = on_header_field;
  s.on_header_value = on_header_value;
  s.on_headers_complete = on_headers_complete;
  s.on_body = on_body;
  s.on_message_complete = on_message_complete;
}

RequestReader::~RequestReader() = default;

bool RequestReader::mid_request() const { return p_->started && !p_->complete; }
bool RequestReader::headers_complete() const { return p_->headers_done; }
const HttpRequest& RequestReader::partial() const { return p_->request; }

ReadStep RequestReader::feed(std::string_view bytes) {
  ReadStep step;
  if (p_->error) {
    step.error = p_->error;
    return step;
  }
  if (p_->complete) p_->reset();
  if (bytes.empty()) return step;
  step.consumed = http_parser_execute(&p_->parser, &p_->settings, bytes.data(), bytes.size());
  auto e = static_cast<http_errno>(p_->parser.http_errno);
  if (e == HPE_PAUSED) {
    http_parser_pause(&p_->parser, 0);
  } else if (e != HPE_OK) {
    if (!p_->error) p_->error = status_of(e);
    step.error = p_->error;
    return step;
  }
  if (p_->complete) step.request = std::move(p_->request);
  return step;
}

}  // namespace hamail::mailsvc::http
