// The endpoints of webmail's JSON API, read from a request's method, target and body:
// each route a typed request with its bounds checked (folder names, uids, paging), so an
// endpoint never sees a raw string it still has to check.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/mailsvc/http/request.h"
#include "hamail/mailsvc/webmail/outgoing_mail.h"

namespace hamail::mailsvc::webmail {

enum class SortKey { date, from, subject, size };

// Where a search looks: the cached From/Subject summaries (the default, no file read), or
// the messages themselves (one header field, the body, or header and body) by the backend.
enum class SearchScope { from_subject, from, subject, to, body, all };

struct LoginRoute {  // POST /api/login {"user", "password"}
  std::string user;
  std::string password;
};
struct LogoutRoute {};        // POST /api/logout
struct SessionRoute {};       // GET /api/session -> user and CSRF token (a reloaded page)
struct FoldersRoute {};       // GET /api/folders
struct MessagesRoute {        // GET /api/folders/F/messages?offset=&limit=&sort=&order=
  std::string folder;
  SortKey sort = SortKey::date;
  bool descending = true;
  std::size_t offset = 0;
  std::size_t limit = 50;
  bool threads = false;       // threads=1: one row per conversation (thread_list.h)
};
struct SearchRoute {          // POST /api/folders/F/search {"q", "offset"?, "limit"?, "sort"?, "order"?}
  MessagesRoute page;         // (a POST: the words never reach the access log)
  std::string query;          // matched in From and Subject, ASCII case ignored
  SearchScope scope = SearchScope::from_subject;  // "scope": from|subject|to|body|all
};
struct MessageRoute {         // GET /api/folders/F/messages/UID
  std::string folder;
  std::uint32_t uid = 0;
};
struct HtmlRoute {            // GET /api/folders/F/messages/UID/html (the sandboxed frame)
  std::string folder;
  std::uint32_t uid = 0;
  bool remote_images = false;  // ?remote_images=1: only after the user asked (mail_html.h)
};
struct ThreadRoute {          // GET /api/folders/F/messages/UID/thread -> the conversation UID is in
  std::string folder;
  std::uint32_t uid = 0;
};
struct PartRoute {            // GET /api/folders/F/messages/UID/parts/N (a download)
  std::string folder;
  std::uint32_t uid = 0;
  std::uint32_t part = 0;
};
struct FlagRoute {            // POST /api/folders/F/messages/UID/flags {"seen"?, "flagged"?}
  std::string folder;
  std::uint32_t uid = 0;
  std::optional<bool> seen;
  std::optional<bool> flagged;
};
struct MoveRoute {            // POST /api/folders/F/move {"uids": [...], "to": "Archive"}
  std::string folder;
  std::vector<std::uint32_t> uids;
  std::string to;
};
struct DeleteRoute {          // POST /api/folders/F/delete {"uids": [...]}
  std::string folder;
  std::vector<std::uint32_t> uids;
};

// Compose (compose_route.cpp).
struct SendRoute {            // POST /api/send {to, cc, bcc, subject, text, attachments, ...}
  OutgoingMail mail;
};
struct DraftRoute {           // POST /api/drafts {... as send, "draft_uid"?: the draft it replaces}
  OutgoingMail mail;
};
enum class ReplyMode { reply, all, forward };
struct ReplyRoute {           // GET /api/folders/F/messages/UID/reply?mode=reply|all|forward
  std::string folder;
  std::uint32_t uid = 0;
  ReplyMode mode = ReplyMode::reply;
};

using ApiRoute = std::variant<LoginRoute, LogoutRoute, SessionRoute, FoldersRoute, MessagesRoute, SearchRoute, MessageRoute,
                              HtmlRoute, PartRoute, FlagRoute, MoveRoute, DeleteRoute, ThreadRoute,
                              SendRoute, DraftRoute, ReplyRoute>;

inline constexpr std::size_t kMaxPageSize = 200;
inline constexpr std::size_t kMaxUidsPerRequest = 1000;
inline constexpr std::size_t kMaxFolderNameBytes = 255;
inline constexpr std::size_t kMaxSearchBytes = 200;

// What went wrong, as the status to answer: 404 (no such endpoint), 405 (endpoint, other
// method), 400 (a bad parameter or body).
struct RouteError {
  int status = 404;
  std::string message;
};

std::variant<ApiRoute, RouteError> parse_api_route(const http::HttpRequest& request);

// The compose endpoints (send, drafts, reply prefill); nullopt when the path is none of them.
std::optional<std::variant<ApiRoute, RouteError>> parse_compose_route(const http::HttpRequest& request);

// "%41b%2Fc" -> "Ab/c" (a folder name may hold '/'); nullopt for a bad escape or NUL.
std::optional<std::string> percent_decode(std::string_view s);

}  // namespace hamail::mailsvc::webmail
