// HttpSession with a handler that takes POST and answers some requests later: AnswerLater
// carries the request (body included), complete() sends the answer, pipelined requests
// behind it wait and are answered in order, HEAD and Connection: close are kept, no
// timer fires meanwhile, held bytes are bounded, 405 still for what the handler refuses.
#include <gtest/gtest.h>

#include <string>

#include "hamail/mailsvc/http/session.h"

namespace hamail::mailsvc::http {
namespace {

constexpr std::time_t kNow = 784111777;

// Takes GET/HEAD everywhere and POST under /api/; /api/ is answered later.
struct ApiHandler : RequestHandler {
  HttpResponse handle(const HttpRequest& request, std::time_t) override {
    HttpResponse r;
    r.body = "now:" + request.target;
    return r;
  }
  bool takes_method(const HttpRequest& r) const override {
    return r.method == "GET" || r.method == "HEAD" || (r.method == "POST" && r.target.starts_with("/api/"));
  }
  bool answers_later(const HttpRequest& r) const override { return r.target.starts_with("/api/"); }
};

std::string sent(const std::vector<HttpAction>& actions) {
  std::string out;
  for (const auto& a : actions)
    if (auto* b = std::get_if<SendBytes>(&a)) out += b->bytes;
  return out;
}

const AnswerLater* later_of(const std::vector<HttpAction>& actions) {
  return actions.empty() ? nullptr : std::get_if<AnswerLater>(&actions.back());
}

HttpResponse text(std::string body) {
  HttpResponse r;
  r.body = std::move(body);
  return r;
}

TEST(SessionLater, PostIsHandedOutWithItsBodyAndAnsweredOnComplete) {
  ApiHandler h;
  HttpSession s(RequestLimits{}, h);
  auto a = s.feed("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", kNow);
  const AnswerLater* later = later_of(a);
  ASSERT_NE(later, nullptr);
  EXPECT_EQ(later->request.method, "POST");
  EXPECT_EQ(later->request.body, "hello");
  EXPECT_EQ(sent(a), "");
  EXPECT_TRUE(s.waiting());
  EXPECT_FALSE(s.mid_request());
  auto done = s.complete(text("{}"), kNow);
  EXPECT_TRUE(sent(done).starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_TRUE(sent(done).ends_with("\r\n\r\n{}"));
  EXPECT_FALSE(s.waiting());
  ASSERT_FALSE(done.empty());
  auto* ex = std::get_if<Exchange>(&done.back());
  ASSERT_NE(ex, nullptr);
  EXPECT_EQ(ex->method, "POST");
  EXPECT_EQ(ex->target, "/api/login");
  EXPECT_EQ(ex->number, 1u);
}

TEST(SessionLater, PipelinedRequestsWaitAndKeepTheirOrder) {
  ApiHandler h;
  HttpSession s(RequestLimits{}, h);
  auto a = s.feed("GET /api/a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /api/c HTTP/1.1\r\nHost: x\r\n\r\n", kNow);
  ASSERT_NE(later_of(a), nullptr);
  EXPECT_EQ(later_of(a)->request.target, "/api/a");
  EXPECT_EQ(sent(a), "");  // /b is not answered before /api/a
  auto b = s.complete(text("A"), kNow);
  std::string out = sent(b);
  std::size_t first = out.find("\r\n\r\nA");
  std::size_t second = out.find("now:/b");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);
  ASSERT_NE(later_of(b), nullptr);
  EXPECT_EQ(later_of(b)->request.target, "/api/c");
  EXPECT_TRUE(sent(s.complete(text("C"), kNow)).ends_with("\r\n\r\nC"));
  EXPECT_EQ(s.requests(), 3u);
}

TEST(SessionLater, BytesFedWhileWaitingAreHeld) {
  ApiHandler h;
  HttpSession s(RequestLimits{}, h);
  ASSERT_NE(later_of(s.feed("GET /api/a HTTP/1.1\r\nHost: x\r\n\r\n", kNow)), nullptr);
  EXPECT_TRUE(s.feed("GET /b HTTP/1.1\r\nHo", kNow).empty());
  EXPECT_TRUE(s.feed("st: x\r\n\r\n", kNow).empty());
  EXPECT_NE(sent(s.complete(text("A"), kNow)).find("now:/b"), std::string::npos);
}

TEST(SessionLater, HeadAndCloseAreKept) {
  ApiHandler h;
  HttpSession s(RequestLimits{}, h);
  ASSERT_NE(later_of(s.feed("HEAD /api/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", kNow)), nullptr);
  auto done = s.complete(text("body"), kNow);
  std::string out = sent(done);
  EXPECT_NE(out.find("Content-Length: 4\r\n"), std::string::npos);
  EXPECT_EQ(out.find("body"), std::string::npos);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<CloseConnection>(done.back()));
  EXPECT_TRUE(s.closed());
}

TEST(SessionLater, NoTimeoutWhileWaiting) {
  ApiHandler h;
  HttpSession s(RequestLimits{}, h);
  ASSERT_NE(later_of(s.feed("GET /api/a HTTP/1.1\r\nHost: x\r\n\r\nGET /b", kNow)), nullptr);
  EXPECT_TRUE(s.timed_out(kNow).empty());
  EXPECT_FALSE(s.closed());
}

TEST(SessionLater, HeldBytesAreBounded) {
  ApiHandler h;
  HttpSession s(RequestLimits{}, h);
  ASSERT_NE(later_of(s.feed("GET /api/a HTTP/1.1\r\nHost: x\r\n\r\n", kNow)), nullptr);
  std::string big(HttpSession::kMaxHeldBytes + 1, 'x');
  auto a = s.feed(big, kNow);
  ASSERT_FALSE(a.empty());
  EXPECT_TRUE(std::holds_alternative<CloseConnection>(a.back()));
  EXPECT_TRUE(s.closed());
  EXPECT_TRUE(s.complete(text("A"), kNow).empty());
}

TEST(SessionLater, MethodsTheHandlerRefusesGet405) {
  ApiHandler h;
  HttpSession s(RequestLimits{}, h);
  std::string out = sent(s.feed("POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", kNow));
  EXPECT_TRUE(out.starts_with("HTTP/1.1 405 "));
  EXPECT_NE(out.find("Allow: GET, HEAD\r\n"), std::string::npos);
  EXPECT_TRUE(sent(s.feed("DELETE /api/x HTTP/1.1\r\nHost: x\r\n\r\n", kNow)).starts_with("HTTP/1.1 405 "));
}

TEST(SessionLater, CompleteWithoutWaitingDoesNothing) {
  ApiHandler h;
  HttpSession s(RequestLimits{}, h);
  EXPECT_TRUE(s.complete(text("A"), kNow).empty());
}

}  // namespace
}  // namespace hamail::mailsvc::http
