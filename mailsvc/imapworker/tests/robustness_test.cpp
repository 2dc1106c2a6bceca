// MailboxWorker on every kind of command in both states, MIME parts (BINARY, MIME
// headers, an unknown transfer encoding), IMAP4rev2 answers: always one tagged reply,
// never a crash.
#include <cstdio>

#include "worker_fixture.h"

namespace hamail::mailsvc::imapworker::testing {
namespace {

using namespace std::string_literals;
using imap::SessionFlags;

const std::string kParts =
    "From: a@example.org\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
    "--b1\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n"
    "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n"
    "--b1\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-unknown\r\n\r\nzzz\r\n"
    "--b1--\r\n";

TEST_F(WorkerTest, BinaryAndMimeSections) {
  add(kParts);
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  EXPECT_EQ(run(w, "A2 FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2])"),
            "* 1 FETCH (BINARY[2] ~{4}\r\n\0\1\2\3 BINARY.SIZE[2] 4)\r\nA2 OK FETCH completed\r\n"s);
  EXPECT_EQ(run(w, "A3 FETCH 1 (BODY.PEEK[1] BODY.PEEK[2.MIME])"),
            "* 1 FETCH (BODY[1] {10}\r\nfirst part BODY[2.MIME] {77}\r\n"
            "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n)\r\n"
            "A3 OK FETCH completed\r\n");
  EXPECT_EQ(run(w, "A4 FETCH 1 BINARY.PEEK[3]").rfind("A4 NO [UNKNOWN-CTE] ", 0), 0u);
  EXPECT_EQ(run(w, "A5 FETCH 1 BODY.PEEK[9]"), "* 1 FETCH (BODY[9] {0}\r\n)\r\nA5 OK FETCH completed\r\n");
  EXPECT_EQ(run(w, "A6 FETCH 1 FLAGS"), "* 1 FETCH (FLAGS ())\r\nA6 OK FETCH completed\r\n");  // all .PEEK
}

TEST_F(WorkerTest, Imap4rev2AnswersSearchWithEsearchAndNamesInUtf8) {
  add(kHello);
  MailboxWorker w(root_);
  SessionFlags rev2{.imap4rev2 = true};
  run(w, "A1 SELECT INBOX", rev2);
  EXPECT_EQ(run(w, "A2 SEARCH ALL", rev2), "* ESEARCH (TAG \"A2\") ALL 1\r\nA2 OK SEARCH completed\r\n");
  run(w, "A3 CREATE \"Entwürfe\"", {.utf8_accept = true});
  EXPECT_EQ(run(w, "A4 LIST \"\" Entw*", rev2), "* LIST (\\HasNoChildren) \".\" \"Entwürfe\"\r\nA4 OK LIST completed\r\n");
}

TEST_F(WorkerTest, AStoreErrorIsANoWithoutTheMaildirPath) {
  add(kHello, 0, 760686745, "Junk");
  {
    std::FILE* f = std::fopen((root_ + "/.Junk/dovecot-keywords").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("not a keyword line\n", f);
    std::fclose(f);
  }
  MailboxWorker w(root_);
  auto reply = run_reply(w, "A1 SELECT Junk");
  EXPECT_EQ(reply.bytes.rfind("A1 NO [SERVERBUG] ~/.Junk/dovecot-keywords:1: ", 0), 0u) << reply.bytes;
  EXPECT_EQ(reply.bytes.find(root_), std::string::npos);
  EXPECT_EQ(reply.selected, imap::SelectedChange::deselected);
}

TEST_F(WorkerTest, TheSelectedMailboxDeletedElsewhereEndsWithBye) {
  add(kHello, 0, 760686745, "Junk");
  MailboxWorker a(root_), b(root_);
  run(a, "A1 SELECT Junk");
  EXPECT_EQ(run(b, "B1 DELETE Junk"), "B1 OK DELETE completed\r\n");
  EXPECT_EQ(a.poll({}), "* BYE Selected mailbox is gone or unreadable\r\n");
  EXPECT_FALSE(a.selected());
  run(a, "A2 SELECT INBOX");
  auto reply = run_reply(a, "A3 DELETE INBOX");
  EXPECT_EQ(reply.bytes, "A3 NO [CANNOT] INBOX cannot be deleted\r\n");
  run(a, "A4 CREATE Tmp");
  run(a, "A5 SELECT Tmp");
  reply = run_reply(a, "A6 DELETE Tmp");
  EXPECT_TRUE(reply.bye);
  EXPECT_EQ(reply.bytes, "* BYE Selected mailbox was deleted\r\nA6 OK DELETE completed\r\n");
}

TEST_F(WorkerTest, StarInAnEmptyMailboxNamesNothing) {
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  EXPECT_EQ(run(w, "A2 FETCH * FLAGS"), "A2 OK FETCH completed\r\n");
  EXPECT_EQ(run(w, "A3 STORE 1:* +FLAGS (\\Seen)"), "A3 OK STORE completed\r\n");
  EXPECT_EQ(run(w, "A4 UID FETCH * FLAGS"), "A4 OK UID FETCH completed\r\n");
  EXPECT_EQ(run(w, "A5 SEARCH *"), "* SEARCH\r\nA5 OK SEARCH completed\r\n");
  EXPECT_EQ(run(w, "A6 COPY * Trash"), "A6 OK COPY completed (no messages)\r\n");
  EXPECT_EQ(run(w, "A7 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)", {.condstore = true, .qresync = true}),
            "A7 OK UID FETCH completed\r\n");
}

// Every reply ends with exactly one tagged line for its tag (or a BYE), in both states.
TEST_F(WorkerTest, EveryCommandGetsATaggedReply) {
  add(kHello, store::kSeen);
  add(kParts);
  const std::vector<std::string> commands = {
      "NOOP", "CHECK", "CAPABILITY", "ENABLE CONDSTORE", "ID NIL", "NAMESPACE",
      "LIST \"\" *", "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (CHILDREN SPECIAL-USE STATUS (MESSAGES SIZE))",
      "LSUB \"\" *", "STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ)",
      "STATUS Nope (MESSAGES)", "CREATE a.b.c", "CREATE a", "RENAME a z", "RENAME INBOX Old", "DELETE z",
      "DELETE z.b", "SUBSCRIBE Nope", "UNSUBSCRIBE Nope", "APPEND INBOX {3+}\r\nabc", "APPEND Nope {1+}\r\nx",
      "FETCH 1:* ALL", "FETCH 1:* FULL", "FETCH * (BODY[1.2.3] BINARY[1] BINARY.SIZE[1] RFC822 RFC822.TEXT)",
      "FETCH 1:* (BODY[HEADER.FIELDS.NOT (From)] BODY[1.MIME] BODY[]<0.1> MODSEQ)", "FETCH 99 FLAGS",
      "UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)", "FETCH $ FLAGS", "STORE 1:* +FLAGS (\\Deleted)",
      "STORE 99 FLAGS (\\Seen)", "UID STORE 99 FLAGS (\\Seen)", "STORE 1 (UNCHANGEDSINCE 0) -FLAGS (\\Seen)",
      "COPY 1:* Trash", "COPY 99 Trash", "UID COPY 99 Nope", "MOVE 1 Junk", "UID MOVE 1:* Junk",
      "SEARCH ALL", "SEARCH RETURN (SAVE MIN) ALL", "SEARCH $", "UID SEARCH OR (TEXT x) NOT MODSEQ 5",
      "SORT (DATE CC TO) UTF-8 ALL", "THREAD ORDEREDSUBJECT UTF-8 ALL", "EXPUNGE", "UID EXPUNGE 1:*",
      "EXAMINE INBOX", "STORE 1 +FLAGS (\\Seen)", "CLOSE", "UNSELECT", "SELECT Nope", "SELECT INBOX",
      "CLOSE", "UNSELECT",
  };
  MailboxWorker w(root_);
  for (const char* state : {"", "SELECT INBOX", "EXAMINE Junk"}) {
    if (*state) run(w, std::string("S0 ") + state);
    int n = 0;
    for (const auto& c : commands) {
      std::string tag = "T" + std::to_string(++n);
      auto reply = run_reply(w, tag + " " + c, {.condstore = true, .qresync = true});
      ASSERT_GE(reply.bytes.size(), 2u) << c;
      EXPECT_EQ(reply.bytes.substr(reply.bytes.size() - 2), "\r\n") << c;
      std::size_t last = reply.bytes.rfind("\r\n", reply.bytes.size() - 3);
      std::string line = reply.bytes.substr(last == std::string::npos ? 0 : last + 2);
      EXPECT_TRUE(line.rfind(tag + " ", 0) == 0 || reply.bye) << state << ": " << c << " -> " << reply.bytes;
    }
  }
}

}  // namespace
}  // namespace hamail::mailsvc::imapworker::testing
