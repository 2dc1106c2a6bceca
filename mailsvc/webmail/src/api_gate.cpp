#include "hamail/mailsvc/webmail/api_gate.h"

#include <nlohmann/json.hpp>
#include <string>

#include "hamail/mailsvc/webmail/cookie.h"
#include "hamail/mailsvc/webmail/csrf.h"

namespace hamail::mailsvc::webmail {

http::HttpResponse json_error(http::Status status, std::string_view message) {
  http::HttpResponse r;
  r.status = status;
  r.body = nlohmann::json{{"error", std::string(message)}}.dump() + "\n";
  r.add("Content-Type", "application/json");
  r.add("Cache-Control", "no-store");
  return r;
}

bool same_origin(const http::HttpRequest& request) {
  if (request.header_count("Origin") == 0) return true;
  if (request.header_count("Origin") > 1) return false;
  std::optional<std::string_view> host = request.header("Host");
  if (!host || host->empty()) return false;
  std::string expected = "https://" + std::string(*host);
  return http::equals_ignore_case(*request.header("Origin"), expected);
}

std::optional<http::HttpResponse> refuse_login_request(const http::HttpRequest& request, bool tls) {
  if (!tls) return json_error(http::Status::forbidden, "login only over https");
  if (!same_origin(request)) return json_error(http::Status::forbidden, "cross-origin request");
  std::optional<std::string_view> type = request.header("Content-Type");
  std::string_view media = type ? type->substr(0, type->find(';')) : std::string_view();
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (!http::equals_ignore_case(media, "application/json"))
    return json_error(http::Status::unsupported_media_type, "application/json expected");
  return std::nullopt;
}

GateResult admit_api_request(const http::HttpRequest& request, bool tls, SessionTable& sessions,
                             std::int64_t now_ms) {
  if (!tls) return json_error(http::Status::forbidden, "webmail only over https");
  if (!same_origin(request)) return json_error(http::Status::forbidden, "cross-origin request");
  const WebSession* session = nullptr;
  if (request.header_count("Cookie") == 1) {
    if (auto id = cookie_value(*request.header("Cookie"), kSessionCookie); id && !id->empty())
      session = sessions.find(*id, now_ms);
  }
  if (session == nullptr) return json_error(http::Status::unauthorized, "login required");
  if (state_changing(request.method) && !csrf_token_matches(request, session->csrf_token))
    return json_error(http::Status::forbidden, "missing or wrong CSRF token");
  return session;
}

}  // namespace hamail::mailsvc::webmail
