// RequestReader's bounds: target (414), header bytes and count (431), body by
// Content-Length and by chunks (413); just under each bound is accepted.
#include <gtest/gtest.h>

#include <string>

#include "hamail/mailsvc/http/request_reader.h"

namespace hamail::mailsvc::http {
namespace {

RequestLimits small() {
  RequestLimits l;
  l.max_target_bytes = 64;
  l.max_header_bytes = 256;
  l.max_header_count = 4;
  l.max_body_bytes = 10;
  return l;
}

std::optional<Status> error_of(std::string_view in) {
  RequestReader r{small()};
  ReadStep s = r.feed(in);
  if (!s.error && !s.request) ADD_FAILURE() << "neither a request nor an error";
  return s.error;
}

TEST(RequestBounds, LongTargetIs414) {
  std::string ok = "/" + std::string(63, 'a');
  EXPECT_FALSE(error_of("GET " + ok + " HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_EQ(error_of("GET " + ok + "a HTTP/1.1\r\nHost: h\r\n\r\n"), Status::uri_too_long);
}

TEST(RequestBounds, TooManyHeaderBytesIs431) {
  std::string big(200, 'x');
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost: h\r\nA: " + big + "\r\nB: " + big + "\r\n\r\n"),
            Status::header_fields_too_large);
  EXPECT_FALSE(error_of("GET / HTTP/1.1\r\nHost: h\r\nA: " + big + "\r\n\r\n"));
}

TEST(RequestBounds, TooManyHeaderFieldsIs431) {
  EXPECT_FALSE(error_of("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"));
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"),
            Status::header_fields_too_large);
}

TEST(RequestBounds, HeaderBytesCountAcrossReads) {
  RequestReader r{small()};
  ASSERT_FALSE(r.feed("GET / HTTP/1.1\r\nHost: h\r\nA: ").error);
  std::optional<Status> e;
  for (int i = 0; i < 300 && !e; ++i) e = r.feed("x").error;
  EXPECT_EQ(e, Status::header_fields_too_large);
}

TEST(RequestBounds, BodyOverTheLimitIs413BeforeItIsRead) {
  EXPECT_FALSE(error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789"));
  RequestReader r{small()};
  ReadStep s = r.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n");
  EXPECT_EQ(s.error, Status::payload_too_large);
}

TEST(RequestBounds, ChunkedBodyOverTheLimitIs413) {
  EXPECT_FALSE(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n"));
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n6\r\n567890\r\n0\r\n\r\n"),
            Status::payload_too_large);
}

TEST(RequestBounds, HugeChunkSizeIsRefused) {
  std::optional<Status> e =
      error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n");
  ASSERT_TRUE(e);
  EXPECT_TRUE(*e == Status::bad_request || *e == Status::payload_too_large);
}

}  // namespace
}  // namespace hamail::mailsvc::http
