#include <gtest/gtest.h>

#include "hamail/mailsvc/smtpd/config.h"

namespace hamail::mailsvc::smtpd {
namespace {

const std::string kBase = "mail_root: /srv/mail\nlisteners:\n  - {role: mx, address: 127.0.0.1, port: 25}\n";

TEST(SmtpdConfig, RolesGiveTheListenersTheirTls) {
  auto c = parse_smtpd_config(kBase + "  - {role: submission, address: 127.0.0.1, port: 587}\n"
                                      "  - {role: submissions, address: 127.0.0.1, port: 465}\n",
                              "smtpd.yaml");
  ASSERT_TRUE(c) << c.error();
  ASSERT_EQ(c->listeners.size(), 3u);
  EXPECT_EQ(role_of(c->listeners[0]), smtp::PortRole::mx);
  EXPECT_EQ(c->listeners[0].tls, daemon::ListenerTls::starttls);
  EXPECT_EQ(role_of(c->listeners[1]), smtp::PortRole::submission);
  EXPECT_EQ(c->listeners[1].tls, daemon::ListenerTls::starttls);
  EXPECT_EQ(role_of(c->listeners[2]), smtp::PortRole::submissions);
  EXPECT_EQ(c->listeners[2].tls, daemon::ListenerTls::implicit);
  EXPECT_EQ(c->tls.cert, "/srv/mail/tls/cert.pem");
  EXPECT_EQ(c->queue_dir(), "/srv/mail/queue");
}

TEST(SmtpdConfig, LimitsHoldTheClientPolicyAndSmtpdsOwn) {
  auto c = parse_smtpd_config(kBase, "smtpd.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->clients.max_connections, 200u);
  EXPECT_EQ(c->clients.idle_timeout_ms, 300000u);
  EXPECT_TRUE(c->sender_must_match_login);
  c = parse_smtpd_config(kBase + "limits: {max_connections: 5, idle_timeout: 1m, auth_failure_delay: 300ms,\n"
                                 "         allow_plaintext_auth: true, max_message_size: 1M, max_recipients: 3,\n"
                                 "         max_errors: 4, max_queued: 6, queue_min_free: 1G,\n"
                                 "         sender_must_match_login: false, auth_failures_per_ip: 7}\n",
                         "smtpd.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->clients.max_connections, 5u);
  EXPECT_EQ(c->clients.idle_timeout_ms, 60000u);
  EXPECT_EQ(c->clients.auth_failure_delay_ms, 300u);
  EXPECT_TRUE(c->clients.allow_plaintext_auth);
  EXPECT_EQ(c->max_message_size, 1u << 20);
  EXPECT_EQ(c->max_recipients, 3u);
  EXPECT_EQ(c->max_errors, 4);
  EXPECT_EQ(c->max_queued, 6u);
  EXPECT_EQ(c->queue_min_free, 1ull << 30);
  EXPECT_FALSE(c->sender_must_match_login);
  EXPECT_EQ(c->clients.auth_limits.per_ip, 7u);
}

TEST(SmtpdConfig, ListenerAndLimitErrorsNameLineAndKey) {
  auto c = parse_smtpd_config("mail_root: /srv/mail\nlisteners:\n  - {role: imap, address: 127.0.0.1, port: 143}\n"
                              "limits: {max_conections: 5}\nallow_plaintext_auth: true\n",
                              "smtpd.yaml");
  ASSERT_FALSE(c);
  const auto& e = c.error();
  EXPECT_NE(e.find("smtpd.yaml:3:12: listeners[0].role: 'imap' is not one of: mx, submission, submissions"),
            std::string::npos) << e;
  EXPECT_NE(e.find("smtpd.yaml:4:10: limits.max_conections: unknown key 'max_conections' (did you mean "
                   "'max_connections'?)"), std::string::npos) << e;
  // smtpd keeps the client policy under limits:, not at the top level (pop3d's place).
  EXPECT_NE(e.find("smtpd.yaml:5:1: allow_plaintext_auth: unknown key"), std::string::npos) << e;
}

TEST(SmtpdConfig, DeliveryDefaultsAreMxLookupWithOpportunisticTls) {
  auto c = parse_smtpd_config(kBase, "smtpd.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->delivery.relay);
  EXPECT_FALSE(c->delivery.dns_server);
  EXPECT_EQ(c->delivery.tls, smtp::ClientTlsPolicy::may);
  EXPECT_EQ(c->delivery.retry.queue_lifetime_s, 5u * 86400);
}

TEST(SmtpdConfig, ReadsTheDeliverySection) {
  auto c = parse_smtpd_config(kBase +
                                  "delivery:\n  relay_host: '[10.0.0.1]:587'\n  dns_server: 127.0.0.1:5353\n"
                                  "  tls: verify\n  min_backoff: 30s\n  max_backoff: 1h\n  queue_lifetime: 2d\n"
                                  "  connect_timeout: 5s\n  command_timeout: 2m\n  max_parallel: 4\n  io_threads: 16\n",
                              "smtpd.yaml");
  ASSERT_TRUE(c) << c.error();
  ASSERT_TRUE(c->delivery.relay);
  EXPECT_EQ(c->delivery.relay->host, "10.0.0.1");
  EXPECT_EQ(c->delivery.relay->port, 587);
  EXPECT_FALSE(c->delivery.relay->mx_lookup);
  ASSERT_TRUE(c->delivery.dns_server);
  EXPECT_EQ(c->delivery.dns_server->port, 5353);
  EXPECT_EQ(c->delivery.tls, smtp::ClientTlsPolicy::encrypt);
  EXPECT_TRUE(c->delivery.tls_verify);
  EXPECT_EQ(c->delivery.retry.min_backoff_s, 30u);
  EXPECT_EQ(c->delivery.retry.max_backoff_s, 3600u);
  EXPECT_EQ(c->delivery.retry.queue_lifetime_s, 2u * 86400);
  EXPECT_EQ(c->delivery.connect_timeout_ms, 5000u);
  EXPECT_EQ(c->delivery.max_parallel, 4u);
  EXPECT_EQ(c->delivery.io_threads, 16u);
}

TEST(SmtpdConfig, DeliveryErrorsNameLineAndKey) {
  auto c = parse_smtpd_config(kBase + "delivery:\n  relay_host: 'smtp.example.org:99999'\n  dns_server: resolver\n"
                                      "  tls: sometimes\n  retries: 3\n  min_backoff: 2h\n  max_backoff: 1h\n",
                              "smtpd.yaml");
  ASSERT_FALSE(c);
  const auto& e = c.error();
  EXPECT_NE(e.find("smtpd.yaml:5:15: delivery.relay_host:"), std::string::npos) << e;
  EXPECT_NE(e.find("bad port"), std::string::npos) << e;
  EXPECT_NE(e.find("delivery.dns_server: 'resolver' is not an IPv4 address[:port]"), std::string::npos) << e;
  EXPECT_NE(e.find("delivery.tls: 'sometimes' is not one of"), std::string::npos) << e;
  EXPECT_NE(e.find("delivery.retries"), std::string::npos) << e;
  EXPECT_NE(e.find("delivery.max_backoff: max_backoff must not be shorter than min_backoff"), std::string::npos) << e;
}

}  // namespace
}  // namespace hamail::mailsvc::smtpd
