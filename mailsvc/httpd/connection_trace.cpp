// Connection's answer to the trace page's API (/trace/api/): TraceApi::admit on the loop,
// the index read on the pool, the answer back on the loop.
#include <chrono>

#include "hamail/mailsvc/httpd/connection.h"

namespace hamail::mailsvc::httpd {

void Connection::answer_trace(const http::HttpRequest& request) {
  std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now().time_since_epoch()).count();
  auto admitted = webmail_->trace->api.admit(request, tls_, webmail_->api.sessions(), now);
  if (auto* r = std::get_if<http::HttpResponse>(&admitted)) {
    for (auto& more : session_.complete(*r, std::time(nullptr))) queue_.push_back(std::move(more));
    return;
  }
  auto job = std::make_shared<traceweb::TraceJob>(std::get<traceweb::TraceJob>(std::move(admitted)));
  auto reader = webmail_->trace->reader;
  auto work = uv::run_blocking<http::HttpResponse>(
      loop_, [job, reader] { return traceweb::TraceApi::run(*job, *reader); },
      [this](http::HttpResponse response) { complete_later(response); });
  if (!work) {
    log_.warning("trace_job_failed").kv("session", id_).kv("error", work.error());
    for (auto& more : session_.complete(http::error_response(http::Status::service_unavailable), std::time(nullptr)))
      queue_.push_back(std::move(more));
    return;
  }
  work_ = std::move(*work);
}

}  // namespace hamail::mailsvc::httpd
