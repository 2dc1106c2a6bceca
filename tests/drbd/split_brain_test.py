"""6. Split brain: both nodes write while disconnected (node1 as the Primary, node2 promoted
on its own, with --force since it lost a Primary); on reconnect both stop (StandAlone,
last_error names the split brain) instead of guessing; `connect --discard-my-data` on node2
resolves it with a resync from node1. The flag decides that one connect: a second split
brain later stops both again."""

import drbdtest
from drbdtest import BLOCK, ClusterTest, log, wait_for

NODE1_BLOCKS = (100, 101, 5000)
NODE2_BLOCKS = (200, 5000, 9000)


class SplitBrainTest(ClusterTest):
    def make_split_brain(self, node1_blocks, node2_blocks):
        """node1 (Primary) disconnects and writes; node2 is forced Primary, writes, demotes;
        node1 connects again: both must stop. Returns both statuses."""
        self.n1.cli("disconnect", "r0")
        self.n1.wait_status("StandAlone", lambda s: s["connection"] == "StandAlone", 10)
        self.n2.wait_status("peer gone", lambda s: s["connection"] != "Connected", 10)
        self.write_blocks(self.n1, node1_blocks, 0x11)
        self.n2.cli("primary", "r0", "--force")  # it lost a Primary: its disk is Consistent
        wait_for("node2's NBD socket", lambda: self.n2.status()["nbd_socket"], 10)
        self.write_blocks(self.n2, node2_blocks, 0x22)
        self.n2.cli("secondary", "r0")
        self.n1.cli("connect", "r0")
        pred = lambda s: s["connection"] == "StandAlone" and "split brain" in s.get("last_error", "")  # noqa: E731
        s1, took = self.n1.wait_status("StandAlone after split brain", pred, 30)
        s2, _ = self.n2.wait_status("StandAlone after split brain", pred, 30)
        s1["took"] = took
        return s1, s2

    def test_split_brain_detected_and_resolved(self):
        c = self.c
        c.up()

        s1, s2 = self.make_split_brain(NODE1_BLOCKS, NODE2_BLOCKS)
        took = s1.pop("took")
        log(f"split brain detected after {took:.2f}s:\n  node1: {s1['last_error']}\n  node2: {s2['last_error']}")
        self.assertEqual(s1["role"], "Primary")
        self.assertEqual(s2["role"], "Secondary")
        self.assertTrue(self.n1.log_records("split-brain") or self.n2.log_records("split-brain"),
                        "no split-brain record in either log")

        before = s2["resync_blocks_received"]
        self.n2.cli("connect", "r0", "--discard-my-data")
        self.n1.cli("connect", "r0")
        s2, took = self.n2.wait_synced(60)
        self.n1.wait_synced(30)
        delta = s2["resync_blocks_received"] - before
        changed = set(NODE1_BLOCKS) | set(NODE2_BLOCKS)
        log(f"resolved in {took:.2f}s: node2 received {delta} blocks (both sides changed {len(changed)})")
        self.assertEqual(delta, len(changed), "bitmap-based resync of both sides' changes")
        c.assert_identical(self)
        with open(self.n2.device, "rb") as f:
            for b in changed:
                f.seek(b * BLOCK)
                want = bytes([0x11]) * BLOCK if b in NODE1_BLOCKS else bytes(BLOCK)
                self.assertEqual(f.read(BLOCK), want, f"block {b} on node2 is not node1's version")

        # A second split brain: node2's `--discard-my-data` decided the first one only.
        resolved = self.n2.status()["resync_blocks_received"]
        s1, s2 = self.make_split_brain((300,), (400,))
        log(f"second split brain: both StandAlone again:\n  node2: {s2['last_error']}")
        self.assertEqual(s2["resync_blocks_received"], resolved, "node2 received blocks: it was overwritten")
        with open(self.n2.device, "rb") as f:
            f.seek(400 * BLOCK)
            self.assertEqual(f.read(BLOCK), bytes([0x22]) * BLOCK, "node2's new changes were thrown away")


if __name__ == "__main__":
    drbdtest.main()
