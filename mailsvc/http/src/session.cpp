#include "hamail/mailsvc/http/session.h"

#include <utility>

namespace hamail::mailsvc::http {

HttpSession::HttpSession(RequestLimits limits, RequestHandler& handler) : reader_(limits), handler_(handler) {}

std::vector<HttpAction> HttpSession::feed(std::string_view bytes, std::time_t now) {
  std::vector<HttpAction> out;
  run(bytes, now, out);
  return out;
}

void HttpSession::run(std::string_view bytes, std::time_t now, std::vector<HttpAction>& out) {
  while (!closed_ && !bytes.empty()) {
    if (waiting_) {
      if (held_.size() + bytes.size() > kMaxHeldBytes) {
        closed_ = true;
        out.emplace_back(CloseConnection{});
        return;
      }
      held_.append(bytes);
      return;
    }
    ReadStep step = reader_.feed(bytes);
    bytes.remove_prefix(step.consumed);
    if (step.error) {
      answer_error(*step.error, now, out);
    } else if (step.request) {
      answer(*step.request, now, out);
    } else if (step.consumed == 0) {
      break;  // defensive: the parser made no progress
    }
  }
}

std::vector<HttpAction> HttpSession::complete(const HttpResponse& response, std::time_t now) {
  std::vector<HttpAction> out;
  if (!waiting_ || closed_) return out;
  Waiting w = std::move(*waiting_);
  waiting_.reset();
  emit(response, w.head, w.keep_alive && !response.close, std::move(w.exchange), now, out);
  std::string held = std::move(held_);
  held_.clear();
  run(held, now, out);
  return out;
}

std::vector<HttpAction> HttpSession::timed_out(std::time_t now) {
  std::vector<HttpAction> out;
  if (closed_ || waiting_) return out;
  if (reader_.mid_request()) {
    answer_error(Status::request_timeout, now, out);
  } else {
    closed_ = true;
    out.emplace_back(CloseConnection{});
  }
  return out;
}

void HttpSession::answer(const HttpRequest& request, std::time_t now, std::vector<HttpAction>& out) {
  Exchange ex{++count_, request.method, request.target, request.version};
  bool head = request.method == "HEAD";
  if (!handler_.takes_method(request)) {
    HttpResponse r = error_response(Status::method_not_allowed);
    r.add("Allow", "GET, HEAD");
    emit(r, false, request.keep_alive(), std::move(ex), now, out);
    return;
  }
  if (handler_.answers_later(request)) {
    waiting_ = Waiting{std::move(ex), head, request.keep_alive()};
    out.emplace_back(AnswerLater{request});
    return;
  }
  HttpResponse r = handler_.handle(request, now);
  emit(r, head, request.keep_alive() && !r.close, std::move(ex), now, out);
}

void HttpSession::answer_error(Status s, std::time_t now, std::vector<HttpAction>& out) {
  const HttpRequest& seen = reader_.partial();
  // The target is cut to 256 bytes in the log (a 414's is up to the limit).
  Exchange ex{++count_, seen.method, seen.target.substr(0, 256), seen.version};
  emit(error_response(s), false, false, std::move(ex), now, out);
}

void HttpSession::emit(const HttpResponse& r, bool head_only, bool keep_alive, Exchange ex, std::time_t now,
                       std::vector<HttpAction>& out) {
  keep_alive = keep_alive && !r.close;
  bool has_body = !head_only && r.status != Status::not_modified;
  bool streamed = r.stream && r.status != Status::not_modified;
  bool chunked = streamed && ex.version.major == 1 && ex.version.minor >= 1;
  // HTTP/1.0 has no chunks: the connection's end is the body's end.
  if (streamed && !chunked && has_body) keep_alive = false;
  std::string bytes = serialise_head(r, now, keep_alive, chunked);
  ex.status = r.status;
  ex.body_bytes = has_body ? r.body_length() : 0;
  if (has_body && !r.file && !r.stream) bytes += r.body;
  out.emplace_back(SendBytes{std::move(bytes)});
  if (has_body && r.file && r.file->length > 0) out.emplace_back(SendFile{*r.file});
  if (has_body && r.stream) {
    out.emplace_back(SendStream{StreamedBody(r.stream, chunked)});
    ex.streamed = true;
  }
  out.emplace_back(std::move(ex));
  if (!keep_alive) {
    closed_ = true;
    out.emplace_back(CloseConnection{});
  }
}

}  // namespace hamail::mailsvc::http
