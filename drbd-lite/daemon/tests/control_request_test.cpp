#include "hamail/drbdlite/daemon/control_request.h"

#include <gtest/gtest.h>

namespace hamail::drbdlite {
namespace {

using nlohmann::json;
using Command = ControlRequest::Command;

std::string error_of(const json& j) {
  auto r = decode_control_request(j);
  return r ? "" : r.error();
}

TEST(ControlRequest, DecodesEveryCommand) {
  auto r = decode_control_request({{"cmd", "primary"}, {"volume", "r0"}, {"force", true}});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->command, Command::primary);
  EXPECT_EQ(r->volume, "r0");
  EXPECT_TRUE(r->force);
  r = decode_control_request({{"cmd", "connect"}, {"volume", "r0"}, {"discard_my_data", true}});
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(r->discard_my_data);
  r = decode_control_request({{"cmd", "status"}});
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(r->volume.empty());
  for (const char* c :
       {"create-md", "up", "down", "secondary", "disconnect", "invalidate", "verify", "resume-io", "outdate"}) {
    r = decode_control_request({{"cmd", c}, {"volume", "r0"}});
    ASSERT_TRUE(r) << c << ": " << r.error();
    EXPECT_STREQ(to_string(r->command), c);
  }
  EXPECT_TRUE(decode_control_request({{"cmd", "events"}}));
}

TEST(ControlRequest, WrongTypesAreErrors) {
  EXPECT_EQ(error_of({{"cmd", "status"}, {"volume", 5}}), "bad status request: field \"volume\": expected a string, found an integer");
  EXPECT_EQ(error_of({{"cmd", "primary"}, {"volume", "r0"}, {"force", "yes"}}),
            "bad primary request: field \"force\": expected true or false, found a string");
  EXPECT_EQ(error_of({{"cmd", 7}}), "bad request: field \"cmd\": expected a string, found an integer");
  EXPECT_EQ(error_of(json::array({"status"})), "bad request: expected a JSON object, found an array");
  EXPECT_EQ(error_of(json(nullptr)), "bad request: expected a JSON object, found null");
}

TEST(ControlRequest, MissingUnknownAndMisplacedFields) {
  EXPECT_EQ(error_of(json::object()), "bad request: field \"cmd\": missing");
  EXPECT_EQ(error_of({{"cmd", "up"}}), "bad up request: field \"volume\": missing");
  EXPECT_EQ(error_of({{"cmd", "reboot"}}), "unknown command 'reboot'");
  EXPECT_EQ(error_of({{"cmd", "up"}, {"volume", "r0"}, {"force", true}}), "bad up request: unknown field \"force\"");
  EXPECT_EQ(error_of({{"cmd", "events"}, {"volume", "r0"}}), "bad events request: unknown field \"volume\"");
}

TEST(ControlRequest, HugeValuesAreRefused) {
  EXPECT_EQ(error_of({{"cmd", "up"}, {"volume", std::string(10000, 'v')}}), "bad up request: field \"volume\": longer than 63 bytes (10000)");
  EXPECT_EQ(error_of({{"cmd", std::string(100000, 'c')}}), "bad request: field \"cmd\": longer than 32 bytes (100000)");
}

}  // namespace
}  // namespace hamail::drbdlite
