#include "hamail/hacore/cli/invocation.h"

#include <gtest/gtest.h>

namespace hamail::hactl {
namespace {

constexpr std::int64_t kNow = 1'764'166'131'123;

Invocation parse_ok(std::vector<std::string> args) {
  auto r = parse_invocation(args, kNow);
  EXPECT_TRUE(r.is_ok()) << (r ? "" : r.error());
  return r ? *r : Invocation{};
}

std::string parse_error(std::vector<std::string> args) {
  auto r = parse_invocation(args, kNow);
  EXPECT_FALSE(r.is_ok());
  return r ? "" : r.error();
}

TEST(Invocation, StatusJsonAndGlobalOptionsAnywhere) {
  auto inv = parse_ok({"--socket", "/tmp/x.sock", "status", "--json", "--config=/etc/c.yaml"});
  EXPECT_EQ(inv.command, Command::status);
  EXPECT_TRUE(inv.json);
  EXPECT_EQ(inv.socket, "/tmp/x.sock");
  EXPECT_EQ(inv.config_file, "/etc/c.yaml");
  EXPECT_EQ(daemon_request(inv), nlohmann::json({{"cmd", "status"}}));
}

TEST(Invocation, SwitchoverRequest) {
  auto inv = parse_ok({"switchover", "mail", "--to", "node2", "--wait", "--timeout", "2.5"});
  EXPECT_EQ(inv.group, "mail");
  EXPECT_EQ(inv.to, "node2");
  EXPECT_TRUE(inv.wait);
  EXPECT_EQ(inv.timeout.count(), 2500);
  EXPECT_EQ(daemon_request(inv), nlohmann::json({{"cmd", "switchover"}, {"group", "mail"}, {"to", "node2"}}));
  EXPECT_EQ(daemon_request(parse_ok({"switchover"})), nlohmann::json({{"cmd", "switchover"}}));
  EXPECT_EQ(parse_ok({"switchover"}).timeout.count(), 60000);
  EXPECT_EQ(daemon_request(parse_ok({"switchover", "mail", "--clear"})),
            nlohmann::json({{"cmd", "switchover"}, {"group", "mail"}, {"clear", true}}));
}

TEST(Invocation, SimpleRequests) {
  EXPECT_EQ(daemon_request(parse_ok({"standby", "node2"})), nlohmann::json({{"cmd", "standby"}, {"node", "node2"}}));
  EXPECT_EQ(daemon_request(parse_ok({"unstandby", "node2"})), nlohmann::json({{"cmd", "unstandby"}, {"node", "node2"}}));
  EXPECT_EQ(daemon_request(parse_ok({"maintenance", "on"})), nlohmann::json({{"cmd", "maintenance"}, {"on", true}}));
  EXPECT_EQ(daemon_request(parse_ok({"maintenance", "off"})), nlohmann::json({{"cmd", "maintenance"}, {"on", false}}));
  EXPECT_EQ(daemon_request(parse_ok({"resource", "cleanup"})), nlohmann::json({{"cmd", "cleanup"}}));
  EXPECT_EQ(daemon_request(parse_ok({"resource", "cleanup", "smtpd"})),
            nlohmann::json({{"cmd", "cleanup"}, {"resource", "smtpd"}}));
  EXPECT_EQ(daemon_request(parse_ok({"resource", "restart", "smtpd"})),
            nlohmann::json({{"cmd", "restart"}, {"resource", "smtpd"}}));
}

TEST(Invocation, Events) {
  EXPECT_EQ(daemon_request(parse_ok({"events"})), nlohmann::json({{"cmd", "events"}, {"follow", false}}));
  auto inv = parse_ok({"events", "--follow", "--since", "10m", "--json"});
  EXPECT_TRUE(inv.json);
  EXPECT_EQ(daemon_request(inv), nlohmann::json({{"cmd", "events"}, {"since_ms", kNow - 600'000}, {"follow", true}}));
  EXPECT_EQ(parse_ok({"events", "--since=1764166131000"}).since_ms, 1764166131000);
}

TEST(Invocation, BadArgumentsNameWhatIsWrong) {
  EXPECT_EQ(parse_error({}), "no command given");
  EXPECT_EQ(parse_error({"frobnicate"}), "unknown command 'frobnicate'");
  EXPECT_EQ(parse_error({"status", "--bogus"}), "unknown option '--bogus'");
  EXPECT_EQ(parse_error({"status", "--wait"}), "option --wait is not valid for status");
  EXPECT_EQ(parse_error({"standby"}), "standby needs a NODE (e.g. hactl standby node2)");
  EXPECT_EQ(parse_error({"standby", "node1", "node2"}), "unexpected argument 'node2' for standby");
  EXPECT_EQ(parse_error({"maintenance", "maybe"}), "maintenance needs 'on' or 'off', got 'maybe'");
  EXPECT_EQ(parse_error({"maintenance"}), "maintenance needs 'on' or 'off'");
  EXPECT_EQ(parse_error({"resource", "restart"}), "resource restart needs a RESOURCE (e.g. hactl resource restart smtpd)");
  EXPECT_EQ(parse_error({"resource", "stop", "x"}), "unknown resource command 'stop' (expected cleanup or restart)");
  EXPECT_EQ(parse_error({"switchover", "--to"}), "--to needs a value");
  EXPECT_EQ(parse_error({"switchover", "--to="}), "--to needs a NODE");
  EXPECT_EQ(parse_error({"switchover", "a", "b"}), "unexpected argument 'b' for switchover");
  EXPECT_EQ(parse_error({"switchover", "--wait", "--timeout", "soon"}),
            "--timeout needs a number of seconds between 0 and 86400 (e.g. 30 or 0.5), got 'soon'");
  EXPECT_NE(parse_error({"switchover", "--wait", "--timeout", "0"}).find("--timeout needs"), std::string::npos);
  EXPECT_EQ(parse_error({"switchover", "--timeout", "5"}), "--timeout only applies with --wait");
  EXPECT_NE(parse_error({"switchover", "--clear", "--wait"}).find("--clear"), std::string::npos);
  EXPECT_NE(parse_error({"events", "--since", "yesterday"}).find("--since 'yesterday': expected"), std::string::npos);
  EXPECT_EQ(parse_error({"status", "--json=yes"}), "option --json takes no value");
}

}  // namespace
}  // namespace hamail::hactl
