// parse_api_route: every endpoint, its method (405), bad parameters and bodies (400),
// unknown paths (404), folder names percent-decoded (a '/' inside kept); percent_decode.
#include <gtest/gtest.h>

#include "hamail/mailsvc/webmail/api_route.h"

namespace hamail::mailsvc::webmail {
namespace {

http::HttpRequest req(std::string method, std::string target, std::string body = "") {
  http::HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  return r;
}

template <class T>
T route_of(const http::HttpRequest& r) {
  auto v = parse_api_route(r);
  EXPECT_TRUE(std::holds_alternative<ApiRoute>(v)) << r.method << " " << r.target;
  if (!std::holds_alternative<ApiRoute>(v)) return T{};
  EXPECT_TRUE(std::holds_alternative<T>(std::get<ApiRoute>(v))) << r.target;
  return std::holds_alternative<T>(std::get<ApiRoute>(v)) ? std::get<T>(std::get<ApiRoute>(v)) : T{};
}

int error_of(const http::HttpRequest& r) {
  auto v = parse_api_route(r);
  return std::holds_alternative<RouteError>(v) ? std::get<RouteError>(v).status : 0;
}

TEST(ApiRoute, Login) {
  auto l = route_of<LoginRoute>(req("POST", "/api/login", R"({"user":"alice@example.org","password":"pw"})"));
  EXPECT_EQ(l.user, "alice@example.org");
  EXPECT_EQ(l.password, "pw");
  EXPECT_EQ(error_of(req("GET", "/api/login")), 405);
  EXPECT_EQ(error_of(req("POST", "/api/login", "user=a&password=b")), 400);
  EXPECT_EQ(error_of(req("POST", "/api/login", R"({"user":"","password":"pw"})")), 400);
  EXPECT_EQ(error_of(req("POST", "/api/login", R"({"user":"a","password":7})")), 400);
  EXPECT_EQ(error_of(req("POST", "/api/login", R"({"user":"a","password":")" + std::string(1025, 'x') + "\"}")), 400);
}

TEST(ApiRoute, SessionLogoutFolders) {
  route_of<LogoutRoute>(req("POST", "/api/logout"));
  route_of<SessionRoute>(req("GET", "/api/session"));
  route_of<FoldersRoute>(req("GET", "/api/folders"));
  EXPECT_EQ(error_of(req("GET", "/api/logout")), 405);
  EXPECT_EQ(error_of(req("POST", "/api/folders")), 405);
  EXPECT_EQ(error_of(req("GET", "/api/nothing")), 404);
  EXPECT_EQ(error_of(req("GET", "/index.html")), 404);
}

TEST(ApiRoute, MessagesWithPagingAndSort) {
  auto m = route_of<MessagesRoute>(req("GET", "/api/folders/INBOX/messages"));
  EXPECT_EQ(m.folder, "INBOX");
  EXPECT_EQ(m.sort, SortKey::date);
  EXPECT_TRUE(m.descending);
  EXPECT_EQ(m.offset, 0u);
  EXPECT_EQ(m.limit, 50u);
  m = route_of<MessagesRoute>(req("GET", "/api/folders/Lists%2Fhamail/messages?offset=100&limit=20&sort=subject&order=asc"));
  EXPECT_EQ(m.folder, "Lists/hamail");
  EXPECT_EQ(m.sort, SortKey::subject);
  EXPECT_FALSE(m.descending);
  EXPECT_EQ(m.offset, 100u);
  EXPECT_EQ(m.limit, 20u);
  EXPECT_EQ(error_of(req("GET", "/api/folders/INBOX/messages?limit=0")), 400);
  EXPECT_EQ(error_of(req("GET", "/api/folders/INBOX/messages?limit=201")), 400);
  EXPECT_EQ(error_of(req("GET", "/api/folders/INBOX/messages?sort=color")), 400);
  EXPECT_EQ(error_of(req("GET", "/api/folders/INBOX/messages?offset=-1")), 400);
  EXPECT_EQ(error_of(req("GET", "/api/folders/INBOX/messages?x=1")), 400);
  EXPECT_EQ(error_of(req("GET", "/api/folders/%00/messages")), 400);
  EXPECT_EQ(error_of(req("GET", "/api/folders/%zz/messages")), 400);
  EXPECT_EQ(error_of(req("GET", "/api/folders//messages")), 400);
}

TEST(ApiRoute, OneMessageItsHtmlAndParts) {
  auto m = route_of<MessageRoute>(req("GET", "/api/folders/INBOX/messages/42"));
  EXPECT_EQ(m.uid, 42u);
  EXPECT_EQ(route_of<HtmlRoute>(req("GET", "/api/folders/INBOX/messages/42/html")).uid, 42u);
  auto p = route_of<PartRoute>(req("GET", "/api/folders/INBOX/messages/42/parts/3"));
  EXPECT_EQ(p.part, 3u);
  EXPECT_EQ(error_of(req("GET", "/api/folders/INBOX/messages/0")), 400);
  EXPECT_EQ(error_of(req("GET", "/api/folders/INBOX/messages/x1")), 400);
  EXPECT_EQ(error_of(req("GET", "/api/folders/INBOX/messages/99999999999")), 400);
  EXPECT_EQ(error_of(req("DELETE", "/api/folders/INBOX/messages/42")), 405);
  EXPECT_EQ(error_of(req("GET", "/api/folders/INBOX/messages/42/other")), 404);
}

TEST(ApiRoute, FlagsMoveDelete) {
  auto f = route_of<FlagRoute>(req("POST", "/api/folders/INBOX/messages/7/flags", R"({"seen":true})"));
  EXPECT_EQ(f.seen, std::optional<bool>(true));
  EXPECT_FALSE(f.flagged);
  EXPECT_EQ(error_of(req("POST", "/api/folders/INBOX/messages/7/flags", "{}")), 400);
  EXPECT_EQ(error_of(req("POST", "/api/folders/INBOX/messages/7/flags", R"({"seen":"yes"})")), 400);
  EXPECT_EQ(error_of(req("GET", "/api/folders/INBOX/messages/7/flags")), 405);
  auto mv = route_of<MoveRoute>(req("POST", "/api/folders/INBOX/move", R"({"uids":[1,2],"to":"Archive"})"));
  EXPECT_EQ(mv.uids, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(mv.to, "Archive");
  auto d = route_of<DeleteRoute>(req("POST", "/api/folders/INBOX/delete", R"({"uids":[3]})"));
  EXPECT_EQ(d.uids, (std::vector<std::uint32_t>{3}));
  EXPECT_EQ(error_of(req("POST", "/api/folders/INBOX/delete", R"({"uids":[]})")), 400);
  EXPECT_EQ(error_of(req("POST", "/api/folders/INBOX/delete", R"({"uids":[0]})")), 400);
  EXPECT_EQ(error_of(req("POST", "/api/folders/INBOX/delete", R"({"uids":[-1]})")), 400);
  EXPECT_EQ(error_of(req("POST", "/api/folders/INBOX/move", R"({"uids":[1]})")), 400);
  std::string many = "{\"uids\":[1";
  for (int i = 0; i < 1000; ++i) many += ",1";
  EXPECT_EQ(error_of(req("POST", "/api/folders/INBOX/delete", many + "]}")), 400);
  EXPECT_EQ(error_of(req("GET", "/api/folders/INBOX/delete")), 405);
}

TEST(ApiRoute, SearchIsAPostWithItsPage) {
  auto r = route_of<SearchRoute>(req("POST", "/api/folders/INBOX/search", R"({"q":"Invoice","limit":10,"sort":"from","order":"asc"})"));
  EXPECT_EQ(r.query, "Invoice");
  EXPECT_EQ(r.page.folder, "INBOX");
  EXPECT_EQ(r.page.limit, 10u);
  EXPECT_EQ(r.page.sort, SortKey::from);
  EXPECT_FALSE(r.page.descending);
  EXPECT_EQ(error_of(req("GET", "/api/folders/INBOX/search")), 405);
  EXPECT_EQ(error_of(req("POST", "/api/folders/INBOX/search", R"({"q":""})")), 400);
  EXPECT_EQ(error_of(req("POST", "/api/folders/INBOX/search", R"({"q":")" + std::string(201, 'x') + "\"}")), 400);
  EXPECT_EQ(error_of(req("POST", "/api/folders/INBOX/search", R"({"q":"a","limit":-1})")), 400);
  EXPECT_EQ(error_of(req("POST", "/api/folders/INBOX/search", R"({"q":"a","sort":"color"})")), 400);
}

TEST(PercentDecode, Cases) {
  EXPECT_EQ(percent_decode("a%2Fb%20c"), "a/b c");
  EXPECT_EQ(percent_decode("%41"), "A");
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("%g0"));
  EXPECT_FALSE(percent_decode("a%00"));
}

}  // namespace
}  // namespace hamail::mailsvc::webmail
