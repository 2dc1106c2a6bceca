// CorosyncLinkWatch: the events a change of corosync's links makes, and the status shown.
#include <gtest/gtest.h>

#include "hamail/hacore/daemon/corosync_links.h"

namespace hamail::hacore {
namespace {

using nlohmann::json;

std::string name_of(std::uint32_t id) { return "node" + std::to_string(id); }

LinkReading two_links(bool link0, bool link1) {
  return LinkReading{{PeerLinks{2, link0 || link1,
                                {KnetLink{0, link0, 1397, "10.201.2.11", "10.201.2.12"},
                                 KnetLink{1, link1, 1397, "10.201.4.11", "10.201.4.12"}}}},
                     ""};
}

std::vector<std::string> names(const std::vector<json>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e["event"].get<std::string>() + ":" + e.value("node", "") + ":" +
                                             (e.contains("link") ? e["link"].dump() : ""));
  return out;
}

TEST(CorosyncLinkWatch, TheFirstReadingReportsOnlyLinksThatAreDown) {
  CorosyncLinkWatch w;
  EXPECT_EQ(w.status(), (json{{"ok", false}, {"error", "not read yet"}}));
  EXPECT_TRUE(w.update(two_links(true, true), name_of).empty());
  CorosyncLinkWatch w2;
  EXPECT_EQ(names(w2.update(two_links(true, false), name_of)), (std::vector<std::string>{"corosync_link_down:node2:1"}));
}

TEST(CorosyncLinkWatch, ChangesAreReportedOnceEach) {
  CorosyncLinkWatch w;
  (void)w.update(two_links(true, true), name_of);
  auto down = w.update(two_links(false, true), name_of);
  ASSERT_EQ(names(down), (std::vector<std::string>{"corosync_link_down:node2:0"}));
  EXPECT_EQ(down[0]["peer_addr"], "10.201.2.12");
  EXPECT_TRUE(w.update(two_links(false, true), name_of).empty());
  EXPECT_EQ(names(w.update(two_links(true, false), name_of)),
            (std::vector<std::string>{"corosync_link_up:node2:0", "corosync_link_down:node2:1"}));
}

TEST(CorosyncLinkWatch, StatusShowsTheLastReading) {
  CorosyncLinkWatch w;
  (void)w.update(two_links(true, false), name_of);
  json s = w.status();
  ASSERT_EQ(s["ok"], true) << s.dump();
  const json& links = s["nodes"]["node2"]["links"];
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0], (json{{"link", 0}, {"connected", true}, {"mtu", 1397}, {"local_addr", "10.201.2.11"},
                            {"peer_addr", "10.201.2.12"}}));
  EXPECT_EQ(links[1]["connected"], false);
  EXPECT_EQ(s["nodes"]["node2"]["reachable"], true);
}

TEST(CorosyncLinkWatch, CorosyncNotAnsweringIsSaidOnceAndItsReturnToo) {
  CorosyncLinkWatch w;
  (void)w.update(two_links(true, true), name_of);
  LinkReading gone{{}, "corosync_cfg_initialize: CS_ERR_LIBRARY (corosync is not running or not reachable)"};
  EXPECT_EQ(names(w.update(gone, name_of)), (std::vector<std::string>{"corosync_links_unknown::"}));
  EXPECT_EQ(w.status()["ok"], false);
  EXPECT_NE(w.status()["error"].get<std::string>().find("CS_ERR_LIBRARY"), std::string::npos);
  EXPECT_TRUE(w.update(gone, name_of).empty());
  // Back: said once; a link down while corosync was away is reported as down (no up before).
  EXPECT_EQ(names(w.update(two_links(true, false), name_of)),
            (std::vector<std::string>{"corosync_links_known::", "corosync_link_down:node2:1"}));
}

}  // namespace
}  // namespace hamail::hacore
