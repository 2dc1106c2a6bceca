#include <gtest/gtest.h>

#include "hamail/mailsvc/imapd/imapd_config.h"

namespace hamail::mailsvc::imapd {
namespace {

const std::string kBase = "mail_root: /srv/mail\nlisteners:\n  - {tls: starttls, address: 127.0.0.1, port: 143}\n";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ImapdConfig, DefaultsAreImapdsOwn) {
  auto c = parse_imapd_config(kBase, "imapd.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->clients.idle_timeout_ms, 30u * 60 * 1000);  // RFC 3501 5.4
  EXPECT_EQ(c->login_timeout_ms, 60000u);
  EXPECT_EQ(c->clients.max_connections, 1000u);
  EXPECT_EQ(c->clients.auth_failure_delay_ms, 2000u);
  EXPECT_FALSE(c->clients.allow_plaintext_auth);
  EXPECT_EQ(c->max_message_bytes, 64u << 20);
  EXPECT_EQ(c->max_literal_bytes, 64u << 10);
  EXPECT_EQ(c->user, "mail");
  EXPECT_EQ(c->tls.cert, "/srv/mail/tls/cert.pem");
  EXPECT_EQ(c->listeners.at(0).tls, daemon::ListenerTls::starttls);
}

TEST(ImapdConfig, EveryKeyIsRead) {
  auto c = parse_imapd_config(kBase + "  - {tls: implicit, address: ::1, port: 993}\n"
                                      "allow_plaintext_auth: true\nidle_timeout: 45m\nlogin_timeout: 20s\n"
                                      "auth_failure_delay: 300ms\nmax_connections: 50\nmax_message_bytes: 1M\n"
                                      "max_literal_bytes: 8KiB\nuser: vmail\nhostname: imap.example.org\n",
                              "imapd.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->listeners.at(1).tls, daemon::ListenerTls::implicit);
  EXPECT_EQ(c->listeners.at(1).port, 993);
  EXPECT_TRUE(c->clients.allow_plaintext_auth);
  EXPECT_EQ(c->clients.idle_timeout_ms, 45u * 60 * 1000);
  EXPECT_EQ(c->login_timeout_ms, 20000u);
  EXPECT_EQ(c->clients.auth_failure_delay_ms, 300u);
  EXPECT_EQ(c->clients.max_connections, 50u);
  EXPECT_EQ(c->max_message_bytes, 1u << 20);
  EXPECT_EQ(c->max_literal_bytes, 8u << 10);
  EXPECT_EQ(c->user, "vmail");
  EXPECT_EQ(c->hostname, "imap.example.org");
}

TEST(ImapdConfig, ErrorsNameFileLineAndKey) {
  auto c = parse_imapd_config("mail_root: /srv/mail\nlisteners:\n  - {role: mx, port: 143}\n"
                              "alow_plaintext_auth: true\nidle_timeout: 10m\nmax_literal_bytes: 10\n"
                              "login_timeout: soon\n",
                              "imapd.yaml");
  ASSERT_FALSE(c);
  EXPECT_TRUE(has(c.error(), "imapd.yaml:3:5: listeners[0].tls: missing required key 'tls'")) << c.error();
  EXPECT_TRUE(has(c.error(), "imapd.yaml:3:6: listeners[0].role: unknown key")) << c.error();
  EXPECT_TRUE(has(c.error(), "imapd.yaml:4:1: alow_plaintext_auth: unknown key 'alow_plaintext_auth' (did you mean "
                             "'allow_plaintext_auth'?)"))
      << c.error();
  EXPECT_TRUE(has(c.error(), "imapd.yaml:5:15: idle_timeout: RFC 3501 wants at least 30m")) << c.error();
  EXPECT_TRUE(has(c.error(), "imapd.yaml:6:20: max_literal_bytes: must be between 1KiB and 16MiB")) << c.error();
  EXPECT_TRUE(has(c.error(), "imapd.yaml:7:16: login_timeout:")) << c.error();
}

TEST(ImapdConfig, ListenersAreRequiredAndRootIsRefused) {
  auto c = parse_imapd_config("mail_root: /srv/mail\nuser: root\n", "imapd.yaml");
  ASSERT_FALSE(c);
  EXPECT_TRUE(has(c.error(), "listeners")) << c.error();
  EXPECT_TRUE(has(c.error(), "user")) << c.error();
}

}  // namespace
}  // namespace hamail::mailsvc::imapd
