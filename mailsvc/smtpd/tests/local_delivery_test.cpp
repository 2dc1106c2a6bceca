// deliver_local() across a crash between a Maildir commit and its queue record: the next
// smtpd's recovery finds the committed copy (in new/, or in cur/ with flags) and does not
// deliver it twice; an uncommitted tmp/ file is no delivery; fresh mail is never looked for.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "hamail/mailsvc/smtpd/local_delivery.h"
#include "hamail/mailsvc/store/maildir.h"

namespace hamail::mailsvc::smtpd {
namespace {

namespace fs = std::filesystem;
using State = QueuedRecipient::State;

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  return out;
}

class LocalDelivery : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hamail-local-delivery-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    config_.mail_root = root_;
    config_.hostname = "mx.example.org";
    queue_.emplace(root_ + "/queue");
    ASSERT_TRUE(queue_->init());
    log_.set_stderr(false);
    log_.set_capture(&lines_);
  }
  void TearDown() override { fs::remove_all(root_); }

  QueueEnvelope queued(std::vector<std::string> to) {
    QueueEnvelope env;
    env.id = new_queue_id(++n_);
    env.message_id = "<m@example.org>";
    env.from = "bob@other.net";
    for (auto& a : to) env.recipients.push_back({State::pending, a, "", "", ""});
    EXPECT_TRUE(queue_->store(env, "Subject: hello\r\n\r\nthe body\r\n"));
    return env;
  }
  // A new smtpd after a crash: the envelope as the queue has it, expected as recover() does.
  QueueEnvelope recover(const std::string& id, RecoveredDeliveries& recovered) {
    auto env = queue_->load(id);
    EXPECT_TRUE(env) << env.error();
    expect_recovered(config_, *env, recovered);
    return *env;
  }
  std::string box(const std::string& address, const char* sub) { return maildir_of(config_, address) + "/" + sub; }
  std::size_t copies(const std::string& address) { return files_in(box(address, "new")).size() + files_in(box(address, "cur")).size(); }
  std::size_t logged(const std::string& event) {
    return static_cast<std::size_t>(std::count_if(lines_.begin(), lines_.end(), [&](const std::string& l) {
      return l.find("event=" + event + " ") != std::string::npos;
    }));
  }

  std::string root_;
  SmtpdConfig config_;
  std::optional<Queue> queue_;
  std::vector<std::string> lines_;
  Logger log_{"test", LogLevel::info};
  int n_ = 0;
};

TEST_F(LocalDelivery, CrashBetweenCommitAndQueueRemovalDeliversOnce) {
  auto env = queued({"alice@example.org", "carol@example.org"});
  RecoveredDeliveries first(log_);
  ASSERT_TRUE(deliver_local(config_, *queue_, env, first, log_));
  ASSERT_EQ(env.recipients[1].state, State::done);
  // Crash here: end_attempt never removed the files. alice's done is recorded, carol's not.
  ASSERT_EQ(queue_->load(env.id)->recipients[1].state, State::pending);

  RecoveredDeliveries second(log_);
  auto back = recover(env.id, second);
  EXPECT_EQ(second.expected(), 1u) << "only carol's copy is in doubt";
  ASSERT_TRUE(deliver_local(config_, *queue_, back, second, log_));
  EXPECT_EQ(back.recipients[1].state, State::done);
  EXPECT_EQ(copies("alice@example.org"), 1u);
  EXPECT_EQ(copies("carol@example.org"), 1u);
  EXPECT_EQ(logged("delivery_already_done"), 1u);
  EXPECT_EQ(second.expected(), 0u) << "answered once, then forgotten";
}

TEST_F(LocalDelivery, ACopyMovedToCurWithFlagsIsFoundToo) {
  auto env = queued({"alice@example.org"});
  RecoveredDeliveries first(log_);
  ASSERT_TRUE(deliver_local(config_, *queue_, env, first, log_));
  auto md = store::Maildir::open(maildir_of(config_, "alice@example.org"));
  ASSERT_TRUE(md) << md.error();
  auto name = files_in(box("alice@example.org", "new")).at(0);
  auto read = md->set_flags(name, "S");  // POP3 / IMAP read it before the crash
  ASSERT_TRUE(read) << read.error();

  RecoveredDeliveries second(log_);
  auto back = recover(env.id, second);
  ASSERT_TRUE(deliver_local(config_, *queue_, back, second, log_));
  EXPECT_EQ(back.recipients[0].state, State::done);
  EXPECT_EQ(files_in(box("alice@example.org", "new")).size(), 0u);
  EXPECT_EQ(files_in(box("alice@example.org", "cur")), std::vector<std::string>{*read});
  ASSERT_EQ(logged("delivery_already_done"), 1u);
  EXPECT_NE(lines_.back().find("file=cur/" + *read), std::string::npos) << lines_.back();
}

TEST_F(LocalDelivery, OnlyATmpFileMeansOneCommittedCopy) {
  auto env = queued({"alice@example.org"});
  // The crash came before the commit: the copy's tmp/ file, no file in new/.
  auto md = store::Maildir::create(maildir_of(config_, "alice@example.org"));
  ASSERT_TRUE(md) << md.error();
  auto d = md->begin_delivery(delivery_token(env.id, 0, "alice@example.org"));
  ASSERT_TRUE(d && d->write("Subject: hel"));
  fs::copy_file(d->tmp_path(), d->tmp_path() + ".kept");
  std::string tmp = d->tmp_path();
  d->abort();
  fs::rename(tmp + ".kept", tmp);

  RecoveredDeliveries second(log_);
  auto back = recover(env.id, second);
  ASSERT_TRUE(deliver_local(config_, *queue_, back, second, log_));
  EXPECT_EQ(back.recipients[0].state, State::done);
  EXPECT_EQ(files_in(box("alice@example.org", "new")).size(), 1u);
  EXPECT_EQ(files_in(box("alice@example.org", "tmp")).size(), 0u) << "the uncommitted leftover is removed";
  EXPECT_EQ(logged("delivery_already_done"), 0u);
  EXPECT_EQ(logged("maildir_leftovers_removed"), 1u);
}

TEST_F(LocalDelivery, FreshMailIsDeliveredWhateverTheMaildirHolds) {
  auto env = queued({"alice@example.org", "alice@example.org"});
  // Files carrying this very entry's tokens (as unlikely as a 64-bit collision): fresh
  // mail, accepted by this process, is never looked for.
  auto md = store::Maildir::create(maildir_of(config_, "alice@example.org"));
  ASSERT_TRUE(md) << md.error();
  for (std::size_t i : {0, 1}) {
    auto d = md->begin_delivery(delivery_token(env.id, i, "alice@example.org"));
    ASSERT_TRUE(d && d->write("x\r\n") && d->commit());
  }
  RecoveredDeliveries fresh(log_);
  ASSERT_TRUE(deliver_local(config_, *queue_, env, fresh, log_));
  EXPECT_EQ(copies("alice@example.org"), 4u);
  EXPECT_EQ(logged("delivery_already_done"), 0u);
}

TEST_F(LocalDelivery, ARecoveredEntryIgnoresOtherEntriesAndRecipientsCopies) {
  auto env = queued({"alice@example.org", "alice@example.org"});
  auto other = queued({"alice@example.org"});
  auto md = store::Maildir::create(maildir_of(config_, "alice@example.org"));
  ASSERT_TRUE(md) << md.error();
  // Similar names: another queue entry's copy, and this entry's copy for another recipient number.
  for (auto token : {delivery_token(other.id, 0, "alice@example.org"), delivery_token(env.id, 2, "alice@example.org")}) {
    auto d = md->begin_delivery(token);
    ASSERT_TRUE(d && d->write("x\r\n") && d->commit());
  }
  RecoveredDeliveries second(log_);
  auto back = recover(env.id, second);
  ASSERT_TRUE(deliver_local(config_, *queue_, back, second, log_));
  EXPECT_EQ(copies("alice@example.org"), 4u) << "both recipients delivered";
  EXPECT_EQ(logged("delivery_already_done"), 0u);
}

TEST_F(LocalDelivery, ACopyDeletedBeforeTheRecoveryIsDeliveredAgain) {
  // The documented limit: the user deleted it between the commit and the crash.
  auto env = queued({"alice@example.org"});
  RecoveredDeliveries first(log_);
  ASSERT_TRUE(deliver_local(config_, *queue_, env, first, log_));
  for (auto& f : files_in(box("alice@example.org", "new"))) fs::remove(box("alice@example.org", "new") + "/" + f);
  RecoveredDeliveries second(log_);
  auto back = recover(env.id, second);
  ASSERT_TRUE(deliver_local(config_, *queue_, back, second, log_));
  EXPECT_EQ(copies("alice@example.org"), 1u);
  EXPECT_EQ(logged("delivered"), 2u);
}

TEST_F(LocalDelivery, AMaildirThatCannotBeScannedDefersAndIsAskedAgain) {
  auto env = queued({"alice@example.org"});
  RecoveredDeliveries second(log_);
  auto back = recover(env.id, second);
  fs::create_directories(maildir_of(config_, "alice@example.org"));
  std::ofstream(box("alice@example.org", "new")) << "not a directory";
  ASSERT_TRUE(deliver_local(config_, *queue_, back, second, log_));
  EXPECT_EQ(back.recipients[0].state, State::pending);
  EXPECT_NE(back.recipients[0].diagnostic.find("looking for copies delivered before the restart"), std::string::npos)
      << back.recipients[0].diagnostic;
  EXPECT_EQ(second.expected(), 1u);
  fs::remove(box("alice@example.org", "new"));
  ASSERT_TRUE(deliver_local(config_, *queue_, back, second, log_));
  EXPECT_EQ(back.recipients[0].state, State::done);
  EXPECT_EQ(copies("alice@example.org"), 1u);
}

}  // namespace
}  // namespace hamail::mailsvc::smtpd
