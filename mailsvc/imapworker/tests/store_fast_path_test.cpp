// STORE through the worker on the store's fast path (no listing per command): answers,
// modseqs, a message renamed or removed behind the session's back, another session's view.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "worker_fixture.h"

namespace hamail::mailsvc::imapworker {
namespace {

using testing::kHello;
using testing::kLunch;
using testing::WorkerTest;
using imap::SessionFlags;
namespace stdfs = std::filesystem;

std::uint64_t modseq_in(const std::string& text) {
  std::size_t p = text.find("MODSEQ (");
  return p == std::string::npos ? 0 : std::stoull(text.substr(p + 8));
}

// Every file in dir, sorted (our names sort in delivery order).
std::vector<stdfs::path> files(const std::string& dir) {
  std::vector<stdfs::path> out;
  for (const auto& e : stdfs::directory_iterator(dir)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(WorkerTest, StoreOneAtATimeGivesRisingModseqsAndTheRightFiles) {
  add(kHello);
  add(kLunch);
  MailboxWorker w(root_);
  SessionFlags cs{.condstore = true};
  run(w, "A1 SELECT INBOX (CONDSTORE)", cs);
  std::uint64_t last = 0;
  for (int i = 0; i < 5; ++i) {  // +1 +2 -1 -2 +1
    std::string n = std::to_string(1 + i % 2);
    std::string out = run(w, "A" + n + " STORE " + n + (i % 4 < 2 ? " +" : " -") + "FLAGS (\\Flagged)", cs);
    ASSERT_NE(out.find("OK STORE completed"), std::string::npos) << out;
    EXPECT_GT(modseq_in(out), last) << out;
    last = modseq_in(out);
  }
  EXPECT_EQ(run(w, "B FETCH 1:2 FLAGS"),
            "* 1 FETCH (FLAGS (\\Flagged))\r\n* 2 FETCH (FLAGS ())\r\nB OK FETCH completed\r\n");
  auto cur = files(root_ + "/cur");
  ASSERT_EQ(cur.size(), 2u);
  EXPECT_TRUE(cur[0].string().ends_with(":2,F")) << cur[0];
  EXPECT_TRUE(cur[1].string().ends_with(":2,")) << cur[1];
  MailboxWorker other(root_);
  std::string selected = run(other, "C1 SELECT INBOX (CONDSTORE)", cs);
  EXPECT_NE(selected.find("[HIGHESTMODSEQ " + std::to_string(last) + "]"), std::string::npos) << selected;
}

TEST_F(WorkerTest, StoreFindsAMessageRenamedBehindItsBack) {
  add(kHello);
  struct timespec old[2] = {{1000, 123456789}, {1000, 123456789}};  // settled: the stamp is trusted
  for (const char* p : {"/new", "/cur", "/tmp", "/hamail-uids"})
    ASSERT_EQ(::utimensat(AT_FDCWD, (root_ + p).c_str(), old, 0), 0);
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  auto cur = files(root_ + "/cur");
  ASSERT_EQ(cur.size(), 1u);
  // Another Maildir writer: ":2," -> ":2,S", index untouched, cur/'s mtime put back: the
  // refresh before STORE lists nothing, the rename by the known name fails (ENOENT).
  stdfs::rename(cur[0], cur[0].string() + "S");
  ASSERT_EQ(::utimensat(AT_FDCWD, (root_ + "/cur").c_str(), old, 0), 0);
  EXPECT_EQ(run(w, "A2 STORE 1 +FLAGS (\\Answered)"),
            "* 1 FETCH (FLAGS (\\Seen \\Answered))\r\nA2 OK STORE completed\r\n");
  cur = files(root_ + "/cur");
  ASSERT_EQ(cur.size(), 1u);
  EXPECT_TRUE(cur[0].string().ends_with(":2,RS")) << cur[0];
}

TEST_F(WorkerTest, StoreOfAMessageRemovedBehindItsBackIsQuiet) {
  add(kHello);
  add(kLunch);
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  auto cur = files(root_ + "/cur");
  ASSERT_EQ(cur.size(), 2u);
  // Message 1 by its text: the names' order need not be the UIDs' (two names made in one
  // second sort by their microseconds as strings).
  auto first = std::find_if(cur.begin(), cur.end(), [](const stdfs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {}).find("Hello Bob") != std::string::npos;
  });
  ASSERT_NE(first, cur.end());
  stdfs::remove(*first);  // pop3d deleted message 1 (no index lock)
  EXPECT_EQ(run(w, "A2 STORE 1:2 +FLAGS (\\Seen)"), "* 2 FETCH (FLAGS (\\Seen))\r\nA2 OK STORE completed\r\n");
  EXPECT_EQ(run(w, "A3 NOOP"), "* 1 EXPUNGE\r\nA3 OK NOOP completed\r\n");
}

TEST_F(WorkerTest, AnotherSessionSeesEachFastStore) {
  add(kHello);
  MailboxWorker a(root_), b(root_);
  run(a, "A1 SELECT INBOX");
  run(b, "B1 SELECT INBOX");
  for (const char* f : {"\\Seen", "\\Flagged"}) {
    run(a, std::string("A2 STORE 1 +FLAGS (") + f + ")");
    std::string polled = run(b, "B2 NOOP");
    EXPECT_NE(polled.find(std::string("* 1 FETCH (FLAGS (")), std::string::npos) << polled;
    EXPECT_NE(polled.find(f), std::string::npos) << polled;
  }
}

}  // namespace
}  // namespace hamail::mailsvc::imapworker
