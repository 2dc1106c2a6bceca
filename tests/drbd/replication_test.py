"""1. Replication: random data written through nbdcopy into the Primary's export lands
byte-identically on both lower devices."""

import hashlib
import os
import subprocess
import time

import drbdtest
from drbdtest import ClusterTest, log, nbd_uri, wait_for


class ReplicationTest(ClusterTest):
    def test_nbdcopy_replicates_byte_identical(self):
        c = self.c
        c.up()
        n = 32 << 20
        src = os.path.join(c.dir, "input.bin")
        with open(src, "wb") as f:
            f.write(os.urandom(n))
        # Expected data area: the input at offset 0, zeroes after it (sparse fresh devices).
        with open(src, "rb") as f:
            data = f.read()
        expect = hashlib.sha256(data + bytes(c.size - n)).hexdigest()
        before = self.n1.status()["writes_replicated"]
        t0 = time.monotonic()
        p = subprocess.run(["nbdcopy", "--flush", src, nbd_uri(self.n1.nbd_socket)], capture_output=True, text=True,
                           timeout=120, env=dict(os.environ, PATH=drbdtest.SYS_PATH))
        took = time.monotonic() - t0
        self.assertEqual(p.returncode, 0, f"nbdcopy failed: {p.stdout}{p.stderr}")
        s1 = self.n1.status()
        log(f"nbdcopy of {n >> 20} MiB took {took:.2f}s ({n / took / (1 << 20):.1f} MiB/s), "
            f"writes_replicated +{s1['writes_replicated'] - before}")
        self.assertEqual(s1["connection"], "Connected")
        self.assertEqual(s1["out_of_sync_kib"], 0, "blocks left out of sync after a connected write")
        self.assertGreater(s1["writes_replicated"], before)
        # Protocol C: nbdcopy's writes (and its flush) completed, so both lower files hold them.
        sha = c.assert_identical(self, expect)
        log(f"both data areas ({c.size} bytes) sha256 {sha[:16]}... equal to the input")

        # Trim and write-zeroes replicate too (both read back as zeroes on both nodes).
        h = self.open_nbd(self.n1)
        h.trim(1 << 20, 4 << 20)
        h.zero(64 << 10, 10 << 20, flags=drbdtest.nbd.CMD_FLAG_NO_HOLE | drbdtest.nbd.CMD_FLAG_FUA)
        h.flush()
        self.close_nbd(h)
        data = bytearray(data + bytes(c.size - n))
        data[4 << 20:5 << 20] = bytes(1 << 20)
        data[10 << 20:(10 << 20) + (64 << 10)] = bytes(64 << 10)
        c.assert_identical(self, hashlib.sha256(data).hexdigest())
        log("trim (1 MiB) and write-zeroes (64 KiB) replicated: replicas identical and zeroed")

    def test_pipelined_flushes_are_coalesced(self):
        """32 writes, each followed by a flush, sent without waiting (as fio --fsync=1 at a queue
        depth): every one completes, fewer replica flushes than NBD flushes are issued (one answers
        all read in one loop iteration), and after them both lower devices hold every block."""
        c = self.c
        c.up()
        before = self.n1.status()
        h = self.open_nbd(self.n1)
        blocks = list(range(0, 64 * 32, 64))  # 32 blocks, 256 KiB apart
        cookies = set()
        for i, b in enumerate(blocks):
            cookies.add(h.aio_pwrite(bytes([0x40 + i]) * drbdtest.BLOCK, b * drbdtest.BLOCK))
            cookies.add(h.aio_flush())

        def all_done():
            h.poll(50)
            cookies.difference_update({k for k in cookies if h.aio_command_completed(k)})  # raises on an error
            return not cookies
        wait_for("the writes and flushes to complete", all_done, 30)
        self.close_nbd(h)
        after = self.n1.status()
        nbd_flushes = after["nbd_flushes"] - before["nbd_flushes"]
        issued = after["flushes_issued"] - before["flushes_issued"]
        log(f"32 NBD flushes answered by {issued} replica flushes")
        self.assertEqual(nbd_flushes, 32)
        self.assertLess(issued, 32, "no flush was coalesced")
        self.assertGreaterEqual(issued, 1)
        data = bytearray(c.size)
        for i, b in enumerate(blocks):
            data[b * drbdtest.BLOCK:(b + 1) * drbdtest.BLOCK] = bytes([0x40 + i]) * drbdtest.BLOCK
        c.assert_identical(self, hashlib.sha256(data).hexdigest())

    def test_clean_restart_needs_no_resync(self):
        """SIGTERM (clean down) of the Secondary and then of the Primary: after restart + up
        both come back UpToDate and Connected; only blocks written while node2 was away move."""
        c = self.c
        c.up()
        h = self.open_nbd(self.n1)
        h.pwrite(b"\x5a" * 8192, 1 << 20, flags=drbdtest.nbd.CMD_FLAG_FUA)
        rc = self.n2.stop()
        log(f"node2 stopped with SIGTERM: exit {rc}")
        self.assertEqual(rc, 0, "drbdlited did not exit cleanly on SIGTERM:\n" + self.n2.stderr_tail())
        self.n1.wait_status("peer gone", lambda s: s["connection"] != "Connected", 10)
        h.pwrite(b"\xa5" * 4096 * 3, 8 << 20, flags=drbdtest.nbd.CMD_FLAG_FUA)  # 3 blocks node2 misses
        self.close_nbd(h)
        self.n2.start()
        self.n2.cli("up", "r0")
        s2, took = self.n2.wait_synced(30)
        log(f"node2 clean restart: in sync after {took:.2f}s, resync_blocks_received {s2['resync_blocks_received']}")
        self.assertEqual(s2["resync_blocks_received"], 3)

        wait_for("node1's NBD clients gone", lambda: self.n1.status()["nbd_clients"] == 0, 10)
        rc = self.n1.stop()
        self.assertEqual(rc, 0, "drbdlited did not exit cleanly on SIGTERM:\n" + self.n1.stderr_tail())
        self.n2.wait_status("peer gone", lambda s: s["connection"] != "Connected", 10)
        self.n1.start()
        self.n1.cli("up", "r0")
        s1, took = self.n1.wait_synced(30)
        s2 = self.n2.status()
        log(f"node1 clean restart: {s1['role']}/{s2['role']}, in sync after {took:.2f}s, "
            f"node2 resync_blocks_received {s2['resync_blocks_received']}, node1 {s1['resync_blocks_received']}")
        self.assertEqual((s1["role"], s2["role"]), ("Secondary", "Secondary"), "a clean stop demotes")
        self.assertEqual(s2["resync_blocks_received"], 3, "a clean Primary stop must not cause a resync")
        self.assertEqual(s1["resync_blocks_received"], 0)
        c.assert_identical(self)


if __name__ == "__main__":
    drbdtest.main()
