// The /api/ gate: TLS only, same origin, a live session from the cookie (401), CSRF on
// state changes (403); the login request's own checks; JSON error bodies.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hamail/mailsvc/webmail/api_gate.h"
#include "hamail/mailsvc/webmail/cookie.h"

namespace hamail::mailsvc::webmail {
namespace {

SecretBytes filled(std::uint8_t v) {
  SecretBytes b{};
  b.fill(v);
  return b;
}

struct ApiGateTest : ::testing::Test {
  SessionTable sessions{SessionLimits{}};
  WebSession session = *sessions.open("alice", filled(1), filled(2), 0);

  http::HttpRequest request(std::string method, bool with_cookie, bool with_token) {
    http::HttpRequest r;
    r.method = std::move(method);
    r.target = "/api/folders";
    r.headers.push_back({"Host", "mail.example.org"});
    if (with_cookie) r.headers.push_back({"Cookie", "theme=dark; hamail_session=" + session.id});
    if (with_token) r.headers.push_back({"X-CSRF-Token", session.csrf_token});
    return r;
  }
  static http::Status status_of(const GateResult& g) {
    const auto* r = std::get_if<http::HttpResponse>(&g);
    return r ? r->status : http::Status::ok;
  }
};

TEST_F(ApiGateTest, GetWithCookieIsAdmitted) {
  GateResult g = admit_api_request(request("GET", true, false), true, sessions, 5);
  ASSERT_TRUE(std::holds_alternative<const WebSession*>(g));
  EXPECT_EQ(std::get<const WebSession*>(g)->user, "alice");
}

TEST_F(ApiGateTest, PlaintextRefused) {
  EXPECT_EQ(status_of(admit_api_request(request("GET", true, false), false, sessions, 5)), http::Status::forbidden);
}

TEST_F(ApiGateTest, NoOrUnknownOrExpiredSessionIs401) {
  EXPECT_EQ(status_of(admit_api_request(request("GET", false, false), true, sessions, 5)), http::Status::unauthorized);
  http::HttpRequest r = request("GET", false, false);
  r.headers.push_back({"Cookie", "hamail_session=" + std::string(64, 'f')});
  EXPECT_EQ(status_of(admit_api_request(r, true, sessions, 5)), http::Status::unauthorized);
  std::int64_t later = sessions.limits().idle_timeout_ms + 10;
  EXPECT_EQ(status_of(admit_api_request(request("GET", true, false), true, sessions, later)),
            http::Status::unauthorized);
}

TEST_F(ApiGateTest, StateChangeNeedsTheToken) {
  for (const char* m : {"POST", "PUT", "DELETE"}) {
    EXPECT_EQ(status_of(admit_api_request(request(m, true, false), true, sessions, 5)), http::Status::forbidden) << m;
    EXPECT_EQ(status_of(admit_api_request(request(m, true, true), true, sessions, 5)), http::Status::ok) << m;
  }
  http::HttpRequest wrong = request("POST", true, false);
  wrong.headers.push_back({"X-CSRF-Token", session.id});  // the cookie's value is not the token
  EXPECT_EQ(status_of(admit_api_request(wrong, true, sessions, 5)), http::Status::forbidden);
}

TEST_F(ApiGateTest, OtherOriginRefused) {
  http::HttpRequest r = request("POST", true, true);
  r.headers.push_back({"Origin", "https://evil.example"});
  EXPECT_EQ(status_of(admit_api_request(r, true, sessions, 5)), http::Status::forbidden);
  r.headers.back().second = "https://mail.example.org";
  EXPECT_EQ(status_of(admit_api_request(r, true, sessions, 5)), http::Status::ok);
  r.headers.back().second = "http://mail.example.org";
  EXPECT_EQ(status_of(admit_api_request(r, true, sessions, 5)), http::Status::forbidden);
}

TEST_F(ApiGateTest, ErrorsAreJsonAndNotCached) {
  GateResult g = admit_api_request(request("GET", false, false), true, sessions, 5);
  const auto& r = std::get<http::HttpResponse>(g);
  EXPECT_EQ(nlohmann::json::parse(r.body).at("error"), "login required");
  bool json = false, no_store = false;
  for (const auto& [k, v] : r.headers) {
    json |= k == "Content-Type" && v == "application/json";
    no_store |= k == "Cache-Control" && v == "no-store";
  }
  EXPECT_TRUE(json);
  EXPECT_TRUE(no_store);
}

TEST(LoginRequest, TlsSameOriginAndJsonOnly) {
  http::HttpRequest r;
  r.method = "POST";
  r.target = "/api/login";
  r.headers = {{"Host", "mail.example.org"}, {"Content-Type", "application/json; charset=utf-8"}};
  EXPECT_FALSE(refuse_login_request(r, true));
  EXPECT_EQ(refuse_login_request(r, false)->status, http::Status::forbidden);
  r.headers.push_back({"Origin", "https://evil.example"});
  EXPECT_EQ(refuse_login_request(r, true)->status, http::Status::forbidden);
  r.headers.pop_back();
  r.headers[1].second = "application/x-www-form-urlencoded";
  EXPECT_EQ(refuse_login_request(r, true)->status, http::Status::unsupported_media_type);
}

}  // namespace
}  // namespace hamail::mailsvc::webmail
