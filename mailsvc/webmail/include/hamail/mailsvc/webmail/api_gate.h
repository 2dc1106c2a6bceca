// What every request to webmail's /api/ passes before an endpoint sees it: TLS only, the
// same origin, the session named by the cookie, and the CSRF token on a state change.
// A refusal is a small JSON response the shell sends as it is.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "hamail/mailsvc/http/request.h"
#include "hamail/mailsvc/http/response.h"
#include "hamail/mailsvc/webmail/session_table.h"

namespace hamail::mailsvc::webmail {

// {"error": message} with Content-Type application/json and Cache-Control: no-store.
http::HttpResponse json_error(http::Status status, std::string_view message);

// When the request names an Origin, it is https://HOST for its own Host field (a browser
// sends Origin on every cross-site POST; absent, SameSite and the token still hold).
bool same_origin(const http::HttpRequest& request);

// POST /api/login, which has no session yet: over TLS, same origin, a JSON body (a form
// on another site cannot send application/json without a CORS preflight we never allow).
// nullopt = go on and check the password (after LoginLimiter::check).
std::optional<http::HttpResponse> refuse_login_request(const http::HttpRequest& request, bool tls);

// Either the caller's session or the response to send instead: 403 without TLS or from
// another origin, 401 without a live session, 403 for a state change without its token.
using GateResult = std::variant<const WebSession*, http::HttpResponse>;
GateResult admit_api_request(const http::HttpRequest& request, bool tls, SessionTable& sessions,
                             std::int64_t now_ms);

}  // namespace hamail::mailsvc::webmail
