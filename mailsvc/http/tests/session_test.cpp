// HttpSession: answers in order, keep-alive and close, HEAD, 405, error statuses with
// a close, file bodies as SendFile, the header timeout.
#include "hamail/mailsvc/http/session.h"

#include <gtest/gtest.h>

#include <string>

namespace hamail::mailsvc::http {
namespace {

constexpr std::time_t kNow = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT

struct FakeFile : OpenFile {};

// Answers "/file" with a 5-byte file body, everything else with the target as the body.
struct EchoHandler : RequestHandler {
  std::vector<std::string> seen;
  HttpResponse handle(const HttpRequest& request, std::time_t) override {
    seen.push_back(request.target);
    HttpResponse r;
    if (request.target == "/file") {
      r.file = FileBody{std::make_shared<FakeFile>(), 10, 5};
    } else {
      r.body = request.target;
    }
    r.add("Content-Type", "text/plain");
    return r;
  }
};

std::string sent(const std::vector<HttpAction>& actions) {
  std::string out;
  for (const auto& a : actions)
    if (auto* b = std::get_if<SendBytes>(&a)) out += b->bytes;
  return out;
}

bool closes(const std::vector<HttpAction>& actions) {
  return !actions.empty() && std::holds_alternative<CloseConnection>(actions.back());
}

std::vector<Exchange> exchanges(const std::vector<HttpAction>& actions) {
  std::vector<Exchange> out;
  for (const auto& a : actions)
    if (auto* e = std::get_if<Exchange>(&a)) out.push_back(*e);
  return out;
}

TEST(HttpSession, AnswersAGetAndKeepsTheConnection) {
  EchoHandler h;
  HttpSession s{RequestLimits{}, h};
  auto out = s.feed("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n", kNow);
  EXPECT_EQ(sent(out),
            "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: hamail-httpd\r\n"
            "Content-Type: text/plain\r\nContent-Length: 6\r\nConnection: keep-alive\r\n\r\n/hello");
  EXPECT_FALSE(closes(out));
  EXPECT_FALSE(s.closed());
  auto ex = exchanges(out);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].number, 1u);
  EXPECT_EQ(ex[0].method, "GET");
  EXPECT_EQ(ex[0].status, Status::ok);
  EXPECT_EQ(ex[0].body_bytes, 6u);
}

TEST(HttpSession, PipelinedRequestsAreAnsweredInOrder) {
  EchoHandler h;
  HttpSession s{RequestLimits{}, h};
  auto out = s.feed("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\nGET /3 HTTP/1.1\r\nHost: h\r\n\r\n", kNow);
  EXPECT_EQ(h.seen, (std::vector<std::string>{"/1", "/2", "/3"}));
  std::string all = sent(out);
  std::size_t p1 = all.find("\r\n\r\n/1"), p2 = all.find("\r\n\r\n/2"), p3 = all.find("\r\n\r\n/3");
  ASSERT_NE(p3, std::string::npos);
  EXPECT_LT(p1, p2);
  EXPECT_LT(p2, p3);
  EXPECT_EQ(s.requests(), 3u);
}

TEST(HttpSession, AHalfReadRequestWaitsForTheRest) {
  EchoHandler h;
  HttpSession s{RequestLimits{}, h};
  auto out = s.feed("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HT", kNow);
  EXPECT_EQ(h.seen.size(), 1u);
  EXPECT_TRUE(s.mid_request());
  out = s.feed("TP/1.1\r\nHost: h\r\n\r\n", kNow);
  EXPECT_EQ(h.seen.size(), 2u);
  EXPECT_FALSE(s.mid_request());
}

TEST(HttpSession, ConnectionCloseAndHttp10CloseAfterTheAnswer) {
  for (const char* in : {"GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", "GET /x HTTP/1.0\r\n\r\n"}) {
    EchoHandler h;
    HttpSession s{RequestLimits{}, h};
    auto out = s.feed(in, kNow);
    EXPECT_NE(sent(out).find("Connection: close\r\n"), std::string::npos);
    EXPECT_TRUE(closes(out));
    EXPECT_TRUE(s.closed());
    EXPECT_TRUE(s.feed("GET /y HTTP/1.1\r\nHost: h\r\n\r\n", kNow).empty());
  }
}

TEST(HttpSession, Http10KeepAliveStaysOpen) {
  EchoHandler h;
  HttpSession s{RequestLimits{}, h};
  auto out = s.feed("GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", kNow);
  EXPECT_NE(sent(out).find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_FALSE(closes(out));
}

TEST(HttpSession, HeadSendsTheHeadWithTheLengthButNoBody) {
  EchoHandler h;
  HttpSession s{RequestLimits{}, h};
  auto out = s.feed("HEAD /file HTTP/1.1\r\nHost: h\r\n\r\nHEAD /abc HTTP/1.1\r\nHost: h\r\n\r\n", kNow);
  std::string all = sent(out);
  EXPECT_NE(all.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_NE(all.find("Content-Length: 4\r\n"), std::string::npos);
  EXPECT_EQ(all.find("/abc"), std::string::npos);
  for (const auto& a : out) EXPECT_FALSE(std::holds_alternative<SendFile>(a));
}

TEST(HttpSession, AFileBodyFollowsItsHead) {
  EchoHandler h;
  HttpSession s{RequestLimits{}, h};
  auto out = s.feed("GET /file HTTP/1.1\r\nHost: h\r\n\r\n", kNow);
  ASSERT_GE(out.size(), 2u);
  ASSERT_TRUE(std::holds_alternative<SendBytes>(out[0]));
  ASSERT_TRUE(std::holds_alternative<SendFile>(out[1]));
  EXPECT_EQ(std::get<SendFile>(out[1]).body.offset, 10u);
  EXPECT_EQ(std::get<SendFile>(out[1]).body.length, 5u);
}

TEST(HttpSession, OtherMethodsAre405WithAllowAndTheConnectionStays) {
  EchoHandler h;
  HttpSession s{RequestLimits{}, h};
  auto out = s.feed("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhiDELETE /y HTTP/1.1\r\nHost: h\r\n\r\n", kNow);
  std::string all = sent(out);
  EXPECT_EQ(all.find("HTTP/1.1 405 Method Not Allowed\r\n"), 0u);
  EXPECT_NE(all.find("Allow: GET, HEAD\r\n"), std::string::npos);
  EXPECT_NE(all.find("405 Method Not Allowed\n"), std::string::npos);
  EXPECT_EQ(exchanges(out).size(), 2u);
  EXPECT_TRUE(h.seen.empty());
  EXPECT_FALSE(closes(out));
}

TEST(HttpSession, EveryReaderErrorIsAnsweredWithItsStatusAndClosed) {
  RequestLimits l;
  l.max_target_bytes = 16;
  l.max_header_count = 2;
  l.max_body_bytes = 4;
  struct Case {
    std::string in;
    std::string status_line;
  } cases[] = {
      {"BLAH\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
      {"GET /" + std::string(20, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 414 URI Too Long\r\n"},
      {"GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", "HTTP/1.1 431 Request Header Fields Too Large\r\n"},
      {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n", "HTTP/1.1 413 Content Too Large\r\n"},
      {"GET / HTTP/2.0\r\nHost: h\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported\r\n"},
  };
  for (const auto& c : cases) {
    EchoHandler h;
    HttpSession s{l, h};
    auto out = s.feed("GET /ok HTTP/1.1\r\nHost: h\r\n\r\n" + c.in, kNow);
    std::string all = sent(out);
    std::size_t second = all.find("HTTP/1.1 ", 1);
    ASSERT_NE(second, std::string::npos) << c.in;
    EXPECT_EQ(all.substr(second, c.status_line.size()), c.status_line) << c.in;
    EXPECT_NE(all.find("Connection: close\r\n", second), std::string::npos);
    EXPECT_TRUE(closes(out)) << c.in;
    EXPECT_EQ(h.seen.size(), 1u);
  }
}

TEST(HttpSession, ARefusedRequestIsLoggedWithWhatWasRead) {
  EchoHandler h;
  RequestLimits l;
  l.max_body_bytes = 4;
  HttpSession s{l, h};
  auto ex = exchanges(s.feed("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n", kNow));
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].method, "POST");
  EXPECT_EQ(ex[0].target, "/upload");
  EXPECT_EQ(ex[0].status, Status::payload_too_large);
  HttpSession garbage{l, h};
  auto ex2 = exchanges(garbage.feed("\x01\x02\r\n\r\n", kNow));
  ASSERT_EQ(ex2.size(), 1u);
  EXPECT_EQ(ex2[0].method, "");
  EXPECT_EQ(ex2[0].status, Status::bad_request);
}

TEST(HttpSession, TimeoutMidRequestIs408ElseASilentClose) {
  EchoHandler h;
  HttpSession s{RequestLimits{}, h};
  (void)s.feed("GET / HTTP/1.1\r\nHo", kNow);
  auto out = s.timed_out(kNow);
  EXPECT_EQ(sent(out).find("HTTP/1.1 408 Request Timeout\r\n"), 0u);
  EXPECT_TRUE(closes(out));

  HttpSession idle{RequestLimits{}, h};
  auto quiet = idle.timed_out(kNow);
  EXPECT_EQ(sent(quiet), "");
  EXPECT_TRUE(closes(quiet));
}

}  // namespace
}  // namespace hamail::mailsvc::http
