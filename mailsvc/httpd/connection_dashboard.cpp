// Connection's part for the cluster dashboard (/dashboard/api/): the gate and route on the
// loop (dashboard_api.h over webmail's sessions), the control-socket reads as a job on
// libuv's pool, the view built back on the loop.
#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>

#include "hamail/mailsvc/httpd/connection.h"
#include "hamail/mailsvc/httpd/dashboard_service.h"
#include "hamail/mailsvc/httpd/dashboard_sources.h"
#include "hamail/mailsvc/webmail/api_gate.h"
#include "hamail/mailsvc/webmail/api_views.h"

namespace hamail::mailsvc::httpd {

namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

webmail::SecretBytes random_token_bytes() {
  webmail::SecretBytes b{};
  std::size_t got = 0;
  while (got < b.size()) {
    ssize_t n = ::getrandom(b.data() + got, b.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::abort();  // no randomness: never hand out a guessable token
    got += static_cast<std::size_t>(n);
  }
  return b;
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
  auto admitted = dashboard::admit_dashboard_request(request, tls_, webmail_->api.sessions(), settings, steady_ms(),
                                                     {&service.confirmations, random_token_bytes});
  if (auto* r = std::get_if<http::HttpResponse>(&admitted)) return answer_now(*r);
  auto job = std::get<dashboard::DashboardJob>(std::move(admitted));
  if (job.kind == dashboard::DashboardJob::Kind::events) {  // the feed reads on the pool
    auto stream = std::make_shared<dashboard::SseStream>();
    if (!service.events.subscribe(stream))
      return answer_now(webmail::json_error(http::Status::service_unavailable, "too many event streams"));
    return answer_now(dashboard::events_response(stream));
  }
  if (job.kind == dashboard::DashboardJob::Kind::action) return run_dashboard_action(job);
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

// A confirmed action: hacored's request on the pool (hacored logs it with httpd's account
// as `by`: its request has no field for the web user, so the user is logged here).
void Connection::run_dashboard_action(const dashboard::DashboardJob& job) {
  auto request = dashboard::hacored_request(job.action);
  auto reply = std::make_shared<Result<nlohmann::json>>(Error{"not run"});
  auto settings = webmail_->dashboard->settings;
  auto work = uv::run_blocking<bool>(
      loop_, [settings, request, reply] { *reply = ask_hacored(settings, request); return true; },
      [this, job, reply](bool) {
        std::string target = job.action.target + (job.action.to.empty() ? "" : " to " + job.action.to);
        std::string result = *reply ? "accepted" : reply->error();
        log_.info("dashboard_action").kv("user", job.user).kv("action", job.action.action).kv("target", target)
            .kv("result", result);
        if (*reply) return complete_later(webmail::json_response({{"ok", true}, {"reply", **reply}}));
        bool refused = reply->error().find(" refused: ") != std::string::npos;
        complete_later(webmail::json_error(refused ? http::Status::unprocessable_content : http::Status::bad_gateway, reply->error()));
      });
  if (!work) {
    log_.warning("dashboard_job_failed").kv("session", id_).kv("error", work.error());
    return run(session_.complete(http::error_response(http::Status::service_unavailable), std::time(nullptr)));
  }
  work_ = std::move(*work);
}

}  // namespace hamail::mailsvc::httpd
