#include <gtest/gtest.h>

#include "hamail/mailsvc/pop3d/pop3d_config.h"

namespace hamail::mailsvc::pop3d {
namespace {

const std::string kBase = "mail_root: /srv/mail\nlisteners:\n  - {tls: starttls, address: 127.0.0.1, port: 110}\n";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Pop3dConfig, DefaultsArePop3dsOwn) {
  auto c = parse_pop3d_config(kBase, "pop3d.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->clients.idle_timeout_ms, 600000u);  // RFC 1939: at least 10 minutes
  EXPECT_EQ(c->clients.max_connections, 1000u);
  EXPECT_EQ(c->clients.auth_failure_delay_ms, 2000u);
  EXPECT_FALSE(c->clients.allow_plaintext_auth);
  EXPECT_EQ(c->max_message_bytes, 64u << 20);
  EXPECT_EQ(c->tls.cert, "/srv/mail/tls/cert.pem");
  EXPECT_EQ(c->listeners.at(0).tls, daemon::ListenerTls::starttls);
}

TEST(Pop3dConfig, TheClientPolicyIsReadFromTheTopLevel) {
  auto c = parse_pop3d_config(kBase + "  - {tls: implicit, address: 127.0.0.1, port: 995}\n"
                                      "allow_plaintext_auth: true\nidle_timeout: 1m\nauth_failure_delay: 300ms\n"
                                      "max_connections: 50\nmax_message_bytes: 1M\n",
                              "pop3d.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->listeners.at(1).tls, daemon::ListenerTls::implicit);
  EXPECT_EQ(c->listeners.at(1).kind, "implicit");
  EXPECT_TRUE(c->clients.allow_plaintext_auth);
  EXPECT_EQ(c->clients.idle_timeout_ms, 60000u);
  EXPECT_EQ(c->clients.auth_failure_delay_ms, 300u);
  EXPECT_EQ(c->clients.max_connections, 50u);
  EXPECT_EQ(c->max_message_bytes, 1u << 20);
}

TEST(Pop3dConfig, ErrorsNameLineAndKey) {
  auto c = parse_pop3d_config("mail_root: /srv/mail\nlisteners:\n  - {role: mx, port: 110}\n"
                              "alow_plaintext_auth: true\n",
                              "pop3d.yaml");
  ASSERT_FALSE(c);
  EXPECT_TRUE(has(c.error(), "pop3d.yaml:3:5: listeners[0].tls: missing required key 'tls'")) << c.error();
  EXPECT_TRUE(has(c.error(), "pop3d.yaml:3:6: listeners[0].role: unknown key")) << c.error();
  EXPECT_TRUE(has(c.error(), "pop3d.yaml:4:1: alow_plaintext_auth: unknown key 'alow_plaintext_auth' (did you mean "
                             "'allow_plaintext_auth'?)"))
      << c.error();
}

}  // namespace
}  // namespace hamail::mailsvc::pop3d
