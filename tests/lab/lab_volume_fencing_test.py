"""Lab: drbd-lite's fencing with ha-core as its fence-peer handler (conf/lab/cluster-storage.yaml:
r0 runs `fencing: resource-and-stonith`, `handlers.fence_peer: hactl fence-peer`), real
daemons, a writer on the mounted volume recording every acknowledged (fsync'ed) write.
- The replication link alone is cut while node1 writes: node1 freezes I/O at once, hactl
  answers 4 (r0 outdated on node2 at the cluster level: nobody is powered off), writes go
  on; the group cannot move to the outdated node2; after the heal the resync makes node2
  UpToDate, unfence-peer clears the outdate, and node2 holds every acknowledged write.
- Outdated node2 is never promoted: node1 powered off while r0 is outdated on node2 leaves
  the group stopped (status says why) until node1 is back with the newer data.
- The fence device fails while node2 is cut off: node1's I/O stays frozen (no write is
  acknowledged that node2 may lack), fence-peer is retried; `hactl fence node2
  --confirm-off` after node2 is really off thaws it, and nothing acknowledged is lost; the
  volume and filesystem monitors report the freeze as a warning, they do not fail the group."""

import datetime
import json
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from halab import HALAB, Lab, lab_setup, REPO  # noqa: E402
import storage  # noqa: E402
from storage import say  # noqa: E402
from volume_writer import Writer  # noqa: E402

WANT = {"demo-vip": "started", "demo-volume": "promoted", "demo-fs": "started", "demo-app": "started",
        "demo-web": "started"}
def frozen_ms(log):
    """From drbdlited's log: milliseconds between the first io-frozen and the next io-resumed."""
    def ts(event):
        line = next(x for x in log.splitlines() if f" event={event} " in x)
        stamp = line.split()[0].removeprefix("ts=").rstrip("Z")
        return datetime.datetime.fromisoformat(stamp)
    return (ts("io-resumed") - ts("io-frozen")).total_seconds() * 1000


class LabVolumeFencing(unittest.TestCase):
    lab = Lab("halabtestvf")

    @classmethod

    @lab_setup
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise AssertionError("lab_volume_fencing_test needs root (namespaces, FUSE, loop devices, mount): "
                                 "run it as root; it is labelled `lab`")
        cls.lab.env["HALAB_CONFIG"] = os.path.join(REPO, "conf", "lab", "cluster-storage.yaml")
        cls.lab.up()
        cls.agents = storage.Agents(cls.lab)
        storage.start_group_on_fresh_volume(cls.lab, cls.agents)

    @classmethod
    def tearDownClass(cls):
        cls.lab.save_logs(os.environ.get("HALAB_TEST_LOGS", "/tmp/halabtestvf-logs"))
        cls.lab.down()

    # --- what the cluster and drbd-lite say ---------------------------------------------
    def hactl(self, node, *args, check=True):
        return self.lab.exec(node, "hactl", *args, check=check, timeout=60)

    def events(self, node, name):
        return self.lab.events(node, name)

    def drbd_log(self, node):
        try:
            with open(f"{self.lab.root}/{node}/log/drbdlited.log", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def drbd_log_after(self, node, mark):
        return self.drbd_log(node)[mark:]

    def outdated(self, node):
        s = self.lab.hactl_status(node) or {}
        return [(o["volume"], o["node"]) for o in s.get("fencing", {}).get("outdated", [])]

    def powered(self, node):
        return self.lab.init_pid(node) is not None

    def group_on(self, asker, where, timeout):
        return self.lab.wait_group_on(asker, where, timeout, WANT)

    def rejoin(self, node, asker):
        if not self.powered(node):
            self.lab.run("poweron", node)
        self.lab.wait_members(asker, [1, 2], timeout=60)

    def synced(self, primary):
        def check():
            s = storage.drbd_status(self.lab, primary)
            return s if (s["connection"] == "Connected" and s["peer_disk"] == "UpToDate"
                         and s["out_of_sync_kib"] == 0) else None
        return self.lab.wait_for(f"r0 on {primary} Connected with the peer UpToDate", check, 120)

    # --- the tests ------------------------------------------------------------------------
    def test_1_replication_cut_outdates_the_peer_and_writes_go_on(self):
        self.group_on("node1", "node1", timeout=60)
        mark = len(self.drbd_log("node1"))
        w = Writer(self.lab, "node1", "cut")
        try:
            w.wait_more(20, 30, "before the cut")
            cut_at = time.monotonic()
            self.lab.run("cut", "node2", "replication")
            log = lambda: self.drbd_log_after("node1", mark)
            self.lab.wait_for("node1 to freeze I/O", lambda: "io-frozen" in log(), 30)
            self.lab.wait_for("node1's fence-peer to succeed and I/O to resume",
                              lambda: "peer-fenced" in log() and "io-resumed" in log(), 60)
            self.assertIn("exit 4", log()[log().index("peer-fenced"):], "fence-peer answered other than 4")
            self.lab.wait_for("r0 outdated on node2 at the cluster level",
                              lambda: ("r0", "node2") in self.outdated("node1"), 10)
            w.wait_more(30, 60, "after the freeze")
            gap = w.longest_gap(cut_at)
            say(f"replication cut: writes waited {gap * 1000:.0f} ms at most = the peer's silence detected "
                f"(timeout) + I/O frozen {frozen_ms(log()):.0f} ms (fence-peer -> hactl 4 -> resume)")
            self.assertTrue(self.powered("node1") and self.powered("node2"), "a replication cut fenced a node")
            self.assertEqual([e for e in self.events("node1", "fence_end")], [], "a replication cut fenced a node")
            self.assertIn("OUTDATED on node2", self.hactl("node1", "status").stdout)

            # The group cannot go to the outdated copy.
            p = self.hactl("node1", "switchover", "--to", "node2", "--wait", "--timeout", "20", check=False)
            self.assertNotEqual(p.returncode, 0, f"switchover to the outdated node2 succeeded:\n{p.stdout}{p.stderr}")
            say(f"switchover to outdated node2 refused: {(p.stdout + p.stderr).strip().splitlines()[-1]}")
            self.hactl("node1", "switchover", "--clear", check=False)
            self.group_on("node1", "node1", timeout=30)
            self.assertEqual(storage.drbd_status(self.lab, "node2")["role"], "Secondary")

            self.lab.run("heal")
            self.synced("node1")
            self.lab.wait_for("unfence-peer to clear the outdate after the resync",
                              lambda: self.outdated("node1") == [], 60)
            self.assertTrue(self.events("node1", "volume_outdate_cleared"))
            w.wait_more(10, 30, "after the heal")
        finally:
            acked = w.stop()
        self.assertEqual(w.errors, [], "the writer saw a failed write")
        self.assertEqual(w.missing_on("node1"), [])
        self.hactl("node1", "switchover", "--to", "node2", "--wait", "--timeout", "60")
        self.group_on("node1", "node2", timeout=30)
        self.assertEqual(w.missing_on("node2"), [], "node2 lacks acknowledged writes after the resync")
        say(f"{len(acked)} acknowledged writes, every one on node2 after the resync and a switchover")
        self.hactl("node1", "switchover", "--to", "node1", "--wait", "--timeout", "60")
        self.hactl("node1", "switchover", "--clear", check=False)
        self.group_on("node1", "node1", timeout=30)

    def test_2_an_outdated_peer_is_never_promoted(self):
        self.group_on("node1", "node1", timeout=60)
        w = Writer(self.lab, "node1", "outd")
        try:
            w.wait_more(10, 30, "before the cut")
            self.lab.run("cut", "node2", "replication")
            self.lab.wait_for("r0 outdated on node2", lambda: ("r0", "node2") in self.outdated("node2"), 60)
            w.wait_more(10, 30, "written only on node1")
        finally:
            acked = w.stop()
        self.lab.run("poweroff", "node1")
        self.lab.wait_for("node2 to see node1 fenced", lambda: [e for e in self.events("node2", "fence_end")
                                                                if e["target"] == "node1" and e["ok"]], 60)
        # Nothing starts on the stale copy: wait for the scheduler to have decided, then check.
        self.lab.wait_for("node2's cluster to settle", lambda: (self.lab.hactl_status("node2") or {}).get(
            "transition") is None, 30)
        s = storage.drbd_status(self.lab, "node2")
        self.assertNotEqual(s["role"], "Primary", "the outdated node2 was promoted")
        text = self.hactl("node2", "status").stdout
        self.assertIn("OUTDATED on node2", text)
        say(f"node1 off, r0 outdated on node2: node2 stays {s['role']}/{s['disk']}, the group waits")
        self.lab.run("heal")
        self.rejoin("node1", "node2")
        self.group_on("node2", "node1", timeout=90)
        self.synced("node1")
        self.lab.wait_for("the outdate cleared", lambda: self.outdated("node1") == [], 60)
        self.assertEqual(w.missing_on("node1"), [], "node1 lost acknowledged writes")
        say(f"node1 back: group on node1 with all {len(acked)} acknowledged writes, node2 resynced")

    def test_3_a_failing_fence_keeps_io_frozen_and_loses_nothing(self):
        self.group_on("node1", "node1", timeout=60)
        mark = len(self.drbd_log("node1"))
        failed_before = len(self.events("node1", "resource_failed"))
        w = Writer(self.lab, "node1", "fail")
        self.lab.run("fence-device", "fail")
        try:
            w.wait_more(20, 30, "before the cut")
            self.lab.run("cut", "node2", "all")
            log = lambda: self.drbd_log_after("node1", mark)
            self.lab.wait_for("node1 to freeze I/O", lambda: "io-frozen" in log(), 30)
            self.lab.wait_for("fence-peer to fail", lambda: "fence-peer-failed" in log(), 90)
            frozen_at = w.count()
            self.lab.wait_for("fence-peer to fail again", lambda: log().count("fence-peer-failed") >= 2, 90)
            self.assertTrue(storage.drbd_status(self.lab, "node1")["io_frozen"])
            self.assertEqual(w.count(), frozen_at, "writes were acknowledged while node2 was not fenced")
            self.assertNotEqual(storage.drbd_status(self.lab, "node2")["role"], "Primary")
            # The monitors report the freeze as a warning: nothing is failed or restarted.
            self.lab.wait_for("hactl status to show the frozen volume", lambda: "I/O on r0 is FROZEN" in self.hactl(
                "node1", "status").stdout, 30)
            say(f"fence device broken: node1's I/O frozen, {log().count('fence-peer-failed')} fence-peer failures, "
                f"no write acknowledged")
            self.lab.run("poweroff", "node2")
            self.hactl("node1", "fence", "node2", "--confirm-off")
            self.lab.wait_for("I/O to resume after the confirmation", lambda: "io-resumed" in log(), 90)
            w.wait_more(20, 60, "after the confirmation")
            self.assertEqual(self.events("node1", "resource_failed")[failed_before:], [],
                             "a monitor failed a resource because its I/O was frozen")
        finally:
            acked = w.stop()
            self.lab.run("fence-device", "ok")
        self.assertEqual(w.errors, [], "the writer saw a failed write")
        self.assertEqual(w.missing_on("node1"), [])
        say(f"{len(acked)} acknowledged writes, all on node1")
        self.lab.run("heal")
        self.rejoin("node2", "node1")
        self.synced("node1")


if __name__ == "__main__":
    unittest.main(verbosity=2)
