// The compose endpoints of parse_api_route: POST /api/send, POST /api/drafts and
// GET /api/folders/F/messages/UID/reply?mode=.
#include <string_view>

#include "hamail/mailsvc/webmail/api_route.h"
#include "hamail/mailsvc/webmail/outgoing_mail_json.h"

namespace hamail::mailsvc::webmail {
namespace {

std::optional<ReplyRoute> reply_path(std::string_view path) {
  // /api/folders/F/messages/UID/reply
  constexpr std::string_view prefix = "/api/folders/", suffix = "/reply";
  if (!path.starts_with(prefix) || !path.ends_with(suffix)) return std::nullopt;
  std::string_view middle = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  std::size_t slash = middle.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view folder = middle.substr(0, slash), rest = middle.substr(slash + 1);
  if (!rest.starts_with("messages/")) return std::nullopt;
  rest.remove_prefix(9);
  if (rest.empty() || rest.size() > 10 || rest.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  std::uint64_t uid = std::stoull(std::string(rest));
  auto name = percent_decode(folder);
  if (!name || name->empty() || name->size() > kMaxFolderNameBytes || uid == 0 || uid > 0xffffffffu)
    return std::nullopt;
  return ReplyRoute{std::move(*name), static_cast<std::uint32_t>(uid)};
}

}  // namespace

std::optional<std::variant<ApiRoute, RouteError>> parse_compose_route(const http::HttpRequest& request) {
  std::string_view target = request.target;
  std::size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  if (path == "/api/send" || path == "/api/drafts") {
    if (request.method != "POST") return RouteError{405, "POST only"};
    bool send = path == "/api/send";
    auto mail = parse_outgoing_mail(request.body, send);
    if (auto* e = std::get_if<RouteError>(&mail)) return *e;
    OutgoingMail m = std::get<OutgoingMail>(std::move(mail));
    if (send) return ApiRoute{SendRoute{std::move(m)}};
    return ApiRoute{DraftRoute{std::move(m)}};
  }
  auto reply = reply_path(path);
  if (!reply) return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") return RouteError{405, "GET only"};
  if (query == "mode=reply" || query.empty()) reply->mode = ReplyMode::reply;
  else if (query == "mode=all") reply->mode = ReplyMode::all;
  else if (query == "mode=forward") reply->mode = ReplyMode::forward;
  else return RouteError{400, "mode is reply, all or forward"};
  return ApiRoute{std::move(*reply)};
}

}  // namespace hamail::mailsvc::webmail
