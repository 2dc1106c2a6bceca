#include "hamail/metrics/http_request.h"

#include <gtest/gtest.h>

namespace hamail::metrics {
namespace {

TEST(HttpRequest, ClassifiesCompleteRequests) {
  EXPECT_EQ(classify_request("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), RequestVerdict::get_metrics);
  EXPECT_EQ(classify_request("GET /metrics?x=1 HTTP/1.0\r\n\r\n"), RequestVerdict::get_metrics);
  EXPECT_EQ(classify_request("HEAD /metrics HTTP/1.1\n\n"), RequestVerdict::head_metrics);
  EXPECT_EQ(classify_request("GET / HTTP/1.1\r\n\r\n"), RequestVerdict::not_found);
  EXPECT_EQ(classify_request("GET /metricsx HTTP/1.1\r\n\r\n"), RequestVerdict::not_found);
  EXPECT_EQ(classify_request("POST /metrics HTTP/1.1\r\n\r\n"), RequestVerdict::method_not_allowed);
  EXPECT_EQ(classify_request("get /metrics HTTP/1.1\r\n\r\n"), RequestVerdict::method_not_allowed);
}

TEST(HttpRequest, WaitsForTheBlankLine) {
  EXPECT_EQ(classify_request(""), RequestVerdict::incomplete);
  EXPECT_EQ(classify_request("GET /met"), RequestVerdict::incomplete);
  EXPECT_EQ(classify_request("GET /metrics HTTP/1.1\r\nHost: x\r\n"), RequestVerdict::incomplete);
}

TEST(HttpRequest, GarbageIsABadRequestAsSoonAsTheLineEnds) {
  EXPECT_EQ(classify_request("hello\r\n"), RequestVerdict::bad_request);
  EXPECT_EQ(classify_request("GET /metrics\r\n\r\n"), RequestVerdict::bad_request);
  EXPECT_EQ(classify_request("GET  /metrics HTTP/1.1\r\n\r\n"), RequestVerdict::bad_request);
  EXPECT_EQ(classify_request("GET /metrics HTTP/2\r\n\r\n"), RequestVerdict::bad_request);
  EXPECT_EQ(classify_request("G(T /metrics HTTP/1.1\r\n\r\n"), RequestVerdict::bad_request);
  EXPECT_EQ(classify_request(std::string("GET /m\x01 HTTP/1.1\r\n\r\n")), RequestVerdict::bad_request);
}

TEST(HttpRequest, ALongHeadIsTooLarge) {
  std::string head = "GET /metrics HTTP/1.1\r\nX: " + std::string(100, 'a');
  EXPECT_EQ(classify_request(head, 64), RequestVerdict::too_large);
  EXPECT_EQ(classify_request(head + "\r\n\r\n", 64), RequestVerdict::too_large);
  EXPECT_EQ(classify_request(head + "\r\n\r\n", 256), RequestVerdict::get_metrics);
}

TEST(HttpRequest, Responses) {
  EXPECT_EQ(http_response(RequestVerdict::get_metrics, "a 1\n"),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            "Content-Length: 4\r\nConnection: close\r\n\r\na 1\n");
  EXPECT_EQ(http_response(RequestVerdict::head_metrics, "a 1\n"),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            "Content-Length: 4\r\nConnection: close\r\n\r\n");
  std::string r405 = http_response(RequestVerdict::method_not_allowed, "");
  EXPECT_TRUE(r405.starts_with("HTTP/1.1 405 "));
  EXPECT_NE(r405.find("\r\nAllow: GET, HEAD\r\n"), std::string::npos);
  EXPECT_TRUE(http_response(RequestVerdict::not_found, "secret").starts_with("HTTP/1.1 404 "));
  EXPECT_EQ(http_response(RequestVerdict::not_found, "secret").find("secret"), std::string::npos);
  EXPECT_TRUE(http_response(RequestVerdict::bad_request, "").starts_with("HTTP/1.1 400 "));
  EXPECT_TRUE(http_response(RequestVerdict::too_large, "").starts_with("HTTP/1.1 431 "));
}

}  // namespace
}  // namespace hamail::metrics
