// MailboxWorker group 2: LIST (patterns, LIST-EXTENDED, SPECIAL-USE, LIST-STATUS), LSUB,
// CREATE, DELETE, RENAME, SUBSCRIBE, STATUS, APPEND (APPENDUID, TRYCREATE), COPY/MOVE (COPYUID).
#include "worker_fixture.h"

namespace hamail::mailsvc::imapworker::testing {
namespace {

using imap::SessionFlags;

const std::string kNewUserList =
    "* LIST (\\HasNoChildren) \".\" \"INBOX\"\r\n"
    "* LIST (\\HasNoChildren \\Drafts) \".\" \"Drafts\"\r\n"
    "* LIST (\\HasNoChildren \\Junk) \".\" \"Junk\"\r\n"
    "* LIST (\\HasNoChildren \\Sent) \".\" \"Sent\"\r\n"
    "* LIST (\\HasNoChildren \\Trash) \".\" \"Trash\"\r\n";

TEST_F(WorkerTest, ListsANewUsersFolders) {
  MailboxWorker w(root_);
  EXPECT_EQ(run(w, "A1 LIST \"\" *"), kNewUserList + "A1 OK LIST completed\r\n");
  EXPECT_EQ(run(w, "A2 LIST \"\" \"\""), "* LIST (\\Noselect) \".\" \"\"\r\nA2 OK LIST completed\r\n");
  EXPECT_EQ(run(w, "A3 LIST \"\" inbox"), "* LIST (\\HasNoChildren) \".\" \"INBOX\"\r\nA3 OK LIST completed\r\n");
  EXPECT_EQ(run(w, "A4 LIST \"\" T%"), "* LIST (\\HasNoChildren \\Trash) \".\" \"Trash\"\r\nA4 OK LIST completed\r\n");
}

TEST_F(WorkerTest, CreateDeleteRenameAndPatterns) {
  MailboxWorker w(root_);
  EXPECT_EQ(run(w, "A1 CREATE Work.2024."), "A1 OK CREATE completed\r\n");
  EXPECT_EQ(run(w, "A2 CREATE Work.2024"), "A2 NO [ALREADYEXISTS] folder 'Work.2024' exists already\r\n");
  EXPECT_EQ(run(w, "A3 CREATE inbox"), "A3 NO [ALREADYEXISTS] INBOX exists already\r\n");
  EXPECT_EQ(run(w, "A4 LIST \"\" W%"), "* LIST (\\HasChildren) \".\" \"Work\"\r\nA4 OK LIST completed\r\n");
  EXPECT_EQ(run(w, "A5 LIST Work. %"), "* LIST (\\HasNoChildren) \".\" \"Work.2024\"\r\nA5 OK LIST completed\r\n");
  EXPECT_EQ(run(w, "A6 RENAME Work.2024 Work.Old"), "A6 OK RENAME completed\r\n");
  EXPECT_EQ(run(w, "A7 LIST \"\" Work*"),
            "* LIST (\\HasChildren) \".\" \"Work\"\r\n* LIST (\\HasNoChildren) \".\" \"Work.Old\"\r\nA7 OK LIST completed\r\n");
  EXPECT_EQ(run(w, "A8 RENAME Nope Other"), "A8 NO [NONEXISTENT] folder 'Nope' does not exist\r\n");
  EXPECT_EQ(run(w, "A9 DELETE Work.Old"), "A9 OK DELETE completed\r\n");
  EXPECT_EQ(run(w, "A10 DELETE Work.Old"), "A10 NO [NONEXISTENT] folder 'Work.Old' does not exist\r\n");
  EXPECT_EQ(run(w, "A11 DELETE INBOX"), "A11 NO [CANNOT] INBOX cannot be deleted\r\n");
  EXPECT_EQ(run(w, "A12 CREATE Archive (USE (\\Archive))"), "A12 OK CREATE completed\r\n");
  EXPECT_EQ(run(w, "A13 LIST (SPECIAL-USE) \"\" *"),
            "* LIST (\\HasNoChildren \\Archive) \".\" \"Archive\"\r\n"
            "* LIST (\\HasNoChildren \\Drafts) \".\" \"Drafts\"\r\n"
            "* LIST (\\HasNoChildren \\Junk) \".\" \"Junk\"\r\n"
            "* LIST (\\HasNoChildren \\Sent) \".\" \"Sent\"\r\n"
            "* LIST (\\HasNoChildren \\Trash) \".\" \"Trash\"\r\n"
            "A13 OK LIST completed\r\n");
}

TEST_F(WorkerTest, MailboxNamesAreModifiedUtf7UnlessUtf8Accept) {
  MailboxWorker w(root_);
  EXPECT_EQ(run(w, "A1 CREATE Entw&APw-rfe"), "A1 OK CREATE completed\r\n");
  EXPECT_EQ(run(w, "A2 LIST \"\" Entw*"), "* LIST (\\HasNoChildren) \".\" \"Entw&APw-rfe\"\r\nA2 OK LIST completed\r\n");
  SessionFlags utf8{.utf8_accept = true};
  EXPECT_EQ(run(w, "A3 LIST \"\" Entw*", utf8), "* LIST (\\HasNoChildren) \".\" \"Entwürfe\"\r\nA3 OK LIST completed\r\n");
  EXPECT_EQ(run(w, "A4 STATUS \"Entwürfe\" (MESSAGES)", utf8), "* STATUS \"Entwürfe\" (MESSAGES 0)\r\nA4 OK STATUS completed\r\n");
}

TEST_F(WorkerTest, SubscriptionsListAndLsub) {
  MailboxWorker w(root_);
  run(w, "A0 CREATE Lists.Linux");
  EXPECT_EQ(run(w, "A1 SUBSCRIBE Lists.Linux"), "A1 OK SUBSCRIBE completed\r\n");
  EXPECT_EQ(run(w, "A2 UNSUBSCRIBE Junk"), "A2 OK UNSUBSCRIBE completed\r\n");
  EXPECT_EQ(run(w, "A3 LSUB \"\" %"),
            "* LSUB () \".\" \"Drafts\"\r\n* LSUB (\\Noselect) \".\" \"Lists\"\r\n* LSUB () \".\" \"Sent\"\r\n"
            "* LSUB () \".\" \"Trash\"\r\nA3 OK LSUB completed\r\n");
  EXPECT_EQ(run(w, "A4 LIST (SUBSCRIBED) \"\" *"),
            "* LIST (\\HasNoChildren \\Drafts \\Subscribed) \".\" \"Drafts\"\r\n"
            "* LIST (\\HasNoChildren \\Subscribed) \".\" \"Lists.Linux\"\r\n"
            "* LIST (\\HasNoChildren \\Sent \\Subscribed) \".\" \"Sent\"\r\n"
            "* LIST (\\HasNoChildren \\Trash \\Subscribed) \".\" \"Trash\"\r\n"
            "A4 OK LIST completed\r\n");
  EXPECT_EQ(run(w, "A5 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" L%"),
            "* LIST (\\HasChildren) \".\" \"Lists\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\nA5 OK LIST completed\r\n");
  EXPECT_EQ(run(w, "A6 LIST \"\" J* RETURN (SUBSCRIBED)"), "* LIST (\\HasNoChildren \\Junk) \".\" \"Junk\"\r\nA6 OK LIST completed\r\n");
  // A subscription without its folder: \NonExistent under SUBSCRIBED, invisible otherwise.
  EXPECT_EQ(run(w, "A7 SUBSCRIBE Sent.Old"), "A7 OK SUBSCRIBE completed\r\n");
  EXPECT_EQ(run(w, "A8 LIST \"\" Sent*"), "* LIST (\\HasNoChildren \\Sent) \".\" \"Sent\"\r\nA8 OK LIST completed\r\n");
  EXPECT_EQ(run(w, "A9 LIST (SUBSCRIBED) \"\" Sent*"),
            "* LIST (\\HasNoChildren \\Sent \\Subscribed) \".\" \"Sent\"\r\n"
            "* LIST (\\NonExistent \\Subscribed) \".\" \"Sent.Old\"\r\nA9 OK LIST completed\r\n");
}

TEST_F(WorkerTest, StatusAndListStatus) {
  add(kHello, store::kSeen);
  add(kLunch, store::kDeleted);
  MailboxWorker w(root_);
  std::string v = std::to_string(uidvalidity());
  EXPECT_EQ(run(w, "A1 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT)"),
            "* STATUS \"INBOX\" (MESSAGES 2 UIDNEXT 3 UIDVALIDITY " + v + " UNSEEN 1 DELETED 1 SIZE " +
                std::to_string(kHello.size() + kLunch.size()) + " RECENT 0)\r\nA1 OK STATUS completed\r\n");
  auto reply = run_reply(w, "A2 STATUS INBOX (HIGHESTMODSEQ)");
  EXPECT_TRUE(reply.condstore_now_on);
  EXPECT_EQ(reply.bytes.rfind("* STATUS \"INBOX\" (HIGHESTMODSEQ ", 0), 0u);
  EXPECT_EQ(run(w, "A3 STATUS Nope (MESSAGES)"), "A3 NO [NONEXISTENT] Mailbox does not exist\r\n");
  EXPECT_EQ(run(w, "A4 LIST \"\" INBOX RETURN (STATUS (MESSAGES UNSEEN))"),
            "* LIST (\\HasNoChildren) \".\" \"INBOX\"\r\n* STATUS \"INBOX\" (MESSAGES 2 UNSEEN 1)\r\nA4 OK LIST completed\r\n");
}

TEST_F(WorkerTest, AppendGivesAppendUidAndTryCreate) {
  MailboxWorker w(root_);
  std::string v = std::to_string(uidvalidity());
  EXPECT_EQ(run(w, "A1 APPEND INBOX (\\Seen) \"17-Jul-1996 02:44:25 -0700\" {" + std::to_string(kHello.size()) +
                       "+}\r\n" + kHello),
            "A1 OK [APPENDUID " + v + " 1] APPEND completed\r\n");
  EXPECT_EQ(run(w, "A2 APPEND Nope {1+}\r\nx"), "A2 NO [TRYCREATE] Mailbox does not exist\r\n");
  run(w, "A3 SELECT INBOX");
  EXPECT_EQ(run(w, "A4 FETCH 1 (FLAGS INTERNALDATE)"),
            "* 1 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 09:44:25 +0000\")\r\nA4 OK FETCH completed\r\n");
  // Appending to the selected mailbox: EXISTS comes with the answer.
  EXPECT_EQ(run(w, "A5 APPEND INBOX {" + std::to_string(kLunch.size()) + "+}\r\n" + kLunch),
            "* 2 EXISTS\r\nA5 OK [APPENDUID " + v + " 2] APPEND completed\r\n");
}

TEST_F(WorkerTest, CopyAndMoveGiveCopyUid) {
  add(kHello);
  add(kLunch);
  add(kHello);
  add(kHello, 0, 760686745, "Trash");  // Trash's UID 1 is taken
  auto trash = store::Mailbox::open(root_ + "/.Trash");
  ASSERT_TRUE(trash);
  std::string tv = std::to_string(trash->uidvalidity());
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  EXPECT_EQ(run(w, "A2 COPY 1,3 Trash"), "A2 OK [COPYUID " + tv + " 1,3 2:3] COPY completed\r\n");
  EXPECT_EQ(run(w, "A3 COPY 1 Nope"), "A3 NO [TRYCREATE] Mailbox does not exist\r\n");
  EXPECT_EQ(run(w, "A4 UID MOVE 2:3 Trash"),
            "* OK [COPYUID " + tv + " 2:3 4:5] Moved\r\n* 3 EXPUNGE\r\n* 2 EXPUNGE\r\nA4 OK UID MOVE completed\r\n");
  EXPECT_EQ(run(w, "A5 FETCH 1:* UID"), "* 1 FETCH (UID 1)\r\nA5 OK FETCH completed\r\n");
  SessionFlags qr{.condstore = true, .qresync = true};
  EXPECT_EQ(run(w, "A6 MOVE 1 Trash", qr), "* OK [COPYUID " + tv + " 1 6] Moved\r\n* VANISHED 1\r\nA6 OK MOVE completed\r\n");
  EXPECT_EQ(run(w, "A7 STATUS Trash (MESSAGES)"), "* STATUS \"Trash\" (MESSAGES 6)\r\nA7 OK STATUS completed\r\n");
}

}  // namespace
}  // namespace hamail::mailsvc::imapworker::testing
