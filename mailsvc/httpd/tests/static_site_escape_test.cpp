// StaticSite never serves what is outside the document root: dot segments plain and
// encoded, encoded slashes, NUL, and symlinks pointing out (absolute, relative, through a
// directory); symlinks that stay inside are followed.
#include <unistd.h>

#include "site_fixture.h"

namespace hamail::mailsvc::httpd {
namespace {

using http::Status;

TEST_F(SiteTest, PathEscapesAreRefused) {
  write("root/ok.txt", "ok");
  auto s = site();
  EXPECT_EQ(get(s, "/ok.txt").status, Status::ok);
  for (const char* t : {"/../outside/secret.txt", "/%2e%2e/outside/secret.txt", "/..%2foutside%2fsecret.txt",
                        "/ok.txt%00.png", "/./ok.txt", "/..\\outside\\secret.txt"}) {
    auto r = get(s, t);
    EXPECT_EQ(r.status, Status::not_found) << t;
    EXPECT_EQ(body(r).find("secret"), std::string::npos) << t;
  }
}

TEST_F(SiteTest, SymlinksOutOfTheRootAreRefused) {
  ASSERT_EQ(::symlink((dir_ + "/outside/secret.txt").c_str(), (root() + "/abs.txt").c_str()), 0);
  ASSERT_EQ(::symlink("../outside/secret.txt", (root() + "/rel.txt").c_str()), 0);
  ASSERT_EQ(::symlink("../outside", (root() + "/outdir").c_str()), 0);
  ASSERT_EQ(::symlink("/", (root() + "/slash").c_str()), 0);
  auto s = site();
  for (const char* t : {"/abs.txt", "/rel.txt", "/outdir/secret.txt", "/slash/etc/passwd"}) {
    auto r = get(s, t);
    EXPECT_EQ(r.status, Status::not_found) << t;
    EXPECT_FALSE(r.file) << t;
  }
}

TEST_F(SiteTest, SymlinksInsideTheRootAreFollowed) {
  write("root/real/page.html", "inside");
  ASSERT_EQ(::symlink("real/page.html", (root() + "/alias.html").c_str()), 0);
  ASSERT_EQ(::symlink("../real", (root() + "/real/loop").c_str()), 0);
  auto s = site();
  EXPECT_EQ(body(get(s, "/alias.html")), "inside");
  EXPECT_EQ(body(get(s, "/real/loop/page.html")), "inside");
}

}  // namespace
}  // namespace hamail::mailsvc::httpd
