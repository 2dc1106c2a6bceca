// MailboxWorker group 1: SELECT/EXAMINE, FETCH, STORE, EXPUNGE, CLOSE/UNSELECT, NOOP and
// poll() with two sessions on one mailbox, CONDSTORE/QRESYNC.
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "worker_fixture.h"

namespace hamail::mailsvc::imapworker::testing {
namespace {

using imap::SelectedChange;
using imap::SessionFlags;

TEST_F(WorkerTest, SelectAnswersAsRfc3501Shows) {
  add(kHello, store::kSeen);
  add(kLunch);
  MailboxWorker w(root_);
  auto reply = run_reply(w, "A142 SELECT INBOX");
  std::string v = std::to_string(uidvalidity());
  EXPECT_EQ(reply.bytes,
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
            "* 2 EXISTS\r\n"
            "* 0 RECENT\r\n"
            "* OK [UNSEEN 2] First unseen\r\n"
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted\r\n"
            "* OK [UIDVALIDITY " + v + "] UIDs valid\r\n"
            "* OK [UIDNEXT 3] Predicted next UID\r\n"
            "A142 OK [READ-WRITE] SELECT completed\r\n");
  EXPECT_EQ(reply.selected, SelectedChange::selected);
  EXPECT_TRUE(w.selected());
}

TEST_F(WorkerTest, ExamineIsReadOnlyAndRev2HasNoRecent) {
  add(kHello, store::kSeen);
  MailboxWorker w(root_);
  SessionFlags rev2{.imap4rev2 = true};
  auto reply = run_reply(w, "A1 EXAMINE inbox", rev2);
  EXPECT_EQ(reply.bytes,
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
            "* 1 EXISTS\r\n"
            "* OK [PERMANENTFLAGS ()] Read-only mailbox\r\n"
            "* OK [UIDVALIDITY " + std::to_string(uidvalidity()) + "] UIDs valid\r\n"
            "* OK [UIDNEXT 2] Predicted next UID\r\n"
            "A1 OK [READ-ONLY] EXAMINE completed\r\n");
  EXPECT_EQ(reply.selected, SelectedChange::selected_read_only);
  EXPECT_EQ(run(w, "A2 STORE 1 +FLAGS (\\Deleted)"), "A2 NO [READ-ONLY] Mailbox is read-only\r\n");
  EXPECT_EQ(run(w, "A3 EXPUNGE"), "A3 NO [READ-ONLY] Mailbox is read-only\r\n");
  // BODY[] does not set \Seen in a read-only mailbox.
  EXPECT_EQ(run(w, "A4 FETCH 1 (FLAGS BODY[TEXT])"), "* 1 FETCH (FLAGS (\\Seen) BODY[TEXT] {11}\r\nHello Bob\r\n)\r\nA4 OK FETCH completed\r\n");
}

// Backdates a Maildir's directories and index files by 10 s: their mtimes are then
// settled, so a session trusts what it read and skips the next read if nothing moves them.
void settle(const std::string& maildir) {
  struct timespec old[2];
  ::clock_gettime(CLOCK_REALTIME, &old[0]);
  old[0].tv_sec -= 10;
  old[1] = old[0];
  for (const char* f : {"new", "cur", "tmp", store::kIndexFile, store::kIndexLogFile, store::kKeywordsFile})
    (void)::utimensat(AT_FDCWD, (maildir + "/" + f).c_str(), old, 0);
}

// A session keeps the mailbox it closed: selecting it again must still show everything
// another session changed meanwhile, as a fresh open would, and nothing it changed before.
TEST_F(WorkerTest, ReselectAfterCloseShowsWhatChangedMeanwhile) {
  add(kHello);
  add(kLunch);
  settle(root_);
  MailboxWorker a(root_), b(root_);
  run(a, "A1 SELECT INBOX");
  EXPECT_EQ(run(a, "A2 CLOSE"), "A2 OK CLOSE completed\r\n");
  auto again = run_reply(a, "A3 SELECT INBOX");  // nothing changed: the kept mailbox as it was
  EXPECT_NE(again.bytes.find("* 2 EXISTS\r\n"), std::string::npos) << again.bytes;
  EXPECT_EQ(run(a, "A4 UNSELECT"), "A4 OK UNSELECT completed\r\n");

  run(b, "B1 SELECT INBOX");
  run(b, "B2 STORE 1 +FLAGS.SILENT (\\Flagged)");
  run(b, "B3 STORE 2 +FLAGS.SILENT (\\Deleted)");
  run(b, "B4 EXPUNGE");
  add(kLunch);  // a delivery: UID 3
  auto reply = run_reply(a, "A5 SELECT INBOX");
  EXPECT_NE(reply.bytes.find("* 2 EXISTS\r\n"), std::string::npos) << reply.bytes;
  EXPECT_NE(reply.bytes.find("* OK [UIDNEXT 4]"), std::string::npos) << reply.bytes;
  EXPECT_EQ(reply.bytes.find("EXPUNGE"), std::string::npos) << "a fresh SELECT reports no expunges: " << reply.bytes;
  EXPECT_EQ(run(a, "A6 FETCH 1:* (UID FLAGS)"),
            "* 1 FETCH (UID 1 FLAGS (\\Flagged))\r\n* 2 FETCH (UID 3 FLAGS ())\r\nA6 OK FETCH completed\r\n");

  // The folder deleted and made again elsewhere: a new UIDVALIDITY, its own messages.
  run(a, "A7 CREATE Junk");
  add(kHello, 0, 760686745, "Junk");
  auto tree = store::MailboxTree::open(root_);
  ASSERT_TRUE(tree);
  settle(*tree->path_of("Junk"));
  auto first = run_reply(a, "A8 SELECT Junk");
  run(a, "A9 CLOSE");
  run(b, "B5 DELETE Junk");
  run(b, "B6 CREATE Junk");
  add(kHello, 0, 760686745, "Junk");
  add(kLunch, 0, 760686745, "Junk");
  auto second = run_reply(a, "A10 SELECT Junk");
  EXPECT_NE(second.bytes.find("* 2 EXISTS\r\n"), std::string::npos) << second.bytes;
  auto validity = [](const std::string& r) {
    auto at = r.find("[UIDVALIDITY ");
    return at == std::string::npos ? std::string() : r.substr(at, r.find(']', at) - at);
  };
  EXPECT_NE(validity(first.bytes), validity(second.bytes)) << "made again: another UIDVALIDITY";
  EXPECT_EQ(run(a, "A11 FETCH 1:* (UID)"), "* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 2)\r\nA11 OK FETCH completed\r\n");
}

TEST_F(WorkerTest, SelectOfAMissingMailboxDeselects) {
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  auto reply = run_reply(w, "A2 SELECT Nope");
  EXPECT_EQ(reply.bytes, "* OK [CLOSED] Previous mailbox closed\r\nA2 NO [NONEXISTENT] Mailbox does not exist\r\n");
  EXPECT_EQ(reply.selected, SelectedChange::deselected);
  EXPECT_FALSE(w.selected());
  EXPECT_EQ(run(w, "A3 FETCH 1 FLAGS"), "A3 BAD No mailbox selected\r\n");
}

TEST_F(WorkerTest, SelectWithCondstoreGivesHighestModseq) {
  add(kHello);
  MailboxWorker w(root_);
  auto reply = run_reply(w, "A1 SELECT INBOX (CONDSTORE)");
  EXPECT_NE(reply.bytes.find("* OK [HIGHESTMODSEQ "), std::string::npos) << reply.bytes;
  EXPECT_TRUE(reply.condstore_now_on);
}

TEST_F(WorkerTest, FetchesStoreAttributes) {
  std::uint32_t uid = add(kHello, store::kSeen | store::kFlagged);
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  EXPECT_EQ(run(w, "A2 FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE)"),
            "* 1 FETCH (FLAGS (\\Seen \\Flagged) INTERNALDATE \"08-Feb-1994 05:52:25 +0000\" RFC822.SIZE " +
                std::to_string(kHello.size()) + ")\r\nA2 OK FETCH completed\r\n");
  EXPECT_EQ(run(w, "A3 UID FETCH " + std::to_string(uid) + " FLAGS"),
            "* 1 FETCH (UID " + std::to_string(uid) + " FLAGS (\\Seen \\Flagged))\r\nA3 OK UID FETCH completed\r\n");
  EXPECT_EQ(run(w, "A4 UID FETCH 99 FLAGS"), "A4 OK UID FETCH completed\r\n");
}

TEST_F(WorkerTest, FetchesEnvelopeAndBodyStructure) {
  add(kHello);
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  std::string out = run(w, "A2 FETCH 1 (ENVELOPE BODYSTRUCTURE)");
  EXPECT_EQ(out.rfind("* 1 FETCH (ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800\" \"Hello\" ((\"Alice\" NIL \"alice\" \"example.org\"))", 0), 0u) << out;
  EXPECT_NE(out.find(" BODYSTRUCTURE (\"text\" \"plain\""), std::string::npos) << out;
  EXPECT_NE(out.find("\r\nA2 OK FETCH completed\r\n"), std::string::npos);
}

TEST_F(WorkerTest, BodyPeekLeavesSeenAndBodySetsIt) {
  add(kHello);
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  EXPECT_EQ(run(w, "A2 FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject)]"),
            "* 1 FETCH (BODY[HEADER.FIELDS (Subject)] {18}\r\nSubject: Hello\r\n\r\n)\r\nA2 OK FETCH completed\r\n");
  EXPECT_EQ(run(w, "A3 FETCH 1 FLAGS"), "* 1 FETCH (FLAGS ())\r\nA3 OK FETCH completed\r\n");
  EXPECT_EQ(run(w, "A4 FETCH 1 BODY[TEXT]"),
            "* 1 FETCH (BODY[TEXT] {11}\r\nHello Bob\r\n FLAGS (\\Seen))\r\nA4 OK FETCH completed\r\n");
  EXPECT_EQ(run(w, "A5 FETCH 1 (FLAGS BODY[TEXT])"),
            "* 1 FETCH (FLAGS (\\Seen) BODY[TEXT] {11}\r\nHello Bob\r\n)\r\nA5 OK FETCH completed\r\n");
  // Another session sees the change.
  MailboxWorker other(root_);
  run(other, "B1 EXAMINE INBOX");
  EXPECT_EQ(run(other, "B2 FETCH 1 FLAGS"), "* 1 FETCH (FLAGS (\\Seen))\r\nB2 OK FETCH completed\r\n");
}

TEST_F(WorkerTest, PartialFetch) {
  add(kHello);
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  EXPECT_EQ(run(w, "A2 FETCH 1 BODY.PEEK[TEXT]<6.3>"), "* 1 FETCH (BODY[TEXT]<6> {3}\r\nBob)\r\nA2 OK FETCH completed\r\n");
  EXPECT_EQ(run(w, "A3 FETCH 1 BODY.PEEK[TEXT]<6.100>"), "* 1 FETCH (BODY[TEXT]<6> {5}\r\nBob\r\n)\r\nA3 OK FETCH completed\r\n");
  EXPECT_EQ(run(w, "A4 FETCH 1 BODY.PEEK[TEXT]<600.3>"), "* 1 FETCH (BODY[TEXT]<600> {0}\r\n)\r\nA4 OK FETCH completed\r\n");
  EXPECT_EQ(run(w, "A5 FETCH 1 (RFC822.HEADER BINARY.SIZE[1])"),
            "* 1 FETCH (RFC822.HEADER {" + std::to_string(kHello.find("\r\n\r\n") + 4) + "}\r\n" +
                kHello.substr(0, kHello.find("\r\n\r\n") + 4) + " BINARY.SIZE[1] 11)\r\nA5 OK FETCH completed\r\n");
}

TEST_F(WorkerTest, StoreAddsRemovesReplacesAndSilences) {
  add(kHello);
  add(kLunch);
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  EXPECT_EQ(run(w, "A2 STORE 1:2 +FLAGS (\\Deleted $Forwarded)"),
            "* 1 FETCH (FLAGS (\\Deleted $Forwarded))\r\n* 2 FETCH (FLAGS (\\Deleted $Forwarded))\r\nA2 OK STORE completed\r\n");
  EXPECT_EQ(run(w, "A3 STORE 2 -FLAGS (\\Deleted)"), "* 2 FETCH (FLAGS ($Forwarded))\r\nA3 OK STORE completed\r\n");
  EXPECT_EQ(run(w, "A4 UID STORE 1 FLAGS.SILENT (\\Seen)"), "A4 OK UID STORE completed\r\n");
  EXPECT_EQ(run(w, "A5 FETCH 1:* FLAGS"),
            "* 1 FETCH (FLAGS (\\Seen))\r\n* 2 FETCH (FLAGS ($Forwarded))\r\nA5 OK FETCH completed\r\n");
}

TEST_F(WorkerTest, The27thKeywordIsLimit) {
  add(kHello);
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  std::string many;
  for (int i = 1; i <= 26; ++i) many += (i > 1 ? " k" : "k") + std::to_string(i);
  EXPECT_EQ(run(w, "A2 STORE 1 +FLAGS.SILENT (" + many + ")"), "A2 OK STORE completed\r\n");
  EXPECT_EQ(run(w, "A3 STORE 1 +FLAGS (k27)").rfind("A3 NO [LIMIT] too many keywords", 0), 0u);
  // PERMANENTFLAGS no longer offers \* when the mailbox has 26 keywords.
  std::string sel = run(w, "A4 SELECT INBOX");
  EXPECT_NE(sel.find(" k26)] Flags permitted"), std::string::npos) << sel;
}

TEST_F(WorkerTest, UnchangedSinceReportsModified) {
  add(kHello);
  add(kLunch);
  MailboxWorker w(root_);
  SessionFlags cs{.condstore = true};
  run(w, "A1 SELECT INBOX (CONDSTORE)", cs);
  std::string out = run(w, "A2 FETCH 1:2 MODSEQ", cs);
  // Both start with the modseq of the sync that found them.
  auto modseq_at = [&](const std::string& text, std::size_t from) {
    std::size_t p = text.find("MODSEQ (", from) + 8;
    return std::stoull(text.substr(p, text.find(')', p) - p));
  };
  std::uint64_t m1 = modseq_at(out, out.find("* 2 FETCH"));  // the higher of the two
  std::string set = run(w, "A3 STORE 1 +FLAGS.SILENT (\\Flagged)", cs);
  std::uint64_t m1b = modseq_at(set, 0);
  EXPECT_GT(m1b, m1);
  EXPECT_EQ(set, "* 1 FETCH (MODSEQ (" + std::to_string(m1b) + "))\r\nA3 OK STORE completed\r\n");
  // Message 1 changed after m1: its conditional store fails, message 2's succeeds.
  std::string cond = run(w, "A4 STORE 1:2 (UNCHANGEDSINCE " + std::to_string(m1) + ") +FLAGS (\\Seen)", cs);
  EXPECT_NE(cond.find("* 2 FETCH (FLAGS (\\Seen) MODSEQ ("), std::string::npos) << cond;
  EXPECT_EQ(cond.find("* 1 FETCH"), std::string::npos) << cond;
  EXPECT_NE(cond.find("A4 OK [MODIFIED 1] Conditional STORE failed\r\n"), std::string::npos) << cond;
}

TEST_F(WorkerTest, ExpungeReportsInDescendingOrderAndCloseIsSilent) {
  for (int i = 0; i < 4; ++i) add(kHello);
  MailboxWorker w(root_);
  run(w, "A1 SELECT INBOX");
  run(w, "A2 STORE 1,3,4 +FLAGS.SILENT (\\Deleted)");
  EXPECT_EQ(run(w, "A3 UID EXPUNGE 1:3"), "* 3 EXPUNGE\r\n* 1 EXPUNGE\r\nA3 OK UID EXPUNGE completed\r\n");
  EXPECT_EQ(run(w, "A4 FETCH 1:* UID"), "* 1 FETCH (UID 2)\r\n* 2 FETCH (UID 4)\r\nA4 OK FETCH completed\r\n");
  EXPECT_EQ(run(w, "A5 CLOSE"), "A5 OK CLOSE completed\r\n");
  EXPECT_FALSE(w.selected());
  run(w, "A6 SELECT INBOX");
  EXPECT_EQ(run(w, "A7 FETCH 1:* UID"), "* 1 FETCH (UID 2)\r\nA7 OK FETCH completed\r\n");
  run(w, "A8 STORE 1 +FLAGS.SILENT (\\Deleted)");
  auto reply = run_reply(w, "A9 UNSELECT");
  EXPECT_EQ(reply.bytes, "A9 OK UNSELECT completed\r\n");
  EXPECT_EQ(reply.selected, SelectedChange::deselected);
  run(w, "A10 EXAMINE INBOX");
  EXPECT_EQ(run(w, "A11 FETCH 1:* (UID FLAGS)"), "* 1 FETCH (UID 2 FLAGS (\\Deleted))\r\nA11 OK FETCH completed\r\n");
}

TEST_F(WorkerTest, TwoSessionsSeeEachOtherThroughPoll) {
  add(kHello);
  add(kLunch);
  MailboxWorker a(root_), b(root_);
  run(a, "A1 SELECT INBOX");
  run(b, "B1 SELECT INBOX");
  run(b, "B2 STORE 2 +FLAGS (\\Flagged)");
  EXPECT_EQ(a.poll({}), "* 2 FETCH (FLAGS (\\Flagged))\r\n");
  EXPECT_EQ(a.poll({}), "");
  add(kHello);
  EXPECT_EQ(a.poll({}), "* 3 EXISTS\r\n");
  run(b, "B3 STORE 1 +FLAGS (\\Deleted)");
  run(b, "B4 EXPUNGE");
  EXPECT_EQ(a.poll({}), "* 1 EXPUNGE\r\n");
  EXPECT_EQ(run(a, "A2 FETCH 1:* UID"), "* 1 FETCH (UID 2)\r\n* 2 FETCH (UID 3)\r\nA2 OK FETCH completed\r\n");
}

TEST_F(WorkerTest, ExpungeIsDeferredDuringFetchStoreAndSearch) {
  add(kHello);
  add(kLunch);
  MailboxWorker a(root_), b(root_);
  run(a, "A1 SELECT INBOX");
  run(b, "B1 SELECT INBOX");
  run(b, "B2 STORE 1 +FLAGS (\\Deleted)");
  run(b, "B3 EXPUNGE");
  add(kHello);
  // FETCH: no EXPUNGE, so sequence numbers stay; EXISTS counts the expunged message.
  std::string out = run(a, "A2 FETCH 2 (UID FLAGS)");
  EXPECT_EQ(out, "* 3 EXISTS\r\n* 2 FETCH (UID 2 FLAGS ())\r\nA2 OK FETCH completed\r\n");
  EXPECT_EQ(run(a, "A3 FETCH 1 UID"), "A3 NO [EXPUNGEISSUED] Some messages were expunged meanwhile\r\n");
  EXPECT_EQ(run(a, "A4 STORE 3 +FLAGS (\\Seen)"), "* 3 FETCH (FLAGS (\\Seen))\r\nA4 OK STORE completed\r\n");
  EXPECT_EQ(run(a, "A5 NOOP"), "* 1 EXPUNGE\r\nA5 OK NOOP completed\r\n");
  EXPECT_EQ(run(a, "A6 FETCH 1:* UID"), "* 1 FETCH (UID 2)\r\n* 2 FETCH (UID 3)\r\nA6 OK FETCH completed\r\n");
}

TEST_F(WorkerTest, QresyncRoundTrip) {
  add(kHello);
  add(kLunch);
  add(kHello);
  SessionFlags qr{.condstore = true, .qresync = true};
  MailboxWorker a(root_);
  run(a, "A1 SELECT INBOX (CONDSTORE)", qr);
  std::string hi = run(a, "A2 FETCH 1:* MODSEQ", qr);
  std::uint64_t highest = 0;
  for (std::size_t p = hi.find("MODSEQ ("); p != std::string::npos; p = hi.find("MODSEQ (", p + 1))
    highest = std::max<std::uint64_t>(highest, std::stoull(hi.substr(p + 8)));

  // Meanwhile another session flags message 3 and expunges message 1.
  MailboxWorker b(root_);
  run(b, "B1 SELECT INBOX");
  run(b, "B2 STORE 3 +FLAGS (\\Answered)");
  run(b, "B3 STORE 1 +FLAGS (\\Deleted)");
  EXPECT_EQ(run(b, "B4 EXPUNGE"), "* 1 EXPUNGE\r\nB4 OK EXPUNGE completed\r\n");

  MailboxWorker c(root_);
  std::string v = std::to_string(uidvalidity());
  std::string out = run(c, "C1 SELECT INBOX (QRESYNC (" + v + " " + std::to_string(highest) + " 1:3))", qr);
  EXPECT_NE(out.find("* 2 EXISTS\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("* VANISHED (EARLIER) 1\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("* 2 FETCH (UID 3 FLAGS (\\Answered) MODSEQ ("), std::string::npos) << out;
  EXPECT_EQ(out.find("UID 2 FLAGS"), std::string::npos) << out;
  EXPECT_NE(out.find("C1 OK [READ-WRITE] SELECT completed\r\n"), std::string::npos) << out;

  // UID FETCH CHANGEDSINCE VANISHED says the same.
  std::string f = run(c, "C2 UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + std::to_string(highest) + " VANISHED)", qr);
  EXPECT_EQ(f.rfind("* VANISHED (EARLIER) 1\r\n* 2 FETCH (UID 3 FLAGS (\\Answered) MODSEQ (", 0), 0u) << f;

  // Expunges in a QRESYNC session are VANISHED.
  run(b, "B5 STORE 1 +FLAGS (\\Deleted)");
  run(b, "B6 EXPUNGE");
  EXPECT_EQ(c.poll({qr}), "* VANISHED 2\r\n");
  // Flag changes: UID and MODSEQ come with FLAGS.
  run(b, "B7 STORE 1 +FLAGS (\\Flagged)");
  std::string upd = c.poll({qr});
  EXPECT_EQ(upd.rfind("* 1 FETCH (UID 3 FLAGS (\\Answered \\Flagged) MODSEQ (", 0), 0u) << upd;
}

}  // namespace
}  // namespace hamail::mailsvc::imapworker::testing
