#include <gtest/gtest.h>

#include "hamail/hacore/cli/invocation.h"
#include "hamail/hacore/cli/status_text.h"

namespace hamail::hactl {
namespace {

using nlohmann::json;

Invocation parse(std::vector<std::string> args) {
  auto inv = parse_invocation(args, 0);
  EXPECT_TRUE(inv) << (inv ? "" : inv.error());
  return inv ? *inv : Invocation{};
}

TEST(FenceCommands, ParseIntoTheirRequests) {
  EXPECT_EQ(daemon_request(parse({"fence", "node2"})), json({{"cmd", "fence"}, {"node", "node2"}, {"confirm_off", false}}));
  EXPECT_EQ(daemon_request(parse({"fence", "node2", "--confirm-off"}))["confirm_off"], true);
  EXPECT_EQ(daemon_request(parse({"fence-peer", "--volume", "r0"})),
            json({{"cmd", "fence_peer"}, {"volume", "r0"}, {"query", false}}));
  Invocation q = parse({"fence-peer", "--volume=r0", "--peer", "node1", "--query", "--timeout", "5"});
  EXPECT_EQ(daemon_request(q)["peer"], "node1");
  EXPECT_EQ(daemon_request(q)["query"], true);
  EXPECT_EQ(q.timeout.count(), 5000);
  EXPECT_EQ(parse({"fence-peer", "--volume", "r0"}).timeout.count(), 120000);
  EXPECT_EQ(daemon_request(parse({"unfence-peer", "--volume", "r0"})), json({{"cmd", "unfence_peer"}, {"volume", "r0"}}));
}

TEST(FenceCommands, BadCommandLinesAreRefused) {
  EXPECT_FALSE(parse_invocation({"fence"}, 0));
  EXPECT_FALSE(parse_invocation({"fence-peer"}, 0));
  EXPECT_FALSE(parse_invocation({"fence", "node2", "--query"}, 0));
  EXPECT_FALSE(parse_invocation({"unfence-peer", "--volume"}, 0));
}

TEST(FenceCommands, StatusShowsFencingFailuresAndDeadDevicesInRed) {
  json s = {{"cluster", "c"}, {"quorate", true}, {"stonith_enabled", true},
            {"nodes", json::array({{{"name", "node1"}, {"status", "unclean"},
                                    {"fencing", {{"fenced", false}, {"failures", 2}, {"last_error", "exit code 1"}}}}})},
            {"fencing", {{"action", "off"}, {"boot_waiting_for", json::array()},
                         {"outdated", json::array({{{"volume", "r0"}, {"node", "node2"}, {"by", "fence-peer on node1"}}})},
                         {"devices", {{"halab", {{"agent", "fence_halab"}, {"ok", false}, {"detail", "timed out"}}}}}}}};
  std::string text = render_status(s, true);
  EXPECT_NE(text.find("\033[1;31m*** FENCING FAILED (2 attempts): exit code 1 ***"), std::string::npos) << text;
  EXPECT_NE(text.find("hactl fence node1 --confirm-off"), std::string::npos) << text;
  EXPECT_NE(text.find("FAILING: timed out"), std::string::npos) << text;
  EXPECT_NE(text.find("Volume r0 is OUTDATED on node2"), std::string::npos) << text;
  EXPECT_EQ(render_status(s, false).find("\033["), std::string::npos) << "no colour off a terminal";
}

}  // namespace
}  // namespace hamail::hactl
