#include "hamail/mailsvc/store/mailbox_tree.h"

#include <gtest/gtest.h>

#include "hamail/mailsvc/store/folder_name.h"
#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/store/mailbox.h"
#include "temp_dir.h"

namespace hamail::mailsvc::store {
namespace {

using testing::TempDir;

// "name attrs" per folder: "INBOX +c", "Archive -c N \Archive S" (c children, N noselect, S subscribed).
std::vector<std::string> describe(const MailboxTree& t) {
  auto l = t.list();
  EXPECT_TRUE(l) << l.error();
  std::vector<std::string> out;
  for (const auto& f : *l) {
    out.push_back(f.name + (f.has_children ? " +c" : " -c") + (f.noselect ? " N" : "") +
                  (f.special_use.empty() ? "" : " " + f.special_use) + (f.subscribed ? " S" : ""));
  }
  return out;
}

TEST(FolderName, Utf8ToModifiedUtf7OnDisk) {
  EXPECT_EQ(*folder_dir_name("Entwürfe"), "Entw&APw-rfe");
  EXPECT_EQ(*folder_dir_name("A&B.2024"), "A&-B.2024");
  EXPECT_EQ(*folder_imap_name("Entw&APw-rfe"), "Entwürfe");
  EXPECT_FALSE(folder_dir_name("a..b"));
  EXPECT_FALSE(folder_dir_name("a/b"));
  EXPECT_FALSE(folder_dir_name(".a"));
  EXPECT_FALSE(folder_dir_name("inbox"));
  EXPECT_FALSE(folder_dir_name("\xff"));
  EXPECT_FALSE(folder_imap_name("Entw&APw"));
  EXPECT_TRUE(is_inbox("InBoX"));
}

TEST(FolderLists, SubscriptionsAndSpecialUseFiles) {
  auto subs = parse_subscriptions("INBOX\nEntw&APw-rfe\nINBOX\n", "subs");
  ASSERT_TRUE(subs) << subs.error();
  EXPECT_EQ(*subs, (std::vector<std::string>{"INBOX", "Entwürfe"}));
  EXPECT_EQ(serialize_subscriptions(*subs), "INBOX\nEntw&APw-rfe\n");
  EXPECT_EQ(parse_subscriptions("a\nb&\n", "subs").error().substr(0, 13), "subs:2: 'b&':");
  EXPECT_FALSE(parse_subscriptions("V\t2\n\nx\n", "subs"));
  auto uses = parse_special_use("\\sent Sent\n\\Archive Alt&APw-\n", "su");
  ASSERT_TRUE(uses) << uses.error();
  EXPECT_EQ(*uses, (std::vector<SpecialUse>{{"\\Sent", "Sent"}, {"\\Archive", "Altü"}}));
  EXPECT_EQ(parse_special_use("\\All x\n", "su").error(), "su:1: expected '\\Attribute NAME', got '\\All x'");
}

TEST(MailboxTree, NewUserGetsSpecialUseFolders) {
  TempDir dir;
  auto t = MailboxTree::open(dir / "Maildir");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(describe(*t), (std::vector<std::string>{"INBOX -c", "Drafts -c \\Drafts S", "Junk -c \\Junk S",
                                                    "Sent -c \\Sent S", "Trash -c \\Trash S"}));
  ASSERT_TRUE(t->remove("Junk"));
  auto again = MailboxTree::open(dir / "Maildir");
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(describe(*again).size(), 4u) << "made once: a deleted Junk stays deleted";
}

TEST(MailboxTree, CreateListDeleteWithChildren) {
  TempDir dir;
  auto t = MailboxTree::open(dir / "Maildir");
  ASSERT_TRUE(t) << t.error();
  for (const char* n : {"Sent", "Drafts", "Trash", "Junk"}) ASSERT_TRUE(t->remove(n));
  ASSERT_TRUE(t->create("Archive.2024.Q1"));
  ASSERT_TRUE(t->create("Entwürfe", "\\archive"));
  EXPECT_EQ(t->create("X", "\\All").message(), "[USEATTR] special-use attribute '\\All' is not supported");
  EXPECT_EQ(t->create("Archive").message(), "folder 'Archive' exists already");
  EXPECT_TRUE(path_exists(dir / "Maildir/.Entw&APw-rfe/cur"));
  EXPECT_EQ(describe(*t), (std::vector<std::string>{"INBOX -c", "Archive +c", "Archive.2024 +c", "Archive.2024.Q1 -c",
                                                    "Entwürfe -c \\Archive"}));
  ASSERT_TRUE(t->remove("Archive"));
  EXPECT_EQ(describe(*t)[1], "Archive +c N") << "a deleted parent stays as \\Noselect";
  EXPECT_EQ(t->remove("Archive").message(), "folder 'Archive' does not exist");
  EXPECT_EQ(t->remove("inbox").message(), "INBOX cannot be deleted");
  ASSERT_TRUE(t->remove("Entwürfe"));
  EXPECT_EQ(describe(*t).back(), "Archive.2024.Q1 -c");
}

// RFC 3501 2.3.1.1: a folder deleted and made again under its name gets another
// UIDVALIDITY, also within the same second (the old one's UIDs name other messages now).
TEST(MailboxTree, AFolderMadeAgainNeverGetsItsOldUidValidity) {
  TempDir dir;
  auto t = MailboxTree::open(dir / "Maildir");
  ASSERT_TRUE(t) << t.error();
  auto validity = [&](const char* name) {
    auto mb = Mailbox::open(*t->path_of(name));
    EXPECT_TRUE(mb) << mb.error();
    return mb ? mb->uidvalidity() : 0;
  };
  std::vector<std::uint32_t> seen;
  for (int i = 0; i < 3; ++i) {  // three times within (almost surely) one second
    ASSERT_TRUE(t->create("Lists"));
    seen.push_back(validity("Lists"));
    ASSERT_TRUE(t->remove("Lists"));
  }
  EXPECT_LT(seen[0], seen[1]);
  EXPECT_LT(seen[1], seen[2]);
  ASSERT_TRUE(t->create("Lists"));
  ASSERT_TRUE(t->rename("Lists", "Old"));
  std::uint32_t moved = validity("Old");
  ASSERT_TRUE(t->create("Lists"));
  EXPECT_GT(validity("Lists"), moved) << "a renamed folder keeps its UIDVALIDITY; the new one gets another";
  EXPECT_EQ(validity("Old"), moved);

  // A damaged counter is named, and the folder is not made with a guess.
  ASSERT_TRUE(replace_file(dir / "Maildir/hamail-uidvalidity", "12x\n", 0600));
  EXPECT_EQ(t->create("Other").message(), dir / "Maildir/hamail-uidvalidity" + ":1: not a UIDVALIDITY (a decimal number): '12x'");
  EXPECT_FALSE(path_exists(dir / "Maildir/.Other"));
}

TEST(MailboxTree, FoldersUnderInboxLeaveInboxTheRoot) {
  TempDir dir;
  auto t = MailboxTree::open(dir / "Maildir");
  ASSERT_TRUE(t) << t.error();
  ASSERT_TRUE(t->create("INBOX.Lists"));
  EXPECT_FALSE(path_exists(dir / "Maildir/.INBOX")) << "no folder named INBOX beside the real one";
  EXPECT_TRUE(path_exists(dir / "Maildir/.INBOX.Lists/cur"));
  auto l = describe(*t);
  EXPECT_EQ(l[0], "INBOX +c");
  EXPECT_EQ(l[1], "Drafts -c \\Drafts S");
  EXPECT_EQ(l[2], "INBOX.Lists -c");
  EXPECT_EQ(*t->path_of("inbox"), t->root());
}

TEST(MailboxTree, RenameMovesChildrenSpecialUseAndSubscriptions) {
  TempDir dir;
  auto t = MailboxTree::open(dir / "Maildir");
  ASSERT_TRUE(t) << t.error();
  ASSERT_TRUE(t->create("Sent.2024"));
  ASSERT_TRUE(t->set_subscribed("Sent.2024", true));
  ASSERT_TRUE(t->rename("Sent", "Old.Sent"));
  auto l = describe(*t);
  EXPECT_EQ(l, (std::vector<std::string>{"INBOX -c", "Drafts -c \\Drafts S", "Junk -c \\Junk S", "Old +c",
                                         "Old.Sent +c \\Sent S", "Old.Sent.2024 -c S", "Trash -c \\Trash S"}));
  EXPECT_EQ(t->rename("Drafts", "Junk").message(), "folder 'Junk' exists already");
  EXPECT_EQ(t->rename("Nope", "X").message(), "folder 'Nope' does not exist");
}

TEST(MailboxTree, RenamingInboxMovesItsMessagesAndLeavesItEmpty) {
  TempDir dir;
  auto t = MailboxTree::open(dir / "Maildir");
  ASSERT_TRUE(t) << t.error();
  auto inbox = Mailbox::open(t->root());
  ASSERT_TRUE(inbox) << inbox.error();
  ASSERT_TRUE(inbox->append("one", *flags_from_names({"Work"}), 1000));
  ASSERT_TRUE(inbox->append("two", {}, 1000));
  ASSERT_EQ(inbox->refresh()->added.size(), 2u);
  ASSERT_TRUE(t->rename("INBOX", "Old"));
  auto old = Mailbox::open(*t->path_of("Old"));
  ASSERT_TRUE(old) << old.error();
  EXPECT_EQ(old->uids().size(), 2u);
  EXPECT_EQ(old->message(old->uids()[0])->flags, *flags_from_names({"Work"}));
  EXPECT_EQ(inbox->refresh()->expunged.size(), 2u);
  EXPECT_TRUE(inbox->uids().empty());
}

}  // namespace
}  // namespace hamail::mailsvc::store
