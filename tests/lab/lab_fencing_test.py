"""Lab: STONITH with fence_halab (conf/lab/cluster.yaml, stonith on). A cut of the cluster
link alone fences exactly one node, the passive one, and the group never leaves the active
node (the VIP is never on node2); a power-off of the active node is fenced and the group
moves (duration in the events); a failing fence device starts nothing twice, says why, and
`hactl fence NODE --confirm-off` releases the group; with a qnetd arbitrator the arbitrator's
side keeps the group and the other side fences nobody."""

import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from halab import Lab, lab_setup  # noqa: E402

RESOURCES = ["demo-a", "demo-b"]
VIP = "10.201.1.50"


class Cluster:
    """hactl through the lab, and what really runs where."""

    def __init__(self, lab):
        self.lab = lab

    def hactl(self, node, *args, check=True, timeout=60):
        return self.lab.exec(node, "hactl", *args, check=check, timeout=timeout)

    def status(self, node):
        return self.lab.hactl_status(node)

    def events(self, node, name=None):
        return self.lab.events(node, name)

    def runs_on(self, node):
        p = self.lab.exec(node, "sh", "-c", "ls /run/resource-agents/ 2>/dev/null", check=False)
        return sorted(r for r in RESOURCES if f"Dummy-{r}.state" in p.stdout)

    def has_vip(self, node):
        p = self.lab.exec(node, "ip", "-o", "addr", "show", "dev", "eth0", check=False, timeout=10)
        return p.returncode == 0 and f" {VIP}/" in p.stdout

    def powered(self, node):
        return self.lab.init_pid(node) is not None

    def group_on(self, node, where, timeout):
        return self.lab.wait_group_on(node, where, timeout)

    def rejoin(self, node, other):
        if not self.powered(node):
            self.lab.run("poweron", node)
        self.lab.wait_for(f"{node} back in the cluster",
                          lambda: (self.status(other) or {}).get("nodes", [{}, {}])[int(node[-1]) - 1].get("status")
                          == "online", 60)


class LabFencing(unittest.TestCase):
    lab = Lab("halabtestf")

    @classmethod

    @lab_setup
    def setUpClass(cls):
        cls.lab.up()
        cls.c = Cluster(cls.lab)

    @classmethod
    def tearDownClass(cls):
        cls.lab.save_logs(os.environ.get("HALAB_TEST_LOGS", "/tmp/halabtestf-logs"))
        cls.lab.down()

    def test_1_a_cut_cluster_link_fences_the_passive_node_only(self):
        c = self.c
        c.group_on("node1", "node1", timeout=40)
        self.assertEqual(c.lab.run("status").stdout.count("running"), 2)
        seen_on_node2 = []
        stop = threading.Event()

        def watch_vip():  # the passive node never holds the VIP, until it is gone
            while not stop.is_set() and c.powered("node2"):
                if c.has_vip("node2"):
                    seen_on_node2.append(time.monotonic())
                time.sleep(0.05)

        watcher = threading.Thread(target=watch_vip)
        watcher.start()
        try:
            self.lab.run("cut", "node2", "cluster")
            _, t = self.lab.wait_for("node2 to be fenced (powered off)", lambda: not c.powered("node2"), 30)
            print(f"cluster link cut: node2 fenced {t:.1f}s later", file=sys.stderr)
        finally:
            stop.set()
            watcher.join()
        self.assertEqual(seen_on_node2, [], "the VIP was on node2 while node1 held it")
        self.assertTrue(c.powered("node1"), "the active node must survive")
        c.group_on("node1", "node1", timeout=10)
        self.assertEqual(c.runs_on("node1"), RESOURCES)
        self.assertTrue(c.has_vip("node1"))
        ends = c.events("node1", "fence_end")
        self.assertEqual([(e["target"], e["ok"]) for e in ends], [("node2", True)], ends)
        self.assertEqual(ends[0]["by"], "node1")
        self.assertEqual(ends[0]["delay_ms"], 0, "the active side shoots at once")
        self.assertEqual(ends[0]["devices"], ["halab"])
        self.lab.run("heal")
        c.rejoin("node2", "node1")
        c.group_on("node2", "node1", timeout=20)

    def test_2_power_off_of_the_active_node_is_fenced_and_the_group_moves(self):
        c = self.c
        c.group_on("node1", "node1", timeout=40)
        start = time.monotonic()
        self.lab.run("poweroff", "node1")
        _, t = c.group_on("node2", "node2", timeout=30)
        print(f"power-off of the active node: group on node2 after {time.monotonic() - start:.1f}s", file=sys.stderr)
        self.assertEqual(c.runs_on("node2"), RESOURCES)
        ends = [e for e in c.events("node2", "fence_end") if e["target"] == "node1"]
        self.assertTrue(ends and ends[-1]["ok"], ends)
        self.assertEqual(ends[-1]["by"], "node2")
        self.assertGreater(ends[-1]["duration_ms"], 0)
        self.assertIn("delay skipped: already off", ends[-1]["reason"])
        print(f"fence_end duration_ms={ends[-1]['duration_ms']}", file=sys.stderr)
        self.assertTrue(c.events("node2", "failover_end"))
        c.rejoin("node1", "node2")
        c.group_on("node1", "node2", timeout=20)

    def test_3_a_failing_fence_device_starts_nothing_twice_until_confirm_off(self):
        c = self.c
        c.group_on("node1", "node2", timeout=40)
        self.lab.run("fence-device", "fail")
        try:
            self.lab.wait_for("the dead device to show in status", lambda: (c.status("node1") or {}).get(
                "fencing", {}).get("devices", {}).get("halab", {}).get("ok") is False, 30)
            self.assertIn("FAILING", c.hactl("node1", "status").stdout)
            self.lab.run("poweroff", "node2")
            failures = lambda: [e for e in c.events("node1", "fence_failed") if e["target"] == "node2"]
            self.lab.wait_for("a failed fence of node2", failures, 30)
            self.lab.wait_for("the retry after the back-off to fail too", lambda: len(failures()) >= 2, 40)
            self.assertEqual(c.runs_on("node1"), [], "started while node2 was not fenced")
            failed = c.events("node1", "fence_failed")[-1]
            self.assertEqual(failed["target"], "node2")
            self.assertIn("fence device is broken", failed["reason"])
            text = c.hactl("node1", "status").stdout
            self.assertIn("FENCING FAILED", text)
            p = c.hactl("node1", "fence", "node2", "--confirm-off")
            self.assertIn("node2 is off", p.stdout)
            c.group_on("node1", "node1", timeout=30)
            confirmed = c.events("node1", "fence_confirmed")[-1]
            self.assertIn("root", confirmed["by"])
        finally:
            self.lab.run("fence-device", "ok")
        c.rejoin("node2", "node1")

    def test_4_hactl_fence_fences_a_member_by_hand(self):
        c = self.c
        c.group_on("node1", "node1", timeout=40)
        c.hactl("node1", "fence", "node2")
        self.lab.wait_for("node2 powered off by hand", lambda: not c.powered("node2"), 30)
        req = c.events("node1", "fence_requested")[-1]
        self.assertIn("root", req["by"])
        self.assertEqual(c.runs_on("node1"), RESOURCES)
        c.rejoin("node2", "node1")


class LabFencingQnetd(unittest.TestCase):
    lab = Lab("halabtestfq")

    def test_the_arbitrators_side_keeps_the_group_and_the_other_fences_nobody(self):
        self.lab.up("--qnetd")
        c = Cluster(self.lab)
        try:
            c.group_on("node1", "node1", timeout=40)
            self.lab.run("cut", "node2", "cluster")
            # ffsplit: node1's partition (lowest id) keeps the qdevice vote; node2 has no
            # quorum: it fences nobody, and node1 fences it.
            self.lab.wait_for("node2 fenced by the quorate side", lambda: not c.powered("node2"), 40)
            c.group_on("node1", "node1", timeout=10)
            self.assertTrue(c.status("node1")["quorate"])
            with open(os.path.join(self.lab.root, "fence-watch.log")) as f:
                log = f.read()
            self.assertNotIn("off node1", log, "the side without quorum fenced")
            self.assertIn("off node2", log)
        finally:
            self.lab.save_logs(os.environ.get("HALAB_TEST_LOGS", "/tmp/halabtestfq-logs"))
            self.lab.down()


if __name__ == "__main__":
    unittest.main(verbosity=2)
