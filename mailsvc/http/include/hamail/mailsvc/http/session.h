// One HTTP/1.1 connection as a sans-IO state machine: bytes in, actions out (send bytes,
// send a file range, stream a body, close). Pipelined requests are answered in order; keep-alive follows
// the request's version and Connection field; bad requests get their status and a close.
// A handler may answer later (AnswerLater, then complete()); requests behind it wait.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hamail/mailsvc/http/request.h"
#include "hamail/mailsvc/http/request_limits.h"
#include "hamail/mailsvc/http/request_reader.h"
#include "hamail/mailsvc/http/response.h"

namespace hamail::mailsvc::http {

// What answers a well-formed GET or HEAD (StaticSite, the HTTPS redirect). It may return
// a file body; the session drops it for HEAD.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual HttpResponse handle(const HttpRequest& request, std::time_t now) = 0;
  // Whether the handler takes this request's method (else 405, Allow: GET, HEAD). A
  // handler that takes POST answers its own 405 for targets that do not.
  virtual bool takes_method(const HttpRequest& request) const {
    return request.method == "GET" || request.method == "HEAD";
  }
  // Whether the answer comes later, from work off the loop (webmail's mailbox reads):
  // the session then emits AnswerLater and reads no further request until complete().
  virtual bool answers_later(const HttpRequest& /*request*/) const { return false; }
};

struct SendBytes {
  std::string bytes;
};
struct SendFile {
  FileBody body;
};
// A streamed body after its head (HttpResponse::stream): the shell pulls its parts, one
// only when the previous is written, until the end (chunked: the last-chunk).
struct SendStream {
  StreamedBody body;
};
struct CloseConnection {};
// The handler answers this request later: the shell runs it (off the loop) and hands the
// response to HttpSession::complete; meanwhile the session holds any bytes after it.
struct AnswerLater {
  HttpRequest request;
};
// One answered request, for the access log (never bodies).
struct Exchange {
  std::uint64_t number = 0;  // 1, 2, ... on this connection
  std::string method;        // empty when the request could not be read
  std::string target;
  HttpVersion version;
  Status status = Status::ok;
  std::uint64_t body_bytes = 0;  // sent after the head
  bool streamed = false;         // body_bytes are the shell's count of the SendStream before it
};
using HttpAction = std::variant<SendBytes, SendFile, SendStream, CloseConnection, Exchange, AnswerLater>;

class HttpSession {
 public:
  HttpSession(RequestLimits limits, RequestHandler& handler);

  // Reads `bytes` and answers every complete request in them; the actions run in order.
  // Nothing happens after CloseConnection.
  std::vector<HttpAction> feed(std::string_view bytes, std::time_t now);
  // The header timeout expired: 408 and close when part of a request was read, else close.
  std::vector<HttpAction> timed_out(std::time_t now);
  // The answer to the request of the last AnswerLater; then the requests held behind it.
  std::vector<HttpAction> complete(const HttpResponse& response, std::time_t now);

  // An AnswerLater is outstanding: no timer runs, and the shell should stop reading (bytes
  // it still feeds are held, up to kMaxHeldBytes; past that the connection is closed).
  bool waiting() const { return waiting_.has_value(); }
  static constexpr std::size_t kMaxHeldBytes = 256 * 1024;

  // Part of a request has been read (the header timer runs), or none (the idle timer does).
  bool mid_request() const { return !closed_ && !waiting_ && reader_.mid_request(); }
  bool closed() const { return closed_; }
  std::uint64_t requests() const { return count_; }

 private:
  void answer(const HttpRequest& request, std::time_t now, std::vector<HttpAction>& out);
  void answer_error(Status s, std::time_t now, std::vector<HttpAction>& out);
  void emit(const HttpResponse& r, bool head_only, bool keep_alive, Exchange ex, std::time_t now,
            std::vector<HttpAction>& out);

  struct Waiting {
    Exchange exchange;
    bool head = false;
    bool keep_alive = true;
  };
  void run(std::string_view bytes, std::time_t now, std::vector<HttpAction>& out);

  RequestReader reader_;
  RequestHandler& handler_;
  std::optional<Waiting> waiting_;
  std::string held_;  // bytes read while waiting
  bool closed_ = false;
  std::uint64_t count_ = 0;
};

}  // namespace hamail::mailsvc::http
