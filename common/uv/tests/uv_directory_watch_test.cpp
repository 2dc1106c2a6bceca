#include <gtest/gtest.h>

#include <cstdio>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "hamail/uv/directory_watch.h"
#include "uv_test_util.h"

namespace hamail::uv {
namespace {

namespace fs = std::filesystem;
using testing::run_for;
using testing::run_until;

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/uv-watch-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string path;
};

std::unique_ptr<EventLoop> make_loop() {
  auto loop = EventLoop::create();
  EXPECT_TRUE(loop) << loop.error();
  return std::move(*loop);
}

TEST(UvDirectoryWatch, SeesAFileRenamedIntoTheDirectoryAndARemoval) {
  auto loop = make_loop();
  TempDir dir;
  fs::create_directory(dir.path + "/tmp");
  fs::create_directory(dir.path + "/new");
  DirectoryWatch w(*loop);
  int changes = 0;
  ASSERT_TRUE(w.start(dir.path + "/new", [&] { ++changes; }));
  EXPECT_TRUE(w.active());
  run_for(*loop, 20);
  EXPECT_EQ(changes, 0);
  std::ofstream(dir.path + "/tmp/m1") << "mail";
  run_for(*loop, 50);
  EXPECT_EQ(changes, 0) << "tmp/ is not watched";
  fs::rename(dir.path + "/tmp/m1", dir.path + "/new/m1");  // a Maildir delivery
  ASSERT_TRUE(run_until(*loop, [&] { return changes > 0; }));
  int after_delivery = changes;
  fs::remove(dir.path + "/new/m1");
  ASSERT_TRUE(run_until(*loop, [&] { return changes > after_delivery; }));
}

// The test helper itself: a deadline already due when run_once starts (the loop's cached
// time is old, as on a loaded machine) fires before the poll; with only a quiet watch
// active, the poll must not then wait forever (it once hung a CI-like run for 10 minutes).
TEST(UvDirectoryWatch, RunForReturnsWhenItsDeadlineIsDueBeforeThePoll) {
  auto loop = make_loop();
  TempDir dir;
  DirectoryWatch w(*loop);
  ASSERT_TRUE(w.start(dir.path, [] {}));
  for (int i = 0; i < 3; ++i) {
    ::usleep(10 * 1000);  // the loop's time stays where it was
    run_for(*loop, 1);
  }
}

TEST(UvDirectoryWatch, StoppedFromItsCallbackAndMissingDirectoryIsAnError) {
  auto loop = make_loop();
  TempDir dir;
  DirectoryWatch w(*loop);
  Status missing = w.start(dir.path + "/nope", [] {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.message().find(dir.path + "/nope"), std::string::npos) << missing.message();
  int changes = 0;
  ASSERT_TRUE(w.start(dir.path, [&] {
    ++changes;
    w.stop();
  }));
  std::ofstream(dir.path + "/a") << "1";
  ASSERT_TRUE(run_until(*loop, [&] { return changes == 1; }));
  std::ofstream(dir.path + "/b") << "2";
  run_for(*loop, 50);
  EXPECT_EQ(changes, 1);
  EXPECT_FALSE(w.active());
}

TEST(UvDirectoryWatch, DestroyedInsideItsCallback) {
  auto loop = make_loop();
  TempDir dir;
  auto w = std::make_unique<DirectoryWatch>(*loop);
  int changes = 0;
  ASSERT_TRUE(w->start(dir.path, [&] {
    ++changes;
    w.reset();
  }));
  std::ofstream(dir.path + "/a") << "1";
  ASSERT_TRUE(run_until(*loop, [&] { return changes == 1; }));
  run_for(*loop, 20);
  EXPECT_EQ(w, nullptr);
}

}  // namespace
}  // namespace hamail::uv
