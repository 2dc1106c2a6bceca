// MailMetrics: the families every mail daemon has (sessions open and ended by listener and
// TLS, logins by result), counters declared with fixed series, gauges read at each scrape,
// counting from several threads at once, and the text they render.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "hamail/mailsvc/daemon/mail_metrics.h"

namespace hamail::mailsvc::daemon {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(MailMetrics, EverySeriesIsThereAtZeroFromTheStart) {
  MailMetrics m("pop3d", {"starttls", "implicit"});
  std::string text = m.render();
  EXPECT_TRUE(has_line(text, "# TYPE hamail_pop3d_sessions_open gauge")) << text;
  EXPECT_TRUE(has_line(text, "hamail_pop3d_sessions_open{listener=\"starttls\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "hamail_pop3d_sessions_open{listener=\"implicit\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE hamail_pop3d_sessions_total counter")) << text;
  for (const char* l : {"starttls", "implicit"})
    for (const char* t : {"none", "starttls", "implicit"})
      EXPECT_TRUE(has_line(text, std::string("hamail_pop3d_sessions_total{listener=\"") + l + "\",tls=\"" + t + "\"} 0"))
          << l << " " << t << "\n" << text;
  for (const char* r : {"ok", "failed", "refused", "error"})
    EXPECT_TRUE(has_line(text, std::string("hamail_pop3d_logins_total{result=\"") + r + "\"} 0")) << r;
}

TEST(MailMetrics, SessionsAreOpenUntilTheyEndAndThenCountedByTheirTls) {
  MailMetrics m("smtpd", {"mx", "submissions"});
  m.session_started("mx");
  m.session_started("mx");
  m.session_started("submissions");
  std::string text = m.render();
  EXPECT_TRUE(has_line(text, "hamail_smtpd_sessions_open{listener=\"mx\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_sessions_open{listener=\"submissions\"} 1")) << text;

  m.session_ended("mx", session_tls(ListenerTls::starttls, true));
  m.session_ended("mx", session_tls(ListenerTls::starttls, false));
  m.session_ended("submissions", session_tls(ListenerTls::implicit, true));
  text = m.render();
  EXPECT_TRUE(has_line(text, "hamail_smtpd_sessions_open{listener=\"mx\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_sessions_open{listener=\"submissions\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_sessions_total{listener=\"mx\",tls=\"starttls\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_sessions_total{listener=\"mx\",tls=\"none\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_smtpd_sessions_total{listener=\"submissions\",tls=\"implicit\"} 1")) << text;
}

TEST(MailMetrics, SessionTlsNamesWhatTheClientUsed) {
  EXPECT_EQ(session_tls(ListenerTls::implicit, true), SessionTls::implicit);
  EXPECT_EQ(session_tls(ListenerTls::starttls, true), SessionTls::starttls);
  EXPECT_EQ(session_tls(ListenerTls::starttls, false), SessionTls::none);
}

TEST(MailMetrics, AnUnknownListenerOrSeriesCountsNothing) {
  MailMetrics m("imapd", {"starttls"});
  m.session_started("nonesuch");
  m.session_ended("nonesuch", SessionTls::none);
  EXPECT_FALSE(m.counter("logins", {"maybe"}).counts());
  EXPECT_FALSE(m.counter("nonesuch").counts());
  m.counter("nonesuch").inc();  // a no-op, not a crash
  m.login("maybe");
  std::string text = m.render();
  EXPECT_EQ(text.find("nonesuch"), std::string::npos) << text;
  EXPECT_EQ(text.find("maybe"), std::string::npos) << text;
}

TEST(MailMetrics, CountersAndGaugesOfTheDaemonAreRendered) {
  MailMetrics m("imapd", {"starttls"});
  m.add_counter("messages_retrieved", "Messages read.");
  m.add_counter("things", "Things by kind.", {"kind"}, {{"a"}, {"b"}});
  double queue = 7;
  m.add_gauge("queue_messages", "Queued.", [&queue] { return queue; });
  m.counter("messages_retrieved").inc(3);
  m.counter("things", {"b"}).inc();
  m.login("ok");
  m.login("failed");
  m.login("failed");
  std::string text = m.render();
  EXPECT_TRUE(has_line(text, "# HELP hamail_imapd_messages_retrieved_total Messages read.")) << text;
  EXPECT_TRUE(has_line(text, "hamail_imapd_messages_retrieved_total 3")) << text;
  EXPECT_TRUE(has_line(text, "hamail_imapd_things_total{kind=\"a\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "hamail_imapd_things_total{kind=\"b\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_imapd_logins_total{result=\"ok\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "hamail_imapd_logins_total{result=\"failed\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE hamail_imapd_queue_messages gauge")) << text;
  EXPECT_TRUE(has_line(text, "hamail_imapd_queue_messages 7")) << text;
  queue = 2;  // read again at the next scrape: no copy kept
  EXPECT_TRUE(has_line(m.render(), "hamail_imapd_queue_messages 2"));
}

TEST(MailMetrics, ThreadsCountingAtOnceLoseNothing) {
  MailMetrics m("smtpd", {"mx"});
  m.add_counter("messages_accepted", "Accepted.");
  Counter accepted = m.counter("messages_accepted");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) accepted.inc();
    });
  for (auto& t : threads) t.join();
  EXPECT_TRUE(has_line(m.render(), "hamail_smtpd_messages_accepted_total 40000"));
}

}  // namespace
}  // namespace hamail::mailsvc::daemon
