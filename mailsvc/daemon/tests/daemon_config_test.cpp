#include <gtest/gtest.h>

#include <algorithm>

#include "hamail/mailsvc/daemon/config_file.h"
#include "hamail/mailsvc/daemon/daemon_config.h"

namespace hamail::mailsvc::daemon {
namespace {

const ListenerSchema kSchema{"role", {{"mx", ListenerTls::starttls}, {"submissions", ListenerTls::implicit}}};

// A daemon's reader as smtpd has it: the shared sections on top, the client policy under limits:.
Status parse(const std::string& text, DaemonConfig& out) {
  return parse_config_text(text, "mail.yaml", [&](config::MapReader& top) {
    read_daemon_sections(top, kSchema, out);
    read_section(top, "limits", [&](config::MapReader& m) { read_client_policy(m, out.clients); });
  });
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(DaemonConfig, ReadsTheSharedSectionsWithTheirDefaults) {
  DaemonConfig c;
  c.clients.idle_timeout_ms = 600000;  // the daemon's own default survives an absent key
  Status s = parse("mail_root: /srv/mail\nhostname: mail.example.org\nlisteners:\n"
                   "  - {role: mx, address: 0.0.0.0, port: 25}\n"
                   "  - {role: submissions, port: 465}\n"
                   "limits: {max_connections: 7, auth_failure_delay: 300ms, allow_plaintext_auth: true}\n",
                   c);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(c.mail_root, "/srv/mail");
  EXPECT_EQ(c.hostname, "mail.example.org");
  ASSERT_EQ(c.listeners.size(), 2u);
  EXPECT_EQ(c.listeners[0].kind, "mx");
  EXPECT_EQ(c.listeners[0].tls, ListenerTls::starttls);
  EXPECT_EQ(c.listeners[0].address, "0.0.0.0");
  EXPECT_EQ(c.listeners[0].port, 25);
  EXPECT_EQ(c.listeners[1].kind, "submissions");
  EXPECT_EQ(c.listeners[1].tls, ListenerTls::implicit);
  EXPECT_EQ(c.listeners[1].address, "127.0.0.1");  // loopback unless told otherwise
  EXPECT_EQ(c.tls.cert, "/srv/mail/tls/cert.pem");
  EXPECT_EQ(c.tls.key, "/srv/mail/tls/key.pem");
  EXPECT_EQ(c.clients.max_connections, 7u);
  EXPECT_EQ(c.clients.idle_timeout_ms, 600000u);
  EXPECT_EQ(c.clients.auth_failure_delay_ms, 300u);
  EXPECT_TRUE(c.clients.allow_plaintext_auth);
  EXPECT_EQ(c.users_dir(), "/srv/mail/etc");
  EXPECT_EQ(c.maildirs_dir(), "/srv/mail/maildirs");
}

TEST(DaemonConfig, TlsFilesAreTakenAsGiven) {
  DaemonConfig c;
  Status s = parse("mail_root: /srv/mail\nlisteners: [{role: mx, port: 25}]\n"
                   "tls: {cert: /etc/ssl/mail.crt, key: /etc/ssl/private/mail.key}\n",
                   c);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(c.tls.cert, "/etc/ssl/mail.crt");
  EXPECT_EQ(c.tls.key, "/etc/ssl/private/mail.key");
}

TEST(DaemonConfig, ListenerErrorsNameLineColumnAndKey) {
  DaemonConfig c;
  Status s = parse("mail_root: /srv/mail\nlisteners:\n"
                   "  - {role: imap, address: 127.0.0.1, port: 143}\n"
                   "  - {role: mx, address: 127.0.0.1, port: 70000}\n"
                   "  - {role: mx, adress: 127.0.0.1, port: 25}\n"
                   "  - {role: mx, address: 127.0.0.1}\n",
                   c);
  ASSERT_FALSE(s);
  const std::string& e = s.message();
  EXPECT_TRUE(has(e, "mail.yaml:3:12: listeners[0].role: 'imap' is not one of")) << e;
  EXPECT_TRUE(has(e, "mail.yaml:4:42: listeners[1].port:")) << e;
  EXPECT_TRUE(has(e, "mail.yaml:5:16: listeners[2].adress: unknown key")) << e;
  EXPECT_TRUE(has(e, "address")) << e;  // the suggestion
  EXPECT_TRUE(has(e, "listeners[3].port: missing required key 'port'")) << e;
  EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 3) << "one line per error: " << e;
}

TEST(DaemonConfig, SectionErrorsNameLineAndKey) {
  DaemonConfig c;
  Status s = parse("mail_root: srv/mail\nlisteners: []\ntls: {cert: /a.pem, chain: /b.pem}\n"
                   "limits: {idle_timeout: soon, max_connections: 0}\nlogging: {level: debug}\n",
                   c);
  ASSERT_FALSE(s);
  const std::string& e = s.message();
  EXPECT_TRUE(has(e, "mail.yaml:1:12: mail_root: must be an absolute path")) << e;
  EXPECT_TRUE(has(e, "mail.yaml:2:12: listeners: at least one listener is needed")) << e;
  EXPECT_TRUE(has(e, "mail.yaml:3:21: tls.chain: unknown key")) << e;
  EXPECT_TRUE(has(e, "mail.yaml:4:24: limits.idle_timeout:")) << e;
  EXPECT_TRUE(has(e, "limits.max_connections:")) << e;
  EXPECT_TRUE(has(e, "mail.yaml:5:1: logging: unknown key")) << e;
}

TEST(DaemonConfig, ASectionThatIsNoMappingIsNamed) {
  DaemonConfig c;
  Status s = parse("mail_root: /srv/mail\nlisteners: [{role: mx, port: 25}]\nlimits: [idle_timeout]\n", c);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "mail.yaml:3:9: limits: expected a mapping of keys, found a list");
}

TEST(DaemonConfig, MissingSectionsAreNamed) {
  DaemonConfig c;
  Status s = parse("hostname: mail.example.org\n", c);
  ASSERT_FALSE(s);
  EXPECT_TRUE(has(s.message(), "mail.yaml:1:1: mail_root: missing required key 'mail_root'")) << s.message();
  EXPECT_TRUE(has(s.message(), "mail.yaml:1:1: listeners: missing required key 'listeners'")) << s.message();
}

TEST(DaemonConfig, SyntaxErrorsAndEmptyFilesNameTheFile) {
  DaemonConfig c;
  Status s = parse("mail_root: /srv/mail\nlisteners: [{role: mx\n", c);
  ASSERT_FALSE(s);
  EXPECT_TRUE(has(s.message(), "mail.yaml:3:")) << s.message();
  EXPECT_TRUE(has(s.message(), "YAML syntax error")) << s.message();
  s = parse("# nothing yet\n", c);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "mail.yaml: the file is empty");
  s = parse("- a list\n", c);
  ASSERT_FALSE(s);
  EXPECT_TRUE(has(s.message(), "mail.yaml:1:1: (top level): expected a mapping")) << s.message();
}

TEST(DaemonConfig, TheMetricsEndpointIsOffUnlessListenIsGiven) {
  DaemonConfig c;
  ASSERT_TRUE(parse("mail_root: /srv/mail\nlisteners: [{role: mx, port: 25}]\n", c));
  EXPECT_EQ(c.metrics_listen, "");
  Status s = parse("mail_root: /srv/mail\nlisteners: [{role: mx, port: 25}]\nmetrics: {listen: \"[::1]:9666\"}\n", c);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(c.metrics_listen, "[::1]:9666");
}

TEST(DaemonConfig, MetricsErrorsNameLineColumnAndKey) {
  DaemonConfig c;
  Status s = parse("mail_root: /srv/mail\nlisteners: [{role: mx, port: 25}]\nmetrics:\n  listen: localhost:9666\n", c);
  ASSERT_FALSE(s);
  EXPECT_TRUE(has(s.message(), "mail.yaml:4:11: metrics.listen: ")) << s.message();
  EXPECT_EQ(c.metrics_listen, "");
  s = parse("mail_root: /srv/mail\nlisteners: [{role: mx, port: 25}]\nmetrics: {}\n", c);
  ASSERT_FALSE(s);
  EXPECT_TRUE(has(s.message(), "mail.yaml:3:10: metrics.listen: missing required key 'listen'")) << s.message();
  s = parse("mail_root: /srv/mail\nlisteners: [{role: mx, port: 25}]\nmetrics: {listen: \"127.0.0.1:9666\", port: 1}\n",
            c);
  ASSERT_FALSE(s);
  EXPECT_TRUE(has(s.message(), "metrics.port: unknown key")) << s.message();
}

TEST(DaemonConfig, AnUnreadableFileIsNamed) {
  Status s = read_config_file("/nonexistent/hamail/mail.yaml", [](config::MapReader&) {});
  ASSERT_FALSE(s);
  EXPECT_TRUE(has(s.message(), "/nonexistent/hamail/mail.yaml: cannot read the file: No such file")) << s.message();
}

}  // namespace
}  // namespace hamail::mailsvc::daemon
