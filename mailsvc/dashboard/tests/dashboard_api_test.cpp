// The /dashboard/api/ gate: webmail's session and CSRF rules, then the role (403 for a
// logged-in user who is neither admin nor viewer), the routes, the state answer.
#include <gtest/gtest.h>

#include "fixtures.h"
#include "hamail/mailsvc/dashboard/dashboard_api.h"

namespace hamail::mailsvc::dashboard {
namespace {

using nlohmann::json;

webmail::SecretBytes filled(std::uint8_t v) {
  webmail::SecretBytes b{};
  b.fill(v);
  return b;
}

struct DashboardApiTest : ::testing::Test {
  DashboardSettings settings{"/run/hamail/hacored.sock", "/run/drbd-lite/control.sock", {"root"}, {"alice"}};
  webmail::SessionTable sessions{webmail::SessionLimits{}};
  webmail::WebSession admin = *sessions.open("root", filled(1), filled(2), 0);
  webmail::WebSession viewer = *sessions.open("alice", filled(3), filled(4), 0);
  webmail::WebSession other = *sessions.open("bob", filled(5), filled(6), 0);

  http::HttpRequest request(std::string method, std::string target, const webmail::WebSession* s) {
    http::HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.headers.push_back({"Host", "dash.example.org"});
    if (s) r.headers.push_back({"Cookie", "hamail_session=" + s->id});
    return r;
  }
  Admitted admit(const http::HttpRequest& r, bool tls = true) {
    return admit_dashboard_request(r, tls, sessions, settings, 10);
  }
  static http::Status status_of(const Admitted& a) {
    const auto* r = std::get_if<http::HttpResponse>(&a);
    return r ? r->status : http::Status::ok;
  }
};

TEST(DashboardRoles, FromTheLists) {
  DashboardSettings s{"", "", {"root", "ops"}, {"alice", "ops"}};
  EXPECT_EQ(role_of(s, "root"), Role::admin);
  EXPECT_EQ(role_of(s, "ops"), Role::admin) << "admin wins";
  EXPECT_EQ(role_of(s, "alice"), Role::viewer);
  EXPECT_EQ(role_of(s, "bob"), Role::none);
  EXPECT_EQ(role_of(s, ""), Role::none);
  EXPECT_EQ(role_name(Role::viewer), "viewer");
}

TEST_F(DashboardApiTest, StateIsAJobForAdminAndViewer) {
  for (const auto* s : {&admin, &viewer}) {
    Admitted a = admit(request("GET", "/dashboard/api/state", s));
    ASSERT_TRUE(std::holds_alternative<DashboardJob>(a)) << s->user;
    EXPECT_EQ(std::get<DashboardJob>(a).user, s->user);
    EXPECT_EQ(std::get<DashboardJob>(a).role, s == &admin ? Role::admin : Role::viewer);
  }
  EXPECT_TRUE(std::holds_alternative<DashboardJob>(admit(request("GET", "/dashboard/api/state?x=1", &viewer))));
}

TEST_F(DashboardApiTest, EventsIsAJobAndAStream) {
  Admitted a = admit(request("GET", "/dashboard/api/events", &viewer));
  ASSERT_TRUE(std::holds_alternative<DashboardJob>(a));
  EXPECT_EQ(std::get<DashboardJob>(a).kind, DashboardJob::Kind::events);
  EXPECT_EQ(status_of(admit(request("GET", "/dashboard/api/events", &other))), http::Status::forbidden);
  EXPECT_EQ(status_of(admit(request("GET", "/dashboard/api/events", nullptr))), http::Status::unauthorized);
  auto stream = std::make_shared<SseStream>();
  http::HttpResponse r = events_response(stream);
  ASSERT_TRUE(r.stream);
  bool sse = false;
  for (const auto& [k, v] : r.headers) sse |= k == "Content-Type" && v == "text/event-stream";
  EXPECT_TRUE(sse);
  EXPECT_EQ(stream->produce(100).bytes, "retry: 5000\n\n");
}

TEST_F(DashboardApiTest, OtherUsersForbidden) {
  EXPECT_EQ(status_of(admit(request("GET", "/dashboard/api/state", &other))), http::Status::forbidden);
  EXPECT_EQ(status_of(admit(request("GET", "/dashboard/api/session", &other))), http::Status::forbidden);
}

TEST_F(DashboardApiTest, WebmailGateApplies) {
  EXPECT_EQ(status_of(admit(request("GET", "/dashboard/api/state", nullptr))), http::Status::unauthorized);
  EXPECT_EQ(status_of(admit(request("GET", "/dashboard/api/state", &admin), false)), http::Status::forbidden);
  // A state change without X-CSRF-Token: 403 before the route is looked at.
  EXPECT_EQ(status_of(admit(request("POST", "/dashboard/api/state", &admin))), http::Status::forbidden);
}

TEST_F(DashboardApiTest, SessionAnswersRoleAndToken) {
  Admitted a = admit(request("GET", "/dashboard/api/session", &viewer));
  ASSERT_EQ(status_of(a), http::Status::ok);
  json body = json::parse(std::get<http::HttpResponse>(a).body);
  EXPECT_EQ(body["user"], "alice");
  EXPECT_EQ(body["role"], "viewer");
  EXPECT_EQ(body["csrf_token"], viewer.csrf_token);
}

TEST_F(DashboardApiTest, UnknownRouteAndMethod) {
  EXPECT_EQ(status_of(admit(request("GET", "/dashboard/api/nope", &admin))), http::Status::not_found);
  http::HttpRequest post = request("POST", "/dashboard/api/state", &admin);
  post.headers.push_back({"X-CSRF-Token", admin.csrf_token});
  EXPECT_EQ(status_of(admit(post)), http::Status::method_not_allowed);
}

TEST_F(DashboardApiTest, StateResponseIsTheView) {
  ClusterSources s;
  s.hacored.document = testing::fixture("hacored_status.json");
  s.drbdlited.error = "drbdlited on this node not answering";
  http::HttpResponse r = state_response(s);
  EXPECT_EQ(r.status, http::Status::ok);
  json body = json::parse(r.body);
  EXPECT_EQ(body["sources"]["drbdlited"]["error"], "drbdlited on this node not answering");
  EXPECT_EQ(body["nodes"].size(), 4u);
  bool no_store = false;
  for (const auto& [k, v] : r.headers) no_store |= k == "Cache-Control" && v.find("no-store") != std::string::npos;
  EXPECT_TRUE(no_store);
}

}  // namespace
}  // namespace hamail::mailsvc::dashboard
