// end_attempt(): expiry, bounces (one DSN per attempt, none for the null sender) and
// what is left in the queue, on a real queue directory.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "hamail/mailsvc/smtpd/queue_runner.h"
#include "queue_test_root.h"

namespace hamail::mailsvc::smtpd {
namespace {

namespace fs = std::filesystem;
using State = QueuedRecipient::State;

class EndAttempt : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = make_queue_test_root("hamail-end-attempt", config_);
    ASSERT_FALSE(root_.empty());
    mailer_.emplace(config_, log_);  // after the config is complete: it keeps the paths
    ASSERT_TRUE(mailer_->init());
  }
  void TearDown() override { fs::remove_all(root_); }

  QueueEnvelope queued(std::string from, std::vector<QueuedRecipient> rcpts, std::int64_t arrival) {
    QueueEnvelope env;
    env.id = "Q" + std::to_string(++n_);
    env.message_id = "<m@example.org>";
    env.from = std::move(from);
    env.recipients = std::move(rcpts);
    env.arrival = arrival;
    EXPECT_TRUE(mailer_->queue().store(env, "Subject: hello\r\nX-Secret-Body: no\r\n\r\nthe body\r\n"));
    return env;
  }
  bool in_queue(const std::string& id) { return fs::exists(mailer_->queue().msg_path(id)); }

  std::string root_;
  SmtpdConfig config_;
  Logger log_{"test", LogLevel::error};
  std::optional<Mailer> mailer_;
  int n_ = 0;
  const std::int64_t now_ = 1'800'000'000;
};

TEST_F(EndAttempt, AllDeliveredRemovesTheFiles) {
  auto env = queued("bob@other.net", {{State::done, "alice@example.org", "2.0.0", "", ""}}, now_);
  auto end = end_attempt(config_, *mailer_, env, now_, "B1", log_);
  EXPECT_TRUE(end.removed);
  EXPECT_FALSE(end.bounce);
  EXPECT_FALSE(in_queue(env.id));
  EXPECT_FALSE(fs::exists(mailer_->queue().msg_path(env.id)));
}

TEST_F(EndAttempt, DeferredStaysWithOneMoreAttempt) {
  auto env = queued("alice@example.org", {{State::remote, "bob@other.net", "4.4.1", "", "smtp; 421 busy"}}, now_ - 60);
  auto end = end_attempt(config_, *mailer_, env, now_, "B1", log_);
  EXPECT_FALSE(end.removed);
  EXPECT_FALSE(end.bounce);
  auto back = mailer_->queue().load(env.id);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->attempts, 1u);
  EXPECT_EQ(back->last_attempt, now_);
  EXPECT_EQ(back->recipients[0].state, State::remote);
}

TEST_F(EndAttempt, FailedRecipientIsBouncedToTheSenderOnce) {
  auto env = queued("alice@example.org",
                    {{State::failed, "bob@other.net", "5.1.1", "mx.other.net[192.0.2.1]:25", "smtp; 550 5.1.1 no such user"},
                     {State::done, "carol@other.net", "2.0.0", "", ""}},
                    now_ - 60);
  auto end = end_attempt(config_, *mailer_, env, now_, "B1", log_);
  ASSERT_TRUE(end.bounce);
  EXPECT_EQ(end.bounce->from, "");
  ASSERT_EQ(end.bounce->recipients.size(), 1u);
  EXPECT_EQ(end.bounce->recipients[0].address, "alice@example.org");
  EXPECT_EQ(end.bounce->recipients[0].state, State::pending);  // a local sender: delivered here
  EXPECT_TRUE(end.removed);  // nothing left of the original
  auto text = mailer_->queue().read_message("B1", 1 << 20);
  ASSERT_TRUE(text) << text.error();
  EXPECT_NE(text->find("550 5.1.1 no such user"), std::string::npos);
  EXPECT_NE(text->find("Final-Recipient: rfc822; bob@other.net"), std::string::npos);
  EXPECT_NE(text->find("Subject: hello"), std::string::npos);  // the original headers
  EXPECT_EQ(text->find("the body"), std::string::npos);        // not its body
  EXPECT_EQ(text->find("carol@other.net"), std::string::npos);  // delivered ones are not reported
}

TEST_F(EndAttempt, PastTheLifetimeUndeliveredRecipientsFailWith447) {
  auto env = queued("alice@example.org", {{State::remote, "bob@other.net", "4.4.1", "", "smtp; 421 4.4.1 busy"}},
                    now_ - 3601);
  env.attempts = 7;
  auto end = end_attempt(config_, *mailer_, env, now_, "B2", log_);
  ASSERT_TRUE(end.bounce);
  EXPECT_TRUE(end.removed);
  auto text = mailer_->queue().read_message("B2", 1 << 20);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("4.4.7"), std::string::npos);
  EXPECT_NE(text->find("421 4.4.1 busy"), std::string::npos);  // the last error is kept
}

TEST_F(EndAttempt, NullSenderIsNeverBounced) {
  auto env = queued("", {{State::failed, "bob@other.net", "5.1.1", "", "smtp; 550 no"}}, now_);
  auto end = end_attempt(config_, *mailer_, env, now_, "B3", log_);
  EXPECT_FALSE(end.bounce);
  EXPECT_TRUE(end.removed);
  EXPECT_FALSE(in_queue("B3"));
}

}  // namespace
}  // namespace hamail::mailsvc::smtpd
