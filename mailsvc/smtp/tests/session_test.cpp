// SmtpSession conversations as byte-exact transcripts: the happy path on each port,
// pipelining, DATA, STARTTLS, and the same replies for every split of the input.
#include "hamail/mailsvc/smtp/session.h"

#include <gtest/gtest.h>

#include "smtp_test_util.h"

namespace hamail::mailsvc::smtp {
namespace {

using test::drive;
using test::FakeShell;

const char* kEhloReplyNoTls =
    "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10000\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n"
    "250-STARTTLS\r\n250 SMTPUTF8\r\n";

const std::string kMxInput =
    "EHLO client.example\r\n"
    "MAIL FROM:<sender@remote.example> SIZE=100\r\n"
    "RCPT TO:<alice@example.org>\r\n"
    "RCPT TO:<bob@example.org>\r\n"
    "DATA\r\n"
    "Subject: hi\r\n\r\n..dot\r\nbody\r\n.\r\n"
    "QUIT\r\n";

const std::string kMxTranscript = std::string(kEhloReplyNoTls) +
                                  "250 2.1.0 Ok\r\n"
                                  "250 2.1.5 Ok\r\n"
                                  "250 2.1.5 Ok\r\n"
                                  "354 End data with <CR><LF>.<CR><LF>\r\n"
                                  "250 2.0.0 Ok: queued as Q1\r\n"
                                  "221 2.0.0 Bye\r\n";

TEST(SmtpSession, GreetingHasNoEnhancedCode) {
  SmtpSession s(test::mx_config());
  EXPECT_EQ(s.start().bytes, "220 mx.example.org ESMTP hamail\r\n");
}

TEST(SmtpSession, MxHappyPathTranscript) {
  SmtpSession s(test::mx_config());
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, kMxInput), kMxTranscript);
  EXPECT_TRUE(shell.closed);
  EXPECT_TRUE(s.closed());
  ASSERT_EQ(shell.messages.size(), 1u);
  const auto& m = shell.messages[0];
  EXPECT_EQ(m.data, "Subject: hi\r\n\r\n.dot\r\nbody\r\n");
  EXPECT_EQ(m.envelope.helo, "client.example");
  EXPECT_TRUE(m.envelope.esmtp);
  EXPECT_EQ(m.envelope.mail_from, "sender@remote.example");
  EXPECT_EQ(m.envelope.recipients, (std::vector<std::string>{"alice@example.org", "bob@example.org"}));
  EXPECT_EQ(m.envelope.declared_size, 100u);
  EXPECT_FALSE(m.envelope.tls);
  EXPECT_EQ(m.envelope.auth_user, "");
}

TEST(SmtpSession, EveryByteSplitGivesTheSameTranscript) {
  for (std::size_t chunk : {1, 2, 3, 5, 7, 13, 64}) {
    SmtpSession s(test::mx_config());
    FakeShell shell;
    EXPECT_EQ(drive(s, shell, kMxInput, chunk), kMxTranscript) << "chunk " << chunk;
    ASSERT_EQ(shell.messages.size(), 1u);
    EXPECT_EQ(shell.messages[0].data, "Subject: hi\r\n\r\n.dot\r\nbody\r\n");
  }
  // Split into two at every position.
  for (std::size_t cut = 0; cut <= kMxInput.size(); ++cut) {
    SmtpSession s(test::mx_config());
    FakeShell shell;
    std::string out = drive(s, shell, kMxInput.substr(0, cut));
    out += drive(s, shell, kMxInput.substr(cut));
    EXPECT_EQ(out, kMxTranscript) << "cut " << cut;
  }
}

TEST(SmtpSession, PipelinedRepliesInOrderAcrossActions) {
  SmtpSession s(test::mx_config());
  FakeShell shell;
  std::string out = drive(s, shell,
                          "EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<nobody@example.org>\r\nRCPT TO:<x@remote.example>\r\n"
                          "RCPT TO:<alice@example.org>\r\nDATA\r\n");
  EXPECT_EQ(out.substr(std::string(kEhloReplyNoTls).size()),
            "250 2.1.0 Ok\r\n"
            "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown\r\n"
            "554 5.7.1 <x@remote.example>: Relay access denied\r\n"
            "250 2.1.5 Ok\r\n"
            "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(shell.rcpts, (std::vector<std::string>{"nobody@example.org", "x@remote.example", "alice@example.org"}));
}

TEST(SmtpSession, ActionsWaitForTheirAnswer) {
  SmtpSession s(test::mx_config());
  s.start();
  Output o = s.feed("HELO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<alice@example.org>\r\nNOOP\r\n");
  EXPECT_EQ(o.bytes, "250 mx.example.org\r\n250 2.1.0 Ok\r\n");
  ASSERT_TRUE(o.action);
  EXPECT_EQ(std::get<CheckRecipient>(*o.action).address, "alice@example.org");
  EXPECT_TRUE(s.waiting());
  EXPECT_EQ(s.feed("RSET\r\n").bytes, "");  // buffered
  EXPECT_EQ(s.message_stored(StoreResult::ok("X")).bytes, "");  // not the pending action
  Output a = s.recipient_checked(RecipientVerdict::ok);
  EXPECT_EQ(a.bytes, "250 2.1.5 Ok\r\n250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n");
  EXPECT_FALSE(s.waiting());
}

TEST(SmtpSession, StoreAnswerComesOnlyAfterTheShellAnswers) {
  SmtpSession s(test::mx_config());
  s.feed("HELO c\r\nMAIL FROM:<>\r\n");
  s.recipient_checked(RecipientVerdict::ok);  // not waiting: ignored
  Output r = s.feed("RCPT TO:<alice@example.org>\r\n");
  s.recipient_checked(RecipientVerdict::ok);
  Output b = s.feed("DATA\r\nhello\r\n.\r\nQUIT\r\n");
  EXPECT_EQ(b.bytes, "");  // 354 only once the shell is ready to store
  ASSERT_TRUE(b.action);
  EXPECT_EQ(std::get<BeginMessage>(*b.action).envelope.recipients, std::vector<std::string>{"alice@example.org"});
  EXPECT_EQ(s.message_stored(StoreResult::ok("ABC")).bytes, "");  // not the pending action
  Output d = s.message_begun(StoreResult::ok(""));
  EXPECT_EQ(d.bytes, "354 End data with <CR><LF>.<CR><LF>\r\n");
  ASSERT_TRUE(d.action);
  EXPECT_EQ(std::get<MessageComplete>(*d.action).data, "hello\r\n");
  Output done = s.message_stored(StoreResult::ok("ABC"));
  EXPECT_EQ(done.bytes, "250 2.0.0 Ok: queued as ABC\r\n221 2.0.0 Bye\r\n");
  EXPECT_TRUE(done.close);
}

TEST(SmtpSession, StoreFailures) {
  struct Case {
    StoreResult::Kind kind;
    const char* reply;
  } cases[] = {
      {StoreResult::Kind::temporary_failure, "451 4.3.0 Temporary failure storing the message, try again later\r\n"},
      {StoreResult::Kind::insufficient_storage, "452 4.3.1 Insufficient system storage\r\n"},
      {StoreResult::Kind::rejected, "554 5.3.0 Message rejected\r\n"},
      {StoreResult::Kind::too_many_hops, "554 5.4.6 Too many hops: mail loop?\r\n"},
  };
  for (const auto& c : cases) {
    SmtpSession s(test::mx_config());
    FakeShell shell;
    shell.store.kind = c.kind;
    std::string out = drive(s, shell, "HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\nx\r\n.\r\n"
                                      "RCPT TO:<alice@example.org>\r\n");
    EXPECT_EQ(out, std::string("250 mx.example.org\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with "
                               "<CR><LF>.<CR><LF>\r\n") +
                       c.reply + "503 5.5.1 Need MAIL command\r\n");
  }
}

TEST(SmtpSession, RefusedAtDataBeforeAnyByte) {
  // The shell cannot take a message (queue full, no space, user db unreadable): the reply
  // comes at DATA, the data is never asked for, and the client's pipelined text after
  // DATA is read as commands (what RFC 2920 clients expect after a DATA refusal).
  SmtpSession s(test::mx_config());
  FakeShell shell;
  shell.begin.kind = StoreResult::Kind::insufficient_storage;
  EXPECT_EQ(drive(s, shell, "HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\nNOOP\r\n"),
            "250 mx.example.org\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n452 4.3.1 Insufficient system storage\r\n"
            "250 2.0.0 Ok\r\n");
  EXPECT_EQ(shell.begins, 1);
  EXPECT_TRUE(shell.messages.empty());
}

TEST(SmtpSession, ALargeMessageGoesOutInBoundedChunks) {
  // 1 MiB of message in one feed: the session hands it out in MessageData chunks of at
  // most kDataChunk (+ the few bytes of the push that filled it), never holding more.
  SmtpConfig c = test::mx_config();
  c.max_message_size = 2 << 20;
  SmtpSession s(c);
  FakeShell shell;
  std::string line(998, 'x');
  std::string body;
  while (body.size() < (1u << 20)) body += line + "\r\n";
  std::string out = drive(s, shell, "HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n" + body +
                                        ".\r\nQUIT\r\n", 4096);
  EXPECT_TRUE(out.ends_with("250 2.0.0 Ok: queued as Q1\r\n221 2.0.0 Bye\r\n")) << out.substr(0, 300);
  ASSERT_EQ(shell.messages.size(), 1u);
  EXPECT_EQ(shell.messages[0].data, body);
  ASSERT_GE(shell.chunks.size(), body.size() / SmtpSession::kDataChunk);
  for (std::size_t n : shell.chunks) EXPECT_LE(n, SmtpSession::kDataChunk + 3);
}

TEST(SmtpSession, TwoMessagesInOneSessionAndRset) {
  SmtpSession s(test::mx_config());
  FakeShell shell;
  std::string out = drive(s, shell,
                          "HELO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<alice@example.org>\r\nRSET\r\n"
                          "MAIL FROM:<c@d.example> BODY=8BITMIME\r\nRCPT TO:<bob@example.org>\r\n"
                          "RCPT TO:<bob@example.org>\r\nDATA\r\none\r\n.\r\n"
                          "MAIL FROM:<e@f.example>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\ntwo\r\n.\r\n");
  EXPECT_EQ(out,
            "250 mx.example.org\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.0.0 Ok\r\n"
            "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
            "250 2.0.0 Ok: queued as Q1\r\n"
            "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
            "250 2.0.0 Ok: queued as Q1\r\n");
  ASSERT_EQ(shell.messages.size(), 2u);
  EXPECT_EQ(shell.messages[0].envelope.mail_from, "c@d.example");
  EXPECT_EQ(shell.messages[0].envelope.recipients, std::vector<std::string>{"bob@example.org"});  // no duplicate
  EXPECT_TRUE(shell.messages[0].envelope.body_8bitmime);
  EXPECT_EQ(shell.messages[1].data, "two\r\n");
  EXPECT_FALSE(shell.messages[1].envelope.esmtp);
}

TEST(SmtpSession, DataBareLfAndSmugglingAttempt) {
  SmtpSession s(test::mx_config());
  FakeShell shell;
  std::string out = drive(s, shell,
                          "HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n"
                          "line1\nline2\r\n.\nMAIL FROM:<evil@x.example>\r\n.\r\n");
  EXPECT_TRUE(out.ends_with("354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as Q1\r\n")) << out;
  ASSERT_EQ(shell.messages.size(), 1u);
  EXPECT_EQ(shell.messages[0].data, "line1\r\nline2\r\n.\r\nMAIL FROM:<evil@x.example>\r\n");
  EXPECT_EQ(s.bare_lf_lines(), 2u);
}

TEST(SmtpSession, BareLfCommandsAreTolerated) {
  SmtpSession s(test::mx_config());
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "HELO c\nNOOP\nQUIT\n"), "250 mx.example.org\r\n250 2.0.0 Ok\r\n221 2.0.0 Bye\r\n");
  EXPECT_EQ(s.bare_lf_lines(), 3u);
}

TEST(SmtpSession, SimpleCommands) {
  SmtpSession s(test::mx_config());
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "noop\r\nVRFY alice\r\nHELP\r\nRSET\r\nquit\r\nNOOP\r\n"),
            "250 2.0.0 Ok\r\n"
            "252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery\r\n"
            "214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS AUTH\r\n"
            "250 2.0.0 Ok\r\n"
            "221 2.0.0 Bye\r\n");
  EXPECT_EQ(s.feed("NOOP\r\n").bytes, "");  // closed
}

TEST(SmtpSession, StartTlsDropsPipelinedPlaintextAndForgetsEhlo) {
  SmtpSession s(test::submission_config());
  FakeShell shell;
  std::string out = drive(s, shell, "EHLO c\r\nSTARTTLS\r\nMAIL FROM:<injected@x.example>\r\n");
  EXPECT_EQ(out,
            "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10000\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n"
            "250-STARTTLS\r\n250 SMTPUTF8\r\n"
            "220 2.0.0 Ready to start TLS\r\n");
  EXPECT_EQ(shell.tls_starts, 1);
  EXPECT_TRUE(s.tls_active());
  EXPECT_EQ(drive(s, shell, "MAIL FROM:<a@b.example>\r\nEHLO c\r\nSTARTTLS\r\n"),
            "503 5.5.1 Send HELO/EHLO first\r\n"
            "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10000\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n"
            "250-AUTH PLAIN LOGIN\r\n250 SMTPUTF8\r\n"
            "503 5.5.1 TLS already active\r\n");
}

TEST(SmtpSession, StartTlsRefusals) {
  SmtpConfig c = test::mx_config();
  c.tls_configured = false;
  SmtpSession s(c);
  FakeShell shell;
  EXPECT_EQ(drive(s, shell, "EHLO c\r\nSTARTTLS\r\nSTARTTLS now\r\n"),
            "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10000\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n"
            "250 SMTPUTF8\r\n"
            "502 5.5.1 STARTTLS not available\r\n"
            "501 5.5.4 Syntax: STARTTLS\r\n");
  SmtpSession t(test::mx_config());
  EXPECT_EQ(drive(t, shell, "HELO c\r\nMAIL FROM:<>\r\nSTARTTLS\r\n"),
            "250 mx.example.org\r\n250 2.1.0 Ok\r\n503 5.5.1 Mail transaction in progress\r\n");
}

TEST(SmtpSession, ImplicitTlsSubmissionsPort) {
  SmtpConfig c = test::submission_config();
  c.role = PortRole::submissions;
  SmtpSession s(c);
  FakeShell shell;
  EXPECT_TRUE(s.tls_active());
  std::string plain = "AGFsaWNlQGV4YW1wbGUub3JnAHNlY3JldA==";
  std::string out = drive(s, shell,
                          "EHLO c\r\nAUTH PLAIN " + plain +
                              "\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<friend@remote.example>\r\nDATA\r\n"
                              "x\r\n.\r\n");
  EXPECT_EQ(out,
            "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10000\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n"
            "250-AUTH PLAIN LOGIN\r\n250 SMTPUTF8\r\n"
            "235 2.7.0 Authentication successful\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
            "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as Q1\r\n");
  ASSERT_EQ(shell.messages.size(), 1u);
  EXPECT_EQ(shell.messages[0].envelope.auth_user, "alice@example.org");
  EXPECT_TRUE(shell.messages[0].envelope.tls);
}

}  // namespace
}  // namespace hamail::mailsvc::smtp
