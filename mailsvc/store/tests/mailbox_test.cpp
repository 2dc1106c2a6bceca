#include "hamail/mailsvc/store/mailbox.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <cstdio>
#include <fstream>

#include "hamail/mailsvc/store/fs.h"
#include "temp_dir.h"

namespace hamail::mailsvc::store {
namespace {

using testing::TempDir;
using Uids = std::vector<std::uint32_t>;

struct Fixture {
  TempDir dir;
  Maildir maildir = *Maildir::create(dir / "Maildir");
  Mailbox open() {
    auto m = Mailbox::open(maildir.path());
    EXPECT_TRUE(m) << m.error();
    return std::move(*m);
  }
};

MessageFlags named(std::vector<std::string> names) { return *flags_from_names(names); }

TEST(Mailbox, DeliveryIsSeenAsNewByRefresh) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("one"));
  Mailbox m = f.open();
  EXPECT_EQ(m.uids(), Uids{1});
  auto none = m.refresh();
  ASSERT_TRUE(none) << none.error();
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE(f.maildir.deliver("two"));  // smtpd: new/, no index lock
  auto c = m.refresh();
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->added, Uids{2});
  EXPECT_TRUE(c->expunged.empty());
  EXPECT_EQ(m.uids(), (Uids{1, 2}));
  EXPECT_EQ(*m.size(2), 3u);
  EXPECT_EQ(*read_file_bounded(*m.file_path(2), 100), "two");
  EXPECT_TRUE(m.refresh()->empty());
}

TEST(Mailbox, TwoSessionsSeeEachOthersFlagsAndExpunges) {
  Fixture f;
  for (const char* body : {"a", "b", "c"}) ASSERT_TRUE(f.maildir.deliver(body));
  Mailbox one = f.open(), two = f.open();
  std::uint64_t before = one.highest_modseq();
  auto stored = one.store_flags({1, 2}, FlagOp::add, named({"\\Seen", "$Forwarded"}), std::nullopt);
  ASSERT_TRUE(stored) << stored.error();
  ASSERT_EQ(stored->modified.size(), 2u);
  EXPECT_GT(stored->modified[0].second, before);
  EXPECT_TRUE(one.refresh()->empty()) << "a session's own change is not reported back to it";
  auto c = two.refresh();
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->changed, (Uids{1, 2}));
  auto m1 = two.message(1);
  ASSERT_TRUE(m1);
  EXPECT_EQ(m1->flags.system, kSeen);
  EXPECT_EQ(m1->flags.keywords, std::vector<std::string>{"$Forwarded"});
  EXPECT_EQ(m1->modseq, stored->modified[0].second);
  EXPECT_EQ(*read_file_bounded(f.maildir.path() + "/dovecot-keywords", 100), "0 $Forwarded\n");

  auto gone = two.expunge({2, 9});
  ASSERT_TRUE(gone) << gone.error();
  EXPECT_EQ(*gone, Uids{2});
  EXPECT_EQ(two.uids(), (Uids{1, 3}));
  c = one.refresh();
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->expunged, Uids{2});
  EXPECT_EQ(one.uids(), (Uids{1, 3}));
  EXPECT_EQ(*one.expunged_since(stored->modified[0].second), Uids{2});
}

TEST(Mailbox, Pop3AndImapOnOneMaildropAgree) {
  Fixture f;
  auto a = f.maildir.deliver("a");
  auto b = f.maildir.deliver("b");
  Mailbox imap = f.open();
  ASSERT_TRUE(imap.store_flags({1}, FlagOp::add, named({"\\Seen"}), std::nullopt));
  auto pop = f.maildir.sync_uids();  // pop3d's login
  ASSERT_TRUE(pop) << pop.error();
  EXPECT_EQ(*pop->uid_of(*a), 1u);
  EXPECT_EQ(*pop->uid_of(*b), 2u);
  EXPECT_EQ(pop->uidvalidity(), imap.uidvalidity());
  EXPECT_EQ(pop->highest_modseq(), imap.highest_modseq()) << "pop3d's sync found nothing new";
  ASSERT_TRUE(f.maildir.read(*a, 100)) << "pop3d finds a message IMAP renamed (by its base)";
  ASSERT_TRUE(f.maildir.remove(*b));  // pop3d's QUIT: no index lock
  auto c = imap.refresh();
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->expunged, Uids{2});
  auto after = f.maildir.sync_uids();
  ASSERT_TRUE(after) << after.error();
  EXPECT_EQ(after->expunge_log().size(), 1u) << "logged once, by whichever synced first";
}

TEST(Mailbox, UnchangedSinceFailsForNewerMessages) {
  Fixture f;
  for (const char* body : {"a", "b"}) ASSERT_TRUE(f.maildir.deliver(body));
  Mailbox m = f.open();
  std::uint64_t start = m.highest_modseq();
  ASSERT_TRUE(m.store_flags({2}, FlagOp::add, named({"\\Flagged"}), std::nullopt));
  auto r = m.store_flags({1, 2}, FlagOp::add, named({"\\Deleted"}), start);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->failed, Uids{2});
  ASSERT_EQ(r->modified.size(), 1u);
  EXPECT_EQ(r->modified[0].first, 1u);
  EXPECT_EQ(m.message(2)->flags.system, kFlagged);
  EXPECT_EQ(m.message(1)->flags.system, kDeleted);
  auto again = m.store_flags({1}, FlagOp::add, named({"\\Deleted"}), std::nullopt);
  EXPECT_TRUE(again->modified.empty()) << "no change, no new modseq";
}

TEST(Mailbox, TwentySeventhKeywordFailsAndChangesNothing) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("a"));
  Mailbox m = f.open();
  std::vector<std::string> many;
  for (int i = 0; i < 26; ++i) many.push_back("k" + std::to_string(i));
  ASSERT_TRUE(m.store_flags({1}, FlagOp::add, named(many), std::nullopt));
  std::uint64_t modseq = m.highest_modseq();
  auto r = m.store_flags({1}, FlagOp::add, named({"\\Seen", "k27"}), std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "too many keywords in this mailbox (at most 26): cannot add 'k27'");
  EXPECT_EQ(m.message(1)->flags.system, 0);
  EXPECT_EQ(m.highest_modseq(), modseq);
}

TEST(Mailbox, AppendKeepsFlagsAndInternalDate) {
  Fixture f;
  Mailbox m = f.open();
  auto uid = m.append("Subject: x\r\n\r\nhi\r\n", named({"\\Seen", "Junk"}), 1600000000);
  ASSERT_TRUE(uid) << uid.error();
  EXPECT_EQ(*uid, 1u);
  EXPECT_TRUE(m.uids().empty()) << "in the view once refresh() reports it";
  EXPECT_EQ(m.refresh()->added, Uids{1});
  EXPECT_EQ(*m.internal_date(1), 1600000000);
  EXPECT_EQ(m.message(1)->flags, named({"\\Seen", "Junk"}));
  std::string p = *m.file_path(1);
  EXPECT_NE(p.find("/cur/"), std::string::npos);
  EXPECT_EQ(p.substr(p.size() - 5), ":2,Sa");
  auto reopened = f.open();
  EXPECT_EQ(reopened.message(1)->flags, named({"\\Seen", "Junk"})) << "flags and keywords persist in the store";
  EXPECT_EQ(reopened.uidvalidity(), m.uidvalidity());
}

TEST(Mailbox, CopyAndMoveGiveCopyUidPairs) {
  Fixture f;
  auto sent = f.maildir.create_folder("Sent");
  ASSERT_TRUE(sent) << sent.error();
  for (const char* body : {"a", "b", "c"}) ASSERT_TRUE(f.maildir.deliver(body));
  Mailbox inbox = f.open();
  auto dest = Mailbox::open(sent->path());
  ASSERT_TRUE(dest) << dest.error();
  ASSERT_TRUE(dest->append("old", {}, 1000));
  ASSERT_TRUE(inbox.store_flags({3}, FlagOp::add, named({"\\Flagged", "Work"}), std::nullopt));
  auto copied = inbox.copy({1, 3}, *dest);
  ASSERT_TRUE(copied) << copied.error();
  EXPECT_EQ(*copied, (std::vector<std::pair<std::uint32_t, std::uint32_t>>{{1, 2}, {3, 3}}));
  EXPECT_EQ(dest->refresh()->added, (Uids{1, 2, 3}));
  EXPECT_EQ(dest->message(3)->flags, named({"\\Flagged", "Work"}));
  EXPECT_EQ(*read_file_bounded(*dest->file_path(3), 10), "c");
  EXPECT_EQ(*dest->internal_date(3), *inbox.internal_date(3));
  auto moved = inbox.move({2}, *dest);
  ASSERT_TRUE(moved) << moved.error();
  EXPECT_EQ(*moved, (std::vector<std::pair<std::uint32_t, std::uint32_t>>{{2, 4}}));
  EXPECT_EQ(inbox.uids(), (Uids{1, 3}));
  EXPECT_EQ(dest->refresh()->added, Uids{4});
  EXPECT_EQ(*read_file_bounded(*dest->file_path(4), 10), "b");
  EXPECT_EQ(inbox.refresh()->expunged, Uids{}) << "the session removed it from its view itself";
}

TEST(Mailbox, CopyAcrossFileSystemsCopiesTheBytes) {
  Fixture f;
  std::string tmpl = "/dev/shm/mailsvc-test.XXXXXX";
  struct stat a {}, b {};
  if (::mkdtemp(tmpl.data()) == nullptr) GTEST_SKIP() << "no /dev/shm";
  std::string other = tmpl;
  struct Cleanup {
    std::string p;
    ~Cleanup() { std::filesystem::remove_all(p); }
  } cleanup{other};
  ASSERT_EQ(::stat(other.c_str(), &a), 0);
  ASSERT_EQ(::stat(f.dir.path().c_str(), &b), 0);
  if (a.st_dev == b.st_dev) GTEST_SKIP() << "/dev/shm is on the test directory's file system";
  auto src_dir = Maildir::create(other + "/Maildir");
  ASSERT_TRUE(src_dir) << src_dir.error();
  auto src = Mailbox::open(src_dir->path());
  ASSERT_TRUE(src) << src.error();
  ASSERT_TRUE(src->append(std::string(200000, 'x'), named({"\\Answered", "Kw"}), 1500000000));
  ASSERT_TRUE(src->refresh());
  Mailbox dest = f.open();
  auto copied = src->copy({1}, dest);
  ASSERT_TRUE(copied) << copied.error();
  ASSERT_EQ(copied->size(), 1u);
  std::uint32_t uid = (*copied)[0].second;
  ASSERT_EQ(dest.refresh()->added, Uids{uid});
  EXPECT_EQ(*dest.size(uid), 200000u);
  EXPECT_EQ(*dest.internal_date(uid), 1500000000);
  EXPECT_EQ(dest.message(uid)->flags, named({"\\Answered", "Kw"}));
  EXPECT_EQ(*read_file_bounded(*dest.file_path(uid), 300000), std::string(200000, 'x'));
}

TEST(Mailbox, CorruptIndexStartsANewValidityTheSessionIsTold) {
  Fixture f;
  ASSERT_TRUE(f.maildir.deliver("a"));
  Mailbox m = f.open();
  std::uint32_t old = m.uidvalidity();
  std::ofstream(f.maildir.path() + "/hamail-uids", std::ios::trunc) << "hamail-uids v2 " << old << " 9 9 0\n1 x\n";
  auto c = m.refresh();
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->uidvalidity_changed);
  EXPECT_GT(m.uidvalidity(), old);
  EXPECT_EQ(c->added, Uids{1});
  EXPECT_TRUE(path_exists(f.maildir.path() + "/hamail-uids.corrupt"));
}

TEST(Mailbox, UnchangedMailboxIsNotListedAgain) {
  Fixture f;
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(f.maildir.deliver("m"));
  Mailbox m = f.open();
  // Make every mtime old enough to be trusted.
  struct timespec old[2] = {{1000, 0}, {1000, 0}};
  for (const char* p : {"/new", "/cur", "/tmp", "/hamail-uids"}) {
    ASSERT_EQ(::utimensat(AT_FDCWD, (f.maildir.path() + p).c_str(), old, 0), 0);
  }
  ASSERT_TRUE(m.refresh());  // takes the stamp
  // A file that would be seen by a listing, slipped in with the mtimes put back: not seen.
  ASSERT_TRUE(f.maildir.deliver("sneaky"));
  for (const char* p : {"/new", "/tmp"}) ASSERT_EQ(::utimensat(AT_FDCWD, (f.maildir.path() + p).c_str(), old, 0), 0);
  EXPECT_TRUE(m.refresh()->empty()) << "the stamp was trusted: no listing";
  ASSERT_TRUE(f.maildir.deliver("seen"));  // a real change moves new/'s mtime
  EXPECT_EQ(m.refresh()->added, (Uids{51, 52}));
}

TEST(Mailbox, FiveThousandMessagesRefreshCosts) {
  Fixture f;
  for (int i = 0; i < 5000; ++i) {  // written directly (no fsync per file): this is about refresh()
    std::ofstream(f.maildir.path() + "/cur/" + std::to_string(1000000 + i) + ".M1P1Q" + std::to_string(i) +
                  ".host:2,S") << "m";
  }
  auto ms_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
  };
  auto t0 = std::chrono::steady_clock::now();
  Mailbox one = f.open();
  double first = ms_since(t0);
  Mailbox two = f.open();
  struct timespec old[2] = {{1000, 0}, {1000, 0}};
  for (const char* p : {"/new", "/cur", "/tmp", "/hamail-uids"}) {
    ASSERT_EQ(::utimensat(AT_FDCWD, (f.maildir.path() + p).c_str(), old, 0), 0);
  }
  ASSERT_TRUE(one.refresh());  // takes the stamp
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(one.refresh()->empty());
  double unchanged = ms_since(t0) / 100;
  ASSERT_TRUE(two.store_flags({17}, FlagOp::add, named({"\\Flagged"}), std::nullopt));
  t0 = std::chrono::steady_clock::now();
  auto c = one.refresh();
  double changed = ms_since(t0);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->changed, Uids{17});
  EXPECT_EQ(one.uids().size(), 5000u);
  std::printf("5000 messages: open %.1f ms, unchanged refresh %.3f ms, refresh after a flag change %.1f ms\n", first,
              unchanged, changed);
}

}  // namespace
}  // namespace hamail::mailsvc::store
