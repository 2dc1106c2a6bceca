// HTTP dates both ways, content types from extensions, error bodies, chunk encoding.
#include <gtest/gtest.h>

#include "hamail/mailsvc/http/content_type.h"
#include "hamail/mailsvc/http/http_date.h"
#include "hamail/mailsvc/http/response.h"

namespace hamail::mailsvc::http {
namespace {

TEST(HttpDate, FormatsAndParsesTheThreeForms) {
  EXPECT_EQ(format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), 784111777);
  for (const char* bad : {"", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Foo 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT trailing"})
    EXPECT_FALSE(parse_http_date(bad)) << bad;
}

TEST(ContentType, FromTheExtension) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("a/b/STYLE.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("img/logo.png"), "image/png");
  EXPECT_EQ(content_type_for("README"), "application/octet-stream");
  EXPECT_EQ(content_type_for("dir.d/.hidden"), "application/octet-stream");
  EXPECT_TRUE(compressible(content_type_for("x.js")));
  EXPECT_TRUE(compressible(content_type_for("x.svg")));
  EXPECT_FALSE(compressible(content_type_for("x.png")));
}

TEST(Response, ErrorBodiesAreSmallAndClosingWhereNeeded) {
  HttpResponse r = error_response(Status::not_found);
  EXPECT_EQ(r.body, "404 Not Found\n");
  EXPECT_FALSE(r.close);
  EXPECT_TRUE(error_response(Status::bad_request).close);
  EXPECT_TRUE(error_response(Status::header_fields_too_large).close);
}

TEST(Response, NotModifiedHasNoContentLength) {
  HttpResponse r;
  r.status = Status::not_modified;
  std::string head = serialise_head(r, 0, true);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  EXPECT_EQ(head.find("HTTP/1.1 304 Not Modified\r\n"), 0u);
}

TEST(Response, Chunks) {
  EXPECT_EQ(encode_chunk("hello world, this is 26 b."), "1a\r\nhello world, this is 26 b.\r\n");
  EXPECT_EQ(encode_chunk(""), "");
}

}  // namespace
}  // namespace hamail::mailsvc::http
