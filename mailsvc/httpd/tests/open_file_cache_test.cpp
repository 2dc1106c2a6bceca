// OpenFileCache and StaticSite's use of it: a file served again in the same second comes
// from the cache (replacing it on disk shows only in the next second), what is not a
// regular file is never kept, and the cache stays bounded.
#include "hamail/mailsvc/httpd/open_file_cache.h"

#include <fcntl.h>

#include <cstdio>

#include "site_fixture.h"

namespace hamail::mailsvc::httpd {
namespace {

http::HttpResponse get_at(StaticSite& s, const std::string& target, std::time_t now) {
  http::HttpRequest req;
  req.method = "GET";
  req.target = target;
  return s.handle(req, now);
}

TEST_F(SiteTest, AFileReplacedOnDiskIsServedAnewInTheNextSecond) {
  write("root/a.txt", "old");
  auto s = site();
  EXPECT_EQ(body(get_at(s, "/a.txt", 100)), "old");
  // Replaced (a new file renamed over it, as deploy tools do).
  write("root/a.txt.new", "new!");
  ASSERT_EQ(std::rename((root() + "/a.txt.new").c_str(), (root() + "/a.txt").c_str()), 0);
  EXPECT_EQ(body(get_at(s, "/a.txt", 100)), "old");  // the same second: the kept descriptor
  EXPECT_EQ(body(get_at(s, "/a.txt", 101)), "new!");
  // Removed: gone in the next second too.
  ASSERT_EQ(std::remove((root() + "/a.txt").c_str()), 0);
  EXPECT_EQ(get_at(s, "/a.txt", 102).status, http::Status::not_found);
}

TEST_F(SiteTest, DirectoriesAndMissingFilesAreNotKept) {
  write("root/docs/index.html", "<p>docs</p>");
  auto s = site();
  EXPECT_EQ(get_at(s, "/nothing.txt", 5).status, http::Status::not_found);
  write("root/nothing.txt", "here now");
  EXPECT_EQ(body(get_at(s, "/nothing.txt", 5)), "here now");  // a miss is not remembered
  EXPECT_EQ(body(get_at(s, "/docs/", 5)), "<p>docs</p>");
}

TEST(OpenFileCache, KeepsRegularFilesOfOneSecondUpToItsBound) {
  OpenFileCache cache;
  int dir = ::open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(dir, 0);
  Opened d{std::make_shared<FdFile>(dir), {}};
  ASSERT_EQ(::fstat(dir, &d.st), 0);
  cache.remember("tmp", d, 7);
  EXPECT_FALSE(cache.find("tmp", 7));  // a directory is not kept

  Opened f{std::make_shared<FdFile>(::open("/dev/null", O_RDONLY | O_CLOEXEC)), {}};
  f.st.st_mode = S_IFREG | 0644;
  for (std::size_t i = 0; i < OpenFileCache::kMaxFiles + 10; ++i) cache.remember("f" + std::to_string(i), f, 7);
  EXPECT_EQ(cache.size(), OpenFileCache::kMaxFiles);
  EXPECT_TRUE(cache.find("f0", 7));
  EXPECT_FALSE(cache.find("f0", 8));  // a new second forgets everything
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(f.file.use_count(), 1);  // the cache let go of its descriptors
}

}  // namespace
}  // namespace hamail::mailsvc::httpd
