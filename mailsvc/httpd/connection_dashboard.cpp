// Connection's part for the cluster dashboard (/dashboard/api/): the gate and route on the
// loop (dashboard_api.h over webmail's sessions), the control-socket reads as a job on
// libuv's pool, the view built back on the loop.
#include <chrono>
#include <ctime>

#include "hamail/mailsvc/httpd/connection.h"
#include "hamail/mailsvc/httpd/dashboard_service.h"
#include "hamail/mailsvc/httpd/dashboard_sources.h"
#include "hamail/mailsvc/webmail/api_gate.h"

namespace hamail::mailsvc::httpd {

namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void Connection::answer_dashboard(const http::HttpRequest& request) {
  auto answer_now = [this](const http::HttpResponse& r) {
    for (auto& more : session_.complete(r, std::time(nullptr))) queue_.push_back(std::move(more));
  };
  if (webmail_->dashboard == nullptr)
    return answer_now(webmail::json_error(http::Status::not_found, "no dashboard configured"));
  DashboardService& service = *webmail_->dashboard;
  const dashboard::DashboardSettings& settings = service.settings;
  auto admitted = dashboard::admit_dashboard_request(request, tls_, webmail_->api.sessions(), settings, steady_ms());
  if (auto* r = std::get_if<http::HttpResponse>(&admitted)) return answer_now(*r);
  auto job = std::get<dashboard::DashboardJob>(std::move(admitted));
  if (job.kind == dashboard::DashboardJob::Kind::events) {  // the feed reads on the pool
    auto stream = std::make_shared<dashboard::SseStream>();
    if (!service.events.subscribe(stream))
      return answer_now(webmail::json_error(http::Status::service_unavailable, "too many event streams"));
    return answer_now(dashboard::events_response(stream));
  }
  auto sources = std::make_shared<dashboard::ClusterSources>();
  auto work = uv::run_blocking<bool>(
      loop_, [settings, sources] { *sources = fetch_cluster_sources(settings); return true; },
      [this, sources](bool) {
        for (const auto* a : {&sources->hacored, &sources->drbdlited})
          if (!a->document) log_.warning("dashboard_source_failed").kv("session", id_).kv("error", a->error);
        complete_later(dashboard::state_response(*sources));
      });
  if (!work) {
    log_.warning("dashboard_job_failed").kv("session", id_).kv("error", work.error());
    return answer_now(http::error_response(http::Status::service_unavailable));
  }
  work_ = std::move(*work);
}

}  // namespace hamail::mailsvc::httpd
