"""4. Activity-log resync after a Primary crash: the crashed Primary marks only the extents
of its activity log out of sync, so the resync after it comes back covers exactly those
extents (3 x 4 MiB = 3 x 1024 blocks) and not the whole 256 MiB device. node2 lost node1
while up, so it holds every write node1 completed (kHelloHoldsPrimaryWrites): the extents go
from node2 to node1 (node1's power cut could have lost some from its cache)."""

import re
import time

import drbdtest
from drbdtest import BLOCK, EXTENT, ClusterTest, log, wait_for

EXTENTS = (3, 20, 50)


class ActivityLogResyncTest(ClusterTest):
    device_size = 256 << 20

    def test_crashed_primary_resyncs_only_al_extents(self):
        c = self.c
        c.up(timeout=120)
        h = self.open_nbd(self.n1)
        for e in EXTENTS:  # a few blocks inside each extent, none crossing a boundary
            for k in (0, 7, 1000):
                h.pwrite(bytes([e, k % 256]) * (BLOCK // 2), e * EXTENT + k * BLOCK, flags=drbdtest.nbd.CMD_FLAG_FUA)
        self.n1.kill9()
        self.handles.clear()  # the server is gone with the process
        self.n2.wait_status("peer gone", lambda s: s["connection"] != "Connected", 30)

        t0 = time.monotonic()
        self.n1.start()
        self.n1.cli("up", "r0")
        s1, _ = self.n1.wait_synced(60)
        self.n2.wait_synced(60)
        took = time.monotonic() - t0
        delta = s1["resync_blocks_received"]  # node1's daemon restarted: counted since then
        recovery = [l.strip() for l in self.n1.log_records("crashed-primary-recovery")]
        decision = [l.strip() for l in self.n1.log_records("sync-decision")][-1:]
        log(f"node1 restart + AL resync took {took:.2f}s; node1 resync_blocks_received +{delta} "
            f"(expected {len(EXTENTS)} x {EXTENT // BLOCK} = {len(EXTENTS) * EXTENT // BLOCK})")
        log(f"node1 log: {recovery}")
        log(f"node1 log: {decision}")
        self.assertTrue(recovery, "node1 did not log crashed-primary-recovery")
        m = re.search(r"al_extents=(\d+)", recovery[-1])
        self.assertEqual(int(m.group(1)) if m else None, len(EXTENTS), "AL extent count after the crash")
        self.assertEqual(delta, len(EXTENTS) * EXTENT // BLOCK)
        c.assert_identical(self)


if __name__ == "__main__":
    drbdtest.main()
