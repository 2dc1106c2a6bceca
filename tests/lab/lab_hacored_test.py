"""Lab: hacored on real Corosync in the two-node lab, with Debian's ocf:heartbeat:Dummy
agents (each keeps a state file in its node's own /run, which records where it runs).
The group starts on the preferred node, `hactl switchover --wait` moves it, a power-off
fails it over, and monitor failures restart it in place, then move it."""

import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from halab import Lab, lab_setup, LabError  # noqa: E402

RESOURCES = ["demo-a", "demo-b"]


class LabHacored(unittest.TestCase):
    lab = Lab("halabtesth")

    @classmethod

    @lab_setup
    def setUpClass(cls):
        cls.lab.up()

    @classmethod
    def tearDownClass(cls):
        cls.lab.save_logs(os.environ.get("HALAB_TEST_LOGS", "/tmp/halabtesth-logs"))
        cls.lab.down()

    # --- helpers -------------------------------------------------------------------
    def hactl(self, node, *args, check=True, timeout=60):
        return self.lab.exec(node, "hactl", *args, check=check, timeout=timeout)

    def status(self, node):
        return self.lab.hactl_status(node)

    def events(self, node):
        p = self.hactl(node, "events", "--json")
        return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]

    def runs_on(self, node):
        """Which Dummy resources have their state file on this node (what really runs)."""
        p = self.lab.exec(node, "sh", "-c", "ls /run/resource-agents/ 2>/dev/null", check=False)
        return sorted(r for r in RESOURCES if f"Dummy-{r}.state" in p.stdout)

    def group_on(self, node, where, timeout):
        return self.lab.wait_group_on(node, where, timeout)

    # --- tests, in order ------------------------------------------------------------
    def test_1_group_starts_on_the_preferred_node(self):
        s, t = self.group_on("node1", "node1", timeout=40)
        print(f"group started {t:.1f}s after the lab was up", file=sys.stderr)
        self.assertEqual(self.runs_on("node1"), RESOURCES)
        self.assertEqual(self.runs_on("node2"), [])
        self.assertTrue(s["quorate"])
        self.assertEqual(s["dc"], "node1")
        text = self.hactl("node2", "status").stdout
        self.assertIn("demo", text)
        self.assertIn("node1", text)

    def test_2_switchover_moves_the_group_and_is_reported(self):
        self.group_on("node1", "node1", timeout=40)
        p = self.hactl("node1", "switchover", "demo", "--to", "node2", "--wait", "--timeout", "30")
        print(p.stdout, file=sys.stderr)
        self.group_on("node1", "node2", timeout=10)
        self.assertEqual(self.runs_on("node2"), RESOURCES)
        self.assertEqual(self.runs_on("node1"), [])
        ends = [e for e in self.events("node2") if e["event"] == "switchover_end"]
        self.assertTrue(ends, "no switchover_end event on node2")
        self.assertEqual(ends[-1]["to"], "node2")
        self.assertGreaterEqual(ends[-1]["duration_ms"], 0)
        phases = [e["phase"] for e in self.events("node1") if e["event"] == "switchover_phase"]
        self.assertIn("stop demo-a on node1", phases)
        self.assertIn("start demo-b on node2", phases)
        last = self.status("node1")["last_transition"]
        self.assertEqual(last["result"], "done")
        # No hidden constraint left behind (auto_failback is off): nothing pending.
        self.assertNotIn("switchover", self.status("node1")["groups"][0])

    def test_3_power_off_of_the_active_node_fails_over(self):
        s, _ = self.group_on("node1", "node2", timeout=40)
        start = time.monotonic()
        self.lab.run("poweroff", "node2")
        _, t = self.group_on("node1", "node1", timeout=30)
        print(f"poweroff of the active node: group running on the survivor after {t:.1f}s", file=sys.stderr)
        self.assertEqual(self.runs_on("node1"), RESOURCES)
        ev = self.events("node1")
        names = [e["event"] for e in ev]
        self.assertIn("node_lost", names)
        self.assertIn("failover_begin", names)
        ends = [e for e in ev if e["event"] == "failover_end"]
        self.assertTrue(ends)
        self.assertEqual(ends[-1]["from"], "node2")
        self.assertEqual(ends[-1]["to"], "node1")
        print(f"failover_end duration_ms={ends[-1]['duration_ms']} (from detection)", file=sys.stderr)
        # The node comes back: it joins, learns the history, and the group stays (stickiness).
        self.lab.run("poweron", "node2")
        self.lab.wait_for("node2 back in the cluster", lambda: (self.status("node2") or {}).get("dc") == "node1", 40)
        self.group_on("node2", "node1", timeout=20)
        names2 = [e["event"] for e in self.events("node2")]
        self.assertIn("failover_end", names2, "the rejoined node does not have the cluster's history")
        self.assertEqual(self.runs_on("node2"), [])

    def test_4_monitor_failures_restart_in_place_then_move(self):
        self.group_on("node1", "node1", timeout=40)
        self.hactl("node1", "resource", "cleanup")
        for n in (1, 2, 3):
            self.lab.exec("node1", "rm", "-f", "/run/resource-agents/Dummy-demo-b.state")
            def failed_n_times():
                s = self.status("node1")
                res = s["groups"][0]["resources"][1] if s else {}
                return res.get("fail_counts", {}).get("node1", 0) >= n
            self.lab.wait_for(f"failure {n} of demo-b to be seen", failed_n_times, 30)
            if n < 3:
                self.group_on("node1", "node1", timeout=20)
                self.assertEqual(self.runs_on("node1"), RESOURCES, f"not restarted in place after failure {n}")
        self.group_on("node1", "node2", timeout=30)
        self.assertEqual(self.runs_on("node2"), RESOURCES)
        failed = self.status("node2")["failed_actions"]
        self.assertTrue(any(f["resource"] == "demo-b" and f["rc"] == 7 for f in failed), failed)

    def test_5_losing_the_public_network_moves_the_group(self):
        self.hactl("node1", "resource", "cleanup")
        s = self.status("node1")
        active = s["groups"][0]["node"]
        other = "node2" if active == "node1" else "node1"
        self.group_on("node1", active, timeout=30)
        self.lab.run("cut", active, "public")
        try:
            _, t = self.group_on(other, other, timeout=30)
            print(f"public link of {active} cut: group running on {other} after {t:.1f}s", file=sys.stderr)
            names = [e["event"] for e in self.events(other)]
            self.assertIn("connectivity_lost", names)
        finally:
            self.lab.run("heal")
        # Regained connectivity does not bounce the group back.
        self.lab.wait_for("connectivity regained", lambda: any(
            e["event"] == "connectivity_regained" for e in self.events(other)), 30)
        self.group_on(other, other, timeout=10)


if __name__ == "__main__":
    unittest.main(verbosity=2)
