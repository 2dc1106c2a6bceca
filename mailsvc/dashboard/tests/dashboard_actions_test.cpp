// Actions: the strict reader, hactl's request shapes, the two steps with one-time tokens
// (same user, action and target; expiry; bound), admins only, CSRF first.
#include <gtest/gtest.h>

#include "hamail/mailsvc/dashboard/dashboard_api.h"

namespace hamail::mailsvc::dashboard {
namespace {

using nlohmann::json;

webmail::SecretBytes filled(std::uint8_t v) {
  webmail::SecretBytes b{};
  b.fill(v);
  return b;
}

TEST(DashboardActions, Parse) {
  auto a = parse_dashboard_action(R"({"action":"switchover","target":"mail","to":"node2"})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->target, "mail");
  EXPECT_EQ(a->to, "node2");
  EXPECT_FALSE(parse_dashboard_action("[]"));
  EXPECT_FALSE(parse_dashboard_action(R"({"action":"fence","target":"node2"})"));
  EXPECT_FALSE(parse_dashboard_action(R"({"action":"standby"})"));
  EXPECT_FALSE(parse_dashboard_action(R"({"action":"standby","target":""})"));
  EXPECT_FALSE(parse_dashboard_action(R"({"action":"standby","target":"a b"})"));
  EXPECT_FALSE(parse_dashboard_action(R"({"action":"standby","target":"n","to":"x"})"));
  EXPECT_FALSE(parse_dashboard_action(R"({"action":"standby","target":"n","extra":1})"));
  EXPECT_FALSE(parse_dashboard_action(R"({"action":"standby","target":5})"));
}

TEST(DashboardActions, HacoredRequestsAsHactlSendsThem) {
  EXPECT_EQ(hacored_request({"switchover", "mail", "", ""}), (json{{"cmd", "switchover"}, {"group", "mail"}}));
  EXPECT_EQ(hacored_request({"switchover", "mail", "node2", ""}),
            (json{{"cmd", "switchover"}, {"group", "mail"}, {"to", "node2"}}));
  EXPECT_EQ(hacored_request({"standby", "node1", "", ""}), (json{{"cmd", "standby"}, {"node", "node1"}}));
  EXPECT_EQ(hacored_request({"unstandby", "node1", "", ""}), (json{{"cmd", "unstandby"}, {"node", "node1"}}));
  EXPECT_EQ(hacored_request({"cleanup", "smtpd", "", ""}), (json{{"cmd", "cleanup"}, {"resource", "smtpd"}}));
  EXPECT_NE(describe({"standby", "node1", "", ""}).find("node1"), std::string::npos);
}

TEST(DashboardActions, TokensAreOneTimeAndBound) {
  ActionConfirmations c;
  DashboardAction a{"standby", "node1", "", ""};
  c.offer("root", a, "t1", 0);
  a.confirm = "t1";
  EXPECT_FALSE(c.redeem("alice", a, 1)) << "another user";
  EXPECT_FALSE(c.redeem("root", a, 2)) << "gone after a mismatch";
  c.offer("root", a, "t2", 0);
  a.confirm = "t2";
  DashboardAction other = a;
  other.target = "node2";
  EXPECT_FALSE(c.redeem("root", other, 1)) << "another target";
  c.offer("root", a, "t3", 0);
  a.confirm = "t3";
  EXPECT_FALSE(c.redeem("root", a, ActionConfirmations::kLifetimeMs)) << "expired";
  c.offer("root", a, "t4", 0);
  a.confirm = "t4";
  EXPECT_TRUE(c.redeem("root", a, 10));
  EXPECT_FALSE(c.redeem("root", a, 11)) << "used";
  for (int i = 0; i < 100; ++i) c.offer("root", a, "x" + std::to_string(i), 0);
  EXPECT_EQ(c.pending(), ActionConfirmations::kMax);
}

struct ActionApiTest : ::testing::Test {
  DashboardSettings settings{"/a", "/b", {"root"}, {"alice"}};
  webmail::SessionTable sessions{webmail::SessionLimits{}};
  webmail::WebSession admin = *sessions.open("root", filled(1), filled(2), 0);
  webmail::WebSession viewer = *sessions.open("alice", filled(3), filled(4), 0);
  ActionConfirmations confirmations;
  ActionContext ctx{&confirmations, [] { return filled(9); }};

  Admitted post(const webmail::WebSession& s, const json& body, bool token = true) {
    http::HttpRequest r;
    r.method = "POST";
    r.target = "/dashboard/api/actions";
    r.headers.push_back({"Host", "dash.example.org"});
    r.headers.push_back({"Cookie", "hamail_session=" + s.id});
    if (token) r.headers.push_back({"X-CSRF-Token", s.csrf_token});
    r.body = body.dump();
    return admit_dashboard_request(r, true, sessions, settings, 100, ctx);
  }
  static http::Status status_of(const Admitted& a) {
    const auto* r = std::get_if<http::HttpResponse>(&a);
    return r ? r->status : http::Status::ok;
  }
};

TEST_F(ActionApiTest, TwoSteps) {
  json ask = {{"action", "switchover"}, {"target", "mail"}};
  Admitted first = post(admin, ask);
  ASSERT_EQ(status_of(first), http::Status::ok);
  json offer = json::parse(std::get<http::HttpResponse>(first).body);
  EXPECT_EQ(offer["confirm_token"], webmail::hex_token(filled(9)));
  EXPECT_NE(offer["will"].get<std::string>().find("mail"), std::string::npos);
  ask["confirm"] = offer["confirm_token"];
  Admitted second = post(admin, ask);
  ASSERT_TRUE(std::holds_alternative<DashboardJob>(second));
  EXPECT_EQ(std::get<DashboardJob>(second).kind, DashboardJob::Kind::action);
  EXPECT_EQ(hacored_request(std::get<DashboardJob>(second).action), (json{{"cmd", "switchover"}, {"group", "mail"}}));
  EXPECT_EQ(status_of(post(admin, ask)), http::Status::forbidden) << "the token is spent";
}

TEST_F(ActionApiTest, Refusals) {
  json ask = {{"action", "standby"}, {"target", "node1"}};
  EXPECT_EQ(status_of(post(viewer, ask)), http::Status::forbidden);
  EXPECT_EQ(status_of(post(admin, ask, false)), http::Status::forbidden) << "CSRF";
  EXPECT_EQ(status_of(post(admin, {{"action", "fence"}, {"target", "node1"}})), http::Status::bad_request);
  ask["confirm"] = "not-offered";
  EXPECT_EQ(status_of(post(admin, ask)), http::Status::forbidden);
  EXPECT_EQ(confirmations.pending(), 0u) << "refusals offer nothing";
}

}  // namespace
}  // namespace hamail::mailsvc::dashboard
