"""Lab: hacored runs replicated storage (conf/lab/cluster-storage.yaml through HALAB_CONFIG):
group demo = ocf:hamail:volume r0 (promotable) + ocf:hamail:filesystem (ext4 on the device
link at /run/hamail/mnt/r0) + a Dummy. The volume is prepared with hacored in maintenance
(create-md, up, forced Primary, full sync, mkfs through the agents), then hacored starts the
group on node1. A switchover to node2 and a power-off of node2 each leave the filesystem,
with every file written so far, mounted on the other node."""

import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from halab import Lab, lab_setup, REPO  # noqa: E402
import storage  # noqa: E402
from storage import MNT, say  # noqa: E402

GROUP = ["demo-volume", "demo-fs", "demo-app"]
WANT = {"demo-vip": "started", "demo-volume": "promoted", "demo-fs": "started", "demo-app": "started",
        "demo-web": "started"}


class LabStorageGroup(unittest.TestCase):
    lab = Lab("halabtestsg")
    written = {}

    @classmethod

    @lab_setup
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise AssertionError("lab_storage_group_test needs root (namespaces, FUSE, loop devices, mount): "
                                 "run it as root; it is labelled `lab`")
        cls.lab.env["HALAB_CONFIG"] = os.path.join(REPO, "conf", "lab", "cluster-storage.yaml")
        cls.lab.up()
        if not os.path.isdir(f"{cls.lab.root}/ocf/resource.d/hamail"):
            raise AssertionError(f"{cls.lab.root}/ocf/resource.d/hamail missing: the build has no ocf/ tree")
        cls.agents = storage.Agents(cls.lab)
        storage.start_group_on_fresh_volume(cls.lab, cls.agents)

    @classmethod
    def tearDownClass(cls):
        if hasattr(cls, "agents"):
            cls.agents.report()
        cls.lab.save_logs(os.environ.get("HALAB_TEST_LOGS", "/tmp/halabtestsg-logs"))
        cls.lab.down()

    def group_on(self, asker, where, timeout):
        return self.lab.wait_group_on(asker, where, timeout, WANT)

    def mounted_with_files(self, node):
        findmnt = self.lab.exec(node, "findmnt", "-n", "-o", "SOURCE,FSTYPE", MNT, check=False)
        self.assertEqual(findmnt.returncode, 0, f"{MNT} is not mounted on {node}")
        self.assertIn("ext4", findmnt.stdout)
        got = storage.checksums(self.lab, node, MNT, list(self.written))
        self.assertEqual(got, storage.expected_sums(self.written), f"files differ on {node}")
        s = storage.drbd_status(self.lab, node)
        self.assertEqual(s["role"], "Primary")
        say(f"{node}: {findmnt.stdout.strip()} on {MNT}, {len(self.written)} files identical, r0 {s['role']}/{s['disk']}")

    def not_mounted(self, node):
        self.assertNotEqual(self.lab.exec(node, "findmnt", MNT, check=False).returncode, 0, f"{MNT} still mounted on {node}")

    def action_durations(self, node):
        p = self.lab.exec(node, "hactl", "events", "--json")
        evs = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
        rows = [f"{e['node']} {e['resource']} {e['action']} {e['duration_ms']} ms" for e in evs
                if e["event"] == "action_result" and e.get("resource") in ("demo-volume", "demo-fs")
                and e.get("action") != "monitor" and e.get("ok")]
        say("agent actions run by hacored (ok): " + "; ".join(rows[-12:]))

    def client_reaches(self, node):
        """The client reaches the group's web server through the VIP, and it is `node`."""
        def answer():
            p = self.lab.exec("client", "curl", "-s", "-m", "1", "http://10.201.1.50:8080/", check=False)
            return p.stdout.strip() == node
        self.lab.wait_for(f"the client to reach {node} through the VIP", answer, 10)

    def test_1_group_starts_on_node1_with_the_filesystem(self):
        _, t = self.group_on("node1", "node1", timeout=60)
        say(f"group demo running on node1 {t:.1f}s after maintenance off")
        self.not_mounted("node2")
        files = storage.sample_files("node1")
        storage.write_files(self.lab, "node1", MNT, files)
        type(self).written.update(files)
        self.mounted_with_files("node1")
        self.client_reaches("node1")

    def run_fence_peer_handler(self, node):
        """drbd-lite's fence-peer handler, played by a shell script: it calls hactl and exits
        with its code (DRBD's meaning: 4 peer outdated, 5 down, 7 fenced)."""
        handler = "hactl fence-peer --volume r0 --timeout 30; rc=$?; echo \"fence-peer exit $rc\"; exit $rc"
        return self.lab.exec(node, "sh", "-c", handler, check=False, timeout=60)

    def test_1b_fence_peer_outdates_a_member_peer_through_the_cluster(self):
        self.group_on("node1", "node1", timeout=30)
        p = self.run_fence_peer_handler("node1")
        say(f"fence-peer with node2 a member: {p.stdout.strip()} {p.stderr.strip()}")
        self.assertEqual(p.returncode, 4, p.stdout + p.stderr)
        outdated = json.loads(self.lab.exec("node2", "hactl", "status", "--json").stdout)["fencing"]["outdated"]
        self.assertEqual([(o["volume"], o["node"]) for o in outdated], [("r0", "node2")])
        self.assertIn("OUTDATED on node2", self.lab.exec("node1", "hactl", "status").stdout)
        q = self.lab.exec("node1", "hactl", "fence-peer", "--volume", "r0", "--query", check=False)
        self.assertEqual(q.returncode, 1, "a member peer is neither fenced nor down")
        self.lab.exec("node2", "hactl", "unfence-peer", "--volume", "r0")
        self.lab.wait_for("the outdate cleared", lambda: not json.loads(self.lab.exec(
            "node1", "hactl", "status", "--json").stdout)["fencing"]["outdated"], 10)

    def test_2_switchover_moves_the_filesystem(self):
        self.group_on("node1", "node1", timeout=30)
        start = time.monotonic()
        p = self.lab.exec("node1", "hactl", "switchover", "demo", "--to", "node2", "--wait", "--timeout", "60", timeout=90)
        say(f"switchover took {time.monotonic() - start:.1f}s:\n{p.stdout}")
        self.group_on("node1", "node2", timeout=20)
        self.not_mounted("node1")
        self.mounted_with_files("node2")
        self.client_reaches("node2")
        files = storage.sample_files("node2")
        storage.write_files(self.lab, "node2", MNT, files)
        type(self).written.update(files)
        self.action_durations("node1")

    def test_3_power_off_of_the_active_node_fails_over(self):
        self.group_on("node1", "node2", timeout=30)
        start = time.monotonic()
        self.lab.run("poweroff", "node2")
        _, t = self.group_on("node1", "node1", timeout=60)
        say(f"poweroff of node2: group running on node1 {time.monotonic() - start:.1f}s after the power-off")
        self.mounted_with_files("node1")
        self.client_reaches("node1")
        self.action_durations("node1")
        # The survivor's volume has no peer: running, but a warning (degraded) in hactl status.
        def warned():
            p = self.lab.exec("node1", "hactl", "status", check=False)
            return p.stdout if "WARNING: degraded on node1" in p.stdout else None
        text, _ = self.lab.wait_for("hactl status warning that r0 is not replicating", warned, 20)
        self.assertIn("r0 is Primary but not replicating", text)
        say("hactl status after the failover:\n" + text)
        # node2 was fenced before r0 (Consistent: it lost its Primary) was forced Primary here.
        ends = [json.loads(line) for line in self.lab.exec("node1", "hactl", "events", "--json").stdout.splitlines()]
        self.assertTrue([e for e in ends if e["event"] == "fence_end" and e["target"] == "node2" and e["ok"]])
        p = self.run_fence_peer_handler("node1")
        self.assertEqual(p.returncode, 7, p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
