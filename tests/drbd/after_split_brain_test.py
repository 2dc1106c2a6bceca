"""After-split-brain policies (issue 14) with real daemons (fencing: dont-care, so a split
brain can be made on purpose): both nodes disconnect, node1 (the Primary, the older one)
writes, demotes; node2 is forced Primary (the younger one), writes, demotes (or stays Primary
for after_sb_1pri); both connect. Each policy's outcome is checked: the loser resyncs from
the survivor and both end identical to the survivor's data, or both stay StandAlone; one
split-brain event per side names both generation ids, changed blocks, policy and decision;
the split-brain / pri-lost-after-sb handlers run."""

import os

import drbdtest
from drbdtest import BLOCK, ClusterTest, log, wait_for

HANDLER = """#!/bin/sh
echo "$DRBD_HANDLER node=$DRBD_NODE peer=$DRBD_PEER" >> "$(dirname "$0")/handlers.log"
"""

HANDLERS = ("fencing: dont-care, handlers: {split_brain: sh @DIR@/handler.sh, "
            "pri_lost_after_sb: sh @DIR@/handler.sh}")


def policy(zero="disconnect", one="disconnect", two="disconnect"):
    return f"after_sb_0pri: {zero}, after_sb_1pri: {one}, after_sb_2pri: {two}, {HANDLERS}"


class AfterSplitBrain(ClusterTest):
    """One cluster per test; subclasses set volume_extra to the policy under test."""
    volume_extra = policy()

    def setUp(self):
        super().setUp()
        with open(os.path.join(self.c.dir, "handler.sh"), "w") as f:
            f.write(HANDLER)

    def handler_calls(self, handler):
        return self.c.handler_calls(handler)

    def diverge(self, node1_blocks, node2_blocks, primary_at_connect=()):
        """Makes the split brain; returns the sha of each side's data before they meet."""
        c = self.c
        c.up()
        for n in (self.n2, self.n1):
            n.cli("disconnect", "r0")
        self.write_blocks(self.n1, node1_blocks, 0x11)
        self.n1.cli("secondary", "r0")
        self.n2.cli("primary", "r0", "--force")  # node2 lost its Primary: Consistent, forced
        wait_for("node2's NBD socket", lambda: self.n2.status()["nbd_socket"], 10)
        self.write_blocks(self.n2, node2_blocks, 0x22)
        if self.n2 not in primary_at_connect:
            self.n2.cli("secondary", "r0")
        if self.n1 in primary_at_connect:
            self.n1.cli("primary", "r0")
        shas = {n.name: n.data_sha(c.size) for n in c.nodes}
        for n in c.nodes:
            n.cli("connect", "r0")
        return shas

    def split_brain_record(self, node):
        recs, _ = wait_for(f"{node.name}'s split-brain event", lambda: node.log_records("split-brain"), 30)
        rec = recs[-1]
        for key in ("local_gen=", "peer_gen=", "local_changed_blocks=", "peer_changed_blocks=", "policy=",
                    "decision="):
            self.assertIn(key, rec)
        return rec

    def expect_survivor(self, shas, survivor, policy_text):
        loser = self.n2 if survivor is self.n1 else self.n1
        rec = self.split_brain_record(loser)
        self.assertIn(policy_text, rec)
        self.assertIn("this node discards its changes", rec)
        self.assertIn("the peer discards its changes", self.split_brain_record(survivor))
        self.n1.wait_synced(60)
        self.n2.wait_synced(60)
        got = self.c.assert_identical(self)
        self.assertEqual(got, shas[survivor.name], f"the data is not {survivor.name}'s (the survivor's)")
        log(f"{policy_text}: {loser.name} discarded its changes, both hold {survivor.name}'s data")

    def expect_standalone(self, policy_text):
        pred = lambda s: s["connection"] == "StandAlone" and "split brain" in s.get("last_error", "")  # noqa: E731
        for n in self.c.nodes:
            n.wait_status("StandAlone after the split brain", pred, 30)
            rec = self.split_brain_record(n)
            self.assertIn(policy_text, rec)
            self.assertIn("decision=disconnect", rec.replace('"', ""))
        wait_for("the split-brain handler on both", lambda: len(self.handler_calls("split-brain")) >= 2, 10)


class Disconnect(AfterSplitBrain):
    def test_default_disconnect_leaves_both_standalone(self):
        self.diverge((100, 101), (200,))
        self.expect_standalone("after_sb_0pri=disconnect")


class DiscardZeroChanges(AfterSplitBrain):
    volume_extra = policy(zero="discard-zero-changes")

    def test_the_side_without_changes_loses(self):
        shas = self.diverge((100, 101), ())
        self.expect_survivor(shas, self.n1, "after_sb_0pri=discard-zero-changes")


class DiscardLeastChanges(AfterSplitBrain):
    volume_extra = policy(zero="discard-least-changes")

    def test_the_side_with_fewer_changes_loses(self):
        shas = self.diverge((100,), (200, 201, 202))
        self.expect_survivor(shas, self.n2, "after_sb_0pri=discard-least-changes")


class DiscardYoungerPrimary(AfterSplitBrain):
    volume_extra = policy(zero="discard-younger-primary")

    def test_the_younger_primary_loses(self):
        shas = self.diverge((100,), (200, 201))
        self.expect_survivor(shas, self.n1, "after_sb_0pri=discard-younger-primary")


class DiscardOlderPrimary(AfterSplitBrain):
    volume_extra = policy(zero="discard-older-primary")

    def test_the_older_primary_loses(self):
        shas = self.diverge((100, 101), (200,))
        self.expect_survivor(shas, self.n2, "after_sb_0pri=discard-older-primary")


class DiscardNode(AfterSplitBrain):
    volume_extra = policy(zero="discard-node-node2")

    def test_the_named_node_loses(self):
        shas = self.diverge((100,), (200, 201, 202))
        self.expect_survivor(shas, self.n1, "after_sb_0pri=discard-node-node2")


class OnePrimaryDiscardSecondary(AfterSplitBrain):
    volume_extra = policy(one="discard-secondary")

    def test_the_secondary_loses_and_the_primary_stays(self):
        shas = self.diverge((100, 101, 102), (200,), primary_at_connect=(self.n2,))
        self.expect_survivor(shas, self.n2, "after_sb_1pri=discard-secondary")
        self.assertEqual(self.n2.status()["role"], "Primary")


class OnePrimaryCallPriLost(AfterSplitBrain):
    volume_extra = policy(zero="discard-younger-primary", one="call-pri-lost-after-sb")

    def test_the_losing_primary_runs_pri_lost_after_sb(self):
        self.diverge((100,), (200,), primary_at_connect=(self.n2,))
        rec = self.split_brain_record(self.n2)
        self.assertIn("after_sb_1pri=call-pri-lost-after-sb", rec)
        calls, _ = wait_for("pri-lost-after-sb", lambda: self.handler_calls("pri-lost-after-sb"), 10)
        self.assertEqual(calls, ["pri-lost-after-sb node=node2 peer=node1"])
        self.assertEqual(self.n2.status()["role"], "Primary", "a Primary is never resynced over")


class TwoPrimariesDisconnect(AfterSplitBrain):
    def test_two_primaries_stay_standalone(self):
        self.diverge((100,), (200,), primary_at_connect=(self.n1, self.n2))
        for n in self.c.nodes:
            rec = self.split_brain_record(n)
            self.assertIn("primaries=2", rec)
            self.assertIn("after_sb_2pri=disconnect", rec)
            n.wait_status("StandAlone", lambda s: s["connection"] == "StandAlone", 30)


if __name__ == "__main__":
    drbdtest.main()
