"""Fencing (issue 14) with real daemons and a scripted handler: fencing: resource-and-stonith.
The replication link is cut (node2, the Secondary, disconnects) while node1, the Primary,
writes: node1's writes freeze at once (held, not failed: the NBD client waits) and fence-peer
runs with the volume and the peer in its environment. Exit 7 thaws them; a failing or hung
handler (killed at handler_timeout) keeps them frozen and retried, and nothing is lost when
the peer comes back; `drbdlite resume-io` thaws by hand, logged. A handler that outdates the
peer (exit 4) leaves it Outdated, persistently: it refuses promotion, --force works and is
logged. A promotion with the peer unreachable waits for fence-peer, and `drbdlite primary`
waits with it."""

import os
import time

import drbdtest
from drbdtest import BLOCK, ClusterTest, log, nbd, wait_for

# The scripted handler: logs its call and environment, then answers as @DIR@/fence-answer says:
# an exit code, "outdate" (outdates the peer through its daemon, exit 4) or "hang".
HANDLER = """#!/bin/sh
d=$(dirname "$0")
echo "$DRBD_HANDLER node=$DRBD_NODE resource=$DRBD_RESOURCE peer=$DRBD_PEER peer_address=$DRBD_PEER_ADDRESS" \
  >> "$d/handlers.log"
[ "$DRBD_HANDLER" = fence-peer ] || exit 0
answer=$(cat "$d/fence-answer" 2>/dev/null || echo 1)
case "$answer" in
  outdate) "$d/drbdlite" --runtime-dir "$d/run-$DRBD_PEER" outdate "$DRBD_RESOURCE" && exit 4; exit 1 ;;
  hang) exec sleep 600 ;;
  *) exit "$answer" ;;
esac
"""

FENCING = ("fencing: resource-and-stonith, handler_timeout: 2s, handlers: {fence_peer: sh @DIR@/handler.sh, "
           "unfence_peer: sh @DIR@/handler.sh, after_resync_target: sh @DIR@/handler.sh, "
           "split_brain: sh @DIR@/handler.sh}")


class FencingTest(ClusterTest):
    volume_extra = FENCING

    def setUp(self):
        super().setUp()
        d = self.c.dir
        with open(os.path.join(d, "handler.sh"), "w") as f:
            f.write(HANDLER)
        os.symlink(os.path.join(self.c.bin, "drbdlite"), os.path.join(d, "drbdlite"))
        self.answer("1")

    def answer(self, what):
        with open(os.path.join(self.c.dir, "fence-answer"), "w") as f:
            f.write(what + "\n")

    def handler_calls(self, handler):
        return self.c.handler_calls(handler)

    def cut_link(self):
        """node2 (Secondary) disconnects: node1 loses its peer while Primary. Returns seconds to io_frozen."""
        before = len(self.n1.log_records("io-frozen"))
        start = time.monotonic()
        self.n2.cli("disconnect", "r0")
        # A handler that answers at once thaws within ms: the log says it froze even then.
        s1, _ = self.n1.wait_status("I/O frozen", lambda s: s["io_frozen"] or len(
            self.n1.log_records("io-frozen")) > before, 10)
        took = time.monotonic() - start
        log(f"link cut: node1 froze I/O after {took * 1000:.0f} ms (fencing_peer {s1['fencing_peer']})")
        return took

    def start_writes(self, blocks, tag):
        """aio FUA writes through node1's export; returns (handle, pending cookies)."""
        h = self.open_nbd(self.n1)
        cookies = {h.aio_pwrite(bytes([tag]) * BLOCK, b * BLOCK, flags=nbd.CMD_FLAG_FUA) for b in blocks}
        return h, cookies

    @staticmethod
    def retire_completed(h, cookies):
        """Removes the completed writes from `cookies` (raises if one failed); how many completed."""
        h.poll(0)
        done = {c for c in cookies if h.aio_command_completed(c)}
        cookies -= done
        return len(done)

    def stay_pending(self, h, cookies, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            h.poll(50)
            self.assertEqual(self.retire_completed(h, cookies), 0, "a write completed while I/O was frozen")

    def wait_completed(self, h, cookies, timeout):
        def done():
            h.poll(50)
            self.retire_completed(h, cookies)
            return not cookies
        _, took = wait_for("the held writes to complete", done, timeout, interval=0)
        return took

    def test_link_cut_freezes_writes_until_fence_peer_answers_7(self):
        self.c.up()
        took = self.cut_link()
        self.assertLess(took, 2.0)
        h, cookies = self.start_writes((10, 11, 12), 0x71)
        self.stay_pending(h, cookies, 1.5)
        calls = self.handler_calls("fence-peer")
        self.assertTrue(calls)
        self.assertIn("fence-peer node=node1 resource=r0 peer=node2 peer_address=127.0.0.2", calls[0])
        self.assertTrue(self.n1.log_records("fence-peer-failed"), "the first answer (1) was a failure")
        self.answer("7")
        took = self.wait_completed(h, cookies, 10)
        log(f"fence-peer answered 7: held writes completed {took:.2f}s later")
        s1 = self.n1.status()
        self.assertFalse(s1["io_frozen"])
        self.assertTrue(s1["peer_fenced"])
        self.assertTrue(any("exit 7: the peer was fenced" in l for l in self.n1.log_records("peer-fenced")))
        self.assertTrue(self.n1.log_records("io-resumed"))
        # node2 comes back: resynced from node1, then unfenced.
        self.n2.cli("connect", "r0")
        self.n1.wait_synced(30)
        self.c.assert_identical(self)
        wait_for("unfence-peer", lambda: self.handler_calls("unfence-peer"), 10)
        self.assertFalse(self.n1.status()["peer_fenced"])

    def test_failing_or_hung_handler_keeps_io_frozen_and_nothing_is_lost(self):
        self.c.up()
        self.answer("hang")
        self.cut_link()
        h, cookies = self.start_writes((20, 21), 0x72)
        wait_for("the hung handler killed at its timeout",
                 lambda: any("timed out" in l or "timeout" in l for l in self.n1.log_records("handler_finished")), 10)
        self.answer("1")
        self.stay_pending(h, cookies, 2.5)
        s1 = self.n1.status()
        self.assertTrue(s1["io_frozen"])
        self.assertIn("fence-peer failed", s1.get("last_error", ""))
        failures = len(self.n1.log_records("fence-peer-failed"))
        self.assertGreaterEqual(failures, 2, "retried")
        log(f"still frozen after {failures} failed fence-peer runs; node2 reconnects")
        self.n2.cli("connect", "r0")
        self.wait_completed(h, cookies, 30)
        self.n1.wait_synced(30)
        self.n2.wait_synced(30)
        self.c.assert_identical(self)
        with open(self.n2.device, "rb") as f:
            for b in (20, 21):
                f.seek(b * BLOCK)
                self.assertEqual(f.read(BLOCK), bytes([0x72]) * BLOCK, f"block {b} lost")

    def test_resume_io_by_hand_is_logged(self):
        self.c.up()
        p = self.n1.cli("resume-io", "r0", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("I/O is not frozen", p.stderr)
        self.cut_link()
        h, cookies = self.start_writes((30,), 0x73)
        self.stay_pending(h, cookies, 0.5)
        text = self.n1.cli("status", "r0").stdout
        self.assertIn("io:FROZEN", text)
        self.n1.cli("resume-io", "r0")
        self.wait_completed(h, cookies, 10)
        self.assertTrue(self.n1.log_records("resume-io-by-operator"))
        self.assertFalse(self.n1.status()["io_frozen"])

    def test_outdated_peer_refuses_promotion_and_forced_promotion_is_logged(self):
        self.c.up()
        self.answer("outdate")
        self.cut_link()
        s1, _ = self.n1.wait_status("thawed", lambda s: not s["io_frozen"], 10)
        self.assertTrue(s1["peer_fenced"])
        self.assertEqual(self.n2.status()["disk"], "Outdated")
        self.write_blocks(self.n1, (40,), 0x74)  # node2 never gets it
        self.n1.kill9()
        refused = "local disk is Outdated: the peer fenced this node"
        p = self.n2.cli("primary", "r0", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(refused, p.stderr)
        self.n2.stop()
        self.n2.start()
        self.n2.cli("up", "r0")
        self.assertEqual(self.n2.status()["disk"], "Outdated", "persisted in the superblock")
        p = self.n2.cli("primary", "r0", check=False)
        self.assertIn(refused, p.stderr)
        self.n2.cli("primary", "r0", "--force")
        s2 = self.n2.status()
        self.assertEqual((s2["role"], s2["disk"]), ("Primary", "UpToDate"))
        self.assertTrue(any("disk=Outdated" in l for l in self.n2.log_records("forced-primary")))

    def test_promotion_with_the_peer_unreachable_waits_for_fence_peer(self):
        self.c.up()
        self.write_blocks(self.n1, (50,), 0x75)
        self.n1.kill9()  # the Primary dies: node2 lost it while up (Consistent, holds its writes)
        self.n2.wait_status("Consistent", lambda s: s["disk"] == "Consistent", 30)
        self.answer("5")
        start = time.monotonic()
        self.n2.cli("primary", "r0")  # waits for fence-peer's answer
        log(f"primary with fence-peer first: {time.monotonic() - start:.2f}s")
        s2 = self.n2.status()
        self.assertEqual((s2["role"], s2["disk"]), ("Primary", "UpToDate"))
        self.assertTrue(self.handler_calls("fence-peer"))
        wait_for("node2's NBD socket", lambda: os.path.exists(self.n2.nbd_socket), 10)
        h = self.open_nbd(self.n2)
        self.assertEqual(h.pread(BLOCK, 50 * BLOCK), bytes([0x75]) * BLOCK)


if __name__ == "__main__":
    drbdtest.main()
