"""2. Secondary killed (SIGKILL) during a continuous write load, restarted and brought up:
the resync moves only the blocks written while it was away (the Primary's bitmap),
not the whole device, and the replicas end identical."""

import os
import random
import threading
import time

import drbdtest
from drbdtest import BLOCK, ClusterTest, log, wait_for


class Writer(threading.Thread):
    """4 KiB FUA writes at random block offsets, bounded in count and time. Records, for
    every write, its start time, block and outcome."""

    def __init__(self, handle, nblocks, max_writes=20000, max_seconds=60, seed=2):
        super().__init__(daemon=True)
        self.h = handle
        self.nblocks = nblocks
        self.max_writes = max_writes
        self.max_seconds = max_seconds
        self.rng = random.Random(seed)
        self.stop_flag = threading.Event()
        self.records = []  # (start monotonic, block, data, ok)
        self.error = None

    def run(self):
        start = time.monotonic()
        while (not self.stop_flag.is_set() and len(self.records) < self.max_writes
               and time.monotonic() - start < self.max_seconds):
            block = self.rng.randrange(self.nblocks)
            data = self.rng.randbytes(BLOCK)
            t = time.monotonic()
            try:
                self.h.pwrite(data, block * BLOCK, flags=drbdtest.nbd.CMD_FLAG_FUA)
                self.records.append((t, block, data, True))
            except Exception as e:  # noqa: BLE001
                self.records.append((t, block, data, False))
                self.error = e
                return

    def count(self):
        return len(self.records)

    def started_after(self, t):
        return [r for r in list(self.records) if r[0] >= t]


class SecondaryCrashTest(ClusterTest):
    def test_secondary_killed_under_load_resyncs_only_changed_blocks(self):
        c = self.c
        c.up()
        nblocks = c.size // BLOCK
        h = self.open_nbd(self.n1)
        w = Writer(h, nblocks)
        w.start()
        try:
            wait_for("300 writes before the kill", lambda: w.count() >= 300 or w.error, 60)
            self.assertIsNone(w.error, f"write failed while connected: {w.error}")
            self.n2.kill9()
            _, took = wait_for("node1 to notice node2 is gone",
                               lambda: self.n1.status()["connection"] != "Connected", 30, interval=0.01)
            observed = time.monotonic()
            log(f"node1 noticed the kill after {took * 1000:.0f} ms")
            wait_for("300 writes after the kill was observed",
                     lambda: len(w.started_after(observed)) >= 300 or w.error or not w.is_alive(), 60)
        finally:
            w.stop_flag.set()
            w.join(30)
        self.assertFalse(w.is_alive(), "writer thread did not stop")
        self.assertIsNone(w.error, f"a write failed on the Primary while the Secondary was down: {w.error}")
        all_blocks = {b for _, b, _, ok in w.records}
        after_blocks = {b for t, b, _, ok in w.records if t >= observed}
        s1 = self.n1.status()
        log(f"writes: {len(w.records)} total, {len(w.started_after(observed))} after the kill was observed; "
            f"distinct blocks: {len(all_blocks)} total, {len(after_blocks)} after; "
            f"node1 out_of_sync_kib {s1['out_of_sync_kib']} ({s1['out_of_sync_kib'] // 4} blocks)")
        self.assertGreaterEqual(s1["out_of_sync_kib"] // 4, len(after_blocks))
        self.close_nbd(h)

        t0 = time.monotonic()
        self.n2.start()
        self.n2.cli("up", "r0")
        s2, _ = self.n2.wait_synced(60)
        self.n1.wait_synced(30)
        took = time.monotonic() - t0
        got = s2["resync_blocks_received"]
        log(f"node2 restarted and resynced in {took:.2f}s: resync_blocks_received {got} "
            f"(bounds {len(after_blocks)}..{len(all_blocks)}, device {nblocks} blocks)")
        self.assertGreaterEqual(got, len(after_blocks), "resync missed blocks written while node2 was down")
        self.assertLessEqual(got, len(all_blocks), "resync moved blocks that were never written")
        self.assertLess(got, nblocks // 4, "resync was (nearly) a full sync")

        c.assert_identical(self)
        last = {}
        for _, b, data, ok in w.records:
            if ok:
                last[b] = data
        with open(self.n2.device, "rb") as f:
            for b, data in last.items():
                f.seek(b * BLOCK)
                self.assertEqual(f.read(BLOCK), data, f"node2 block {b} is not the last data written")
        log(f"node2 holds the last data of all {len(last)} written blocks")

    def test_writes_during_resync_end_identical(self):
        """The Primary keeps writing while the restarted Secondary resyncs (SyncSource with
        application writes on the same blocks): both end identical."""
        c = self.c
        c.up()
        h = self.open_nbd(self.n1)
        self.n2.kill9()
        self.n1.wait_status("peer gone", lambda s: s["connection"] != "Connected", 30)
        # Make the resync long enough to overlap the load: 24 MiB written while node2 is away.
        chunk = os.urandom(1 << 20)
        for i in range(24):
            h.pwrite(chunk, i << 20)
        h.flush()
        w = Writer(h, (24 << 20) // BLOCK, max_writes=5000, max_seconds=30, seed=7)
        w.start()
        try:
            self.n2.start()
            self.n2.cli("up", "r0")
            s2, took = self.n2.wait_synced(90)
        finally:
            w.stop_flag.set()
            w.join(30)
        self.assertIsNone(w.error, f"write failed during the resync: {w.error}")
        self.n1.wait_synced(30)
        log(f"resync with concurrent load: {took:.2f}s, node2 received {s2['resync_blocks_received']} blocks, "
            f"{len(w.records)} writes during it")
        self.assertGreaterEqual(s2["resync_blocks_received"], (24 << 20) // BLOCK)
        self.close_nbd(h)
        c.assert_identical(self)


if __name__ == "__main__":
    drbdtest.main()
