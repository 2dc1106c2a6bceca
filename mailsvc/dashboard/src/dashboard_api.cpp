#include "hamail/mailsvc/dashboard/dashboard_api.h"

#include "hamail/mailsvc/webmail/api_gate.h"
#include "hamail/mailsvc/webmail/api_views.h"

namespace hamail::mailsvc::dashboard {

namespace {

std::string_view path_of(std::string_view target) {
  auto q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

}  // namespace

bool is_dashboard_api(const http::HttpRequest& request) { return request.target.starts_with(kApiPrefix); }

Admitted admit_dashboard_request(const http::HttpRequest& request, bool tls, webmail::SessionTable& sessions,
                                 const DashboardSettings& settings, std::int64_t now_ms,
                                 const ActionContext& actions) {
  auto gate = webmail::admit_api_request(request, tls, sessions, now_ms);
  if (auto* refused = std::get_if<http::HttpResponse>(&gate)) return std::move(*refused);
  const webmail::WebSession& session = *std::get<const webmail::WebSession*>(gate);
  Role role = role_of(settings, session.user);
  if (role == Role::none) return webmail::json_error(http::Status::forbidden, "not a dashboard user");
  std::string_view route = path_of(request.target).substr(kApiPrefix.size());
  bool get = request.method == "GET" || request.method == "HEAD";
  if (route == "session") {
    if (!get) return webmail::json_error(http::Status::method_not_allowed, "method not allowed");
    return webmail::json_response(
        {{"user", session.user}, {"role", role_name(role)}, {"csrf_token", session.csrf_token}});
  }
  if (route == "state") {
    if (!get) return webmail::json_error(http::Status::method_not_allowed, "method not allowed");
    return DashboardJob{DashboardJob::Kind::state, session.user, role};
  }
  if (route == "events") {
    if (request.method != "GET") return webmail::json_error(http::Status::method_not_allowed, "method not allowed");
    return DashboardJob{DashboardJob::Kind::events, session.user, role};
  }
  if (route == "actions" && actions.confirmations) {
    if (request.method != "POST") return webmail::json_error(http::Status::method_not_allowed, "method not allowed");
    if (role != Role::admin) return webmail::json_error(http::Status::forbidden, "actions are for admins");
    auto action = parse_dashboard_action(request.body);
    if (!action) return webmail::json_error(http::Status::bad_request, action.error());
    if (action->confirm.empty()) {
      std::string token = actions.confirmations->offer(session.user, *action, webmail::hex_token(actions.random()), now_ms);
      return webmail::json_response({{"will", describe(*action)}, {"confirm_token", token}, {"action", action->action},
                                     {"target", action->target}, {"to", action->to},
                                     {"expires_in_s", ActionConfirmations::kLifetimeMs / 1000}});
    }
    if (!actions.confirmations->redeem(session.user, *action, now_ms))
      return webmail::json_error(http::Status::forbidden, "confirmation token unknown, used, expired or for another action");
    DashboardJob job{DashboardJob::Kind::action, session.user, role, std::move(*action)};
    return job;
  }
  return webmail::json_error(http::Status::not_found, "no such dashboard endpoint");
}

http::HttpResponse state_response(const ClusterSources& sources) {
  return webmail::json_response(cluster_view(sources));
}

http::HttpResponse events_response(std::shared_ptr<SseStream> stream) {
  http::HttpResponse r;
  r.add("Content-Type", "text/event-stream");
  r.add("Cache-Control", "no-store");
  r.add("X-Content-Type-Options", "nosniff");
  stream->push("retry: 5000\n\n");
  r.stream = std::move(stream);
  return r;
}

}  // namespace hamail::mailsvc::dashboard
