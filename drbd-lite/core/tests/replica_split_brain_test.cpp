// After split brain: the automatic policies (decide_after_split_brain, both sides always
// agree), and on a Pair: the one split-brain event, a discard policy converging to its
// survivor, disconnect leaving both StandAlone, differing policies refused.
#include "hamail/drbdlite/core/after_split_brain.h"
#include "pair_harness.h"

namespace hamail::drbdlite {
namespace {

using V = SplitBrainVerdict;

SplitBrainPolicy policy(const char* zero, const char* one = "disconnect", const char* two = "disconnect") {
  auto p = parse_split_brain_policy(zero, one, two);
  EXPECT_TRUE(p) << zero << " " << one << " " << two;
  return p.value_or(SplitBrainPolicy{});
}

V mirror(V v) { return v == V::local_loses ? V::peer_loses : v == V::peer_loses ? V::local_loses : v; }

TEST(AfterSplitBrain, BothSidesAlwaysAgree) {
  const char* zeros[] = {"disconnect", "discard-younger-primary", "discard-older-primary", "discard-zero-changes",
                         "discard-least-changes", "discard-node-b"};
  const char* ones[] = {"disconnect", "consensus", "discard-secondary", "call-pri-lost-after-sb"};
  const char* twos[] = {"disconnect", "call-pri-lost-after-sb"};
  int cases = 0;
  for (auto z : zeros)
    for (auto o : ones)
      for (auto t : twos)
        for (int bits = 0; bits < 16; ++bits)
          for (std::uint64_t ca : {0, 3, 9})
            for (std::uint64_t cb : {0, 3, 9}) {
              SplitBrainPolicy p = policy(z, o, t);
              SplitBrainSide a{"a", (bits & 1) != 0, (bits & 2) != 0, ca};
              SplitBrainSide b{"b", (bits & 4) != 0, (bits & 8) != 0, cb};
              SplitBrainDecision da = decide_after_split_brain(p, a, b);
              SplitBrainDecision db = decide_after_split_brain(p, b, a);
              ASSERT_EQ(da.verdict, mirror(db.verdict)) << p.describe() << " bits " << bits << " " << ca << "/" << cb;
              ASSERT_EQ(da.policy, db.policy);
              // A Primary is never the loser to be resynced: it runs pri-lost-after-sb instead.
              if (da.verdict == V::local_loses) {
                ASSERT_FALSE(a.primary) << p.describe();
              }
              if (da.verdict == V::peer_loses) {
                ASSERT_FALSE(b.primary) << p.describe();
              }
              ASSERT_FALSE(da.pri_lost_local && db.pri_lost_local);
              ++cases;
            }
  EXPECT_EQ(cases, 6 * 4 * 2 * 16 * 9);
}

TEST(AfterSplitBrain, EachPolicyPicksItsLoser) {
  SplitBrainSide older{"a", false, true, 5}, younger{"b", false, false, 2};
  EXPECT_EQ(decide_after_split_brain(policy("discard-younger-primary"), older, younger).verdict, V::peer_loses);
  EXPECT_EQ(decide_after_split_brain(policy("discard-older-primary"), older, younger).verdict, V::local_loses);
  EXPECT_EQ(decide_after_split_brain(policy("discard-least-changes"), older, younger).verdict, V::peer_loses);
  EXPECT_EQ(decide_after_split_brain(policy("discard-zero-changes"), older, younger).verdict, V::disconnect);
  SplitBrainSide idle{"b", false, false, 0};
  EXPECT_EQ(decide_after_split_brain(policy("discard-zero-changes"), older, idle).verdict, V::peer_loses);
  EXPECT_EQ(decide_after_split_brain(policy("discard-node-a"), older, younger).verdict, V::local_loses);
  SplitBrainDecision d = decide_after_split_brain(policy("disconnect"), older, younger);
  EXPECT_EQ(d.verdict, V::disconnect);
  EXPECT_EQ(d.policy, "after_sb_0pri=disconnect");
  // One Primary.
  SplitBrainSide primary{"a", true, true, 5}, secondary{"b", false, false, 9};
  EXPECT_EQ(decide_after_split_brain(policy("disconnect", "discard-secondary"), primary, secondary).verdict,
            V::peer_loses);
  EXPECT_EQ(decide_after_split_brain(policy("discard-least-changes", "consensus"), primary, secondary).verdict,
            V::disconnect) << "least changes would discard the Primary: no consensus";
  d = decide_after_split_brain(policy("discard-least-changes", "call-pri-lost-after-sb"), primary, secondary);
  EXPECT_EQ(d.verdict, V::disconnect);
  EXPECT_TRUE(d.pri_lost_local);
  EXPECT_EQ(d.policy, "after_sb_1pri=call-pri-lost-after-sb");
  // Two Primaries: never resynced; the loser's handler runs.
  d = decide_after_split_brain(policy("discard-node-b", "disconnect", "call-pri-lost-after-sb"), {"a", true, true, 1},
                               {"b", true, false, 1});
  EXPECT_EQ(d.verdict, V::disconnect);
  EXPECT_FALSE(d.pri_lost_local);
}

class SplitBrain : public Pair {
 protected:
  void with_policy(const SplitBrainPolicy& p) {
    a_.cfg.split_brain = p;
    b_.cfg.split_brain = p;
    boot(a_);
    boot(b_);
  }
  // node1 Primary and synced; the link cut; node1 writes `a_blocks`, node2 is forced Primary
  // and writes `b_blocks`; both demote; they meet again.
  void diverge(int a_blocks, int b_blocks) {
    make_primary_synced();
    cut();
    for (int i = 0; i < a_blocks; ++i) ASSERT_TRUE(write(a_, 4096u * i, pattern(4096, 'a')));
    ASSERT_TRUE(promote(b_, true));
    for (int i = 0; i < b_blocks; ++i) ASSERT_TRUE(write(b_, 4096u * (10 + i), pattern(4096, 'b')));
    ASSERT_TRUE(command(a_, &Replica::demote));
    ASSERT_TRUE(command(b_, &Replica::demote));
  }
  void meet() {
    connect(a_);
    connect(b_);
    link();
    run();
  }
};

TEST_F(SplitBrain, DiscardLeastChangesConvergesToTheSurvivorsData) {
  with_policy(policy("discard-least-changes"));
  diverge(3, 1);
  std::string survivor(a_.disk->data());
  meet();
  EXPECT_EQ(b_.field("split-brain", "decision"), "this node discards its changes");
  EXPECT_EQ(a_.field("split-brain", "decision"), "the peer discards its changes");
  EXPECT_EQ(a_.field("split-brain", "policy"), "after_sb_0pri=discard-least-changes");
  EXPECT_EQ(a_.field("split-brain", "local_changed_blocks"), "3");
  EXPECT_EQ(a_.field("split-brain", "peer_changed_blocks"), "1");
  EXPECT_EQ(a_.field("split-brain", "primaries"), "0");
  EXPECT_NE(a_.field("split-brain", "local_gen"), a_.field("split-brain", "peer_gen"));
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(b_.disk->data() == survivor);
  EXPECT_TRUE(a_.disk->data() == survivor);
}

TEST_F(SplitBrain, DiscardYoungerPrimaryDiscardsTheForcedOne) {
  with_policy(policy("discard-younger-primary"));
  diverge(1, 3);
  std::string survivor(a_.disk->data());
  meet();
  EXPECT_EQ(b_.field("split-brain", "reason"), "this node is the younger Primary");
  EXPECT_TRUE(b_.disk->data() == survivor);
}

TEST_F(SplitBrain, DisconnectLeavesBothStandAloneAndRunsTheSplitBrainHandler) {
  with_policy(policy("disconnect"));
  diverge(1, 1);
  meet();
  EXPECT_EQ(a_.r->conn(), ConnState::standalone);
  EXPECT_EQ(b_.r->conn(), ConnState::standalone);
  EXPECT_EQ(a_.field("split-brain", "decision"), "disconnect: both stay StandAlone");
  ASSERT_FALSE(a_.handlers.empty());
  EXPECT_EQ(a_.handlers.back().handler, Handler::split_brain);
}

TEST_F(SplitBrain, DiscardSecondaryWithOnePrimary) {
  with_policy(policy("disconnect", "discard-secondary"));
  diverge(1, 2);
  ASSERT_TRUE(promote(a_, true));
  std::string survivor(a_.disk->data());
  meet();
  EXPECT_EQ(a_.field("split-brain", "policy"), "after_sb_1pri=discard-secondary");
  EXPECT_EQ(b_.r->disk(), DiskState::uptodate);
  EXPECT_TRUE(b_.disk->data() == survivor);
  EXPECT_EQ(a_.r->role(), Role::primary);
}

TEST_F(SplitBrain, TheOperatorsDiscardMyDataIsTheSameOneEvent) {
  diverge(1, 1);
  connect(b_, true);
  connect(a_);
  link();
  run();
  EXPECT_EQ(b_.field("split-brain", "policy"), "discard-my-data (the operator's connect)");
  EXPECT_EQ(b_.field("split-brain", "decision"), "this node discards its changes");
  EXPECT_TRUE(a_.disk->data() == b_.disk->data());
}

TEST_F(SplitBrain, DifferingPoliciesAreRefusedByName) {
  b_.cfg.split_brain = policy("discard-least-changes");
  boot(b_);
  connect(a_);
  connect(b_);
  link();
  run();
  EXPECT_EQ(a_.field("connect-refused", "reason"),
            "after-split-brain policies differ: this node 0pri=disconnect 1pri=disconnect 2pri=disconnect, the peer "
            "0pri=discard-least-changes 1pri=disconnect 2pri=disconnect (both must decide alike: use the same "
            "cluster.yaml)");
}

}  // namespace
}  // namespace hamail::drbdlite
