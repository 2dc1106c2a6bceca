// The dashboard's API under /dashboard/api/, without I/O: every request passes webmail's
// ApiGate (TLS, same origin, the session cookie from webmail's login, CSRF on a POST),
// then the user's role (none: 403); the route becomes a job the shell runs on the pool
// (the control sockets), and the job's answers become the response.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include "hamail/mailsvc/dashboard/cluster_view.h"
#include "hamail/mailsvc/dashboard/dashboard_actions.h"
#include "hamail/mailsvc/dashboard/dashboard_settings.h"
#include "hamail/mailsvc/dashboard/sse_stream.h"
#include "hamail/mailsvc/http/request.h"
#include "hamail/mailsvc/http/response.h"
#include "hamail/mailsvc/webmail/session_table.h"
#include "hamail/mailsvc/webmail/token.h"

namespace hamail::mailsvc::dashboard {

inline constexpr std::string_view kApiPrefix = "/dashboard/api/";

struct DashboardJob {
  enum class Kind { state, events, action };
  Kind kind = Kind::state;
  std::string user;
  Role role = Role::none;
  DashboardAction action;  // kind action: confirmed, to be sent to hacored
};

// For POST /dashboard/api/actions: the pending confirmations and the shell's randomness.
struct ActionContext {
  ActionConfirmations* confirmations = nullptr;  // null: no actions (404)
  std::function<webmail::SecretBytes()> random;
};

// A refusal or answer to send as it is, or the job to run on the pool.
using Admitted = std::variant<http::HttpResponse, DashboardJob>;

bool is_dashboard_api(const http::HttpRequest& request);

// GET /dashboard/api/state -> a state job; GET /dashboard/api/events -> an events job (the
// shell subscribes a stream to hacored's events); GET /dashboard/api/session -> {user, role,
// csrf_token} at once. Unknown path 404, other method 405.
// POST /dashboard/api/actions (admins; viewers 403): without "confirm" -> 200 {will,
// confirm_token, action, target, to}; with a live token -> an action job; a token unknown,
// used, expired or for something else -> 403.
Admitted admit_dashboard_request(const http::HttpRequest& request, bool tls, webmail::SessionTable& sessions,
                                 const DashboardSettings& settings, std::int64_t now_ms,
                                 const ActionContext& actions = {});

// The state job's answer: 200 with cluster_view() (also when a source did not answer: the
// view names it), Cache-Control: no-store.
http::HttpResponse state_response(const ClusterSources& sources);

// The events job's answer: 200 text/event-stream, no-store, the body `stream` (which starts
// with a retry hint for EventSource's reconnection).
http::HttpResponse events_response(std::shared_ptr<SseStream> stream);

}  // namespace hamail::mailsvc::dashboard
