// The list by conversation and one conversation over a fake MailAccess: a row per
// conversation (root's From/Subject, newest date, counts, unread if any is), sorted and
// paged; expunged members left out; the thread of a reply; threads=1 and /thread parsed;
// no folder = 404, a backend without threads = 500.
#include "hamail/mailsvc/webmail/thread_list.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hamail/mailsvc/webmail/webmail_api.h"
#include "null_mail_access.h"

namespace hamail::mailsvc::webmail {
namespace {

using json = nlohmann::json;

struct ThreadedMail : fakes::NullMailAccess {
  // 1 "plan" <- 3 "Re: plan" <- 4 "Re: plan"; 2 "lunch" alone; 5 "quiz" with 9 expunged.
  std::vector<MessageSummary> inbox{{1, 100, "Ann", "plan", 10, true, false, false},
                                    {2, 200, "Bob", "lunch", 20, false, true, false},
                                    {3, 300, "Cy", "Re: plan", 30, false, false, false},
                                    {4, 400, "Ann", "Re: plan", 40, true, true, false},
                                    {5, 150, "Dee", "quiz", 50, true, false, false}};
  std::vector<Conversation> threads{{{1, 0}, {3, 1}, {4, 2}}, {{2, 0}}, {{9, 0}, {5, 1}}};
  bool broken = false;

  Result<std::optional<std::vector<MessageSummary>>> messages(const std::string&, const std::string& folder) override {
    if (folder != "INBOX") return std::optional<std::vector<MessageSummary>>();
    return std::optional(inbox);
  }
  Result<std::optional<std::vector<Conversation>>> conversations(const std::string&,
                                                                 const std::string& folder) override {
    if (broken) return Error{"disk"};
    if (folder != "INBOX") return std::optional<std::vector<Conversation>>();
    return std::optional(threads);
  }
};

http::HttpResponse get(MailAccess& mail, const std::string& target) {
  http::HttpRequest r;
  r.method = "GET";
  r.target = target;
  auto parsed = parse_api_route(r);
  if (auto* e = std::get_if<RouteError>(&parsed)) {
    http::HttpResponse bad;
    bad.status = http::Status::bad_request;
    bad.body = e->message;
    return bad;
  }
  return std::get<http::HttpResponse>(WebmailApi::run(MailJob{"alice", "192.0.2.1", std::get<ApiRoute>(parsed)}, mail));
}

TEST(ConversationRows, OneRowPerConversation) {
  ThreadedMail mail;
  auto rows = conversation_rows(mail.threads, mail.inbox);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].row.uid, 1u);
  EXPECT_EQ(rows[0].row.subject, "plan");
  EXPECT_EQ(rows[0].row.date, 400);  // the newest reply's
  EXPECT_EQ(rows[0].count, 3u);
  EXPECT_EQ(rows[0].unread, 1u);
  EXPECT_FALSE(rows[0].row.seen);
  EXPECT_TRUE(rows[0].row.flagged);
  EXPECT_EQ(rows[0].row.size, 80u);
  EXPECT_EQ(rows[2].row.uid, 5u);  // 9 is gone: 5 stands for its conversation
  EXPECT_EQ(rows[2].count, 1u);
  EXPECT_TRUE(rows[2].row.seen);
}

TEST(ThreadList, SortedAndPagedWithCounts) {
  ThreadedMail mail;
  auto r = get(mail, "/api/folders/INBOX/messages?threads=1&sort=date&order=desc");
  ASSERT_EQ(r.status, http::Status::ok) << r.body;
  json j = json::parse(r.body);
  EXPECT_EQ(j.at("threads"), true);
  EXPECT_EQ(j.at("total"), 3);
  EXPECT_EQ(j.at("unread"), 2);
  ASSERT_EQ(j.at("messages").size(), 3u);
  EXPECT_EQ(j["messages"][0].at("uid"), 1);  // newest activity first
  EXPECT_EQ(j["messages"][0].at("count"), 3);
  EXPECT_EQ(j["messages"][0].at("unread"), 1);
  EXPECT_EQ(j["messages"][1].at("uid"), 2);
  EXPECT_EQ(j["messages"][2].at("uid"), 5);
  j = json::parse(get(mail, "/api/folders/INBOX/messages?threads=1&sort=subject&order=asc&offset=1&limit=1").body);
  ASSERT_EQ(j.at("messages").size(), 1u);
  EXPECT_EQ(j["messages"][0].at("subject"), "plan");  // lunch, plan, quiz
  EXPECT_EQ(get(mail, "/api/folders/INBOX/messages?threads=2").status, http::Status::bad_request);
  // Without threads=1 the plain list, with no counts.
  j = json::parse(get(mail, "/api/folders/INBOX/messages").body);
  EXPECT_EQ(j.at("total"), 5);
  EXPECT_FALSE(j["messages"][0].contains("count"));
}

TEST(ThreadList, OneConversationInThreadOrder) {
  ThreadedMail mail;
  auto r = get(mail, "/api/folders/INBOX/messages/4/thread");
  ASSERT_EQ(r.status, http::Status::ok) << r.body;
  json j = json::parse(r.body);
  ASSERT_EQ(j.at("messages").size(), 3u);
  EXPECT_EQ(j["messages"][0].at("uid"), 1);
  EXPECT_EQ(j["messages"][0].at("depth"), 0);
  EXPECT_EQ(j["messages"][2].at("uid"), 4);
  EXPECT_EQ(j["messages"][2].at("depth"), 2);
  EXPECT_EQ(json::parse(get(mail, "/api/folders/INBOX/messages/2/thread").body).at("messages").size(), 1u);
  EXPECT_EQ(get(mail, "/api/folders/INBOX/messages/9/thread").status, http::Status::not_found);  // expunged
  EXPECT_EQ(get(mail, "/api/folders/INBOX/messages/77/thread").status, http::Status::not_found);
}

TEST(ThreadList, NoFolderIs404AndFailuresAre500) {
  ThreadedMail mail;
  EXPECT_EQ(get(mail, "/api/folders/Nope/messages?threads=1").status, http::Status::not_found);
  EXPECT_EQ(get(mail, "/api/folders/Nope/messages/1/thread").status, http::Status::not_found);
  mail.broken = true;
  EXPECT_EQ(get(mail, "/api/folders/INBOX/messages?threads=1").status, http::Status::internal_server_error);
  fakes::NullMailAccess none;  // its messages() says no folder
  EXPECT_EQ(get(none, "/api/folders/INBOX/messages/1/thread").status, http::Status::not_found);
  struct NoThreads : ThreadedMail {
    Result<std::optional<std::vector<Conversation>>> conversations(const std::string& u,
                                                                   const std::string& f) override {
      return MailAccess::conversations(u, f);
    }
  } old;
  EXPECT_EQ(get(old, "/api/folders/INBOX/messages?threads=1").status, http::Status::internal_server_error);
}

}  // namespace
}  // namespace hamail::mailsvc::webmail
