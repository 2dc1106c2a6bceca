"""3. Primary killed (SIGKILL) right after acknowledged FUA writes: with protocol C every
acknowledged write is already on the Secondary. It lost a Primary, so its disk is Consistent
and `primary r0` alone is refused (it cannot know the peer is dead); `primary r0 --force`,
the claim ha-core makes once the peer is fenced, promotes it, and it serves every
acknowledged write back over its own NBD export."""

import random
import threading
import time

import drbdtest
from drbdtest import BLOCK, ClusterTest, log, wait_for


class PrimaryCrashTest(ClusterTest):
    def test_acknowledged_writes_survive_primary_kill(self):
        c = self.c
        c.up()
        nblocks = c.size // BLOCK
        rng = random.Random(3)
        blocks = rng.sample(range(nblocks), 4000)  # distinct: an unacknowledged write never hides an acked one
        acked = {}
        state = {"error": None, "inflight": None}
        h = self.open_nbd(self.n1)

        def writer():
            t_end = time.monotonic() + 60
            for b in blocks:
                if time.monotonic() > t_end:
                    return
                data = rng.randbytes(BLOCK)
                state["inflight"] = b
                try:
                    h.pwrite(data, b * BLOCK, flags=drbdtest.nbd.CMD_FLAG_FUA)
                except Exception as e:  # noqa: BLE001  (expected once node1 is killed)
                    state["error"] = e
                    return
                acked[b] = data
        t = threading.Thread(target=writer, daemon=True)
        t.start()
        wait_for("500 acknowledged writes", lambda: len(acked) >= 500 or not t.is_alive(), 60, interval=0.001)
        self.assertTrue(t.is_alive(), f"writer stopped early: {state['error']}")
        self.n1.kill9()  # while the writer keeps writing: the last acks came just before
        t.join(30)
        self.assertFalse(t.is_alive(), "writer did not notice node1 died")
        self.close_nbd(h)
        log(f"{len(acked)} FUA writes acknowledged before the kill; the one in flight failed with: {state['error']}")

        s2, took = self.n2.wait_status("peer gone", lambda s: s["connection"] != "Connected"
                                       and s["peer_disk"] != "UpToDate", 30)
        log(f"node2 noticed after {took * 1000:.0f} ms: {s2['connection']}, disk {s2['disk']}")
        self.assertEqual(s2["disk"], "Consistent")
        p = self.n2.cli("primary", "r0", check=False)
        self.assertNotEqual(p.returncode, 0, "a Secondary that lost its Primary was promoted without --force")
        self.assertIn("local disk is Consistent, not UpToDate: the peer was Primary", p.stderr)
        log(f"primary without --force refused: {p.stderr.strip()}")
        self.n2.cli("primary", "r0", "--force")  # the operator knows node1 is dead
        wait_for("node2's NBD socket", lambda: self.n2.status()["nbd_socket"], 10)
        h2 = self.open_nbd(self.n2)
        missing = [b for b, data in acked.items() if h2.pread(BLOCK, b * BLOCK) != data]
        self.assertEqual(missing, [], f"{len(missing)} acknowledged writes are not on node2 (blocks {missing[:10]})")
        log(f"all {len(acked)} acknowledged writes read back from node2's export")

        # Failback: node2 (now Primary) writes on; node1 comes back and becomes SyncTarget:
        # it receives node2's new writes plus its own activity-log extents (the write in
        # flight at the kill may be on node1 only), and the replicas end identical.
        h2.pwrite(b"\x77" * BLOCK * 2, 0, flags=drbdtest.nbd.CMD_FLAG_FUA)
        self.close_nbd(h2)
        self.n1.start()
        self.n1.cli("up", "r0")
        s1, took = self.n1.wait_synced(60)
        s2 = self.n2.status()
        recovery = [l.strip() for l in self.n1.log_records("crashed-primary-recovery")]
        log(f"node1 back as {s1['role']} and in sync after {took:.2f}s: resync_blocks_received "
            f"{s1['resync_blocks_received']}; {recovery[-1:] }")
        self.assertEqual((s1["role"], s2["role"]), ("Secondary", "Primary"))
        self.assertGreaterEqual(s1["resync_blocks_received"], 2)
        c.assert_identical(self)


if __name__ == "__main__":
    drbdtest.main()
