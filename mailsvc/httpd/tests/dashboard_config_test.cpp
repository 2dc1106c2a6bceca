// httpd.yaml's dashboard: section: read with its defaults; absent: no dashboard; errors
// name file:line and the key (paths, users, the webmail: section it needs).
#include <gtest/gtest.h>

#include "hamail/mailsvc/httpd/httpd_config.h"

namespace hamail::mailsvc::httpd {
namespace {

const std::string kBase = R"(document_root: /srv/www
listeners:
  - {tls: none, port: 80}
)";
const std::string kWebmail = "webmail: {mail_root: /srv/mail}\n";

TEST(DashboardConfig, Read) {
  auto c = parse_httpd_config(kBase + kWebmail + R"(dashboard:
  hacored_socket: /run/hamail/hacored.sock
  drbdlited_socket: /run/drbd-lite/control.sock
  admins: [ops@example.org]
  viewers: [alice@example.org, bob@example.org]
  request_timeout: 2s
)",
                              "httpd.yaml");
  ASSERT_TRUE(c) << c.error();
  ASSERT_TRUE(c->dashboard);
  EXPECT_EQ(c->dashboard->hacored_socket, "/run/hamail/hacored.sock");
  EXPECT_EQ(c->dashboard->drbdlited_socket, "/run/drbd-lite/control.sock");
  EXPECT_EQ(c->dashboard->admins, std::vector<std::string>{"ops@example.org"});
  EXPECT_EQ(c->dashboard->viewers.size(), 2u);
  EXPECT_EQ(c->dashboard->request_timeout_ms, 2000u);
}

TEST(DashboardConfig, AbsentMeansNone) {
  auto c = parse_httpd_config(kBase + kWebmail, "httpd.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->dashboard);
}

TEST(DashboardConfig, ErrorsNameFileLineAndKey) {
  auto c = parse_httpd_config(kBase + R"(dashboard:
  hacored_socket: run/hacored.sock
  admins: []
  colour: red
)",
                              "httpd.yaml");
  ASSERT_FALSE(c);
  const std::string& e = c.error();
  EXPECT_NE(e.find("httpd.yaml:5:19: dashboard.hacored_socket: expected an absolute path"), std::string::npos) << e;
  EXPECT_NE(e.find("dashboard.drbdlited_socket: missing required key"), std::string::npos) << e;
  EXPECT_NE(e.find("name at least one user in admins or viewers"), std::string::npos) << e;
  EXPECT_NE(e.find("needs a webmail: section"), std::string::npos) << e;
  EXPECT_NE(e.find("httpd.yaml:7:3: dashboard.colour: unknown key"), std::string::npos) << e;
}

}  // namespace
}  // namespace hamail::mailsvc::httpd
