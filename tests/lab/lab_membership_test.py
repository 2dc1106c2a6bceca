"""Lab: the two-node lab on real Corosync. Membership and quorum are read through the
real libquorum/libcpg (corosync-membership-probe), never by parsing tool output. hacored
runs with fencing on (conf/lab/cluster.yaml): a node cut off or hung while node1 runs the
demo group is fenced by node1 (powered off through fence_halab); setUp powers it on again."""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from halab import Lab, lab_setup, leftovers, pid_alive  # noqa: E402

TOKEN_S = 1.0          # conf/lab/cluster.yaml timing.token
DETECT_S = 10.0        # bound for "within the token timeout" (token + consensus + knet), generous for a loaded CI


class LabMembership(unittest.TestCase):
    lab = Lab("halabtest")

    @classmethod

    @lab_setup
    def setUpClass(cls):
        start = time.monotonic()
        cls.lab.up()
        print(f"halab up: {time.monotonic() - start:.1f}s", file=sys.stderr)

    @classmethod
    def tearDownClass(cls):
        cls.lab.save_logs(os.environ.get("HALAB_TEST_LOGS", "/tmp/halabtest-logs"))
        cls.lab.down()

    def setUp(self):
        # Every test starts from the healthy lab: both nodes on, all links up.
        for node in ("node1", "node2"):
            self.lab.run("thaw", node, check=False)
            if not self.lab.init_pid(node):
                self.lab.run("poweron", node)
        self.lab.run("heal")
        for node in ("node1", "node2"):
            self.lab.wait_members(node, [1, 2], timeout=30)

    def test_01_up_forms_quorate_two_node_membership(self):
        for node, nodeid in (("node1", 1), ("node2", 2)):
            m = self.lab.membership(node)
            self.assertIsNotNone(m, f"{node}: corosync not answering")
            self.assertEqual(m["nodeid"], nodeid)
            self.assertEqual(m["members"], [1, 2])
            self.assertTrue(m["quorate"])
        self.assertEqual(self.lab.exec("node1", "hostname").stdout.strip(), "node1")
        self.assertEqual(self.lab.exec("node2", "hostname").stdout.strip(), "node2")

    def fenced(self, node):
        """The node ends powered off: fenced by the other (fencing is on in the lab)."""
        _, t = self.lab.wait_for(f"{node} to be fenced", lambda: self.lab.init_pid(node) is None, 30)
        return t

    def fences_of(self, node):
        """How many fences of NODE node1's hacored has finished."""
        return len([e for e in self.lab.events("node1", "fence_end") if e.get("target") == node])

    def test_02_cut_cluster_link_each_side_alone_then_heal(self):
        self.lab.run("cut", "node1", "cluster")
        _, t1 = self.lab.wait_members("node1", [1], timeout=DETECT_S)
        print(f"cut cluster link: node1 alone after {t1:.1f}s (token {TOKEN_S}s)", file=sys.stderr)
        # The public network is untouched: the client still reaches node1 on it.
        self.lab.exec("client", "ping", "-c", "1", "-W", "2", "10.201.1.11")
        # node1 runs the demo group: node2 (the passive side of the split) is fenced.
        print(f"cut cluster link: node2 fenced {self.fenced('node2'):.1f}s after node1 was alone", file=sys.stderr)
        self.lab.run("heal")
        self.lab.run("poweron", "node2")
        self.lab.wait_members("node1", [1, 2], timeout=30)
        self.lab.wait_members("node2", [1, 2], timeout=30)

    def test_03_cut_all_links_isolates_node(self):
        self.lab.run("cut", "node2", "all")
        self.lab.wait_members("node1", [1], timeout=DETECT_S)
        p = self.lab.exec("client", "ping", "-c", "1", "-W", "1", "10.201.1.12", check=False)
        self.assertNotEqual(p.returncode, 0, "node2 still reachable on the public network after cut all")
        self.fenced("node2")

    def test_04_poweroff_survivor_sees_one_then_poweron(self):
        pid = self.lab.init_pid("node2")
        self.assertIsNotNone(pid)
        fences_before = self.fences_of("node2")
        self.lab.run("poweroff", "node2")
        self.assertFalse(pid_alive(pid), "node2's init survived poweroff")
        _, t = self.lab.wait_members("node1", [1], timeout=DETECT_S)
        print(f"poweroff node2: node1 alone after {t:.1f}s", file=sys.stderr)
        self.assertIsNone(self.lab.membership("node2") if self.lab.init_pid("node2") else None)
        p = self.lab.exec("node2", "true", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("powered off", p.stderr)
        # node1 fences node2 (lost without a clean stop), already off: fence_halab confirms it.
        # Powered on before that fence ends, node2 would be powered off again by it (CI saw
        # the fence's "off" land 2 s after the power-on), as a real fence device would do.
        self.lab.wait_for("node1 to finish fencing node2", lambda: self.fences_of("node2") > fences_before, 30)
        self.lab.run("poweron", "node2")
        self.lab.wait_members("node1", [1, 2], timeout=30)
        self.lab.wait_members("node2", [1, 2], timeout=30)

    def test_05_freeze_fences_the_hung_node(self):
        self.lab.run("freeze", "node2")
        self.assertIn("node2  frozen", self.lab.run("status").stdout)
        _, t = self.lab.wait_members("node1", [1], timeout=DETECT_S)
        print(f"freeze node2: node1 alone after {t:.1f}s", file=sys.stderr)
        # A hung node cannot say it stopped anything: it is fenced (a frozen machine is powered off too).
        self.fenced("node2")
        self.lab.run("poweron", "node2")
        self.lab.wait_members("node2", [1, 2], timeout=30)
        self.lab.wait_members("node1", [1, 2], timeout=30)


class LabQnetd(unittest.TestCase):
    lab = Lab("halabtestq")

    def test_qnetd_breaks_the_tie_on_a_split(self):
        self.lab.up("--qnetd")
        try:
            for node in ("node1", "node2"):
                self.lab.wait_members(node, [1, 2], timeout=30)
            self.lab.run("cut", "node1", "cluster")
            # ffsplit: the partition with the lowest node id keeps the qdevice vote.
            self.lab.wait_members("node1", [1], timeout=DETECT_S + 10, quorate=True)
            # node2 lost quorum (and then is fenced by the quorate side, fencing being on).
            def node2_without_quorum():
                if self.lab.init_pid("node2") is None:
                    return "fenced"
                m = self.lab.membership("node2")
                return m is not None and m["members"] == [2] and not m["quorate"]
            self.lab.wait_for("node2 without quorum or fenced", node2_without_quorum, DETECT_S + 10)
        finally:
            self.lab.save_logs(os.environ.get("HALAB_TEST_LOGS", "/tmp/halabtestq-logs"))
            self.lab.down()


class LabDownLeavesNothing(unittest.TestCase):
    def test_down_leaves_nothing_behind(self):
        lab = Lab("halabtestd")
        lab.up()
        lab.run("freeze", "node1")       # down must also cope with a frozen node,
        lab.run("poweroff", "node2")     # a powered-off one,
        lab.exec("client", "sh", "-c", "sleep 300 >/dev/null 2>&1 &")  # and stray client processes
        self.assertTrue(leftovers("halabtestd"))
        lab.down()
        self.assertEqual(leftovers("halabtestd"), [])
        lab.down()  # idempotent


if __name__ == "__main__":
    unittest.main(verbosity=2)
