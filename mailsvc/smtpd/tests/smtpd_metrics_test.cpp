// smtpd's metrics: the families and their fixed series, the handles smtpd counts with, and
// a bounce counted exactly as often as end_attempt logs `bounced` (counts follow the logs).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "hamail/mailsvc/smtpd/queue_runner.h"
#include "queue_test_root.h"
#include "hamail/mailsvc/smtpd/smtpd_metrics.h"

namespace hamail::mailsvc::smtpd {
namespace {

namespace fs = std::filesystem;
using State = QueuedRecipient::State;

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

std::size_t count_of(const std::vector<std::string>& lines, const std::string& part) {
  std::size_t n = 0;
  for (const auto& l : lines) n += l.find(part) != std::string::npos;
  return n;
}

TEST(SmtpdMetrics, EveryFamilyAndSeriesIsDeclaredAtZero) {
  daemon::MailMetrics m("smtpd", {"mx", "submission", "submissions"});
  declare_smtpd_metrics(m);
  std::string text = m.render();
  EXPECT_TRUE(has_line(text, "# TYPE hamail_smtpd_messages_accepted_total counter")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_messages_accepted_total 0")) << text;
  for (const char* r : {"recipient", "relay", "sender", "size", "loop", "queue_full", "error"})
    EXPECT_TRUE(has_line(text, std::string("hamail_smtpd_rejected_total{reason=\"") + r + "\"} 0")) << r;
  for (const char* s : {"destination=\"local\",result=\"delivered\"", "destination=\"local\",result=\"deferred\"",
                        "destination=\"remote\",result=\"delivered\"", "destination=\"remote\",result=\"deferred\"",
                        "destination=\"remote\",result=\"failed\""})
    EXPECT_TRUE(has_line(text, std::string("hamail_smtpd_deliveries_total{") + s + "} 0")) << s;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_bounced_total 0")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_sessions_open{listener=\"submission\"} 0")) << text;
}

TEST(SmtpdMetrics, EveryHandleCountsItsOwnSeries) {
  daemon::MailMetrics m("smtpd", {"mx"});
  declare_smtpd_metrics(m);
  SmtpdCounters c = smtpd_counters(m);
  const daemon::Counter* all[] = {&c.accepted,         &c.rejected_recipient, &c.rejected_relay, &c.rejected_sender,
                                  &c.rejected_size,    &c.rejected_loop,      &c.rejected_queue_full,
                                  &c.rejected_error,   &c.delivered_local,    &c.delivered_remote, &c.deferred_local,
                                  &c.deferred_remote,  &c.failed_remote,      &c.bounced};
  std::uint64_t n = 0;
  for (const auto* h : all) {
    EXPECT_TRUE(h->counts());
    h->inc(++n);  // a different step each: a handle pointing at another's series shows
  }
  std::string text = m.render();
  EXPECT_TRUE(has_line(text, "hamail_smtpd_messages_accepted_total 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_rejected_total{reason=\"recipient\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_rejected_total{reason=\"relay\"} 3")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_rejected_total{reason=\"sender\"} 4")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_rejected_total{reason=\"size\"} 5")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_rejected_total{reason=\"loop\"} 6")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_rejected_total{reason=\"queue_full\"} 7")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_rejected_total{reason=\"error\"} 8")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_deliveries_total{destination=\"local\",result=\"delivered\"} 9")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_deliveries_total{destination=\"remote\",result=\"delivered\"} 10")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_deliveries_total{destination=\"local\",result=\"deferred\"} 11")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_deliveries_total{destination=\"remote\",result=\"deferred\"} 12")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_deliveries_total{destination=\"remote\",result=\"failed\"} 13")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_bounced_total 14")) << text;
}

class SmtpdMetricsQueue : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = make_queue_test_root("hamail-smtpd-metrics", config_);
    ASSERT_FALSE(root_.empty());
    declare_smtpd_metrics(metrics_);
    mailer_.emplace(config_, log_, smtpd_counters(metrics_));
    ASSERT_TRUE(mailer_->init());
    log_.set_capture(&lines_);
    log_.set_stderr(false);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string root_;
  SmtpdConfig config_;
  Logger log_{"smtpd", LogLevel::info};
  std::vector<std::string> lines_;
  daemon::MailMetrics metrics_{"smtpd", {"mx"}};
  std::optional<Mailer> mailer_;
};

TEST_F(SmtpdMetricsQueue, EachBouncedRecordIsCountedOnce) {
  QueueEnvelope env;
  env.id = "Q1";
  env.message_id = "<m@example.org>";
  env.from = "bob@other.net";
  env.recipients = {{State::failed, "carol@far.example", "5.1.1", "mx.far.example", "smtp; 550 no"},
                    {State::failed, "dave@far.example", "5.1.1", "mx.far.example", "smtp; 550 no"},
                    {State::done, "alice@example.org", "2.0.0", "", ""}};
  env.arrival = 1'800'000'000;
  ASSERT_TRUE(mailer_->queue().store(env, "Subject: hello\r\n\r\nbody\r\n"));
  auto end = end_attempt(config_, *mailer_, env, env.arrival, "B1", log_);
  ASSERT_TRUE(end.bounce);
  EXPECT_EQ(count_of(lines_, "event=bounced "), 2u);
  std::string text = metrics_.render();
  EXPECT_TRUE(has_line(text, "hamail_smtpd_bounced_total 2")) << text;
  // The DSN is this server's own message, not one accepted from a client.
  EXPECT_TRUE(has_line(text, "hamail_smtpd_messages_accepted_total 0")) << text;
}

}  // namespace
}  // namespace hamail::mailsvc::smtpd
