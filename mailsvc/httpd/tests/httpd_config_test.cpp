// httpd.yaml: a full file read, the defaults, and errors that name file:line:column and
// the key; the per-address counter and peer addresses.
#include "hamail/mailsvc/httpd/httpd_config.h"

#include <gtest/gtest.h>

#include "hamail/mailsvc/httpd/client_counter.h"

namespace hamail::mailsvc::httpd {
namespace {

TEST(HttpdConfig, ReadsAFullFile) {
  auto c = parse_httpd_config(R"(user: www-data
hostname: www.example.org
document_root: /srv/www
listeners:
  - {tls: none, address: 0.0.0.0, port: 80, redirect_to_https: true}
  - {tls: implicit, address: "::", port: 8443}
tls: {cert: /etc/t/cert.pem, key: /etc/t/key.pem}
hsts_max_age: 1d
gzip_max_bytes: 64K
limits:
  max_target_bytes: 2048
  max_header_bytes: 8192
  max_header_count: 50
  max_body_bytes: 1M
  header_timeout: 5s
  idle_timeout: 30s
  max_connections: 500
  max_connections_per_ip: 10
)",
                              "httpd.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->document_root, "/srv/www");
  ASSERT_EQ(c->listeners.size(), 2u);
  EXPECT_TRUE(c->listeners[0].redirect_to_https);
  EXPECT_FALSE(c->listeners[0].tls);
  EXPECT_TRUE(c->listeners[1].tls);
  EXPECT_EQ(c->redirect_port(), 8443);
  EXPECT_EQ(c->hsts_max_age_s, 86400u);
  EXPECT_EQ(c->gzip_max_bytes, 65536u);
  EXPECT_EQ(c->limits.request.max_target_bytes, 2048u);
  EXPECT_EQ(c->limits.request.max_header_count, 50u);
  EXPECT_EQ(c->limits.request.max_body_bytes, 1u << 20);
  EXPECT_EQ(c->limits.header_timeout_ms, 5000u);
  EXPECT_EQ(c->limits.idle_timeout_ms, 30000u);
  EXPECT_EQ(c->limits.max_connections_per_ip, 10u);
}

TEST(HttpdConfig, Defaults) {
  auto c = parse_httpd_config("document_root: /srv/www\nlisteners: [{tls: none, port: 8080}]\n", "h.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->user, "www-data");
  EXPECT_EQ(c->listeners[0].address, "127.0.0.1");
  EXPECT_EQ(c->redirect_port(), 443);
  EXPECT_EQ(c->limits.header_timeout_ms, 10000u);
}

TEST(HttpdConfig, WebmailSection) {
  auto c = parse_httpd_config("document_root: /srv/www\nlisteners: [{tls: none, port: 8080}]\n", "h.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->webmail);
  c = parse_httpd_config("document_root: /srv/www\nlisteners: [{tls: none, port: 8080}]\n"
                         "webmail: {mail_root: /srv/mail, max_sessions: 50, session_idle_timeout: 10m}\n",
                         "h.yaml");
  ASSERT_TRUE(c) << c.error();
  ASSERT_TRUE(c->webmail);
  EXPECT_EQ(c->webmail->mail_root, "/srv/mail");
  EXPECT_EQ(c->webmail->max_sessions, 50u);
  EXPECT_EQ(c->webmail->session_idle_timeout_ms, 600000u);
  for (const char* bad : {"webmail: {}\n", "webmail: {mail_root: mail}\n", "webmail: {mail_root: /m, other: 1}\n"}) {
    auto e = parse_httpd_config(std::string("document_root: /w\nlisteners: [{tls: none, port: 80}]\n") + bad, "h.yaml");
    EXPECT_FALSE(e) << bad;
  }
}

TEST(HttpdConfig, WebmailSubmission) {
  const std::string head = "document_root: /w\nlisteners: [{tls: none, port: 80}]\n";
  auto c = parse_httpd_config(head + "webmail: {mail_root: /m, submission: '[::1]:587', submission_tls: opportunistic,"
                                     " submission_timeout: 20s}\n", "h.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->webmail->submission, "[::1]:587");
  EXPECT_EQ(c->webmail->submission_tls, "opportunistic");
  EXPECT_EQ(c->webmail->submission_timeout_ms, 20000u);
  for (const char* bad : {"webmail: {mail_root: /m, submission: nohost}\n", "webmail: {mail_root: /m, submission: 'a:0'}\n",
                          "webmail: {mail_root: /m, submission: 'a:1', submission_tls: maybe}\n"})
    EXPECT_FALSE(parse_httpd_config(head + bad, "h.yaml")) << bad;
}

TEST(HttpdConfig, TraceSection) {
  const std::string head = "document_root: /w\nlisteners: [{tls: none, port: 80}]\n";
  auto c = parse_httpd_config(head, "h.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->trace);
  c = parse_httpd_config(head + "webmail: {mail_root: /m}\ntrace: {index: /srv/t.db, admins: [Root@Example.org]}\n",
                         "h.yaml");
  ASSERT_TRUE(c) << c.error();
  ASSERT_TRUE(c->trace);
  EXPECT_EQ(c->trace->index, "/srv/t.db");
  EXPECT_EQ(c->trace->admins, std::vector<std::string>{"root@example.org"});
  // Errors name the file and line.
  auto e = parse_httpd_config(head + "webmail: {mail_root: /m}\ntrace: {index: t.db}\n", "h.yaml");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("h.yaml:4:"), std::string::npos) << e.error();
  EXPECT_NE(e.error().find("index"), std::string::npos) << e.error();
  e = parse_httpd_config(head + "trace: {index: /t.db}\n", "h.yaml");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("h.yaml:3:"), std::string::npos) << e.error();
  EXPECT_NE(e.error().find("webmail"), std::string::npos) << e.error();
  for (const char* bad : {"trace: {}\n", "trace: {index: /t.db, admins: x}\n", "trace: {index: /t.db, other: 1}\n",
                          "trace: {index: /t.db, admins: ['']}\n"})
    EXPECT_FALSE(parse_httpd_config(head + "webmail: {mail_root: /m}\n" + bad, "h.yaml")) << bad;
}

TEST(HttpdConfig, ErrorsNameTheLineAndKey) {
  auto bad = [](const std::string& text) {
    auto c = parse_httpd_config(text, "httpd.yaml");
    EXPECT_FALSE(c) << text;
    return c ? std::string() : c.error();
  };
  std::string e = bad("document_root: /srv/www\nlisteners:\n  - {tls: starttls, port: 80}\n");
  EXPECT_NE(e.find("httpd.yaml:3:"), std::string::npos) << e;
  EXPECT_NE(e.find("listeners[0].tls"), std::string::npos) << e;
  e = bad("document_root: www\nlisteners: [{tls: none, port: 80}]\n");
  EXPECT_NE(e.find("document_root"), std::string::npos) << e;
  e = bad("document_root: /w\nlisteners: [{tls: implicit, port: 443}]\n");
  EXPECT_NE(e.find("tls"), std::string::npos) << e;
  e = bad("document_root: /w\nlisteners: [{tls: implicit, port: 443, redirect_to_https: true}]\ntls: {cert: /c, key: /k}\n");
  EXPECT_NE(e.find("redirect_to_https"), std::string::npos) << e;
  e = bad("document_root: /w\nlisteners: [{tls: none, port: 80}]\nlimits: {header_timeot: 5s}\n");
  EXPECT_NE(e.find("header_timeot"), std::string::npos) << e;
  e = bad("document_root: /w\nuser: root\nlisteners: [{tls: none, port: 80}]\n");
  EXPECT_NE(e.find("user"), std::string::npos) << e;
  bad("document_root: /w\nlisteners: []\n");
}

TEST(ClientCounter, LimitsEachAddress) {
  ClientCounter c(2);
  EXPECT_TRUE(c.acquire("192.0.2.1"));
  EXPECT_TRUE(c.acquire("192.0.2.1"));
  EXPECT_FALSE(c.acquire("192.0.2.1"));
  EXPECT_TRUE(c.acquire("192.0.2.2"));
  c.release("192.0.2.1");
  EXPECT_TRUE(c.acquire("192.0.2.1"));
  EXPECT_EQ(c.count("192.0.2.1"), 2u);
  EXPECT_EQ(address_of_peer("192.0.2.1:5000"), "192.0.2.1");
  EXPECT_EQ(address_of_peer("[2001:db8::1]:5000"), "2001:db8::1");
}

}  // namespace
}  // namespace hamail::mailsvc::httpd
