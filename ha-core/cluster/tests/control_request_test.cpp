// hacored's control requests: every command decoded into its typed value; wrong types,
// missing fields, huge values and unknown fields are errors naming the command and field.
#include <gtest/gtest.h>

#include "hamail/hacore/cluster/control_request.h"

namespace hamail::cluster {
namespace {

using nlohmann::json;

std::string error_of(const json& req) {
  auto r = decode_control_request(req);
  if (r) return "(accepted)";
  return r.error();
}

template <class T>
T command_of(const json& req) {
  auto r = decode_control_request(req);
  EXPECT_TRUE(r) << r.error();
  if (!r) return T{};
  const auto* op = std::get_if<OperatorCommand>(&*r);
  EXPECT_TRUE(op && std::holds_alternative<T>(*op)) << req.dump();
  return op && std::holds_alternative<T>(*op) ? std::get<T>(*op) : T{};
}

TEST(ControlRequest, DecodesEveryCommandHactlSends) {
  auto status = decode_control_request({{"cmd", "status"}});
  ASSERT_TRUE(status);
  EXPECT_TRUE(std::holds_alternative<StatusQuery>(*status));
  auto events = decode_control_request({{"cmd", "events"}, {"since_ms", 1700000000000}, {"follow", true}});
  ASSERT_TRUE(events);
  EXPECT_EQ(std::get<EventsQuery>(*events).since_ms, 1700000000000);
  EXPECT_TRUE(std::get<EventsQuery>(*events).follow);
  auto sw = command_of<SwitchoverCommand>({{"cmd", "switchover"}, {"group", "mail"}, {"to", "node2"}});
  EXPECT_EQ(sw.group, "mail");
  EXPECT_EQ(sw.to, "node2");
  EXPECT_FALSE(sw.clear);
  EXPECT_TRUE(command_of<SwitchoverCommand>({{"cmd", "switchover"}, {"clear", true}}).clear);
  EXPECT_TRUE(command_of<StandbyCommand>({{"cmd", "standby"}, {"node", "node2"}}).on);
  EXPECT_FALSE(command_of<StandbyCommand>({{"cmd", "unstandby"}, {"node", "node2"}}).on);
  EXPECT_TRUE(command_of<MaintenanceCommand>({{"cmd", "maintenance"}, {"on", true}}).on);
  EXPECT_EQ(command_of<CleanupCommand>({{"cmd", "cleanup"}}).resource, "");
  EXPECT_EQ(command_of<RestartCommand>({{"cmd", "restart"}, {"resource", "smtpd"}}).resource, "smtpd");
  EXPECT_EQ(command_name(OperatorCommand{StandbyCommand{"n", false}}), "unstandby");
}

TEST(ControlRequest, NamesTheFieldOfEveryBadRequest) {
  EXPECT_EQ(error_of(json::array()), "bad request: expected a JSON object, found an array");
  EXPECT_EQ(error_of(json::object()), "bad request: field \"cmd\": missing");
  EXPECT_EQ(error_of({{"cmd", 5}}), "bad request: field \"cmd\": expected a string, found an integer");
  EXPECT_EQ(error_of({{"cmd", "frob"}}), "unknown command 'frob'");
  EXPECT_EQ(error_of({{"cmd", "events"}, {"since_ms", "x"}}),
            "bad events request: field \"since_ms\": expected an integer, found a string");
  EXPECT_EQ(error_of({{"cmd", "events"}, {"since_ms", -1}}),
            "bad events request: field \"since_ms\": out of range: -1 (expected 0 to 9007199254740992)");
  EXPECT_NE(error_of({{"cmd", "events"}, {"since_ms", 1e300}}).find("found a fractional number"), std::string::npos);
  EXPECT_NE(error_of({{"cmd", "events"}, {"since_ms", std::numeric_limits<std::uint64_t>::max()}}).find("out of range"),
            std::string::npos);
  EXPECT_EQ(error_of({{"cmd", "events"}, {"follow", "yes"}}),
            "bad events request: field \"follow\": expected true or false, found a string");
  EXPECT_EQ(error_of({{"cmd", "maintenance"}, {"on", "yes"}}),
            "bad maintenance request: field \"on\": expected true or false, found a string");
  EXPECT_EQ(error_of({{"cmd", "maintenance"}}), "bad maintenance request: field \"on\": missing");
  EXPECT_EQ(error_of({{"cmd", "switchover"}, {"group", 5}}),
            "bad switchover request: field \"group\": expected a string, found an integer");
  EXPECT_EQ(error_of({{"cmd", "switchover"}, {"to", json::array()}}),
            "bad switchover request: field \"to\": expected a string, found an array");
  EXPECT_EQ(error_of({{"cmd", "switchover"}, {"clear", "true"}}),
            "bad switchover request: field \"clear\": expected true or false, found a string");
  EXPECT_EQ(error_of({{"cmd", "switchover"}, {"grp", "mail"}}), "bad switchover request: unknown field \"grp\"");
  EXPECT_EQ(error_of({{"cmd", "standby"}, {"node", nullptr}}),
            "bad standby request: field \"node\": expected a string, found null");
  EXPECT_EQ(error_of({{"cmd", "cleanup"}, {"resource", json::object()}}),
            "bad cleanup request: field \"resource\": expected a string, found an object");
  EXPECT_EQ(error_of({{"cmd", "restart"}}), "bad restart request: field \"resource\": missing");
  EXPECT_EQ(error_of({{"cmd", "restart"}, {"resource", ""}}),
            "bad restart request: field \"resource\": empty (restart needs a resource name)");
  EXPECT_EQ(error_of({{"cmd", "restart"}, {"resource", std::string(100000, 'r')}}),
            "bad restart request: field \"resource\": longer than 255 bytes (100000)");
  EXPECT_EQ(error_of({{"cmd", "status"}, {"verbose", true}}), "bad status request: unknown field \"verbose\"");
  EXPECT_EQ(error_of({{"cmd", std::string(1000, 'c')}}).substr(0, 40), "bad request: field \"cmd\": longer than 64");
}

}  // namespace
}  // namespace hamail::cluster
