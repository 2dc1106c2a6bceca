// The trace API over a reader in memory: webmail's gate (401 without a session, 403
// without TLS or a CSRF token), a user sees only their own messages (another's is a 404,
// like one that does not exist), admins see all and may search by subject; the JSON views.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hamail/mailsvc/traceweb/trace_api.h"

namespace hamail::mailsvc::traceweb {
namespace {

using json = nlohmann::json;

trace::MessageTrace message(std::string qid, std::string from, std::string to, std::string subject) {
  trace::MessageTrace m;
  m.queue_id = std::move(qid);
  m.message_id = "<" + m.queue_id + "@test>";
  m.sender = std::move(from);
  m.recipients = {std::move(to)};
  m.subject = std::move(subject);
  m.status = "delivered";
  m.first_ts = "2026-12-05T10:00:00.000Z";
  m.timeline.push_back({"2026-12-05T10:00:00.000Z", "node1", trace::EventKind::received, m.recipients[0], "",
                        "client=127.0.0.1 tls=true auth_user=\"" + m.sender + "\"", 1});
  m.timeline.push_back({"2026-12-05T10:00:01.000Z", "node2", trace::EventKind::retrieved, m.recipients[0], "",
                        "not logfmt \"", 2});
  return m;
}

// find/show over a list, with the access rule as TraceDb applies it.
struct MemoryReader : TraceReader {
  std::vector<trace::MessageTrace> all{message("Q1", "alice@x.org", "bob@x.org", "Lunch"),
                                       message("Q2", "carol@x.org", "dave@x.org", "Secret plans")};
  trace::TraceQuery last_query;
  Result<std::vector<trace::MessageTrace>> find(const trace::TraceQuery& q, const trace::Viewer& v) override {
    last_query = q;
    std::vector<trace::MessageTrace> out;
    for (const auto& m : all) {
      if (!trace::may_see(v, m.sender, m.recipients)) continue;
      std::string subject = m.subject;
      for (auto& c : subject) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!q.subject.empty() && subject.find(q.subject) == std::string::npos) continue;
      if (out.size() < q.limit) out.push_back(m);
    }
    return out;
  }
  Result<std::vector<trace::MessageTrace>> show(const std::string& id, const trace::Viewer& v) override {
    std::vector<trace::MessageTrace> out;
    for (const auto& m : all)
      if ((m.queue_id == id || m.message_id == id) && trace::may_see(v, m.sender, m.recipients)) out.push_back(m);
    return out;
  }
  Result<Indicators> indicators(const std::string&, const std::string&) override {
    Indicators i;
    i.hours.push_back({"2026-12-05T10", 2, 1, 0, 0});
    i.queue_size = 3;
    return i;
  }
};

webmail::SecretBytes filled(std::uint8_t v) {
  webmail::SecretBytes b{};
  b.fill(v);
  return b;
}

struct TraceApiTest : ::testing::Test {
  webmail::SessionTable sessions{webmail::SessionLimits{}};
  webmail::WebSession bob = *sessions.open("Bob@x.org", filled(1), filled(2), 0);
  webmail::WebSession root = *sessions.open("root@x.org", filled(3), filled(4), 0);
  TraceApi api{{"root@x.org"}};
  MemoryReader reader;

  http::HttpRequest request(const std::string& target, const webmail::WebSession* s, std::string method = "GET") {
    http::HttpRequest r;
    r.method = std::move(method);
    r.target = target;
    r.headers.push_back({"Host", "mail.example.org"});
    if (s) r.headers.push_back({"Cookie", "hamail_session=" + s->id});
    return r;
  }
  // The answer's status and JSON body.
  std::pair<int, json> call(const http::HttpRequest& r, bool tls = true) {
    auto admitted = api.admit(r, tls, sessions, 5);
    http::HttpResponse out = std::holds_alternative<http::HttpResponse>(admitted)
                                 ? std::get<http::HttpResponse>(admitted)
                                 : TraceApi::run(std::get<TraceJob>(admitted), reader);
    return {static_cast<int>(out.status), json::parse(out.body, nullptr, false)};
  }
};

TEST_F(TraceApiTest, WebmailGate) {
  EXPECT_EQ(call(request("/trace/api/messages", nullptr)).first, 401);
  EXPECT_EQ(call(request("/trace/api/messages", &bob), false).first, 403);   // no TLS
  EXPECT_EQ(call(request("/trace/api/messages", &bob, "POST")).first, 403);  // no CSRF token
  http::HttpRequest post = request("/trace/api/messages", &bob, "POST");
  post.headers.push_back({"X-CSRF-Token", bob.csrf_token});
  EXPECT_EQ(call(post).first, 405);
}

TEST_F(TraceApiTest, UserSeesOwnMessagesOnly) {
  auto [status, body] = call(request("/trace/api/messages", &bob));
  ASSERT_EQ(status, 200);
  ASSERT_EQ(body["messages"].size(), 1u);
  EXPECT_EQ(body["messages"][0]["queue_id"], "Q1");
  EXPECT_EQ(body["truncated"], false);
  auto [s1, own] = call(request("/trace/api/messages/Q1", &bob));
  ASSERT_EQ(s1, 200);
  const json& t = own["messages"][0];
  EXPECT_EQ(t["from"], "alice@x.org");
  ASSERT_EQ(t["timeline"].size(), 2u);
  EXPECT_EQ(t["timeline"][0]["step"], "received");
  EXPECT_EQ(t["timeline"][0]["details"]["tls"], "true");
  EXPECT_EQ(t["timeline"][0]["details"]["auth_user"], "alice@x.org");
  EXPECT_EQ(t["timeline"][1]["node"], "node2");
  EXPECT_EQ(t["timeline"][1]["details"]["text"], "not logfmt \"");
  // Another's message and a missing one: the same 404.
  auto [s2, other] = call(request("/trace/api/messages/Q2", &bob));
  auto [s3, missing] = call(request("/trace/api/messages/Q9", &bob));
  EXPECT_EQ(s2, 404);
  EXPECT_EQ(s3, 404);
  EXPECT_EQ(other, missing);
}

TEST_F(TraceApiTest, SubjectAndIndicatorsForAdminsOnly) {
  EXPECT_EQ(call(request("/trace/api/messages?subject=plans", &bob)).first, 403);
  EXPECT_EQ(call(request("/trace/api/indicators", &bob)).first, 403);
  auto [status, body] = call(request("/trace/api/messages?subject=PLANS", &root));
  ASSERT_EQ(status, 200);
  ASSERT_EQ(body["messages"].size(), 1u);
  EXPECT_EQ(body["messages"][0]["queue_id"], "Q2");
  EXPECT_EQ(call(request("/trace/api/messages/Q2", &root)).first, 200);
  auto [s2, ind] = call(request("/trace/api/indicators?since=2026-12-05", &root));
  ASSERT_EQ(s2, 200);
  EXPECT_EQ(ind["queue_size"], 3);
  EXPECT_EQ(ind["hours"][0]["received"], 2);
  EXPECT_EQ(ind["hours"][0]["rejected"], 1);
}

TEST_F(TraceApiTest, PageIsBoundedAndSaysTruncated) {
  auto [status, body] = call(request("/trace/api/messages?limit=1", &root));
  ASSERT_EQ(status, 200);
  EXPECT_EQ(reader.last_query.limit, 2u);  // one more than the page, to know
  EXPECT_EQ(body["messages"].size(), 1u);
  EXPECT_EQ(body["truncated"], true);
}

TEST_F(TraceApiTest, BadParameterIs400NamingIt) {
  auto [status, body] = call(request("/trace/api/messages?limit=abc", &bob));
  EXPECT_EQ(status, 400);
  EXPECT_TRUE(body["error"].get<std::string>().starts_with("limit:")) << body;
}

}  // namespace
}  // namespace hamail::mailsvc::traceweb
