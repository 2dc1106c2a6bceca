"""5. Online verify: a few bytes corrupted behind drbd-lite's back on node2's lower device
are found by `verify` (out of sync, verify-mismatch events), and disconnect + connect
resyncs exactly the marked chunk, after which the replicas are identical."""

import json
import os
import select
import subprocess
import time

import drbdtest
from drbdtest import BLOCK, ClusterTest, log, wait_for

CORRUPT_AT = (5 << 20) + 1234


class EventStream:
    """`drbdlite events --json` in the background; read with deadlines; stopped by its pid."""

    def __init__(self, node):
        self.p = subprocess.Popen([os.path.join(node.cluster.bin, "drbdlite"), "--runtime-dir", node.rundir,
                                   "events", "--json"], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                  env=node.cluster.env)
        self.events = []
        self.buf = b""
        self.wait("subscribed", 30)  # a verify started before this would be missed

    def wait(self, name, timeout):
        end = time.monotonic() + timeout
        while True:
            for e in self.events:
                if e.get("event") == name:
                    return e
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no '{name}' event within {timeout}s; got {[e.get('event') for e in self.events]}")
            r, _, _ = select.select([self.p.stdout], [], [], min(left, 0.5))
            if r:
                chunk = os.read(self.p.stdout.fileno(), 65536)
                if not chunk:
                    raise AssertionError(f"events stream ended; got {[e.get('event') for e in self.events]}")
                self.buf += chunk
                *lines, self.buf = self.buf.split(b"\n")
                self.events += [json.loads(l) for l in lines if l.strip()]

    def close(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(5)
        self.p.stdout.close()


class VerifyTest(ClusterTest):
    def test_verify_finds_corruption_and_resync_repairs_it(self):
        c = self.c
        c.up()
        with open(self.n2.device, "r+b") as f:
            f.seek(CORRUPT_AT)
            old = f.read(5)
            f.seek(CORRUPT_AT)
            f.write(bytes(b ^ 0xFF for b in old))
            f.flush()
            os.fsync(f.fileno())
        self.assertNotEqual(self.n1.data_sha(c.size), self.n2.data_sha(c.size))

        ev = EventStream(self.n1)
        try:
            t0 = time.monotonic()
            self.n1.cli("verify", "r0")
            mismatch = ev.wait("verify-mismatch", 60)
            finished = ev.wait("verify-finished", 60)
        finally:
            ev.close()
        took = time.monotonic() - t0
        s1, _ = self.n1.wait_status("verify done", lambda s: s["connection"] == "Connected", 30)
        s2 = self.n2.status()
        log(f"verify of {c.size >> 20} MiB took {took:.2f}s; event {mismatch}; finished {finished}")
        log(f"node1 out_of_sync_kib {s1['out_of_sync_kib']} verify_mismatch_kib {s1.get('verify_mismatch_kib')}; "
            f"node2 out_of_sync_kib {s2['out_of_sync_kib']}")
        off, length = int(mismatch["offset"]), int(mismatch["length"])
        self.assertTrue(off <= CORRUPT_AT < off + length, f"mismatch {off}+{length} does not cover {CORRUPT_AT}")
        self.assertGreater(s1["out_of_sync_kib"], 0)
        self.assertGreater(int(finished["out_of_sync_kib"]), 0)
        self.assertEqual(s1["out_of_sync_kib"], length >> 10, "only the mismatching chunk is marked")

        before = s2["resync_blocks_received"]
        self.n1.cli("disconnect", "r0")
        self.n1.wait_status("StandAlone", lambda s: s["connection"] == "StandAlone", 10)
        self.n1.cli("connect", "r0")
        self.n1.wait_synced(60)
        s2, _ = self.n2.wait_synced(60)
        delta = s2["resync_blocks_received"] - before
        log(f"resync after reconnect: node2 received {delta} blocks ({length // BLOCK} expected)")
        self.assertEqual(delta, length // BLOCK)
        self.assertEqual(self.n1.status()["out_of_sync_kib"], 0)
        c.assert_identical(self)


if __name__ == "__main__":
    drbdtest.main()
