#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "hamail/mailsvc/smtpd/queue.h"

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

namespace hamail::mailsvc::smtpd {
namespace {

class QueueFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hamail-queue-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(QueueFiles, OneFileUntilTheEnvelopeChanges) {
  Queue q(dir_);
  ASSERT_TRUE(q.init());
  QueueEnvelope env;
  env.id = "Q1";
  env.from = "";
  env.recipients = {{QueuedRecipient::State::pending, "a@x.org", "", "", ""},
                    {QueuedRecipient::State::remote, "b@y.org", "", "", ""}};
  const std::string message = "Subject: s\r\n\r\nline one\r\n\r\nafter an empty line\r\n";
  ASSERT_TRUE(q.store(env, message));
  EXPECT_TRUE(std::filesystem::exists(q.msg_path("Q1")));
  EXPECT_FALSE(std::filesystem::exists(q.env_path("Q1"))) << "the 250 needs one file";

  auto loaded = q.load("Q1");
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->from, "");
  ASSERT_EQ(loaded->recipients.size(), 2u);
  EXPECT_EQ(loaded->message_bytes, message.size()) << "the message's size, not the file's";
  auto body = q.read_message("Q1", 1 << 20);
  ASSERT_TRUE(body) << body.error();
  EXPECT_EQ(*body, message) << "the envelope is not part of the message";

  env.recipients[0].state = QueuedRecipient::State::done;
  ASSERT_TRUE(q.update(env));
  loaded = q.load("Q1");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->recipients[0].state, QueuedRecipient::State::done) << ".env overrides the copy in .msg";
  EXPECT_EQ(loaded->message_bytes, message.size()) << "with a .env too";
  EXPECT_EQ(*q.read_message("Q1", 1 << 20), message);

  std::vector<std::string> orphans;
  EXPECT_EQ(*q.list(&orphans), std::vector<std::string>{"Q1"});
  EXPECT_TRUE(orphans.empty());
  ASSERT_TRUE(q.remove("Q1"));
  EXPECT_TRUE(q.list(&orphans)->empty());
  EXPECT_FALSE(std::filesystem::exists(q.env_path("Q1")));
}

TEST_F(QueueFiles, ALoneEnvelopeIsAnOrphanAndABrokenHeadAnError) {
  Queue q(dir_);
  ASSERT_TRUE(q.init());
  std::ofstream(q.env_path("GONE")) << "hamail-queue v1\nid GONE\n";   // a crash during remove()
  std::ofstream(q.msg_path("BAD")) << "Subject: no envelope here\r\n";  // not written by store()
  std::vector<std::string> orphans;
  EXPECT_EQ(*q.list(&orphans), std::vector<std::string>{"BAD"});
  EXPECT_EQ(orphans, std::vector<std::string>{"GONE"});
  ASSERT_TRUE(q.remove_orphan("GONE"));
  EXPECT_FALSE(std::filesystem::exists(q.env_path("GONE")));
  auto bad = q.load("BAD");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("BAD.msg: no envelope at the head of the file"), std::string::npos) << bad.error();
}

}  // namespace
}  // namespace hamail::mailsvc::smtpd
