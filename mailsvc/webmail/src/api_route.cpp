#include "hamail/mailsvc/webmail/api_route.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <string_view>

namespace hamail::mailsvc::webmail {
namespace {

using json = nlohmann::json;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    std::size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

template <class T>
std::optional<T> number(std::string_view s) {
  T v{};
  if (s.empty() || s.size() > 10) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

RouteError bad(std::string message) { return RouteError{400, std::move(message)}; }

std::optional<std::string> folder_of(std::string_view segment) {
  std::optional<std::string> name = percent_decode(segment);
  if (!name || name->empty() || name->size() > kMaxFolderNameBytes) return std::nullopt;
  return name;
}

std::optional<json> body_object(const http::HttpRequest& request) {
  json j = json::parse(request.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::optional<std::string> text_field(const json& j, const char* key, std::size_t max) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  std::string s = it->get<std::string>();
  if (s.size() > max) return std::nullopt;
  return s;
}

std::optional<std::vector<std::uint32_t>> uid_list(const json& j) {
  auto it = j.find("uids");
  if (it == j.end() || !it->is_array() || it->empty() || it->size() > kMaxUidsPerRequest) return std::nullopt;
  std::vector<std::uint32_t> out;
  for (const json& u : *it) {
    if (!u.is_number_unsigned()) return std::nullopt;
    std::uint64_t v = u.get<std::uint64_t>();
    if (v == 0 || v > 0xffffffffu) return std::nullopt;
    out.push_back(static_cast<std::uint32_t>(v));
  }
  return out;
}

std::optional<bool> optional_bool(const json& j, const char* key, bool& ok) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (!it->is_boolean()) ok = false;
  return ok ? std::optional<bool>(it->get<bool>()) : std::nullopt;
}

// "scope" of a search body; absent = From/Subject over the summaries.
std::optional<SearchScope> search_scope(const json& j) {
  auto it = j.find("scope");
  if (it == j.end()) return SearchScope::from_subject;
  if (!it->is_string()) return std::nullopt;
  const std::string& v = it->get_ref<const std::string&>();
  if (v == "from") return SearchScope::from;
  if (v == "subject") return SearchScope::subject;
  if (v == "to") return SearchScope::to;
  if (v == "body") return SearchScope::body;
  if (v == "all") return SearchScope::all;
  return std::nullopt;
}

std::variant<ApiRoute, RouteError> messages_query(std::string folder, std::string_view query) {
  MessagesRoute r{std::move(folder)};
  if (query.empty()) return r;
  for (std::string_view pair : split(query, '&')) {
    std::size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (key == "offset") {
      auto v = number<std::size_t>(value);
      if (!v) return bad("bad offset");
      r.offset = *v;
    } else if (key == "limit") {
      auto v = number<std::size_t>(value);
      if (!v || *v == 0 || *v > kMaxPageSize) return bad("limit is 1.." + std::to_string(kMaxPageSize));
      r.limit = *v;
    } else if (key == "sort") {
      if (value == "date") r.sort = SortKey::date;
      else if (value == "from") r.sort = SortKey::from;
      else if (value == "subject") r.sort = SortKey::subject;
      else if (value == "size") r.sort = SortKey::size;
      else return bad("sort is date, from, subject or size");
    } else if (key == "threads") {
      if (value != "0" && value != "1") return bad("threads is 0 or 1");
      r.threads = value == "1";
    } else if (key == "order") {
      if (value != "asc" && value != "desc") return bad("order is asc or desc");
      r.descending = value == "desc";
    } else if (!key.empty()) {
      return bad("unknown parameter");
    }
  }
  return r;
}

std::variant<ApiRoute, RouteError> folder_route(const http::HttpRequest& request, std::string folder,
                                                const std::vector<std::string_view>& rest, std::string_view query) {
  const std::string& m = request.method;
  bool get = m == "GET" || m == "HEAD";
  if (rest.size() == 1 && rest[0] == "messages") {
    if (!get) return RouteError{405, "GET only"};
    return messages_query(std::move(folder), query);
  }
  if (rest.size() == 1 && rest[0] == "search") {
    if (m != "POST") return RouteError{405, "POST only"};
    auto j = body_object(request);
    if (!j) return bad("a JSON object expected");
    auto q = text_field(*j, "q", kMaxSearchBytes);
    if (!q || q->empty()) return bad("q: 1.." + std::to_string(kMaxSearchBytes) + " bytes");
    std::string query;  // the paging keys as a query string, read like GET .../messages
    for (const char* key : {"offset", "limit", "sort", "order"}) {
      auto it = j->find(key);
      if (it == j->end()) continue;
      std::string value = it->is_string() ? it->get<std::string>()
                          : it->is_number_unsigned() ? std::to_string(it->get<std::uint64_t>()) : std::string("?");
      query += (query.empty() ? "" : "&") + std::string(key) + "=" + value;
    }
    auto page = messages_query(std::move(folder), query);
    if (auto* e = std::get_if<RouteError>(&page)) return *e;
    auto scope = search_scope(*j);
    if (!scope) return bad("scope is from, subject, to, body or all");
    return SearchRoute{std::get<MessagesRoute>(std::get<ApiRoute>(std::move(page))), std::move(*q), *scope};
  }
  if (rest.size() == 1 && (rest[0] == "move" || rest[0] == "delete")) {
    if (m != "POST") return RouteError{405, "POST only"};
    auto j = body_object(request);
    if (!j) return bad("a JSON object expected");
    auto uids = uid_list(*j);
    if (!uids) return bad("uids: 1.." + std::to_string(kMaxUidsPerRequest) + " numbers");
    if (rest[0] == "delete") return DeleteRoute{std::move(folder), std::move(*uids)};
    auto to = text_field(*j, "to", kMaxFolderNameBytes);
    if (!to || to->empty()) return bad("to: a folder name");
    return MoveRoute{std::move(folder), std::move(*uids), std::move(*to)};
  }
  if (rest.size() < 2 || rest[0] != "messages") return RouteError{404, "no such endpoint"};
  auto uid = number<std::uint32_t>(rest[1]);
  if (!uid || *uid == 0) return bad("bad uid");
  if (rest.size() == 2) {
    if (!get) return RouteError{405, "GET only"};
    return MessageRoute{std::move(folder), *uid};
  }
  if (rest.size() == 3 && rest[2] == "html") {
    if (!get) return RouteError{405, "GET only"};
    return HtmlRoute{std::move(folder), *uid, query == "remote_images=1"};  // other queries ignored, as before
  }
  if (rest.size() == 3 && rest[2] == "thread") {
    if (!get) return RouteError{405, "GET only"};
    return ThreadRoute{std::move(folder), *uid};
  }
  if (rest.size() == 4 && rest[2] == "parts") {
    if (!get) return RouteError{405, "GET only"};
    auto part = number<std::uint32_t>(rest[3]);
    if (!part) return bad("bad part");
    return PartRoute{std::move(folder), *uid, *part};
  }
  if (rest.size() == 3 && rest[2] == "flags") {
    if (m != "POST") return RouteError{405, "POST only"};
    auto j = body_object(request);
    if (!j) return bad("a JSON object expected");
    bool ok = true;
    FlagRoute r{std::move(folder), *uid, optional_bool(*j, "seen", ok), optional_bool(*j, "flagged", ok)};
    if (!ok || (!r.seen && !r.flagged)) return bad("seen and/or flagged: true or false");
    return r;
  }
  return RouteError{404, "no such endpoint"};
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

std::variant<ApiRoute, RouteError> parse_api_route(const http::HttpRequest& request) {
  std::string_view target = request.target;
  std::size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  if (!path.starts_with("/api/")) return RouteError{404, "no such endpoint"};
  if (auto compose = parse_compose_route(request)) return std::move(*compose);
  std::vector<std::string_view> seg = split(path.substr(5), '/');
  const std::string& m = request.method;
  bool get = m == "GET" || m == "HEAD";
  if (seg.size() == 1 && seg[0] == "login") {
    if (m != "POST") return RouteError{405, "POST only"};
    auto j = body_object(request);
    if (!j) return bad("a JSON object expected");
    auto user = text_field(*j, "user", 320);
    auto password = text_field(*j, "password", 1024);
    if (!user || user->empty() || !password) return bad("user and password expected");
    return LoginRoute{std::move(*user), std::move(*password)};
  }
  if (seg.size() == 1 && seg[0] == "logout") {
    if (m != "POST") return RouteError{405, "POST only"};
    return LogoutRoute{};
  }
  if (seg.size() == 1 && seg[0] == "session") {
    if (!get) return RouteError{405, "GET only"};
    return SessionRoute{};
  }
  if (seg.size() == 1 && seg[0] == "folders") {
    if (!get) return RouteError{405, "GET only"};
    return FoldersRoute{};
  }
  if (seg.size() >= 3 && seg[0] == "folders") {
    auto folder = folder_of(seg[1]);
    if (!folder) return bad("bad folder name");
    return folder_route(request, std::move(*folder), std::vector<std::string_view>(seg.begin() + 2, seg.end()), query);
  }
  return RouteError{404, "no such endpoint"};
}

}  // namespace hamail::mailsvc::webmail
