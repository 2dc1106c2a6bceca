// Reads HTTP/1.x requests from a byte stream with Debian's http-parser, one at a time
// (pipelined requests stay in the caller's bytes until asked for), and turns its events
// into a typed HttpRequest, or the status a bad request is answered with.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "hamail/mailsvc/http/request.h"
#include "hamail/mailsvc/http/request_limits.h"
#include "hamail/mailsvc/http/status.h"

namespace hamail::mailsvc::http {

struct ReadStep {
  std::size_t consumed = 0;             // bytes of the input used; feed the rest again
  std::optional<HttpRequest> request;   // a complete request
  std::optional<Status> error;          // the request is bad: answer this and close
};

class RequestReader {
 public:
  explicit RequestReader(RequestLimits limits);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // Parses `bytes` up to the end of the first complete request. After an error the
  // reader stays failed.
  ReadStep feed(std::string_view bytes);
  // Some bytes of a request that is not complete yet have been read.
  bool mid_request() const;
  // Whether the headers of the request being read are complete (the body may not be).
  bool headers_complete() const;
  // What was read of the current (or failed) request: its target so far, and its method
  // and version once the headers are complete. For the access log of a refused request.
  const HttpRequest& partial() const;

  struct Parser;  // http-parser's state and the request being built

 private:
  std::unique_ptr<Parser> p_;
};

}  // namespace hamail::mailsvc::http
