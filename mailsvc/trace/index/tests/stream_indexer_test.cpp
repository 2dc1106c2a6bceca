#include "hamail/mailsvc/traceindex/stream_indexer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

#include "hamail/mailsvc/traceindex/log_file.h"

#include "../../tests/trace_lines.h"
#include "temp_dir.h"

namespace hamail::mailsvc::traceindex {
namespace {

using namespace trace::testing;
using testing::TempDir;

TEST(StreamIndexer, ReadsAPipeToItsEndTwiceAddsNothing) {
  TempDir dir;
  auto db = TraceDb::open(dir.file("t.db"));
  ASSERT_TRUE(db) << db.error();
  const std::string text =
      queued("2026-12-05T10:00:00.000Z", "Q1", "<m@x>", "a@x.org", "b@y.org") + "\ngarbage\n" +
      delivered_local("2026-12-05T10:00:00.100Z", "Q1", "<m@x>", "a@x.org", "b@y.org", "1.M1.h") + "\n" +
      std::string(kMaxLine + 5, 'z') + "\n" +
      retrieved("2026-12-05T10:01:00.000Z", "b@y.org", "1.M1.h");  // the last line without '\n'
  std::atomic<bool> stop{false};
  for (std::size_t expect_added : {3u, 0u}) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    std::thread writer([&] {
      std::size_t off = 0;
      while (off < text.size()) {  // in small pieces: lines cross reads
        ssize_t n = ::write(p[1], text.data() + off, std::min<std::size_t>(1000, text.size() - off));
        if (n <= 0) break;
        off += static_cast<std::size_t>(n);
      }
      ::close(p[1]);
    });
    std::vector<std::string> bad;
    auto r = index_stream(*db, p[0], "stdin", "node1", [&](const std::string& b) { bad.push_back(b); }, stop, 2);
    writer.join();
    ::close(p[0]);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->added, expect_added);
    EXPECT_EQ(r->events, 3u);
    ASSERT_EQ(bad.size(), 2u);
    EXPECT_EQ(bad[0].rfind("stdin:2: not a log record", 0), 0u) << bad[0];
    EXPECT_EQ(bad[1].rfind("stdin:4: longer than", 0), 0u) << bad[1];
  }
  auto shown = db->show("Q1", trace::Viewer::administrator());
  ASSERT_TRUE(shown);
  ASSERT_EQ(shown->size(), 1u);
  EXPECT_EQ((*shown)[0].timeline.size(), 3u);  // received, delivered, retrieved
}

}  // namespace
}  // namespace hamail::mailsvc::traceindex
