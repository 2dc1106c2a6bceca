// WebmailApi end to end over a fake mailbox: login (TLS only, cookie flags, CSRF token),
// failures delayed then throttled (429), the session answers, CSRF on state changes,
// folders with counts, a sorted page, one message, the sandboxed HTML frame, a download,
// flags/move/delete reaching the backend, 404/500, logout ending the session.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "hamail/mailsvc/webmail/api_views.h"
#include "hamail/mailsvc/webmail/webmail_api.h"

namespace hamail::mailsvc::webmail {
namespace {

using json = nlohmann::json;

struct FakeMail : MailAccess {
  std::vector<MessageSummary> inbox;
  std::vector<std::string> calls;
  bool broken = false;

  Result<bool> verify_login(const std::string& user, const std::string& password) override {
    if (broken) return Error{"passwd unreadable"};
    return user == "alice" && password == "secret";
  }
  Result<std::vector<FolderInfo>> folders(const std::string&) override {
    if (broken) return Error{"disk"};
    return std::vector<FolderInfo>{{"INBOX", "", 5, 2}, {"Trash", "\\Trash", 0, 0}};
  }
  Result<std::optional<std::vector<MessageSummary>>> messages(const std::string&, const std::string& folder) override {
    if (folder != "INBOX") return std::optional<std::vector<MessageSummary>>();
    return std::optional(inbox);
  }
  Result<std::optional<MessageView>> message(const std::string&, const std::string& folder,
                                             std::uint32_t uid) override {
    if (folder != "INBOX" || uid != 1) return std::optional<MessageView>();
    MessageView v;
    v.summary = inbox[0];
    v.text_body = "hello";
    v.html_body = "<p onload=x()>hello</p><script>bad()</script>";
    v.attachments = {{2, "r\xc3\xa9sum\xc3\xa9 1.pdf", "application/pdf", 3}};
    return std::optional(v);
  }
  Result<std::optional<AttachmentData>> attachment(const std::string&, const std::string&, std::uint32_t,
                                                   std::uint32_t part) override {
    if (part != 2) return std::optional<AttachmentData>();
    return std::optional(AttachmentData{"r\xc3\xa9sum\xc3\xa9 1.pdf", "PDF"});
  }
  Result<bool> set_flag(const std::string& user, const std::string& folder, std::uint32_t uid, const std::string& flag,
                        FlagChange change) override {
    calls.push_back("flag " + user + " " + folder + " " + std::to_string(uid) + " " + flag +
                    (change == FlagChange::set ? " set" : " clear"));
    return uid == 1;
  }
  Result<bool> move(const std::string&, const std::string& folder, const std::vector<std::uint32_t>& uids,
                    const std::string& to) override {
    calls.push_back("move " + folder + " " + std::to_string(uids.size()) + " " + to);
    return true;
  }
  Result<bool> remove(const std::string&, const std::string& folder, const std::vector<std::uint32_t>& uids) override {
    calls.push_back("remove " + folder + " " + std::to_string(uids.size()));
    return true;
  }
};

std::string header(const http::HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

struct WebmailApiTest : ::testing::Test {
  FakeMail mail;
  std::uint8_t counter = 0;
  WebmailApi api{SessionLimits{}, LoginLimits{}, [this] {
                   SecretBytes b{};
                   b.fill(++counter);
                   return b;
                 }};
  RequestContext ctx{true, "192.0.2.7", 1000};
  std::string cookie;
  std::string csrf;

  WebmailApiTest() {
    mail.inbox = {{1, 300, "Carol", "beta", 30, false, false, false},
                  {2, 100, "alice", "Alpha", 10, true, true, false},
                  {3, 200, "Bob", "gamma", 20, false, false, true},
                  {4, 500, "dave", "delta \xff\xfe", 50, true, false, false},
                  {5, 400, "Eve", "epsilon", 40, true, false, false}};
  }

  http::HttpRequest req(std::string method, std::string target, std::string body = "", bool with_token = true) {
    http::HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers = {{"Host", "mail.example.org"}, {"Content-Type", "application/json"}};
    if (!cookie.empty()) r.headers.push_back({"Cookie", cookie});
    if (with_token && !csrf.empty()) r.headers.push_back({"X-CSRF-Token", csrf});
    return r;
  }
  // admit, and when a job comes out, run and finish it.
  ApiReply call(const http::HttpRequest& r) {
    auto a = api.admit(r, ctx);
    if (auto* now = std::get_if<http::HttpResponse>(&a)) return ApiReply{*now, 0};
    const MailJob& job = std::get<MailJob>(a);
    return api.finish(job, WebmailApi::run(job, mail), ctx);
  }
  ApiReply login(std::string password) {
    return call(req("POST", "/api/login", json{{"user", "alice"}, {"password", password}}.dump()));
  }
  void log_in() {
    ApiReply r = login("secret");
    ASSERT_EQ(r.response.status, http::Status::ok) << r.response.body;
    std::string set = header(r.response, "Set-Cookie");
    cookie = set.substr(0, set.find(';'));
    csrf = json::parse(r.response.body).at("csrf_token");
  }
};

TEST_F(WebmailApiTest, LoginSetsAStrictCookieAndReturnsTheToken) {
  ApiReply r = login("secret");
  ASSERT_EQ(r.response.status, http::Status::ok);
  std::string set = header(r.response, "Set-Cookie");
  EXPECT_TRUE(set.starts_with("hamail_session="));
  EXPECT_NE(set.find("; Secure"), std::string::npos);
  EXPECT_NE(set.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("; SameSite=Strict"), std::string::npos);
  json body = json::parse(r.response.body);
  EXPECT_EQ(body.at("user"), "alice");
  EXPECT_EQ(body.at("csrf_token").get<std::string>().size(), 64u);
  EXPECT_EQ(body.dump().find(set.substr(15, 64)), std::string::npos);  // the id is not in the body
  EXPECT_EQ(r.delay_ms, 0);
}

TEST_F(WebmailApiTest, LoginOnlyOverTls) {
  ctx.tls = false;
  EXPECT_EQ(login("secret").response.status, http::Status::forbidden);
}

TEST_F(WebmailApiTest, FailedLoginIsDelayedThenThrottled) {
  ApiReply r = login("wrong");
  EXPECT_EQ(r.response.status, http::Status::unauthorized);
  EXPECT_GT(r.delay_ms, 0);
  ApiReply again = login("secret");
  EXPECT_EQ(again.response.status, http::Status::too_many_requests);
  EXPECT_FALSE(header(again.response, "Retry-After").empty());
  ctx.now_ms += r.delay_ms;
  EXPECT_EQ(login("secret").response.status, http::Status::ok);
}

TEST_F(WebmailApiTest, BackendFailureAtLoginIs500AndNotCounted) {
  mail.broken = true;
  ApiReply r = login("secret");
  EXPECT_EQ(r.response.status, http::Status::internal_server_error);
  EXPECT_EQ(api.limiter().tracked(), 0u);
}

TEST_F(WebmailApiTest, WithoutLoginEverythingIs401) {
  EXPECT_EQ(call(req("GET", "/api/folders")).response.status, http::Status::unauthorized);
  EXPECT_EQ(call(req("GET", "/api/nothing")).response.status, http::Status::unauthorized);
}

TEST_F(WebmailApiTest, SessionAnswersTheUserAndToken) {
  log_in();
  json body = json::parse(call(req("GET", "/api/session")).response.body);
  EXPECT_EQ(body.at("user"), "alice");
  EXPECT_EQ(body.at("csrf_token"), csrf);
}

TEST_F(WebmailApiTest, FoldersWithCounts) {
  log_in();
  ApiReply r = call(req("GET", "/api/folders"));
  ASSERT_EQ(r.response.status, http::Status::ok);
  json f = json::parse(r.response.body).at("folders");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].at("total"), 5);
  EXPECT_EQ(f[0].at("unread"), 2);
  EXPECT_EQ(f[1].at("special_use"), "\\Trash");
  EXPECT_EQ(header(r.response, "Cache-Control"), "no-store");
}

TEST_F(WebmailApiTest, MessagePagesSortedWithUnreadMarks) {
  log_in();
  json j = json::parse(call(req("GET", "/api/folders/INBOX/messages?sort=subject&order=asc&offset=1&limit=2")).response.body);
  EXPECT_EQ(j.at("total"), 5);
  EXPECT_EQ(j.at("unread"), 2);
  ASSERT_EQ(j.at("messages").size(), 2u);
  EXPECT_EQ(j["messages"][0].at("subject"), "beta");  // Alpha, beta, delta, ...
  EXPECT_EQ(j["messages"][0].at("seen"), false);
  EXPECT_EQ(j["messages"][1].at("uid"), 4);  // its invalid UTF-8 replaced, not thrown on
  j = json::parse(call(req("GET", "/api/folders/INBOX/messages")).response.body);
  EXPECT_EQ(j["messages"][0].at("uid"), 4);  // newest first
  EXPECT_EQ(j["messages"][4].at("uid"), 2);
  j = json::parse(call(req("GET", "/api/folders/INBOX/messages?sort=size&order=asc&offset=4")).response.body);
  ASSERT_EQ(j.at("messages").size(), 1u);
  EXPECT_EQ(j["messages"][0].at("size"), 50);
  j = json::parse(call(req("GET", "/api/folders/INBOX/messages?offset=9")).response.body);
  EXPECT_TRUE(j.at("messages").empty());
  j = json::parse(call(req("GET", "/api/folders/INBOX/messages?sort=from&order=asc&limit=1")).response.body);
  EXPECT_EQ(j["messages"][0].at("from"), "alice");
  EXPECT_EQ(call(req("GET", "/api/folders/Nope/messages")).response.status, http::Status::not_found);
}

TEST_F(WebmailApiTest, SearchMatchesFromAndSubject) {
  log_in();
  json j = json::parse(call(req("POST", "/api/folders/INBOX/search", R"({"q":"ALPHA"})")).response.body);
  ASSERT_EQ(j.at("messages").size(), 1u);
  EXPECT_EQ(j["messages"][0].at("uid"), 2);
  j = json::parse(call(req("POST", "/api/folders/INBOX/search", R"({"q":"e","sort":"from","order":"asc"})")).response.body);
  EXPECT_EQ(j.at("total"), 4);  // Carol+beta, alice, dave+delta, Eve+epsilon; not Bob/gamma
  EXPECT_EQ(j["messages"][0].at("from"), "alice");
  EXPECT_EQ(call(req("POST", "/api/folders/INBOX/search", R"({"q":"x"})", false)).response.status,
            http::Status::forbidden);
}

TEST_F(WebmailApiTest, OneMessageAndItsInertHtml) {
  log_in();
  json m = json::parse(call(req("GET", "/api/folders/INBOX/messages/1")).response.body);
  EXPECT_EQ(m.at("text"), "hello");
  EXPECT_EQ(m.at("has_html"), true);
  EXPECT_EQ(m.find("html"), m.end());  // the HTML never comes inside the JSON
  EXPECT_EQ(m.at("attachments")[0].at("part"), 2);
  ApiReply h = call(req("GET", "/api/folders/INBOX/messages/1/html"));
  ASSERT_EQ(h.response.status, http::Status::ok);
  std::string csp = header(h.response, "Content-Security-Policy");
  EXPECT_TRUE(csp.starts_with("sandbox;"));
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("img-src data:"), std::string::npos);
  EXPECT_EQ(csp.find("script-src"), std::string::npos);
  EXPECT_EQ(header(h.response, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(header(h.response, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(call(req("GET", "/api/folders/INBOX/messages/9")).response.status, http::Status::not_found);
}

TEST_F(WebmailApiTest, AttachmentIsADownload) {
  log_in();
  ApiReply a = call(req("GET", "/api/folders/INBOX/messages/1/parts/2"));
  ASSERT_EQ(a.response.status, http::Status::ok);
  EXPECT_EQ(a.response.body, "PDF");
  EXPECT_EQ(header(a.response, "Content-Type"), "application/octet-stream");
  EXPECT_EQ(header(a.response, "Content-Disposition"), "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%201.pdf");
  EXPECT_EQ(call(req("GET", "/api/folders/INBOX/messages/1/parts/7")).response.status, http::Status::not_found);
}

TEST_F(WebmailApiTest, StateChangesNeedTheTokenAndReachTheBackend) {
  log_in();
  EXPECT_EQ(call(req("POST", "/api/folders/INBOX/messages/1/flags", R"({"seen":true})", false)).response.status,
            http::Status::forbidden);
  EXPECT_TRUE(mail.calls.empty());
  EXPECT_EQ(call(req("POST", "/api/folders/INBOX/messages/1/flags", R"({"seen":true,"flagged":false})")).response.status,
            http::Status::ok);
  EXPECT_EQ(call(req("POST", "/api/folders/INBOX/messages/8/flags", R"({"flagged":true})")).response.status,
            http::Status::not_found);
  EXPECT_EQ(call(req("POST", "/api/folders/INBOX/move", R"({"uids":[1,3],"to":"Archive"})")).response.status,
            http::Status::ok);
  EXPECT_EQ(call(req("POST", "/api/folders/INBOX/delete", R"({"uids":[2]})")).response.status, http::Status::ok);
  EXPECT_EQ(mail.calls, (std::vector<std::string>{"flag alice INBOX 1 \\Seen set", "flag alice INBOX 1 \\Flagged clear",
                                                   "flag alice INBOX 8 \\Flagged set", "move INBOX 2 Archive",
                                                   "remove INBOX 1"}));
  EXPECT_EQ(call(req("POST", "/api/logout", "", false)).response.status, http::Status::forbidden);
}

TEST_F(WebmailApiTest, BackendErrorIs500WithoutDetails) {
  log_in();
  mail.broken = true;
  ApiReply r = call(req("GET", "/api/folders"));
  EXPECT_EQ(r.response.status, http::Status::internal_server_error);
  EXPECT_EQ(r.response.body.find("disk"), std::string::npos);
}

TEST_F(WebmailApiTest, LogoutEndsTheSession) {
  log_in();
  ApiReply r = call(req("POST", "/api/logout"));
  ASSERT_EQ(r.response.status, http::Status::ok);
  EXPECT_NE(header(r.response, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(call(req("GET", "/api/folders")).response.status, http::Status::unauthorized);
  EXPECT_EQ(api.sessions().size(), 0u);
}

}  // namespace
}  // namespace hamail::mailsvc::webmail
