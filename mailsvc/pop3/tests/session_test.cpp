// Pop3Session transcripts: a full session byte for byte, every transaction command,
// deletion rules, UPDATE, pipelining and the same replies for every split of input.
#include "hamail/mailsvc/pop3/session.h"

#include <gtest/gtest.h>

#include "pop3_test_util.h"

namespace hamail::mailsvc::pop3 {
namespace {

using test::drive;
using test::FakeShell;

const std::string kLogin = "USER alice@example.org\r\nPASS secret\r\n";
const std::string kLoginReply = "+OK Send PASS\r\n+OK Logged in: 3 messages (121 octets)\r\n";

const std::string kSessionInput = kLogin +
                                  "STAT\r\nLIST\r\nUIDL\r\nRETR 2\r\nTOP 2 1\r\nDELE 1\r\nLIST 1\r\nSTAT\r\n"
                                  "RETR 3\r\nNOOP\r\nQUIT\r\n";
const std::string kSessionTranscript =
    kLoginReply +
    "+OK 3 121\r\n"
    "+OK 3 messages (121 octets)\r\n1 23\r\n2 64\r\n3 34\r\n.\r\n"
    "+OK\r\n1 uid-a\r\n2 uid-b\r\n3 uid-c\r\n.\r\n"
    "+OK 64 octets\r\nSubject: two\r\nFrom: a@b\r\n\r\n..dot line\r\nsecond\r\n...two dots\r\nlast\r\n.\r\n"
    "+OK\r\nSubject: two\r\nFrom: a@b\r\n\r\n..dot line\r\n.\r\n"
    "+OK Message 1 deleted\r\n"
    "-ERR Message 1 is deleted\r\n"
    "+OK 2 98\r\n"
    "+OK 34 octets\r\nSubject: three\r\n\r\nbare LF body\r\n..\r\nend\r\n.\r\n"
    "+OK\r\n"
    "+OK pop.example.org hamail POP3 server signing off (1 messages deleted)\r\n";

TEST(Pop3Session, Greeting) {
  Pop3Session s(test::tls_config());
  EXPECT_EQ(s.start().bytes, "+OK pop.example.org hamail POP3 server ready\r\n");
}

TEST(Pop3Session, FullSessionTranscript) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, kSessionInput), kSessionTranscript);
  EXPECT_EQ(shell.rec.commits, 1);
  EXPECT_EQ(shell.rec.committed, std::vector<std::size_t>{0});
  EXPECT_TRUE(shell.rec.released);
  EXPECT_TRUE(shell.closed);
  EXPECT_EQ(s.state(), Pop3State::closed);
  EXPECT_EQ(shell.auths.at(0).mechanism, "USER");
}

TEST(Pop3Session, EveryByteSplitGivesTheSameTranscript) {
  for (std::size_t chunk : {1, 2, 3, 7, 11}) {
    Pop3Session s(test::tls_config());
    FakeShell shell;
    EXPECT_EQ(drive(s, shell, kSessionInput, chunk), kSessionTranscript) << "chunk " << chunk;
  }
  for (std::size_t cut = 0; cut <= kSessionInput.size(); ++cut) {
    Pop3Session s(test::tls_config());
    FakeShell shell;
    std::string out = drive(s, shell, kSessionInput.substr(0, cut));
    out += drive(s, shell, kSessionInput.substr(cut));
    EXPECT_EQ(out, kSessionTranscript) << "cut " << cut;
  }
}

TEST(Pop3Session, AuthActionHoldsPipelinedCommands) {
  Pop3Session s(test::tls_config());
  Output o = s.feed("USER alice@example.org\r\nPASS secret\r\nSTAT\r\n");
  EXPECT_EQ(o.bytes, "+OK Send PASS\r\n");
  ASSERT_TRUE(o.action);
  EXPECT_EQ(std::get<Authenticate>(*o.action).password, "secret");
  EXPECT_TRUE(s.waiting());
  EXPECT_EQ(s.tls_started().bytes, "");  // not the pending action
  test::DropRecord rec;
  auto drop = std::make_unique<test::MemoryMaildrop>(std::vector<std::string>{"a\r\n"}, std::vector<std::string>{"u"},
                                                     &rec);
  EXPECT_EQ(s.auth_result(AuthAnswer::ok(std::move(drop))).bytes,
            "+OK Logged in: 1 messages (3 octets)\r\n+OK 1 3\r\n");
  EXPECT_EQ(s.user(), "alice@example.org");
  EXPECT_EQ(s.state(), Pop3State::transaction);
}

TEST(Pop3Session, ListUidlSingleAndErrors) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  drive(s, shell, kLogin);
  EXPECT_EQ(drive(s, shell, "LIST 2\r\nUIDL 3\r\nLIST 4\r\nLIST 0\r\nUIDL x\r\nRETR\r\nRETR -1\r\nDELE 99999999999999999999\r\n"),
            "+OK 2 64\r\n+OK 3 uid-c\r\n-ERR No such message\r\n-ERR No such message\r\n"
            "-ERR Syntax: message number expected\r\n-ERR Syntax: message number expected\r\n"
            "-ERR Syntax: message number expected\r\n-ERR Syntax: message number expected\r\n");
}

TEST(Pop3Session, DeletedMessagesAreHiddenAndRsetRestores) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  drive(s, shell, kLogin);
  EXPECT_EQ(drive(s, shell, "DELE 2\r\nDELE 2\r\nLIST\r\nUIDL\r\nRETR 2\r\nTOP 2 0\r\nUIDL 2\r\nRSET\r\nSTAT\r\nQUIT\r\n"),
            "+OK Message 2 deleted\r\n-ERR Message 2 is deleted\r\n"
            "+OK 2 messages (57 octets)\r\n1 23\r\n3 34\r\n.\r\n"
            "+OK\r\n1 uid-a\r\n3 uid-c\r\n.\r\n"
            "-ERR Message 2 is deleted\r\n-ERR Message 2 is deleted\r\n-ERR Message 2 is deleted\r\n"
            "+OK maildrop has 3 messages (121 octets)\r\n+OK 3 121\r\n"
            "+OK pop.example.org hamail POP3 server signing off (0 messages deleted)\r\n");
  EXPECT_EQ(shell.rec.commits, 0);  // nothing to remove
  EXPECT_TRUE(shell.rec.released);
}

TEST(Pop3Session, TopArguments) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  drive(s, shell, kLogin);
  EXPECT_EQ(drive(s, shell, "TOP 1 0\r\nTOP 1\r\nTOP 1 x\r\nTOP 9 1\r\n"),
            "+OK\r\nSubject: one\r\n\r\n.\r\n"
            "-ERR Syntax: TOP message lines\r\n-ERR Syntax: TOP message lines\r\n-ERR No such message\r\n");
}

TEST(Pop3Session, DroppedConnectionDeletesNothing) {
  FakeShell shell;
  {
    Pop3Session s(test::tls_config());
    drive(s, shell, kLogin + "DELE 1\r\nDELE 2\r\n");
    EXPECT_FALSE(shell.rec.released);
  }
  EXPECT_TRUE(shell.rec.released);
  EXPECT_EQ(shell.rec.commits, 0);
}

TEST(Pop3Session, CommitFailureIsReported) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  shell.fail_commit = true;
  EXPECT_EQ(drive(s, shell, kLogin + "DELE 3\r\nQUIT\r\n"),
            kLoginReply + "+OK Message 3 deleted\r\n-ERR [SYS/TEMP] Some deleted messages not removed: disk full\r\n");
  EXPECT_EQ(shell.rec.committed, std::vector<std::size_t>{2});
  EXPECT_TRUE(shell.closed);
}

TEST(Pop3Session, ReadFailureIsReported) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  shell.fail_read = true;
  EXPECT_EQ(drive(s, shell, kLogin + "RETR 1\r\nTOP 1 1\r\n"),
            kLoginReply + "-ERR [SYS/TEMP] Cannot read message: I/O error\r\n"
                          "-ERR [SYS/TEMP] Cannot read message: I/O error\r\n");
}

TEST(Pop3Session, WrongStateAndUnknownCommands) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "STAT\r\nNOOP\r\nFOO\r\nPASS x\r\n"),
            "-ERR Command not valid before login\r\n-ERR Command not valid before login\r\n-ERR Unknown command\r\n"
            "-ERR Send USER first\r\n");
  drive(s, shell, kLogin);
  EXPECT_EQ(drive(s, shell, "USER bob\r\nAUTH PLAIN\r\nSTLS\r\nXYZ\r\nSTAT 1\r\nRSET 1\r\n"),
            "-ERR Already logged in\r\n-ERR Already logged in\r\n-ERR Already logged in\r\n-ERR Unknown command\r\n"
            "-ERR Syntax: STAT\r\n-ERR Syntax: RSET\r\n");
}

TEST(Pop3Session, CapaByState) {
  Pop3Session s(test::plain_config());
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "CAPA\r\n"),
            "+OK Capability list follows\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n"
            "STLS\r\nIMPLEMENTATION hamail\r\n.\r\n");
  EXPECT_EQ(drive(s, shell, "STLS\r\nCAPA\r\n"),
            "+OK Begin TLS negotiation\r\n");  // the pipelined CAPA was plaintext: dropped
  EXPECT_EQ(shell.tls_starts, 1);
  EXPECT_EQ(drive(s, shell, "CAPA\r\nSTLS\r\n"),
            "+OK Capability list follows\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n"
            "USER\r\nSASL PLAIN\r\nIMPLEMENTATION hamail\r\n.\r\n"
            "-ERR TLS already active\r\n");
  drive(s, shell, kLogin);
  EXPECT_EQ(drive(s, shell, "CAPA\r\n"),
            "+OK Capability list follows\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n"
            "IMPLEMENTATION hamail\r\n.\r\n");
}

TEST(Pop3Session, StlsRefusals) {
  Pop3Config c = test::plain_config();
  c.tls_configured = false;
  Pop3Session s(c);
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "STLS\r\nSTLS x\r\n"), "-ERR STLS not available\r\n-ERR Syntax: STLS\r\n");
}

TEST(Pop3Session, LineLength) {
  Pop3Session s(test::tls_config());
  FakeShell shell;
  std::string ok_line = "NOOP" + std::string(510 - 4, ' ') + "\r\n";  // 512 with CRLF
  EXPECT_EQ(drive(s, shell, ok_line), "-ERR Command not valid before login\r\n");
  EXPECT_EQ(drive(s, shell, "NOOP" + std::string(507, ' ') + "\r\nQUIT\r\n"),
            "-ERR Line too long\r\n+OK pop.example.org hamail POP3 server signing off\r\n");
}

TEST(Pop3Session, TooManyErrorsClose) {
  Pop3Config c = test::tls_config();
  c.max_errors = 3;
  Pop3Session s(c);
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "A\r\nB\r\nC\r\nD\r\n"),
            "-ERR Unknown command\r\n-ERR Unknown command\r\n-ERR Unknown command\r\n");
  EXPECT_TRUE(shell.closed);
}

TEST(Pop3Session, UnboundedPipeliningIsCutOff) {
  Pop3Session s(test::tls_config());
  Output o = s.feed("USER a\r\nPASS b\r\n");
  ASSERT_TRUE(o.action);
  EXPECT_EQ(s.feed(std::string(Pop3Session::kMaxBufferedInput, 'x')).bytes, "");
  Output cut = s.feed("x");
  EXPECT_EQ(cut.bytes, "-ERR [SYS/PERM] Too much pipelined input\r\n");
  EXPECT_TRUE(cut.close);
}

}  // namespace
}  // namespace hamail::mailsvc::pop3

namespace hamail::mailsvc::pop3 {
namespace {

// The shell does the disk work (possibly on another thread): RETR and QUIT-with-deletions
// are actions, and what was pipelined behind them waits for their answers.
TEST(Pop3Session, ReadAndCommitAreActionsThatHoldPipelinedCommands) {
  FakeShell shell;
  Pop3Session s(test::tls_config());
  (void)s.start();
  ASSERT_EQ(drive(s, shell, kLogin), kLoginReply);
  Output o = s.feed("RETR 1\r\nSTAT\r\nDELE 2\r\nQUIT\r\n");
  EXPECT_EQ(o.bytes, "");
  ASSERT_TRUE(o.action);
  auto* read = std::get_if<ReadMessage>(&*o.action);
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->index, 0u);
  EXPECT_EQ(s.deletions_committed(Status::ok()).bytes, "") << "an answer that does not match is ignored";

  std::shared_ptr<Maildrop> kept = s.maildrop();  // what a worker thread would hold
  o = s.message_read(kept->read(read->index));
  EXPECT_EQ(o.bytes, "+OK 23 octets\r\nSubject: one\r\n\r\nhello\r\n.\r\n+OK 3 121\r\n+OK Message 2 deleted\r\n");
  ASSERT_TRUE(o.action);
  auto* commit = std::get_if<CommitDeletions>(&*o.action);
  ASSERT_NE(commit, nullptr);
  EXPECT_EQ(commit->indexes, std::vector<std::size_t>{1});
  EXPECT_EQ(shell.rec.commits, 0) << "nothing is removed before the shell does it";
  o = s.deletions_committed(kept->commit_deletions(commit->indexes));
  EXPECT_EQ(o.bytes, "+OK pop.example.org hamail POP3 server signing off (1 messages deleted)\r\n");
  EXPECT_TRUE(o.close);
  EXPECT_FALSE(shell.rec.released) << "the worker's reference keeps the maildrop (and its lock)";
  kept.reset();
  EXPECT_TRUE(shell.rec.released);
}

TEST(Pop3Session, AFailedReadIsAnErrorAndTheSessionGoesOn) {
  FakeShell shell;
  Pop3Session s(test::tls_config());
  (void)s.start();
  ASSERT_EQ(drive(s, shell, kLogin), kLoginReply);
  Output o = s.feed("RETR 3\r\nNOOP\r\n");
  ASSERT_TRUE(o.action && std::holds_alternative<ReadMessage>(*o.action));
  EXPECT_EQ(s.message_read(Error{"EIO"}).bytes, "-ERR [SYS/TEMP] Cannot read message: EIO\r\n+OK\r\n");
}

}  // namespace
}  // namespace hamail::mailsvc::pop3
