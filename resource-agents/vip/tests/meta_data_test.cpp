// meta-data names the agent and every parameter it parses.
#include <gtest/gtest.h>

#include "hamail/agents/vip/meta_data.h"

TEST(VipMetaData, NamesEveryParameter) {
  std::string xml = hamail::vip::meta_data_xml();
  EXPECT_EQ(xml.rfind("<?xml", 0), 0u);
  EXPECT_NE(xml.find("<resource-agent name=\"vip\""), std::string::npos);
  for (const char* p : {"ip", "cidr_netmask", "nic", "label", "arp_count", "arp_interval_ms", "check_duplicate"})
    EXPECT_NE(xml.find(std::string("<parameter name=\"") + p + "\""), std::string::npos) << p;
  for (const char* a : {"start", "stop", "monitor", "meta-data", "validate-all"})
    EXPECT_NE(xml.find(std::string("<action name=\"") + a + "\""), std::string::npos) << a;
}
