#include "hamail/mailsvc/store/maildir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/store/maildir_name.h"
#include "temp_dir.h"

namespace hamail::mailsvc::store {
namespace {

using testing::TempDir;

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  for (auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

Maildir make(const TempDir& dir) {
  auto m = Maildir::create(dir / "example.org/alice/Maildir");
  EXPECT_TRUE(m) << m.error();
  return std::move(*m);
}

TEST(Maildir, CreateMakesTmpNewCurAndOpenChecksThem) {
  TempDir dir;
  Maildir m = make(dir);
  for (const char* sub : {"tmp", "new", "cur"}) EXPECT_TRUE(std::filesystem::is_directory(m.path() + "/" + sub));
  EXPECT_TRUE(Maildir::open(m.path()));
  EXPECT_TRUE(Maildir::create(m.path())) << "creating an existing Maildir is fine";
  auto bad = Maildir::open(dir / "nothing");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "not a Maildir: stat " + (dir / "nothing/tmp") + ": No such file or directory");
}

TEST(Maildir, DeliveryIsVisibleInNewOnlyAfterCommit) {
  TempDir dir;
  Maildir m = make(dir);
  auto d = m.begin_delivery();
  ASSERT_TRUE(d) << d.error();
  ASSERT_TRUE(d->write("Subject: hi\r\n\r\n"));
  ASSERT_TRUE(d->write("body\r\n"));
  EXPECT_EQ(files_in(m.path() + "/tmp").size(), 1u);
  EXPECT_TRUE(files_in(m.path() + "/new").empty());
  EXPECT_TRUE(m.list()->empty());
  auto name = d->commit();
  ASSERT_TRUE(name) << name.error();
  EXPECT_TRUE(files_in(m.path() + "/tmp").empty()) << "tmp/ is empty after the rename";
  EXPECT_EQ(files_in(m.path() + "/new"), std::vector<std::string>{*name});
  auto list = m.list();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].size, 21u);
  EXPECT_TRUE((*list)[0].in_new);
  EXPECT_EQ(*m.read(*name, 1000), "Subject: hi\r\n\r\nbody\r\n");
  EXPECT_FALSE(d->commit()) << "a delivery commits once";
}

TEST(Maildir, AbandonedDeliveryLeavesNothing) {
  TempDir dir;
  Maildir m = make(dir);
  {
    auto d = m.begin_delivery();
    ASSERT_TRUE(d->write("partial"));
  }
  EXPECT_TRUE(files_in(m.path() + "/tmp").empty());
  EXPECT_TRUE(files_in(m.path() + "/new").empty());
}

TEST(Maildir, ThousandDeliveriesGetUniqueNames) {
  TempDir dir;
  Maildir m = make(dir);
  std::set<std::string> names;
  for (int i = 0; i < 1000; ++i) {
    auto n = m.deliver("m" + std::to_string(i));
    ASSERT_TRUE(n) << n.error();
    EXPECT_TRUE(check_message_name(*n));
    names.insert(*n);
  }
  EXPECT_EQ(names.size(), 1000u);
  EXPECT_EQ(m.list()->size(), 1000u);
  EXPECT_TRUE(files_in(m.path() + "/tmp").empty());
}

TEST(Maildir, ReadIsBounded) {
  TempDir dir;
  Maildir m = make(dir);
  auto n = m.deliver(std::string(2000, 'x'));
  EXPECT_TRUE(m.read(*n, 2000));
  auto r = m.read(*n, 1999);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "read " + m.path() + "/new/" + *n + ": file is 2000 bytes, more than the limit of 1999");
  EXPECT_EQ(m.read("nope", 10).error(), "message 'nope' not found in " + m.path());
}

TEST(Maildir, SetFlagsMovesToCurAndKeepsTheBase) {
  TempDir dir;
  Maildir m = make(dir);
  auto n = m.deliver("x");
  auto seen = m.set_flags(*n, "S");
  ASSERT_TRUE(seen) << seen.error();
  EXPECT_EQ(*seen, *n + ":2,S");
  EXPECT_TRUE(files_in(m.path() + "/new").empty());
  EXPECT_EQ(files_in(m.path() + "/cur"), std::vector<std::string>{*seen});
  // The old name and the base still find it; flags are replaced, sorted.
  auto again = m.set_flags(*n, "SR");
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(*again, *n + ":2,RS");
  auto info = m.find(*seen);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->name, *again);
  EXPECT_EQ(info->flags, "RS");
  EXPECT_EQ(m.set_flags(*n, "S!").error(), "bad Maildir flag '!' in 'S!': flags are letters");
}

TEST(Maildir, RemoveDeletesTheFile) {
  TempDir dir;
  Maildir m = make(dir);
  auto a = m.deliver("a");
  auto b = m.deliver("b");
  ASSERT_TRUE(m.set_flags(*b, "S"));
  EXPECT_TRUE(m.remove(*a));
  EXPECT_TRUE(m.remove(*b));  // by its old name, now in cur/ with flags
  EXPECT_TRUE(m.list()->empty());
  EXPECT_EQ(m.remove(*a).message(), "message '" + *a + "' not found in " + m.path());
  EXPECT_FALSE(m.remove("../../etc/passwd"));
}

TEST(Maildir, RemoveAllSaysWhatWasDeletedWhatWasGoneAndWhatFailed) {
  TempDir dir;
  Maildir m = make(dir);
  auto a = m.deliver("a");
  auto b = m.deliver("b");
  auto c = m.deliver("c");
  ASSERT_TRUE(m.set_flags(*b, "S"));
  ASSERT_TRUE(m.remove(*c));
  Maildir::Removal r = m.remove_all({*a, *b, *c, "../../etc/passwd"});
  EXPECT_EQ(r.removed, (std::vector<std::string>{*a, *b}));  // b by its old name, from cur/
  EXPECT_EQ(r.missing, std::vector<std::string>{*c});
  EXPECT_NE(r.errors.find("../../etc/passwd"), std::string::npos) << r.errors;
  EXPECT_TRUE(m.list()->empty());
  EXPECT_TRUE(m.remove_all({}).errors.empty());
}

TEST(Maildir, FoldersAreMaildirPlusPlus) {
  TempDir dir;
  Maildir m = make(dir);
  auto sent = m.create_folder("Sent");
  ASSERT_TRUE(sent) << sent.error();
  EXPECT_EQ(sent->path(), m.path() + "/.Sent");
  EXPECT_TRUE(std::filesystem::exists(m.path() + "/.Sent/maildirfolder"));
  ASSERT_TRUE(m.create_folder("Archive.2024"));
  EXPECT_EQ(*m.list_folders(), (std::vector<std::string>{"Archive.2024", "Sent"}));
  ASSERT_TRUE(sent->deliver("copy"));
  EXPECT_EQ(m.folder("Sent")->list()->size(), 1u);
  EXPECT_TRUE(m.list()->empty());
  EXPECT_EQ(m.create_folder("../x").error(), "bad folder name '../x': leading, trailing or doubled '.'");
  EXPECT_EQ(m.create_folder("a/b").error(), "bad folder name 'a/b': contains '/', a space or a control character");
  EXPECT_FALSE(m.create_folder(""));
  EXPECT_FALSE(m.folder("Missing"));
}

TEST(MaildirUids, StableAcrossReloadAndFlagChanges) {
  TempDir dir;
  Maildir m = make(dir);
  auto a = m.deliver("a");
  auto b = m.deliver("b");
  auto first = m.sync_uids();
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(first->entries().size(), 2u);
  std::uint32_t ua = *first->uid_of(*a), ub = *first->uid_of(*b);
  EXPECT_LT(ua, ub) << "older deliveries get lower UIDs";

  ASSERT_TRUE(m.set_flags(*a, "S"));
  auto c = m.deliver("c");
  auto reopened = Maildir::open(m.path());
  auto second = reopened->sync_uids();
  ASSERT_TRUE(second) << second.error();
  EXPECT_EQ(second->uidvalidity(), first->uidvalidity());
  EXPECT_EQ(*second->uid_of(*a), ua);
  EXPECT_EQ(*second->uid_of(*b), ub);
  EXPECT_GT(*second->uid_of(*c), ub);

  ASSERT_TRUE(reopened->remove(*b));
  auto third = reopened->sync_uids();
  EXPECT_FALSE(third->uid_of(*b));
  EXPECT_EQ(*third->uid_of(*c), *second->uid_of(*c));
}

TEST(MaildirUids, FileIsReplacedAtomically) {
  TempDir dir;
  Maildir m = make(dir);
  ASSERT_TRUE(m.sync_uids());
  struct stat before {}, after {};
  std::string f = m.path() + "/hamail-uids";
  ASSERT_EQ(::stat(f.c_str(), &before), 0);
  ASSERT_TRUE(m.deliver("x"));
  ASSERT_TRUE(m.sync_uids());
  ASSERT_EQ(::stat(f.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);
  EXPECT_EQ(after.st_mode & 07777, 0600u);
}

TEST(MaildirUids, ReadsAVersionOneFileAndKeepsItsUids) {
  TempDir dir;
  Maildir m = make(dir);
  auto a = m.deliver("a");
  auto b = m.deliver("b");
  std::string f = m.path() + "/hamail-uids";
  std::ofstream(f) << "hamail-uids v1 1234 50\n40 " << *a << "\n41 " << *b << "\n";
  auto r = m.sync_uids();
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->uidvalidity(), 1234u);
  EXPECT_EQ(*r->uid_of(*a), 40u);
  EXPECT_EQ(*r->uid_of(*b), 41u);
  EXPECT_EQ(r->next_uid(), 50u);
  EXPECT_TRUE(read_file_bounded(f, 1000)->starts_with("hamail-uids v1 ")) << "rewritten (as v2) only on a change";
  ASSERT_TRUE(m.set_flags(*a, "S"));
  r = m.sync_uids();
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r->uid_of(*a), 40u);
  EXPECT_TRUE(read_file_bounded(f, 1000)->starts_with("hamail-uids v2 1234 50 2 0\n"));
}

TEST(MaildirUids, CorruptFileIsKeptAsideAndANewValidityBegins) {
  TempDir dir;
  Maildir m = make(dir);
  auto x = m.deliver("x");
  ASSERT_TRUE(m.sync_uids());
  std::string f = m.path() + "/hamail-uids";
  std::ofstream(f, std::ios::trunc) << "hamail-uids v2 4000000000 10 5 0\noops\n";
  auto r = m.sync_uids();
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->uidvalidity(), 4000000001u) << "never the old UIDVALIDITY: an old UID is not reused";
  EXPECT_EQ(*r->uid_of(*x), 1u);
  EXPECT_EQ(*read_file_bounded(m.path() + "/hamail-uids.corrupt", 1000), "hamail-uids v2 4000000000 10 5 0\noops\n");
  EXPECT_TRUE(read_file_bounded(f, 1000)->starts_with("hamail-uids v2 4000000001 2 "));
}

TEST(MaildirUids, ANewerVersionIsAnErrorNotAReset) {
  TempDir dir;
  Maildir m = make(dir);
  std::string f = m.path() + "/hamail-uids";
  std::ofstream(f) << "hamail-uids v3 1 2 3\n";
  auto r = m.sync_uids();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), f + ":1: written by a newer version ('hamail-uids v3 1'): not read, not replaced");
  EXPECT_FALSE(path_exists(m.path() + "/hamail-uids.corrupt"));
}

}  // namespace
}  // namespace hamail::mailsvc::store
