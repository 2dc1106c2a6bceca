"""6. Split brain: both nodes write while disconnected (node1 as the Primary, node2 promoted
on its own); on reconnect both stop (StandAlone, last_error names the split brain) instead
of guessing; `connect --discard-my-data` on node2 resolves it with a resync from node1."""

import drbdtest
from drbdtest import BLOCK, ClusterTest, log, wait_for

NODE1_BLOCKS = (100, 101, 5000)
NODE2_BLOCKS = (200, 5000, 9000)


class SplitBrainTest(ClusterTest):
    def write_blocks(self, node, blocks, tag):
        h = self.open_nbd(node)
        for b in blocks:
            h.pwrite(bytes([tag]) * BLOCK, b * BLOCK, flags=drbdtest.nbd.CMD_FLAG_FUA)
        self.close_nbd(h)

    def test_split_brain_detected_and_resolved(self):
        c = self.c
        c.up()
        self.n1.cli("disconnect", "r0")
        self.n1.wait_status("StandAlone", lambda s: s["connection"] == "StandAlone", 10)
        self.n2.wait_status("peer gone", lambda s: s["connection"] != "Connected", 10)
        self.write_blocks(self.n1, NODE1_BLOCKS, 0x11)

        p = self.n2.cli("primary", "r0")  # no --force: UpToDate and the peer is unreachable
        wait_for("node2's NBD socket", lambda: self.n2.status()["nbd_socket"], 10)
        self.write_blocks(self.n2, NODE2_BLOCKS, 0x22)
        self.n2.cli("secondary", "r0")

        self.n1.cli("connect", "r0")
        pred = lambda s: s["connection"] == "StandAlone" and "split brain" in s.get("last_error", "")  # noqa: E731
        s1, took = self.n1.wait_status("StandAlone after split brain", pred, 30)
        s2, _ = self.n2.wait_status("StandAlone after split brain", pred, 30)
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


if __name__ == "__main__":
    drbdtest.main()
