// STORE without a listing, the ENOENT fallback, the mtime trust window, the modseq
// high-water mark (hamail-modseq) and what each save of the index must survive.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <time.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/store/index_file.h"
#include "hamail/mailsvc/store/mailbox.h"
#include "hamail/mailsvc/store/modseq_mark.h"
#include "hamail/mailsvc/store/mtime_trust.h"
#include "temp_dir.h"

namespace hamail::mailsvc::store {
namespace {

using testing::TempDir;
using Uids = std::vector<std::uint32_t>;
namespace stdfs = std::filesystem;

struct Fixture {
  TempDir dir;
  Maildir maildir = *Maildir::create(dir / "Maildir");
  Mailbox open() {
    auto m = Mailbox::open(maildir.path());
    EXPECT_TRUE(m) << m.error();
    return std::move(*m);
  }
  std::string text(const std::string& file) {
    std::ifstream in(maildir.path() + "/" + file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void write(const std::string& file, const std::string& contents) {
    std::ofstream(maildir.path() + "/" + file, std::ios::trunc) << contents;
  }
  // Every name in sub ("cur", "new").
  std::vector<std::string> names(const std::string& sub) {
    std::vector<std::string> out;
    for (const auto& e : stdfs::directory_iterator(maildir.path() + "/" + sub)) out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
  }
  // Sets the mtime of each path (relative) to t.
  void set_mtimes(std::initializer_list<const char*> paths, struct timespec t) {
    struct timespec both[2] = {t, t};
    for (const char* p : paths) ASSERT_EQ(::utimensat(AT_FDCWD, (maildir.path() + p).c_str(), both, 0), 0) << p;
  }
  void settle_all() {  // every mtime far in the past, with a sub-second part (ext4-like)
    set_mtimes({"/new", "/cur", "/tmp", "/hamail-uids"}, {1000, 123456789});
  }
};

struct timespec now_plus(std::int64_t ns) {
  struct timespec t {};
  ::clock_gettime(CLOCK_REALTIME, &t);
  std::int64_t all = static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec + ns;
  return {static_cast<time_t>(all / 1'000'000'000), static_cast<long>(all % 1'000'000'000)};
}

MessageFlags named(std::vector<std::string> names) { return *flags_from_names(names); }

TEST(MtimeTrust, WindowIsSmallOnlyWithSubSecondTimestamps) {
  EXPECT_EQ(mtime_window_ns({5'000'000'000, 7'000'000'000, 0}), kCoarseMtimeWindowNs);
  EXPECT_EQ(mtime_window_ns({5'000'000'000, 7'000'000'001, 0}), kFineMtimeWindowNs);
  const std::int64_t now = 100'000'000'000;
  EXPECT_TRUE(mtime_settled(now - kFineMtimeWindowNs - 1, now, kFineMtimeWindowNs));
  EXPECT_FALSE(mtime_settled(now - kFineMtimeWindowNs, now, kFineMtimeWindowNs));
  EXPECT_FALSE(mtime_settled(now - 1'000'000'000, now, kCoarseMtimeWindowNs)) << "1 s old, whole seconds";
  EXPECT_FALSE(mtime_settled(now + 5, now, kFineMtimeWindowNs)) << "a future mtime never";
}

TEST(ModseqMark, ParsesWhatItWritesAndRejectsTheRest) {
  ModseqMark m{12345, "0a1b-cc"};
  EXPECT_EQ(serialize_modseq_mark(m), "hamail-modseq v1 12345 0a1b-cc\n");
  EXPECT_EQ(parse_modseq_mark(serialize_modseq_mark(m)), m);
  EXPECT_EQ(parse_modseq_mark("hamail-modseq v1 12 \n"), (ModseqMark{12, ""}));
  for (const char* bad : {"", "hamail-modseq v1 12 ab", "hamail-modseq v2 12 ab\n", "hamail-modseq v1 x ab\n",
                          "hamail-modseq v1 12 a b\n", "hamail-modseq v1 -1 ab\n"}) {
    EXPECT_FALSE(parse_modseq_mark(bad)) << bad;
  }
  EXPECT_FALSE(current_boot_id().empty()) << "Linux has /proc/sys/kernel/random/boot_id";
}

TEST(StoreFastPath, RenamesTheKnownFileWithoutListing) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("one"));
  Mailbox m = f.open();
  // Delivered after the session's listing: a listing under STORE would give it a UID.
  ASSERT_TRUE(f.maildir.deliver("two"));
  auto r = m.store_flags({1}, FlagOp::add, named({"\\Flagged"}), std::nullopt);
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->modified.size(), 1u);
  EXPECT_EQ(r->modified[0].second, m.highest_modseq());
  ASSERT_EQ(f.names("cur").size(), 1u);
  EXPECT_TRUE(f.names("cur")[0].ends_with(":2,F")) << f.names("cur")[0];
  std::string index = f.text("hamail-uids");
  EXPECT_EQ(std::count(index.begin(), index.end(), '\n'), 2) << "header + uid 1 only, no listing:\n" << index;
  std::string log = f.text(kIndexLogFile);
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 2) << "header + the change, the index left alone:\n" << log;
  EXPECT_NE(log.find("\n" + std::to_string(m.highest_modseq()) + " 1 F #"), std::string::npos) << log;
  auto c = m.refresh();
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->added, Uids{2});
  EXPECT_TRUE(c->changed.empty()) << "our own change is not reported back";
}

TEST(StoreFastPath, FileRenamedByAnotherWriterIsFoundAfterOneListing) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("one"));
  ASSERT_TRUE(f.maildir.deliver("two"));
  Mailbox m = f.open();
  // Another writer (no index change, e.g. a Maildir tool) moves uid 1 to cur/ as seen.
  auto moved = f.maildir.set_flags(f.names("new")[0], "S");
  ASSERT_TRUE(moved) << moved.error();
  auto r = m.store_flags({1, 2}, FlagOp::add, named({"\\Flagged"}), std::nullopt);
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->modified.size(), 2u);
  EXPECT_EQ(r->modified[0].first, 1u);
  EXPECT_EQ(r->modified[1].first, 2u);
  EXPECT_EQ(r->modified[0].second, m.highest_modseq()) << "the retry's modseq";
  EXPECT_EQ(m.message(1)->flags.system, kSeen | kFlagged);
  EXPECT_EQ(m.message(2)->flags.system, kFlagged);
  auto cur = f.names("cur");
  ASSERT_EQ(cur.size(), 2u);
  EXPECT_TRUE(f.names("new").empty());
  int fs_count = 0;
  for (const auto& n : cur) fs_count += n.ends_with(":2,FS") ? 1 : 0;
  EXPECT_EQ(fs_count, 1);
  Mailbox other = f.open();
  EXPECT_EQ(other.message(1)->flags.system, kSeen | kFlagged);
  EXPECT_EQ(other.message(1)->modseq, m.message(1)->modseq);
}

TEST(StoreFastPath, FileRemovedByAnotherWriterIsSkippedAndReportedExpunged) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("one"));
  ASSERT_TRUE(f.maildir.deliver("two"));
  Mailbox m = f.open();
  ASSERT_TRUE(f.maildir.remove(f.names("new")[0]));  // pop3d: no index lock
  auto r = m.store_flags({1, 2}, FlagOp::add, named({"\\Seen"}), std::nullopt);
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->modified.size(), 1u);
  EXPECT_EQ(r->modified[0].first, 2u);
  auto c = m.refresh();
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->expunged, Uids{1});
}

TEST(StoreFastPath, AnotherSessionsIndexMeansAListingFirst) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("one"));
  Mailbox a = f.open(), b = f.open();
  ASSERT_TRUE(a.store_flags({1}, FlagOp::add, named({"\\Seen"}), std::nullopt));
  auto r = b.store_flags({1}, FlagOp::add, named({"\\Flagged"}), std::nullopt);
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->modified.size(), 1u);
  EXPECT_EQ(b.message(1)->flags.system, kSeen | kFlagged);
  EXPECT_GT(r->modified[0].second, a.highest_modseq());
}

TEST(MtimeTrustWindow, ListingTrustedOnceMtimesAreAFewTicksOld) {
  Fixture f;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  f.set_mtimes({"/new", "/cur", "/tmp", "/hamail-uids"}, now_plus(-3 * kFineMtimeWindowNs / 2));  // 150 ms
  ASSERT_TRUE(m.refresh());  // takes the stamp: trusted (sub-second mtimes, older than 100 ms)
  struct stat st {};
  ASSERT_EQ(::stat((f.maildir.path() + "/new").c_str(), &st), 0);
  ASSERT_NE(st.st_mtim.tv_nsec, 0);
  // A file slipped in with every mtime put back: not seen, nothing was listed.
  std::ofstream(f.maildir.path() + "/new/2000000000.M1P1Q1.sneaky") << "x";
  f.set_mtimes({"/new"}, st.st_mtim);
  EXPECT_TRUE(m.refresh()->empty()) << "the stamp was trusted: no listing";
}

TEST(MtimeTrustWindow, RecentMtimesAreNotTrusted) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  f.settle_all();
  struct timespec recent = now_plus(kFineMtimeWindowNs);  // inside the window whatever the test's speed
  f.set_mtimes({"/cur"}, recent);
  ASSERT_TRUE(m.refresh());  // lists; not trusted
  std::ofstream(f.maildir.path() + "/cur/2000000000.M1P1Q1.sneaky:2,S") << "x";
  f.set_mtimes({"/cur"}, recent);
  EXPECT_EQ(m.refresh()->added, Uids{2}) << "listed again";
}

TEST(MtimeTrustWindow, WholeSecondMtimesNeedTwoSeconds) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  struct timespec t = now_plus(-600'000'000);  // 0.6 s old: settled for ext4, not for whole seconds
  t.tv_nsec = 0;                               // 0.6-1.6 s old
  f.set_mtimes({"/new", "/cur", "/tmp", "/hamail-uids"}, t);
  ASSERT_TRUE(m.refresh());
  std::ofstream(f.maildir.path() + "/cur/2000000000.M1P1Q1.sneaky:2,S") << "x";
  f.set_mtimes({"/cur"}, t);
  EXPECT_EQ(m.refresh()->added, Uids{2}) << "a whole-second stamp under 2 s is not trusted";
}

TEST(MtimeTrustWindow, OwnStoreKeepsTheStampButADeliveryIsSeen) {
  Fixture f;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  f.settle_all();
  ASSERT_TRUE(m.refresh());  // trusted stamp
  ASSERT_TRUE(m.store_flags({1}, FlagOp::add, named({"\\Seen"}), std::nullopt));
  // Our own renames: the stamp taken after them is trusted; a file slipped into cur/ with
  // cur/'s mtime put back is not seen (no listing).
  struct stat st {};
  ASSERT_EQ(::stat((f.maildir.path() + "/cur").c_str(), &st), 0);
  std::ofstream(f.maildir.path() + "/cur/2000000000.M1P1Q1.sneaky:2,S") << "x";
  f.set_mtimes({"/cur"}, st.st_mtim);
  auto c = m.refresh();
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->empty()) << "no listing after our own STORE";
  ASSERT_TRUE(m.store_flags({2}, FlagOp::add, named({"\\Seen"}), std::nullopt));
  ASSERT_TRUE(f.maildir.deliver("late"));  // through tmp/: moves tmp/'s mtime
  c = m.refresh();
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->added, (Uids{4, 5})) << "the delivery and (now listed) the slipped-in file";
}

TEST(ModseqHighWater, MarkStaysAboveEveryModseqHandedOut) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(m.store_flags({1}, i % 2 ? FlagOp::remove : FlagOp::add, named({"\\Seen"}), std::nullopt));
    auto mark = parse_modseq_mark(f.text(kModseqMarkFile));
    ASSERT_TRUE(mark);
    EXPECT_GE(mark->highest, m.highest_modseq());
    EXPECT_EQ(mark->boot_id, current_boot_id());
  }
}

TEST(ModseqHighWater, LostIndexWriteAfterARebootNeverGivesAnOldModseq) {
  Fixture f;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  std::string old_index = f.text("hamail-uids");
  for (std::uint32_t uid : {1u, 2u, 3u})
    ASSERT_TRUE(m.store_flags({uid}, FlagOp::add, named({"\\Seen"}), std::nullopt));
  std::uint64_t seen = m.highest_modseq();  // a client may have seen this
  auto mark = parse_modseq_mark(f.text(kModseqMarkFile));
  ASSERT_TRUE(mark);
  // Power cut: the unsynced index and log writes are lost (the older index is back, the
  // log gone), the renames survived; the mark is durable and says another boot.
  f.write("hamail-uids", old_index);
  stdfs::remove(f.maildir.path() + "/" + kIndexLogFile);
  f.write(kModseqMarkFile, serialize_modseq_mark({mark->highest, "another-boot"}));
  Mailbox after = f.open();
  EXPECT_GT(after.highest_modseq(), seen);
  for (std::uint32_t uid : {1u, 2u, 3u}) {
    EXPECT_GT(after.message(uid)->modseq, seen) << "the renamed files' flags are a new change";
    EXPECT_EQ(after.message(uid)->flags.system, kSeen);
  }
  auto r = after.store_flags({1}, FlagOp::add, named({"\\Flagged"}), std::nullopt);
  ASSERT_TRUE(r) << r.error();
  EXPECT_GT(r->modified[0].second, seen);
  auto now_mark = parse_modseq_mark(f.text(kModseqMarkFile));
  ASSERT_TRUE(now_mark);
  EXPECT_EQ(now_mark->boot_id, current_boot_id()) << "rewritten for this boot: no bump at every open";
  EXPECT_GE(now_mark->highest, after.highest_modseq());
  Mailbox again = f.open();
  EXPECT_EQ(again.highest_modseq(), after.highest_modseq());
}

TEST(ModseqHighWater, BadMarkIsAnErrorNamingTheFile) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("m"));
  { Mailbox m = f.open(); }
  f.write(kModseqMarkFile, "garbage\n");
  auto m = Mailbox::open(f.maildir.path());
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().find("hamail-modseq:1"), std::string::npos) << m.error();
}

TEST(IndexFile, FlagsOnlySaveIsStillAtomic) {
  TempDir dir;
  ASSERT_TRUE(Maildir::create(dir / "M"));
  MailboxIndex index = MailboxIndex::fresh(7);
  ASSERT_TRUE(index.sync({{"1.M1P1Q1.h", ""}}));
  ASSERT_TRUE(save_index_file(dir / "M", index, IndexDurability::flags_only));
  ASSERT_TRUE(index.set_flags({{1, "S"}}));
  ASSERT_TRUE(save_index_file(dir / "M", index, IndexDurability::flags_only));
  auto loaded = load_index_file(dir / "M", 99);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->index.serialize(), index.serialize());
  for (const auto& e : stdfs::directory_iterator(dir / "M"))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << "no temporary left";
}

TEST(MailboxIndex, SetFlagsGivesOneModseqToWhatChanged) {
  MailboxIndex index = MailboxIndex::fresh(7);
  ASSERT_TRUE(index.sync({{"1.M1P1Q1.h", ""}, {"1.M1P1Q2.h", "S"}}));
  std::uint64_t before = index.highest_modseq();
  EXPECT_FALSE(index.set_flags({{2, "S"}, {9, "F"}})) << "unchanged and unknown";
  EXPECT_EQ(index.highest_modseq(), before);
  EXPECT_TRUE(index.set_flags({{1, "SF"}, {2, ""}}));
  EXPECT_EQ(index.highest_modseq(), before + 1);
  EXPECT_EQ(index.find(1)->flags, "FS");
  EXPECT_EQ(index.find(1)->modseq, before + 1);
  EXPECT_EQ(index.find(2)->modseq, before + 1);
  index.raise_highest_modseq(before);
  EXPECT_EQ(index.highest_modseq(), before + 1) << "never lowered";
  index.raise_highest_modseq(500);
  EXPECT_EQ(index.highest_modseq(), 500u);
}

}  // namespace
}  // namespace hamail::mailsvc::store
