// ImapSession: greeting, CAPABILITY per state, the commands the session answers itself,
// wrong-state and parse errors, the BAD count, literals, pipelining and the input bound.
#include <gtest/gtest.h>

#include <string>

#include "session_test_util.h"

namespace hamail::mailsvc::imap {
namespace {

using test::action_of;
using test::Client;

TEST(ImapSessionTest, GreetingCarriesCapabilities) {
  Client c;
  EXPECT_EQ(c.greeting.rfind("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN LITERAL+ SASL-IR ", 0), 0u)
      << c.greeting;
  EXPECT_NE(c.greeting.find("] hamail IMAP ready\r\n"), std::string::npos);
  EXPECT_EQ(c.session.state(), ImapState::not_authenticated);
  EXPECT_FALSE(c.session.waiting());
}

TEST(ImapSessionTest, CapabilityBeforeTlsOffersStarttlsAndDisablesLogin) {
  Client c(test::starttls_config());
  Output out = c.feed("a CAPABILITY\r\n");
  EXPECT_NE(out.bytes.find("* CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS LOGINDISABLED LITERAL+"), std::string::npos)
      << out.bytes;
  EXPECT_EQ(out.bytes.find("AUTH=PLAIN"), std::string::npos);
  EXPECT_EQ(out.bytes.find("COMPRESS=DEFLATE"), std::string::npos);
  EXPECT_NE(out.bytes.find("\r\na OK CAPABILITY completed\r\n"), std::string::npos);
}

TEST(ImapSessionTest, CapabilityAfterLoginOffersCompressNotLogin) {
  Client c;
  c.login();
  Output out = c.feed("a CAPABILITY\r\n");
  EXPECT_NE(out.bytes.find(" THREAD=ORDEREDSUBJECT BINARY COMPRESS=DEFLATE\r\n"), std::string::npos) << out.bytes;
  EXPECT_EQ(out.bytes.find("AUTH=PLAIN"), std::string::npos);
  EXPECT_EQ(out.bytes.find("STARTTLS"), std::string::npos);
  for (const char* cap : {"IDLE", "NAMESPACE", "UIDPLUS", "MOVE", "UNSELECT", "CHILDREN", "SPECIAL-USE",
                          "CREATE-SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS", "CONDSTORE", "QRESYNC", "ESEARCH",
                          "SEARCHRES", "SORT", "THREAD=REFERENCES", "ID", "ENABLE"})
    EXPECT_NE(out.bytes.find(std::string(" ") + cap + " "), std::string::npos) << cap;
}

TEST(ImapSessionTest, NoopIdNamespaceAndLogout) {
  Client c;
  EXPECT_EQ(c.feed("a NOOP\r\n").bytes, "a OK NOOP completed\r\n");
  EXPECT_EQ(c.feed("b ID NIL\r\n").bytes, "* ID (\"name\" \"hamail\")\r\nb OK ID completed\r\n");
  c.login();
  EXPECT_EQ(c.feed("c NAMESPACE\r\n").bytes, "* NAMESPACE ((\"\" \".\")) NIL NIL\r\nc OK NAMESPACE completed\r\n");
  Output out = c.feed("d LOGOUT\r\ne NOOP\r\n");
  EXPECT_EQ(out.bytes, "* BYE Logging out\r\nd OK LOGOUT completed\r\n");
  EXPECT_TRUE(out.close);
  EXPECT_EQ(c.session.state(), ImapState::logout);
  EXPECT_EQ(c.feed("f NOOP\r\n").bytes, "");
}

TEST(ImapSessionTest, LogoutBeforeLogin) {
  Client c;
  Output out = c.feed("a LOGOUT\r\n");
  EXPECT_EQ(out.bytes, "* BYE Logging out\r\na OK LOGOUT completed\r\n");
  EXPECT_TRUE(out.close);
}

TEST(ImapSessionTest, EnableListsOnlyWhatItTurnedOn) {
  Client c;
  c.login();
  EXPECT_EQ(c.feed("a ENABLE QRESYNC\r\n").bytes, "* ENABLED QRESYNC\r\na OK ENABLE completed\r\n");
  EXPECT_TRUE(c.session.flags().qresync);
  EXPECT_TRUE(c.session.flags().condstore);  // implied
  EXPECT_EQ(c.feed("b ENABLE CONDSTORE qresync X-UNKNOWN\r\n").bytes, "* ENABLED\r\nb OK ENABLE completed\r\n");
  EXPECT_EQ(c.feed("c ENABLE utf8=accept IMAP4rev2\r\n").bytes,
            "* ENABLED UTF8=ACCEPT IMAP4rev2\r\nc OK ENABLE completed\r\n");
  EXPECT_TRUE(c.session.flags().utf8_accept);
  EXPECT_TRUE(c.session.flags().imap4rev2);
}

TEST(ImapSessionTest, EnableCondstoreAlone) {
  Client c;
  c.login();
  EXPECT_EQ(c.feed("a ENABLE CONDSTORE\r\n").bytes, "* ENABLED CONDSTORE\r\na OK ENABLE completed\r\n");
  EXPECT_FALSE(c.session.flags().qresync);
}

TEST(ImapSessionTest, Utf8MailboxNamesOnlyAfterEnable) {
  Client c;
  c.login();
  Output out = c.feed("a SELECT \"Entw\xc3\xbc rfe\"\r\n");
  EXPECT_EQ(out.bytes.rfind("a BAD ", 0), 0u) << out.bytes;  // modified UTF-7 expected
  c.feed("b ENABLE UTF8=ACCEPT\r\n");
  out = c.feed("c SELECT \"Entw\xc3\xbc rfe\"\r\n");
  const MailboxWork* work = action_of<MailboxWork>(out);
  ASSERT_NE(work, nullptr) << out.bytes;
  EXPECT_EQ(std::get<Select>(work->request.command.body).mailbox, "Entw\xc3\xbc rfe");
  EXPECT_TRUE(work->request.flags.utf8_accept);
}

TEST(ImapSessionTest, MailboxCommandsBeforeLoginAreBad) {
  Client c;
  for (const char* line : {"a SELECT INBOX\r\n", "a LIST \"\" *\r\n", "a IDLE\r\n", "a ENABLE QRESYNC\r\n",
                           "a NAMESPACE\r\n", "a COMPRESS DEFLATE\r\n", "a FETCH 1 FLAGS\r\n"}) {
    Output out = c.feed(line);
    EXPECT_EQ(out.bytes, "a BAD Please login first\r\n") << line;
    EXPECT_FALSE(out.action.has_value()) << line;
    c.feed("n NOOP\r\n");  // resets the count of consecutive BADs
  }
  EXPECT_EQ(c.session.state(), ImapState::not_authenticated);
}

TEST(ImapSessionTest, SelectedCommandsWithoutMailboxAreBad) {
  Client c;
  c.login();
  for (const char* line : {"a FETCH 1 FLAGS\r\n", "a STORE 1 +FLAGS (\\Seen)\r\n", "a UID SEARCH ALL\r\n",
                           "a CLOSE\r\n", "a UNSELECT\r\n", "a EXPUNGE\r\n", "a CHECK\r\n", "a MOVE 1 Trash\r\n",
                           "a COPY 1 Trash\r\n", "a SORT (DATE) UTF-8 ALL\r\n",
                           "a THREAD REFERENCES UTF-8 ALL\r\n"}) {
    Output out = c.feed(line);
    EXPECT_EQ(out.bytes, "a BAD No mailbox selected\r\n") << line;
    EXPECT_FALSE(out.action.has_value()) << line;
    c.feed("n NOOP\r\n");
  }
}

TEST(ImapSessionTest, ParseErrorsAreBadWithTheParsersText) {
  Client c;
  c.login();
  Output out = c.feed("a FROB\r\n");
  EXPECT_EQ(out.bytes.rfind("a BAD ", 0), 0u) << out.bytes;
  EXPECT_GT(out.bytes.size(), std::string("a BAD \r\n").size());
  out = c.feed("{bad NOOP\r\n");
  EXPECT_EQ(out.bytes.rfind("* BAD ", 0), 0u) << out.bytes;
}

TEST(ImapSessionTest, TooManyConsecutiveBadCommandsClose) {
  ImapConfig config = test::plaintext_config();
  config.max_bad_commands = 3;
  Client c(config);
  c.feed("a FROB\r\nb FROB\r\n");
  c.feed("n NOOP\r\n");  // not consecutive any more
  c.feed("a FROB\r\nb FROB\r\n");
  EXPECT_EQ(c.session.state(), ImapState::not_authenticated);
  Output out = c.feed("c FROB\r\nd NOOP\r\n");
  EXPECT_NE(out.bytes.find("c BAD "), std::string::npos);
  EXPECT_NE(out.bytes.find("* BYE Too many invalid IMAP commands\r\n"), std::string::npos);
  EXPECT_EQ(out.bytes.find("d OK"), std::string::npos);
  EXPECT_TRUE(out.close);
}

TEST(ImapSessionTest, SynchronisingLiteralGetsContinuation) {
  Client c;
  Output out = c.feed("a LOGIN {5}\r\n");
  EXPECT_EQ(out.bytes, "+ Ready for literal data\r\n");
  out = c.feed("alice {6}\r\n");
  EXPECT_EQ(out.bytes, "+ Ready for literal data\r\n");
  out = c.feed("secret\r\n");
  const CheckCredentials* check = action_of<CheckCredentials>(out);
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->user, "alice");
  EXPECT_EQ(check->password, "secret");
}

TEST(ImapSessionTest, LiteralOverTheLimitIsRefusedOrCloses) {
  ImapConfig config = test::plaintext_config();
  config.limits.max_literal = 10;
  config.limits.max_message = 100;
  Client c(config);
  c.login();
  Output out = c.feed("a CREATE {11}\r\n");
  EXPECT_EQ(out.bytes.rfind("a NO [TOOBIG] ", 0), 0u) << out.bytes;
  EXPECT_EQ(c.session.state(), ImapState::authenticated);
  out = c.feed("b APPEND INBOX {101}\r\n");
  EXPECT_EQ(out.bytes.rfind("b NO [TOOBIG] ", 0), 0u) << out.bytes;
  out = c.feed("c APPEND INBOX {100}\r\n");
  EXPECT_EQ(out.bytes, "+ Ready for literal data\r\n");
  out = c.feed(std::string(100, 'x') + "\r\n");
  const MailboxWork* work = action_of<MailboxWork>(out);
  ASSERT_NE(work, nullptr);
  EXPECT_EQ(std::get<Append>(work->request.command.body).message.size(), 100u);
  c.session.mailbox_done(MailboxReply{"c OK APPEND completed\r\n"});
  out = c.feed("d CREATE {11+}\r\n");
  EXPECT_EQ(out.bytes.rfind("* BYE [TOOBIG] ", 0), 0u) << out.bytes;
  EXPECT_TRUE(out.close);
  EXPECT_EQ(c.session.state(), ImapState::logout);
}

TEST(ImapSessionTest, LongLineCloses) {
  ImapConfig config = test::plaintext_config();
  config.limits.max_line = 100;
  Client c(config);
  Output out = c.feed("a NOOP " + std::string(200, 'x'));
  EXPECT_EQ(out.bytes.rfind("* BYE ", 0), 0u) << out.bytes;
  EXPECT_TRUE(out.close);
}

TEST(ImapSessionTest, PipelinedCommandsAnsweredInOrder) {
  Client c;
  c.login();
  Output out = c.feed("a NOOP\r\nb LIST \"\" *\r\nc NOOP\r\nd STATUS INBOX (MESSAGES)\r\n");
  EXPECT_EQ(out.bytes, "a OK NOOP completed\r\n");
  const MailboxWork* work = action_of<MailboxWork>(out);
  ASSERT_NE(work, nullptr);
  EXPECT_TRUE(std::holds_alternative<List>(work->request.command.body));
  EXPECT_TRUE(c.session.waiting());
  EXPECT_EQ(c.feed("e NOOP\r\n").bytes, "");  // buffered while waiting
  out = c.session.mailbox_done(MailboxReply{"* LIST () \".\" INBOX\r\nb OK LIST completed\r\n"});
  EXPECT_EQ(out.bytes, "* LIST () \".\" INBOX\r\nb OK LIST completed\r\nc OK NOOP completed\r\n");
  work = action_of<MailboxWork>(out);
  ASSERT_NE(work, nullptr);
  EXPECT_EQ(work->request.command.tag, "d");
  out = c.session.mailbox_done(MailboxReply{"d OK STATUS completed\r\n"});
  EXPECT_EQ(out.bytes, "d OK STATUS completed\r\ne OK NOOP completed\r\n");
  EXPECT_FALSE(c.session.waiting());
}

TEST(ImapSessionTest, PipelinedInputOverTheBoundCloses) {
  ImapConfig config = test::plaintext_config();
  config.max_buffered_input = 1000;
  Client c(config);
  c.login();
  c.feed("a LIST \"\" *\r\n");
  ASSERT_TRUE(c.session.waiting());
  Output out = c.feed(std::string(900, 'x'));
  EXPECT_FALSE(out.close);
  out = c.feed(std::string(200, 'x'));
  EXPECT_EQ(out.bytes, "* BYE Too much pipelined input\r\n");
  EXPECT_TRUE(out.close);
  EXPECT_EQ(c.session.buffered_bytes(), 0u);
  EXPECT_EQ(c.session.mailbox_done(MailboxReply{"a OK\r\n"}).bytes, "");
}

TEST(ImapSessionTest, AnswersThatDoNotMatchAreIgnored) {
  Client c;
  EXPECT_EQ(c.session.tls_started().bytes, "");
  EXPECT_EQ(c.session.auth_result(AuthResult::ok).bytes, "");
  EXPECT_EQ(c.session.mailbox_done(MailboxReply{"x"}).bytes, "");
  EXPECT_EQ(c.session.idle_ended("x").bytes, "");
  EXPECT_EQ(c.session.idle_poll_result("* 1 EXISTS\r\n").bytes, "");
  EXPECT_EQ(c.session.state(), ImapState::not_authenticated);
}

TEST(ImapSessionTest, AnyInputSplitGivesTheSameReplies) {
  const std::string input = "a NOOP\r\nb LOGIN {5}\r\nalice \"pw\"\r\nc CAPABILITY\r\nd LOGOUT\r\n";
  std::string whole;
  {
    Client c;
    Output out = c.feed(input);
    whole += out.bytes;
    whole += c.session.auth_result(AuthResult::ok).bytes;
  }
  for (std::size_t chunk = 1; chunk < 9; ++chunk) {
    Client c;
    std::string got;
    for (std::size_t at = 0; at < input.size(); at += chunk) {
      Output out = c.feed(input.substr(at, chunk));
      got += out.bytes;
      if (action_of<CheckCredentials>(out)) got += c.session.auth_result(AuthResult::ok).bytes;
    }
    EXPECT_EQ(got, whole) << "chunk " << chunk;
  }
}

}  // namespace
}  // namespace hamail::mailsvc::imap
