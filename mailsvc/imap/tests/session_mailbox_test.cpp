// ImapSession after login: mailbox commands round trip through the worker (a fake
// reply here), the selected state's changes, CONDSTORE turned on by a command, a BYE
// from the worker, and IDLE.
#include <gtest/gtest.h>

#include <string>

#include "session_test_util.h"

namespace hamail::mailsvc::imap {
namespace {

using test::action_of;
using test::Client;

TEST(ImapSessionMailboxTest, SelectRoundTrip) {
  Client c;
  c.login();
  c.feed("e ENABLE CONDSTORE\r\n");
  Output out = c.feed("a SELECT INBOX\r\n");
  EXPECT_EQ(out.bytes, "");
  const MailboxWork* work = action_of<MailboxWork>(out);
  ASSERT_NE(work, nullptr);
  EXPECT_EQ(work->request.command.tag, "a");
  EXPECT_EQ(std::get<Select>(work->request.command.body).mailbox, "INBOX");
  EXPECT_TRUE(work->request.flags.condstore);
  EXPECT_TRUE(c.session.waiting());
  MailboxReply reply;
  reply.bytes = "* 3 EXISTS\r\na OK [READ-WRITE] SELECT completed\r\n";
  reply.selected = SelectedChange::selected;
  out = c.session.mailbox_done(reply);
  EXPECT_EQ(out.bytes, reply.bytes);
  EXPECT_FALSE(out.action.has_value());
  EXPECT_EQ(c.session.state(), ImapState::selected);
  EXPECT_FALSE(c.session.read_only());
  EXPECT_FALSE(c.session.waiting());
}

TEST(ImapSessionMailboxTest, SelectedStateCommandsGoToTheWorker) {
  Client c;
  c.login();
  c.select();
  for (const char* line : {"a FETCH 1:* (FLAGS)\r\n", "a UID STORE 1 +FLAGS (\\Seen)\r\n", "a NOOP\r\n",
                           "a CHECK\r\n", "a UID EXPUNGE 1\r\n", "a LIST \"\" *\r\n", "a UID MOVE 1 Trash\r\n"}) {
    Output out = c.feed(line);
    ASSERT_NE(action_of<MailboxWork>(out), nullptr) << line << out.bytes;
    out = c.session.mailbox_done(MailboxReply{"a OK done\r\n"});
    EXPECT_EQ(out.bytes, "a OK done\r\n");
    EXPECT_EQ(c.session.state(), ImapState::selected) << line;
  }
}

TEST(ImapSessionMailboxTest, ExamineIsReadOnlyAndCloseDeselects) {
  Client c;
  c.login();
  c.select(SelectedChange::selected_read_only);
  EXPECT_TRUE(c.session.read_only());
  c.feed("a CLOSE\r\n");
  MailboxReply reply{"a OK CLOSE completed\r\n"};
  reply.selected = SelectedChange::deselected;
  c.session.mailbox_done(reply);
  EXPECT_EQ(c.session.state(), ImapState::authenticated);
  EXPECT_FALSE(c.session.read_only());
  EXPECT_EQ(c.feed("b FETCH 1 FLAGS\r\n").bytes, "b BAD No mailbox selected\r\n");
}

TEST(ImapSessionMailboxTest, FailedSelectWhileSelectedDeselects) {
  Client c;
  c.login();
  c.select();
  c.feed("a SELECT Nope\r\n");
  MailboxReply reply{"a NO [NONEXISTENT] Mailbox does not exist\r\n"};
  reply.selected = SelectedChange::deselected;
  EXPECT_EQ(c.session.mailbox_done(reply).bytes, reply.bytes);
  EXPECT_EQ(c.session.state(), ImapState::authenticated);
}

TEST(ImapSessionMailboxTest, CondstoreTurnedOnByACommand) {
  Client c;
  c.login();
  c.select();
  EXPECT_FALSE(c.session.flags().condstore);
  c.feed("a FETCH 1 (MODSEQ)\r\n");
  MailboxReply reply{"* 1 FETCH (MODSEQ (5))\r\na OK FETCH completed\r\n"};
  reply.condstore_now_on = true;
  c.session.mailbox_done(reply);
  EXPECT_TRUE(c.session.flags().condstore);
  Output out = c.feed("b FETCH 1 FLAGS\r\n");
  ASSERT_NE(action_of<MailboxWork>(out), nullptr);
  EXPECT_TRUE(action_of<MailboxWork>(out)->request.flags.condstore);
}

TEST(ImapSessionMailboxTest, ByeFromTheWorkerCloses) {
  Client c;
  c.login();
  c.select();
  c.feed("a NOOP\r\nb NOOP\r\n");
  MailboxReply reply{"* BYE Mailbox was deleted\r\n"};
  reply.bye = true;
  Output out = c.session.mailbox_done(reply);
  EXPECT_EQ(out.bytes, reply.bytes);
  EXPECT_TRUE(out.close);
  EXPECT_EQ(c.session.state(), ImapState::logout);
}

TEST(ImapSessionMailboxTest, IdleForwardsPollsUntilDone) {
  Client c;
  c.login();
  c.select();
  Output out = c.feed("a IDLE\r\n");
  EXPECT_EQ(out.bytes, "+ idling\r\n");
  ASSERT_NE(action_of<IdleStart>(out), nullptr);
  EXPECT_TRUE(c.session.idling());
  EXPECT_FALSE(c.session.waiting());  // the shell keeps reading
  EXPECT_EQ(c.session.idle_poll_result("* 4 EXISTS\r\n").bytes, "* 4 EXISTS\r\n");
  EXPECT_EQ(c.session.idle_poll_result("").bytes, "");
  out = c.feed("done\r\nb NOOP\r\n");
  EXPECT_EQ(out.bytes, "");
  ASSERT_NE(action_of<IdleEnd>(out), nullptr);
  EXPECT_TRUE(c.session.waiting());
  EXPECT_EQ(c.session.idle_poll_result("* 5 EXISTS\r\n").bytes, "");  // too late: idle_ended brings it
  out = c.session.idle_ended("* 5 EXISTS\r\n");
  EXPECT_EQ(out.bytes, "* 5 EXISTS\r\na OK IDLE terminated\r\n");
  ASSERT_NE(action_of<MailboxWork>(out), nullptr);  // the pipelined NOOP
  EXPECT_FALSE(c.session.idling());
}

TEST(ImapSessionMailboxTest, IdleEndedByAnotherLineIsBad) {
  Client c;
  c.login();
  c.feed("a IDLE\r\n");  // authenticated state is enough
  Output out = c.feed("b NOOP\r\n");
  ASSERT_NE(action_of<IdleEnd>(out), nullptr);
  out = c.session.idle_ended("");
  EXPECT_EQ(out.bytes, "a BAD Expected DONE to end IDLE\r\n");
  EXPECT_EQ(c.feed("c NOOP\r\n").bytes, "c OK NOOP completed\r\n");
}

TEST(ImapSessionMailboxTest, IdleAndDoneInOneInputNeedNoPolling) {
  Client c;
  c.login();
  Output out = c.feed("a IDLE\r\nDONE\r\nb NAMESPACE\r\n");
  EXPECT_EQ(out.bytes,
            "+ idling\r\na OK IDLE terminated\r\n* NAMESPACE ((\"\" \".\")) NIL NIL\r\nb OK NAMESPACE completed\r\n");
  EXPECT_FALSE(out.action.has_value());
  EXPECT_FALSE(c.session.idling());
  out = c.feed("c IDLE\r\nc NOOP\r\n");
  EXPECT_EQ(out.bytes, "+ idling\r\nc BAD Expected DONE to end IDLE\r\n");
  EXPECT_FALSE(out.action.has_value());
}

TEST(ImapSessionMailboxTest, IdleLineOverTheLimitCloses) {
  ImapConfig config = test::plaintext_config();
  config.limits.max_line = 64;
  Client c(config);
  c.login();
  c.feed("a IDLE\r\n");
  Output out = c.feed(std::string(100, 'x'));
  EXPECT_EQ(out.bytes.rfind("* BYE ", 0), 0u);
  EXPECT_TRUE(out.close);
}

}  // namespace
}  // namespace hamail::mailsvc::imap
