// SimCpg keeps CPG's virtual synchrony under its seeded delays and reforms: members of a
// view deliver the same items in the same order, a survivor of a break delivers a prefix
// of the old view's order holding all its own messages, sends made while the ring reforms
// are delivered after the new view and only on the sender's side, and send() fails as
// cpg_mcast_joined does.
#include <gtest/gtest.h>

#include <random>

#include "hamail/hacore/sim/sim_cpg.h"

namespace hamail::hacore::sim {
namespace {

struct Delivered {
  std::vector<std::string> items;  // "view 1,2" or "from:bytes"
};

class SimCpgTest : public ::testing::Test {
 protected:
  SimCpg cpg{[this](std::uint64_t n) { return rng() % n; }};
  std::mt19937_64 rng{42};
  std::map<std::uint32_t, Delivered> got;
  std::int64_t now = 0;

  void drain(std::int64_t until) {
    while (auto due = cpg.next_due()) {
      if (*due > until) break;
      now = std::max(now, *due);
      auto [to, item] = *cpg.pop_due(now);
      std::string s;
      if (item.is_view) {
        s = "view";
        for (auto id : item.members) s += " " + std::to_string(id);
      } else {
        s = std::to_string(item.from) + ":" + item.bytes;
      }
      got[to].items.push_back(s);
    }
    now = std::max(now, until);
  }
  void boot_both() {
    cpg.reform({{1, 2}}, now, false);
    cpg.join(1, now);
    cpg.join(2, now);
  }
};

TEST_F(SimCpgTest, MembersDeliverTheSameItemsInTheSameOrderWhateverTheDelays) {
  cpg.set_max_delay_ms(200);
  boot_both();
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(cpg.send(1 + i % 2, "m" + std::to_string(i), now));
    drain(now + static_cast<std::int64_t>(rng() % 30));
  }
  drain(1'000'000);
  ASSERT_EQ(got[1].items.size(), 202u);  // two views (1 joined, then 2) and 200 messages
  EXPECT_EQ(got[2].items, std::vector<std::string>(got[1].items.begin() + 1, got[1].items.end()))
      << "node2 joined after node1's first view; from there on the same order";
  for (int i = 0, seen = 0; i < 202; ++i)  // each sender's messages in the order sent
    if (got[1].items[i].find(":m") != std::string::npos)
      EXPECT_EQ(got[1].items[i].substr(got[1].items[i].find(':') + 1), "m" + std::to_string(seen++));
}

TEST_F(SimCpgTest, ABreakLeavesEachSurvivorAPrefixWithItsOwnMessagesThenHeldSendsAfterTheNewView) {
  cpg.set_max_delay_ms(50);
  boot_both();
  drain(1'000'000);
  got.clear();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(cpg.send(1 + i % 2, "a" + std::to_string(i), now));
  cpg.ring_broken();  // a partition: nothing more is ordered until the reform
  ASSERT_TRUE(cpg.send(1, "held1", now));
  ASSERT_TRUE(cpg.send(2, "held2", now));
  cpg.reform({{1}, {2}}, now, /*cut=*/true);
  drain(2'000'000);
  for (std::uint32_t id : {1u, 2u}) {
    const auto& items = got[id].items;
    auto view = std::find(items.begin(), items.end(), "view " + std::to_string(id));
    ASSERT_NE(view, items.end());
    std::vector<std::string> before(items.begin(), view);
    for (std::size_t i = 0; i < before.size(); ++i)
      EXPECT_EQ(before[i], std::to_string(1 + i % 2) + ":a" + std::to_string(i)) << "a prefix of the old order";
    for (int i = 0; i < 20; ++i)
      if (static_cast<std::uint32_t>(1 + i % 2) == id)
        EXPECT_LT(static_cast<std::size_t>(i), before.size()) << "node" << id << " delivers its own a" << i;
    EXPECT_EQ(std::vector<std::string>(view + 1, items.end()),
              std::vector<std::string>{std::to_string(id) + ":held" + std::to_string(id)})
        << "the held send only on its side, after the new view";
  }
}

TEST_F(SimCpgTest, SendFailsOutsideTheGroupAndWhenTheQueueIsFull) {
  boot_both();
  EXPECT_FALSE(cpg.send(3, "x", now));
  cpg.process_gone(2, now);
  EXPECT_FALSE(cpg.send(2, "x", now));
  std::size_t sent = 0;
  while (cpg.send(1, "x", now)) ++sent;
  EXPECT_LE(sent, SimCpg::kMaxQueued);
  EXPECT_NE(cpg.send(1, "x", now).message().find("queue full"), std::string::npos);
}

TEST_F(SimCpgTest, APowerCutDropsTheNodeAndTheOthersSeeItAtTheReform) {
  boot_both();
  drain(1'000'000);
  got.clear();
  cpg.power_cut(2);
  EXPECT_FALSE(cpg.joined(2));
  EXPECT_EQ(cpg.queued(2), 0u);
  cpg.reform({{1}}, now, true);
  drain(2'000'000);
  EXPECT_EQ(got[1].items, std::vector<std::string>{"view 1"});
  EXPECT_TRUE(got[2].items.empty());
}

}  // namespace
}  // namespace hamail::hacore::sim
