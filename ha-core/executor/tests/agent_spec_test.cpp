#include <gtest/gtest.h>

#include "hamail/hacore/executor/action.h"
#include "hamail/hacore/executor/agent_spec.h"

namespace hamail::executor {
namespace {

TEST(ExecutorAgentSpec, ParsesTheThreeClasses) {
  auto ocf = parse_agent_spec("ocf:heartbeat:IPaddr2");
  ASSERT_TRUE(ocf) << ocf.error();
  EXPECT_EQ(ocf->agent_class, AgentClass::ocf);
  EXPECT_EQ(ocf->provider, "heartbeat");
  EXPECT_EQ(ocf->type, "IPaddr2");
  EXPECT_EQ(ocf->text(), "ocf:heartbeat:IPaddr2");

  auto lsb = parse_agent_spec("lsb:postfix");
  ASSERT_TRUE(lsb) << lsb.error();
  EXPECT_EQ(lsb->agent_class, AgentClass::lsb);
  EXPECT_EQ(lsb->type, "postfix");

  auto sd = parse_agent_spec("systemd:getty@tty1.service");
  ASSERT_TRUE(sd) << sd.error();
  EXPECT_EQ(sd->agent_class, AgentClass::systemd);
  EXPECT_EQ(sd->type, "getty@tty1.service");
  EXPECT_EQ(sd->text(), "systemd:getty@tty1.service");
}

TEST(ExecutorAgentSpec, RejectsMalformedAndPathEscapingNames) {
  for (const char* bad : {"", "ocf", "ocf:heartbeat", "ocf::IPaddr2", "ocf:heartbeat:", "ocf:a:b:c", "stonith:x",
                          "lsb:", "lsb:../../bin/sh", "ocf:..:x", "ocf:hamail:../vip", "systemd:a/b",
                          "lsb:a b"}) {
    auto spec = parse_agent_spec(bad);
    EXPECT_FALSE(spec) << bad;
    if (!spec) {
      EXPECT_NE(spec.error().find("invalid agent '" + std::string(bad) + "'"), std::string::npos);
    }
  }
}

TEST(ExecutorAction, NamesRoundTrip) {
  for (Action a : {Action::start, Action::stop, Action::monitor, Action::promote, Action::demote, Action::meta_data,
                   Action::validate_all})
    EXPECT_EQ(parse_action(to_string(a)), a);
  EXPECT_EQ(to_string(Action::meta_data), "meta-data");
  EXPECT_EQ(to_string(Action::validate_all), "validate-all");
  EXPECT_FALSE(parse_action("status"));
}

}  // namespace
}  // namespace hamail::executor
