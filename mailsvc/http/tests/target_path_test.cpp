// parse_target_path: plain paths, the query dropped, percent-decoding, and every escape
// attempt refused (dot segments plain and encoded, encoded slashes, NUL, backslashes).
#include "hamail/mailsvc/http/target_path.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::http {
namespace {

TEST(TargetPath, PlainPathsAndDirectories) {
  auto root = parse_target_path("/");
  ASSERT_TRUE(root);
  EXPECT_TRUE(root->segments.empty());
  EXPECT_TRUE(root->directory);
  EXPECT_EQ(root->relative(), "");

  auto p = parse_target_path("/docs//a%20b.html?x=/../..#frag");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->relative(), "docs/a b.html");
  EXPECT_FALSE(p->directory);

  auto d = parse_target_path("/docs/");
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->directory);
  EXPECT_EQ(d->segments, (std::vector<std::string>{"docs"}));
}

TEST(TargetPath, EscapesAreRefused) {
  for (const char* t : {"/..", "/../etc/passwd", "/a/../../b", "/a/./b", "/%2e%2e/x", "/%2E%2E/x", "/.%2e/x",
                        "/a%2fb", "/a%2F..%2Fb", "/a%5c..", "/a\\..\\b", "/a%00.html", "/%", "/%zz", "/a%2",
                        "relative", "", "*", "http://example.org/../x", "ftp://example.org/a",
                        "http://example.org?x"}) {
    EXPECT_FALSE(parse_target_path(t)) << t;
  }
}

TEST(TargetPath, AbsoluteFormCountsByItsPath) {
  auto p = parse_target_path("http://example.org/docs/a.html?q=1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->relative(), "docs/a.html");
  auto root = parse_target_path("HTTPS://example.org");
  ASSERT_TRUE(root);
  EXPECT_TRUE(root->segments.empty());
  EXPECT_TRUE(root->directory);
}

TEST(TargetPath, DotsInsideNamesAreFine) {
  auto p = parse_target_path("/a..b/.well-known/x...");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->relative(), "a..b/.well-known/x...");
}

}  // namespace
}  // namespace hamail::mailsvc::http
