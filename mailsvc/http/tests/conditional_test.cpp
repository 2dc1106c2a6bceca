// Conditional GET: ETag from size and mtime, If-None-Match (lists, weak tags, *) winning
// over If-Modified-Since, and If-Range.
#include "hamail/mailsvc/http/conditional.h"

#include <gtest/gtest.h>

#include "hamail/mailsvc/http/http_date.h"

namespace hamail::mailsvc::http {
namespace {

HttpRequest with(std::string name, std::string value) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/";
  r.headers.emplace_back(std::move(name), std::move(value));
  return r;
}

const std::int64_t kMtime = 784111777LL * 1000000000 + 5;
const Validators kV = validators_for(1234, kMtime);

TEST(Conditional, EtagChangesWithSizeAndTime) {
  EXPECT_EQ(kV.etag.front(), '"');
  EXPECT_NE(kV.etag, validators_for(1235, kMtime).etag);
  EXPECT_NE(kV.etag, validators_for(1234, kMtime + 1).etag);
  EXPECT_EQ(kV.last_modified, 784111777);
}

TEST(Conditional, IfNoneMatch) {
  EXPECT_TRUE(not_modified(with("If-None-Match", kV.etag), kV));
  EXPECT_TRUE(not_modified(with("If-None-Match", "\"x\", W/" + kV.etag), kV));
  EXPECT_TRUE(not_modified(with("If-None-Match", "*"), kV));
  EXPECT_FALSE(not_modified(with("If-None-Match", "\"other\""), kV));
  HttpRequest both = with("If-None-Match", "\"other\"");
  both.headers.emplace_back("If-Modified-Since", format_http_date(kV.last_modified));
  EXPECT_FALSE(not_modified(both, kV));  // If-None-Match wins
}

TEST(Conditional, IfModifiedSince) {
  EXPECT_TRUE(not_modified(with("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"), kV));
  EXPECT_TRUE(not_modified(with("If-Modified-Since", "Mon, 07 Nov 1994 08:49:37 GMT"), kV));
  EXPECT_FALSE(not_modified(with("If-Modified-Since", "Sun, 06 Nov 1994 08:49:36 GMT"), kV));
  EXPECT_FALSE(not_modified(with("If-Modified-Since", "yesterday"), kV));
  EXPECT_FALSE(not_modified(HttpRequest{}, kV));
}

TEST(Conditional, IfRange) {
  EXPECT_TRUE(if_range_allows(HttpRequest{}, kV));
  EXPECT_TRUE(if_range_allows(with("If-Range", kV.etag), kV));
  EXPECT_FALSE(if_range_allows(with("If-Range", "\"old\""), kV));
  EXPECT_TRUE(if_range_allows(with("If-Range", format_http_date(kV.last_modified)), kV));
  EXPECT_FALSE(if_range_allows(with("If-Range", format_http_date(kV.last_modified - 1)), kV));
}

}  // namespace
}  // namespace hamail::mailsvc::http
