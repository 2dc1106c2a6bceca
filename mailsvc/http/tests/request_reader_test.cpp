// RequestReader: typed requests from http-parser, pipelining one request at a time,
// requests split across reads, chunked bodies, and the 400/505 cases.
#include "hamail/mailsvc/http/request_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace hamail::mailsvc::http {
namespace {

// Feeds `bytes` whole and returns the first step with a request or an error.
ReadStep read_one(RequestReader& r, std::string_view bytes) {
  ReadStep s = r.feed(bytes);
  return s;
}

TEST(RequestReader, ReadsMethodTargetVersionAndHeaders) {
  RequestReader r{RequestLimits{}};
  ReadStep s = read_one(r, "GET /a/b?x=1 HTTP/1.1\r\nHost: example.org\r\nAccept-Encoding: gzip\r\n\r\n");
  ASSERT_TRUE(s.request);
  EXPECT_EQ(s.request->method, "GET");
  EXPECT_EQ(s.request->target, "/a/b?x=1");
  EXPECT_EQ(s.request->version, (HttpVersion{1, 1}));
  ASSERT_EQ(s.request->headers.size(), 2u);
  EXPECT_EQ(s.request->header("accept-encoding").value_or(""), "gzip");
  EXPECT_FALSE(s.request->header("Range"));
  EXPECT_FALSE(r.mid_request());
}

TEST(RequestReader, PipelinedRequestsComeOneAtATime) {
  RequestReader r{RequestLimits{}};
  std::string in = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: h\r\n\r\nGET /3 HTTP/1.0\r\n\r\n";
  std::string_view rest = in;
  std::vector<std::string> targets;
  while (!rest.empty()) {
    ReadStep s = r.feed(rest);
    ASSERT_FALSE(s.error);
    ASSERT_TRUE(s.request);
    targets.push_back(s.request->method + " " + s.request->target);
    rest.remove_prefix(s.consumed);
  }
  EXPECT_EQ(targets, (std::vector<std::string>{"GET /1", "HEAD /2", "GET /3"}));
}

TEST(RequestReader, ARequestSplitIntoSingleBytesIsReadWhole) {
  RequestReader r{RequestLimits{}};
  std::string in = "GET /slow HTTP/1.1\r\nHost: h\r\nX-Long: abcdef\r\n\r\n";
  std::optional<HttpRequest> got;
  for (std::size_t i = 0; i < in.size(); ++i) {
    ReadStep s = r.feed(std::string_view(in).substr(i, 1));
    ASSERT_FALSE(s.error);
    EXPECT_EQ(s.consumed, 1u);
    if (i + 1 < in.size()) {
      EXPECT_TRUE(r.mid_request());
      EXPECT_FALSE(s.request);
    }
    if (s.request) got = s.request;
  }
  ASSERT_TRUE(got);
  EXPECT_EQ(got->target, "/slow");
  EXPECT_EQ(got->header("X-Long").value_or(""), "abcdef");
}

TEST(RequestReader, ChunkedBodyIsDechunked) {
  RequestReader r{RequestLimits{}};
  ReadStep s = r.feed(
      "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  ASSERT_TRUE(s.request);
  EXPECT_EQ(s.request->body, "hello world");
}

TEST(RequestReader, ContentLengthBodyIsRead) {
  RequestReader r{RequestLimits{}};
  ReadStep s = r.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET");
  ASSERT_TRUE(s.request);
  EXPECT_EQ(s.request->body, "abc");
  EXPECT_EQ(s.consumed, std::string("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc").size());
}

TEST(RequestReader, OtherVersionsAre505) {
  for (const char* in : {"GET / HTTP/2.0\r\nHost: h\r\n\r\n", "GET / HTTP/1.2\r\nHost: h\r\n\r\n",
                         "GET /\r\n\r\n"}) {
    RequestReader r{RequestLimits{}};
    ReadStep s = r.feed(in);
    ASSERT_TRUE(s.error) << in;
    EXPECT_EQ(*s.error, Status::version_not_supported) << in;
  }
}

TEST(RequestReader, MalformedRequestsAre400AndTheReaderStaysFailed) {
  for (const char* in : {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\n\r\n" /* no Host */,
                         "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                         "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                         "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\n\r\n",
                         "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n"}) {
    RequestReader r{RequestLimits{}};
    ReadStep s = r.feed(in);
    ASSERT_TRUE(s.error) << in;
    EXPECT_EQ(*s.error, Status::bad_request) << in;
    ReadStep again = r.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_TRUE(again.error);
    EXPECT_FALSE(again.request);
  }
}

TEST(RequestReader, Http10WithoutHostIsFine) {
  RequestReader r{RequestLimits{}};
  ReadStep s = r.feed("GET / HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(s.request);
  EXPECT_EQ(s.request->version, (HttpVersion{1, 0}));
}

TEST(RequestReader, KeepAliveFollowsVersionAndConnection) {
  auto keep = [](const char* in) {
    RequestReader r{RequestLimits{}};
    ReadStep s = r.feed(in);
    EXPECT_TRUE(s.request) << in;
    return s.request && s.request->keep_alive();
  };
  EXPECT_TRUE(keep("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_FALSE(keep("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
  EXPECT_FALSE(keep("GET / HTTP/1.1\r\nHost: h\r\nConnection: TE, Close\r\n\r\n"));
  EXPECT_FALSE(keep("GET / HTTP/1.0\r\n\r\n"));
  EXPECT_TRUE(keep("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
}

}  // namespace
}  // namespace hamail::mailsvc::http
