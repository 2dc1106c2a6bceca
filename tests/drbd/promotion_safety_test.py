"""11. No path promotes a Secondary that missed writes without --force. The replication link
is cut while both daemons run (node1, the Primary, disconnects): node2 cannot know what
node1 writes next, so its disk is Consistent, not UpToDate. node1 writes, then dies:
`primary r0` on node2 is refused, also after node2's daemon restarts (the superblock keeps
it); `--force` (ha-core's claim once node1 is fenced) promotes it. The normal failover
still works: a Primary that demotes before it dies leaves its peer UpToDate and promotable
without --force, holding every write."""

import drbdtest
from drbdtest import BLOCK, ClusterTest, log, wait_for

REFUSED = "local disk is Consistent, not UpToDate: the peer was Primary when this node lost it"


class PromotionSafetyTest(ClusterTest):
    def read_block(self, node, b):
        h = self.open_nbd(node)
        data = h.pread(BLOCK, b * BLOCK)
        self.close_nbd(h)
        return data

    def test_secondary_cut_off_from_its_primary_needs_force(self):
        c = self.c
        c.up()
        self.n1.cli("disconnect", "r0")
        s2, took = self.n2.wait_status("peer gone", lambda s: s["connection"] != "Connected", 10)
        log(f"replication link cut: node2 {s2['connection']}, disk {s2['disk']} after {took * 1000:.0f} ms")
        self.assertEqual(s2["disk"], "Consistent")
        self.assertTrue(self.n2.log_records("peer-primary-lost"), "node2 did not log peer-primary-lost")
        self.write_blocks(self.n1, (10, 11), 0x33)  # node2 never gets these
        self.n1.kill9()

        p = self.n2.cli("primary", "r0", check=False)
        log(f"primary on node2 without --force: rc {p.returncode}: {p.stderr.strip()}")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(REFUSED, p.stderr)

        # A restart of node2's daemon does not forget it.
        self.n2.stop()
        self.n2.start()
        self.n2.cli("up", "r0")
        s2 = self.n2.status()
        self.assertEqual(s2["disk"], "Consistent")
        p = self.n2.cli("primary", "r0", check=False)
        self.assertNotEqual(p.returncode, 0, "promoted without --force after a restart")
        self.assertIn(REFUSED, p.stderr)

        self.n2.cli("primary", "r0", "--force")
        s2 = self.n2.status()
        self.assertEqual((s2["role"], s2["disk"]), ("Primary", "UpToDate"))
        self.assertTrue(self.n2.log_records("forced-primary"))
        wait_for("node2's NBD socket", lambda: self.n2.status()["nbd_socket"], 10)
        self.assertEqual(self.read_block(self.n2, 10), bytes(BLOCK), "node2 has node1's write it never received?")
        self.write_blocks(self.n2, (20,), 0x44)

        # node1 comes back: both wrote since they parted, a split brain, never a silent overwrite.
        self.n1.start()
        self.n1.cli("up", "r0")
        pred = lambda s: s["connection"] == "StandAlone" and "split brain" in s.get("last_error", "")  # noqa: E731
        s1, took = self.n1.wait_status("StandAlone after split brain", pred, 30)
        log(f"node1 back: split brain after {took:.2f}s: {s1['last_error']}")

    def test_secondary_of_a_demoted_primary_is_promoted_without_force(self):
        c = self.c
        c.up()
        self.write_blocks(self.n1, (30, 31, 32), 0x55)
        self.n1.cli("secondary", "r0")
        self.n2.wait_status("peer Secondary", lambda s: s["peer_role"] == "Secondary", 10)
        self.n1.kill9()
        s2, _ = self.n2.wait_status("peer gone", lambda s: s["connection"] != "Connected", 30)
        self.assertEqual(s2["disk"], "UpToDate")
        self.n2.cli("primary", "r0")  # no --force
        wait_for("node2's NBD socket", lambda: self.n2.status()["nbd_socket"], 10)
        for b in (30, 31, 32):
            self.assertEqual(self.read_block(self.n2, b), bytes([0x55]) * BLOCK, f"block {b}")
        log("node2 promoted without --force after node1 demoted, with node1's writes")


if __name__ == "__main__":
    drbdtest.main()
