#include <gtest/gtest.h>

#include "smtpd/queue.h"

namespace hamail::mailsvc::smtpd {
namespace {

using State = QueuedRecipient::State;

TEST(QueueEnvelope, RoundTripsEveryField) {
  QueueEnvelope env;
  env.id = "ABC123";
  env.message_id = "<m1@example.org>";
  env.from = "alice@example.org";
  env.auth_user = "alice@example.org";
  env.rcpt_to = {"team@example.org", "bob@other.net"};
  env.recipients = {{State::done, "alice@example.org", "2.0.0", "", ""},
                    {State::remote, "bob@other.net", "4.4.1", "mx.other.net[192.0.2.1]:25",
                     "smtp; 421 4.4.1 try\tlater\r\nagain"},
                    {State::failed, "carol@example.org", "5.1.1", "", "x-hamail; no such user"},
                    {State::bounced, "dave@example.org", "", "", ""},
                    {State::pending, "erin@example.org", "", "", ""}};
  env.arrival = 1764000000;
  env.attempts = 3;
  env.last_attempt = 1764000600;
  auto back = parse_envelope(serialize_envelope(env), "q.env");
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->id, env.id);
  EXPECT_EQ(back->message_id, env.message_id);
  EXPECT_EQ(back->from, env.from);
  EXPECT_EQ(back->rcpt_to, env.rcpt_to);
  EXPECT_EQ(back->arrival, env.arrival);
  EXPECT_EQ(back->attempts, 3u);
  EXPECT_EQ(back->last_attempt, env.last_attempt);
  ASSERT_EQ(back->recipients.size(), 5u);
  EXPECT_EQ(back->recipients[1].state, State::remote);
  EXPECT_EQ(back->recipients[1].remote_mta, "mx.other.net[192.0.2.1]:25");
  EXPECT_EQ(back->recipients[1].diagnostic, "smtp; 421 4.4.1 try later  again");  // one line, no tabs
  EXPECT_EQ(back->recipients[2].status, "5.1.1");
  EXPECT_EQ(back->recipients[3].state, State::bounced);
  EXPECT_EQ(back->recipients[4].state, State::pending);
  EXPECT_EQ(back->recipients[4].status, "");
}

TEST(QueueEnvelope, ReadsTheFirstFormatWithoutRetryFields) {
  auto env = parse_envelope("hamail-queue v1\nid X1\nmessage_id -\nfrom \nauth_user \nrcpt_to a@b.c\nrcpt pending a@b.c\n",
                            "old.env");
  ASSERT_TRUE(env) << env.error();
  EXPECT_EQ(env->from, "");
  EXPECT_EQ(env->attempts, 0u);
  ASSERT_EQ(env->recipients.size(), 1u);
  EXPECT_EQ(env->recipients[0].address, "a@b.c");
}

TEST(QueueEnvelope, ErrorsNameFileAndLine) {
  auto e = parse_envelope("hamail-queue v1\nid X\nattempts many\n", "q.env");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("q.env:3: attempts: expected a number"), std::string::npos) << e.error();
  e = parse_envelope("hamail-queue v1\nid X\nrcpt lost a@b.c\n", "q.env");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("q.env:3: unknown recipient state 'lost'"), std::string::npos) << e.error();
  e = parse_envelope("hamail-queue v1\nid X\nrcpt remote a@b.c\t4.0.0\n", "q.env");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("q.env:3:"), std::string::npos) << e.error();
  e = parse_envelope("hamail-queue v1\nid X\nrcpt remote a@b.c", "q.env");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("truncated"), std::string::npos) << e.error();
}

}  // namespace
}  // namespace hamail::mailsvc::smtpd
