// hamail-uids + hamail-uids.log on disk: load = index + log, STORE appends instead of
// rewriting, other sessions and pop3d see the changes, compaction, a log left from an
// older index, a bad log, and a log cut at every byte of its last record.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hamail/mailsvc/store/index_file.h"
#include "hamail/mailsvc/store/mailbox.h"
#include "hamail/mailsvc/store/modseq_mark.h"
#include "temp_dir.h"

namespace hamail::mailsvc::store {
namespace {

using testing::TempDir;
using Uids = std::vector<std::uint32_t>;
namespace stdfs = std::filesystem;

struct Fixture {
  TempDir dir;
  Maildir maildir = *Maildir::create(dir / "Maildir");
  std::string path(const std::string& file) const { return maildir.path() + "/" + file; }
  Mailbox open() {
    auto m = Mailbox::open(maildir.path());
    EXPECT_TRUE(m) << m.error();
    return std::move(*m);
  }
  std::string text(const std::string& file) {
    std::ifstream in(path(file), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void write(const std::string& file, const std::string& contents) {
    std::ofstream(path(file), std::ios::trunc | std::ios::binary) << contents;
  }
  std::uint64_t ino(const std::string& file) {
    struct stat st {};
    return ::stat(path(file).c_str(), &st) == 0 ? st.st_ino : 0;
  }
  LoadedIndex load() {
    auto l = load_index_file(maildir.path(), 1000);
    EXPECT_TRUE(l) << l.error();
    return std::move(*l);
  }
};

MessageFlags named(std::vector<std::string> names) { return *flags_from_names(names); }

void store(Mailbox& m, std::uint32_t uid, FlagOp op, const char* flag) {
  auto r = m.store_flags({uid}, op, named({flag}), std::nullopt);
  ASSERT_TRUE(r) << r.error();
}

TEST(IndexLogFile, StoreAppendsAndEveryLoaderSeesIt) {
  Fixture f;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  std::string index = f.text(kIndexFile);
  std::uint64_t index_ino = f.ino(kIndexFile);
  store(m, 2, FlagOp::add, "\\Flagged");
  store(m, 3, FlagOp::add, "\\Seen");
  EXPECT_EQ(f.text(kIndexFile), index) << "the index is not rewritten by a flag change";
  EXPECT_EQ(f.ino(kIndexFile), index_ino);
  std::string log = f.text(kIndexLogFile);
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 3) << log;
  LoadedIndex loaded = f.load();
  EXPECT_FALSE(loaded.must_save);
  EXPECT_FALSE(loaded.log_ignored);
  EXPECT_EQ(loaded.log.bytes, log.size());
  EXPECT_EQ(loaded.index.highest_modseq(), m.highest_modseq());
  EXPECT_EQ(loaded.index.find(2)->flags, "F");
  EXPECT_EQ(loaded.index.find(3)->flags, "S");
  EXPECT_EQ(loaded.index.find(3)->modseq, m.highest_modseq());
  EXPECT_EQ(loaded.index.find(1)->modseq, loaded.index.find(2)->modseq - 1);
  // pop3d (Maildir::sync_uids): nothing to change, so the log stays as it is.
  auto pop = f.maildir.sync_uids();
  ASSERT_TRUE(pop) << pop.error();
  EXPECT_EQ(pop->find(3)->flags, "S");
  EXPECT_EQ(pop->highest_modseq(), m.highest_modseq());
  EXPECT_EQ(f.text(kIndexLogFile), log);
}

TEST(IndexLogFile, AnotherSessionAppliesOnlyTheNewRecords) {
  Fixture f;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox a = f.open();
  Mailbox b = f.open();
  std::uint64_t index_ino = f.ino(kIndexFile);
  for (int round = 0; round < 3; ++round) {
    store(a, 1, round % 2 ? FlagOp::remove : FlagOp::add, "\\Answered");
    auto c = b.refresh();
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->changed, Uids{1}) << round;
    EXPECT_EQ(b.message(1)->modseq, a.message(1)->modseq);
    EXPECT_EQ(b.message(1)->flags.system, round % 2 ? 0 : kAnswered);
    store(b, 2, round % 2 ? FlagOp::remove : FlagOp::add, "\\Deleted");
    c = a.refresh();
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->changed, Uids{2}) << round;
    EXPECT_EQ(a.highest_modseq(), b.highest_modseq());
  }
  EXPECT_EQ(f.ino(kIndexFile), index_ino) << "six STOREs by two sessions, no index rewrite";
}

TEST(IndexLogFile, SavesThatRewriteTheIndexFoldTheLogIn) {
  Fixture f;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  store(m, 1, FlagOp::add, "\\Seen");
  std::string old_log = f.text(kIndexLogFile);
  ASSERT_FALSE(old_log.empty());
  auto gone = m.expunge({3});
  ASSERT_TRUE(gone) << gone.error();
  EXPECT_FALSE(stdfs::exists(f.path(kIndexLogFile))) << "folded into the index";
  LoadedIndex loaded = f.load();
  EXPECT_EQ(loaded.index.find(1)->flags, "S");
  EXPECT_EQ(loaded.index.serialize(), f.text(kIndexFile));
  // The old log put back (a crash between the index's rename and the log's removal):
  // it names the old index, so it is not applied, and the next save removes it.
  f.write(kIndexLogFile, old_log);
  loaded = f.load();
  EXPECT_EQ(loaded.index.serialize(), f.text(kIndexFile));
  EXPECT_TRUE(loaded.must_save);
  ASSERT_TRUE(loaded.log_ignored);
  EXPECT_NE(loaded.log_ignored->find("written for another index"), std::string::npos) << *loaded.log_ignored;
  Mailbox again = f.open();
  EXPECT_FALSE(stdfs::exists(f.path(kIndexLogFile)));
  EXPECT_EQ(again.message(1)->flags.system, kSeen);
}

TEST(IndexLogFile, EmptyOrHeaderOnlyLog) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  std::string index = f.text(kIndexFile);
  f.write(kIndexLogFile, "");  // created, then a crash before its first write
  LoadedIndex loaded = f.load();
  EXPECT_TRUE(loaded.must_save);
  ASSERT_TRUE(loaded.log_ignored);
  EXPECT_NE(loaded.log_ignored->find("no complete header"), std::string::npos) << *loaded.log_ignored;
  EXPECT_EQ(loaded.index.serialize(), index);
  f.write(kIndexLogFile, index_log_header(tie_of_index_text(index)));
  loaded = f.load();
  EXPECT_FALSE(loaded.must_save) << "a log of no records is a good log";
  EXPECT_FALSE(loaded.log_ignored);
  EXPECT_EQ(loaded.log.bytes, f.text(kIndexLogFile).size());
  EXPECT_EQ(loaded.log.lines, 1u);
  auto c = m.refresh();  // the log appeared: the session reads it (no records) and goes on
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->empty());
  store(m, 1, FlagOp::add, "\\Seen");
  EXPECT_EQ(f.load().index.find(1)->flags, "S");
}

TEST(IndexLogFile, CompactedPastItsBound) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  std::uint64_t index_ino = f.ino(kIndexFile);
  int stores = 0;
  std::uint64_t largest = 0;
  while (stdfs::exists(f.path(kIndexLogFile)) || stores == 0) {
    store(m, 1, stores % 2 ? FlagOp::remove : FlagOp::add, "\\Seen");
    ++stores;
    if (stdfs::exists(f.path(kIndexLogFile)))
      largest = std::max<std::uint64_t>(largest, stdfs::file_size(f.path(kIndexLogFile)));
    ASSERT_LT(stores, 5000) << "never compacted";
  }
  EXPECT_GT(stores, 1000) << "one rewrite per bound's worth of records";
  EXPECT_GE(largest, index_log_bound(f.text(kIndexFile).size()));
  EXPECT_LT(largest, index_log_bound(f.text(kIndexFile).size()) + 64);
  EXPECT_NE(f.ino(kIndexFile), index_ino) << "rewritten";
  LoadedIndex loaded = f.load();
  EXPECT_EQ(loaded.log.bytes, 0u);
  EXPECT_EQ(loaded.index.highest_modseq(), m.highest_modseq());
  EXPECT_EQ(loaded.index.find(1)->flags, m.message(1)->flags.system == kSeen ? "S" : "");
  store(m, 1, FlagOp::add, "\\Flagged");
  EXPECT_TRUE(stdfs::exists(f.path(kIndexLogFile))) << "a new log for the new index";
  EXPECT_EQ(f.load().index.find(1)->modseq, m.highest_modseq());
}

TEST(IndexLogFile, BadRecordMeansTheLogIsIgnoredAndModseqsGoAboveTheMark) {
  Fixture f;
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  for (int i = 0; i < 3; ++i) store(m, 1 + i % 2, i < 2 ? FlagOp::add : FlagOp::remove, "\\Seen");
  std::uint64_t seen = m.highest_modseq();
  std::string log = f.text(kIndexLogFile);
  std::size_t line2 = log.find('\n') + 1;
  log[line2] = log[line2] == '9' ? '8' : '9';  // the first record's modseq: its check fails
  f.write(kIndexLogFile, log);
  LoadedIndex loaded = f.load();
  ASSERT_TRUE(loaded.log_ignored);
  EXPECT_NE(loaded.log_ignored->find(f.path(kIndexLogFile) + ":2: "), std::string::npos) << *loaded.log_ignored;
  EXPECT_TRUE(loaded.must_save);
  auto mark = load_modseq_mark(f.maildir.path());
  ASSERT_TRUE(mark && *mark);
  EXPECT_EQ(loaded.index.highest_modseq(), (*mark)->highest);
  EXPECT_GT(loaded.index.highest_modseq(), seen);
  Mailbox after = f.open();  // the names are the truth: flags from the listing, new modseqs
  EXPECT_FALSE(stdfs::exists(f.path(kIndexLogFile)));
  EXPECT_EQ(after.message(1)->flags.system, 0);
  EXPECT_EQ(after.message(2)->flags.system, kSeen);
  EXPECT_GT(after.message(2)->modseq, seen) << "its flags differ from the index without the log";
}

TEST(IndexLogFile, CorruptIndexResetNeverAppliesTheOldLog) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  store(m, 1, FlagOp::add, "\\Seen");
  f.write(kIndexFile, "hamail-uids v2 " + std::to_string(m.uidvalidity()) + " 2 3 0\ngarbage\n");
  Mailbox after = f.open();
  EXPECT_NE(after.uidvalidity(), m.uidvalidity());
  EXPECT_FALSE(stdfs::exists(f.path(kIndexLogFile))) << "removed by the reset's save";
  EXPECT_EQ(after.message(1)->flags.system, kSeen) << "from the file's name";
}

TEST(IndexLogFile, LogCutAtEveryByteOfItsLastRecordIsBeforeOrAfterThatChange) {
  Fixture f;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  store(m, 1, FlagOp::add, "\\Seen");
  auto r = m.store_flags({1, 2, 3}, FlagOp::add, named({"\\Flagged"}), std::nullopt);
  ASSERT_TRUE(r) << r.error();
  std::string before_log = f.text(kIndexLogFile);
  std::string before = f.load().index.serialize();
  r = m.store_flags({2, 3}, FlagOp::add, named({"\\Answered", "\\Draft"}), std::nullopt);
  ASSERT_TRUE(r) << r.error();
  std::string full_log = f.text(kIndexLogFile);
  std::string after = f.load().index.serialize();
  ASSERT_NE(before, after);
  ASSERT_TRUE(full_log.starts_with(before_log));
  std::string index = f.text(kIndexFile);
  for (std::size_t cut = before_log.size(); cut <= full_log.size(); ++cut) {
    f.write(kIndexFile, index);
    f.write(kIndexLogFile, full_log.substr(0, cut));
    LoadedIndex loaded = f.load();
    EXPECT_EQ(loaded.index.serialize(), cut == full_log.size() ? after : before) << cut;
    EXPECT_EQ(loaded.must_save, cut != before_log.size() && cut != full_log.size()) << cut << ": a torn tail";
    // Also past the end: zeros (a file extended before its data reached the disk).
    f.write(kIndexLogFile, full_log.substr(0, cut) + std::string(full_log.size() - cut + 7, '\0'));
    EXPECT_EQ(f.load().index.serialize(), cut == full_log.size() ? after : before) << cut << " + zeros";
  }
  // A session going on after a torn tail: it folds the log in, then appends to a new one.
  f.write(kIndexFile, index);
  f.write(kIndexLogFile, full_log.substr(0, full_log.size() - 3));
  Mailbox next = f.open();
  EXPECT_FALSE(stdfs::exists(f.path(kIndexLogFile)));
  store(next, 1, FlagOp::add, "\\Answered");
  EXPECT_EQ(f.load().index.find(1)->modseq, next.highest_modseq());
}

}  // namespace
}  // namespace hamail::mailsvc::store
