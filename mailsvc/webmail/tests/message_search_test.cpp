// Searches that read the messages (scope from/subject/to/body/all): the scope parsed and
// checked, the bounded request the backend gets, and its hits answered as a sorted page
// with "truncated"; no folder = 404, a failing or search-less backend = 500.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hamail/mailsvc/webmail/api_route.h"
#include "hamail/mailsvc/webmail/message_search.h"
#include "hamail/mailsvc/webmail/webmail_api.h"
#include "null_mail_access.h"

namespace hamail::mailsvc::webmail {
namespace {

using json = nlohmann::json;

struct SearchingMail : fakes::NullMailAccess {
  std::vector<MessageSummary> inbox{{1, 100, "Ann", "one", 10, true, false, false},
                                    {2, 300, "Bob", "two", 20, false, false, false},
                                    {3, 200, "Cy", "three", 30, true, false, false}};
  std::optional<MessageSearch> asked;
  SearchHits hits{{3, 2, 9}, true, 3};  // 9: expunged since the search
  bool broken = false;

  Result<std::optional<std::vector<MessageSummary>>> messages(const std::string&, const std::string& folder) override {
    if (folder != "INBOX") return std::optional<std::vector<MessageSummary>>();
    return std::optional(inbox);
  }
  Result<std::optional<SearchHits>> search(const std::string&, const std::string& folder,
                                           const MessageSearch& s) override {
    if (broken) return Error{"disk"};
    asked = s;
    if (folder != "INBOX") return std::optional<SearchHits>();
    return std::optional(hits);
  }
};

// A MailAccess that never learnt to search (the default).
struct OldMail : SearchingMail {
  Result<std::optional<SearchHits>> search(const std::string& user, const std::string& folder,
                                           const MessageSearch& s) override {
    return MailAccess::search(user, folder, s);
  }
};

http::HttpRequest post(std::string target, std::string body) {
  http::HttpRequest r;
  r.method = "POST";
  r.target = std::move(target);
  r.body = std::move(body);
  r.headers = {{"Content-Type", "application/json"}};
  return r;
}

SearchRoute search_route(const std::string& body) {
  auto parsed = parse_api_route(post("/api/folders/INBOX/search", body));
  EXPECT_TRUE(std::holds_alternative<ApiRoute>(parsed));
  return std::get<SearchRoute>(std::get<ApiRoute>(parsed));
}

TEST(MessageSearchRoute, ScopeIsReadAndChecked) {
  EXPECT_EQ(search_route(R"({"q":"x"})").scope, SearchScope::from_subject);
  EXPECT_EQ(search_route(R"({"q":"x","scope":"body"})").scope, SearchScope::body);
  EXPECT_EQ(search_route(R"({"q":"x","scope":"to"})").scope, SearchScope::to);
  EXPECT_EQ(search_route(R"({"q":"x","scope":"all","sort":"size"})").scope, SearchScope::all);
  for (const char* bad : {R"({"q":"x","scope":"headers"})", R"({"q":"x","scope":1})"}) {
    auto parsed = parse_api_route(post("/api/folders/INBOX/search", bad));
    ASSERT_TRUE(std::holds_alternative<RouteError>(parsed)) << bad;
    EXPECT_EQ(std::get<RouteError>(parsed).status, 400);
  }
}

TEST(MessageSearchRoute, TheBackendGetsABoundedRequest) {
  SearchRoute r = search_route(R"({"q":"Budget","scope":"body"})");
  MessageSearch s = message_search(r);
  EXPECT_EQ(s.where, MessageSearch::Where::body);
  EXPECT_EQ(s.text, "Budget");
  EXPECT_EQ(s.max_matches, kSearchMaxMatches);
  EXPECT_EQ(s.max_bytes, kSearchMaxBytes);
  EXPECT_EQ(s.max_ms, kSearchMaxMs);
  EXPECT_EQ(message_search(search_route(R"({"q":"a","scope":"from"})")).where, MessageSearch::Where::from);
  EXPECT_EQ(message_search(search_route(R"({"q":"a","scope":"subject"})")).where, MessageSearch::Where::subject);
  EXPECT_EQ(message_search(search_route(R"({"q":"a","scope":"to"})")).where, MessageSearch::Where::to);
  EXPECT_EQ(message_search(search_route(R"({"q":"a","scope":"all"})")).where, MessageSearch::Where::all);
}

TEST(MessageSearch, HitsAreASortedPageWithTruncated) {
  SearchingMail mail;
  MailJob job{"alice", "192.0.2.1", search_route(R"({"q":"invoice","scope":"body","sort":"date","order":"asc"})")};
  auto out = WebmailApi::run(job, mail);
  const auto& resp = std::get<http::HttpResponse>(out);
  ASSERT_EQ(resp.status, http::Status::ok) << resp.body;
  ASSERT_TRUE(mail.asked);
  EXPECT_EQ(mail.asked->text, "invoice");
  json j = json::parse(resp.body);
  EXPECT_EQ(j.at("total"), 2);
  EXPECT_EQ(j.at("unread"), 1);
  EXPECT_EQ(j.at("truncated"), true);
  ASSERT_EQ(j.at("messages").size(), 2u);
  EXPECT_EQ(j["messages"][0].at("uid"), 3);  // date 200
  EXPECT_EQ(j["messages"][1].at("uid"), 2);  // date 300

  mail.hits = SearchHits{{}, false, 3};
  j = json::parse(std::get<http::HttpResponse>(WebmailApi::run(job, mail)).body);
  EXPECT_EQ(j.at("total"), 0);
  EXPECT_EQ(j.at("truncated"), false);
}

TEST(MessageSearch, DefaultScopeStaysOnTheSummaries) {
  SearchingMail mail;
  MailJob job{"alice", "192.0.2.1", search_route(R"({"q":"bob"})")};
  json j = json::parse(std::get<http::HttpResponse>(WebmailApi::run(job, mail)).body);
  EXPECT_FALSE(mail.asked);
  EXPECT_EQ(j.at("total"), 1);
  EXPECT_FALSE(j.contains("truncated"));
}

TEST(MessageSearch, NoFolderIs404AndFailuresAre500) {
  SearchingMail mail;
  auto parsed = parse_api_route(post("/api/folders/Nope/search", R"({"q":"a","scope":"all"})"));
  MailJob job{"alice", "192.0.2.1", std::get<ApiRoute>(parsed)};
  EXPECT_EQ(std::get<http::HttpResponse>(WebmailApi::run(job, mail)).status, http::Status::not_found);
  mail.broken = true;
  EXPECT_EQ(std::get<http::HttpResponse>(WebmailApi::run(job, mail)).status, http::Status::internal_server_error);
  OldMail old;
  MailJob in_inbox{"alice", "192.0.2.1", search_route(R"({"q":"a","scope":"all"})")};
  auto r = std::get<http::HttpResponse>(WebmailApi::run(in_inbox, old));
  EXPECT_EQ(r.status, http::Status::internal_server_error);
  EXPECT_EQ(r.body.find("supported"), std::string::npos);  // no details to the browser
}

}  // namespace
}  // namespace hamail::mailsvc::webmail
