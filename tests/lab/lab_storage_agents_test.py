"""Lab: the storage agents by hand (ocf:hamail:volume and ocf:hamail:filesystem), run inside
the nodes with an OCF environment like hacored's (no hacored resource uses them here).
  1. ocf-tester on the volume agent (start/stop/promote/demote/monitor, idempotency)
  2. ocf-tester on the filesystem agent (on the volume's device link, promoted on node1)
  3. switchover by hand: files written on node1's ext4 are on node2 after
     filesystem stop + volume demote on node1, volume promote + filesystem start on node2;
     a promote refuses a second Primary and an Inconsistent disk with a clear reason
  4. a stop with processes holding the mount (one ignores SIGTERM) finishes within a bound
     and the holders are gone
  5. demote and stop fail while drbdlited is frozen (the role is unknown), succeed after"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from halab import Lab, lab_setup  # noqa: E402
import storage  # noqa: E402
from storage import FS_PARAMS, LINK, MNT, VOL, VOLUME_PARAMS, say  # noqa: E402


class LabStorageAgents(unittest.TestCase):
    lab = Lab("halabtestsa")

    @classmethod

    @lab_setup
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise AssertionError("lab_storage_agents_test needs root (namespaces, FUSE, loop devices, mount): "
                                 "run it as root; it is labelled `lab`")
        cls.lab.up()
        if not os.path.isdir(f"{cls.lab.root}/ocf/resource.d/hamail"):
            raise AssertionError(f"{cls.lab.root}/ocf/resource.d/hamail missing: the build has no ocf/ tree "
                                 "(HALAB_BIN must be the bin/ of a build that includes resource-agents/)")
        cls.agents = storage.Agents(cls.lab)
        storage.prepare_volume(cls.lab)

    @classmethod
    def tearDownClass(cls):
        if hasattr(cls, "agents"):
            cls.agents.report()
            for n in ("node1", "node2"):  # unmount and detach before the lab goes (loop devices are global)
                cls.agents.run(n, "filesystem", "stop", FS_PARAMS)
                cls.agents.run(n, "volume", "stop", VOLUME_PARAMS)
        cls.lab.save_logs(os.environ.get("HALAB_TEST_LOGS", "/tmp/halabtestsa-logs"))
        cls.lab.down()

    def ocf_tester(self, node, agent, params):
        args = ["ocf-tester", "-n", f"test-{agent}"]
        for k, v in params.items():
            args += ["-o", f"{k}={v}"]
        start = time.monotonic()
        p = self.lab.exec(node, *args, self.agents.path(agent), check=False, timeout=300)
        say(f"ocf-tester {agent} on {node}: rc {p.returncode} in {time.monotonic() - start:.1f}s\n{p.stdout}{p.stderr}")
        self.assertEqual(p.returncode, 0, f"ocf-tester failed for {agent}:\n{p.stdout}{p.stderr}")
        self.assertIn("passed all tests", p.stdout)

    def test_1_ocf_tester_volume(self):
        self.ocf_tester("node1", "volume", VOLUME_PARAMS)
        # ocf-tester ends with a stop: Secondary, still up and replicating.
        s = storage.drbd_status(self.lab, "node1")
        self.assertEqual((s["up"], s["role"], s["connection"]), (True, "Secondary", "Connected"))
        self.agents.expect(7, "node1", "volume", "monitor", VOLUME_PARAMS)

    def test_2_ocf_tester_filesystem(self):
        storage.mkfs_through_agent(self.lab, self.agents, "node1")
        self.agents.expect(0, "node1", "volume", "promote", VOLUME_PARAMS)
        self.agents.expect(8, "node1", "volume", "monitor", VOLUME_PARAMS)
        self.ocf_tester("node1", "filesystem", FS_PARAMS)
        self.agents.expect(7, "node1", "filesystem", "monitor", FS_PARAMS)

    def test_3_switchover_by_hand_keeps_the_files(self):
        a = self.agents
        a.expect(0, "node1", "volume", "promote", VOLUME_PARAMS)   # idempotent when already Primary
        a.expect(0, "node1", "filesystem", "start", FS_PARAMS)
        a.expect(0, "node1", "filesystem", "monitor", FS_PARAMS)
        files = storage.sample_files("switchover")
        storage.write_files(self.lab, "node1", MNT, files)

        # node2 cannot become a second Primary, and says why.
        p = a.expect(1, "node2", "volume", "promote", VOLUME_PARAMS)
        self.assertIn("ocf-exit-reason:", p.stderr)
        self.assertIn("Primary", p.stderr)
        # node1 cannot demote while its filesystem is mounted, and says why.
        p = a.expect(1, "node1", "volume", "demote", VOLUME_PARAMS)
        self.assertIn(f"still mounted at {MNT}", p.stderr)

        a.expect(0, "node1", "filesystem", "stop", FS_PARAMS)
        a.expect(0, "node1", "volume", "demote", VOLUME_PARAMS)
        a.expect(0, "node1", "volume", "demote", VOLUME_PARAMS)     # idempotent
        a.expect(0, "node1", "volume", "stop", VOLUME_PARAMS)
        self.lab.exec("node1", "sh", "-c", f"test ! -L {LINK} && test ! -e {LINK}")  # the link is gone
        a.expect(0, "node2", "volume", "start", VOLUME_PARAMS)
        a.expect(0, "node2", "volume", "promote", VOLUME_PARAMS)
        a.expect(8, "node2", "volume", "monitor", VOLUME_PARAMS)
        a.expect(0, "node2", "filesystem", "start", FS_PARAMS)
        a.expect(0, "node2", "filesystem", "monitor", FS_PARAMS)
        got = storage.checksums(self.lab, "node2", MNT, list(files))
        self.assertEqual(got, storage.expected_sums(files), "files differ on node2 after the switchover")
        say(f"{len(files)} files identical on node2 after the switchover by hand")

        # An Inconsistent disk is refused with a clear reason (node1 disconnected + invalidated).
        self.lab.exec("node1", "drbdlite", "disconnect", VOL)
        self.lab.exec("node1", "drbdlite", "invalidate", VOL)
        p = a.expect(1, "node1", "volume", "promote", VOLUME_PARAMS)
        self.assertIn("refusing to promote r0: the local disk is Inconsistent", p.stderr)
        p = a.expect(1, "node1", "volume", "promote", dict(VOLUME_PARAMS, allow_force="true"))
        self.assertIn("refusing to promote r0: the local disk is Inconsistent", p.stderr)
        self.assertIn("never promoted, even with allow_force", p.stderr)
        self.assertEqual(storage.drbd_status(self.lab, "node1")["role"], "Secondary")
        a.expect(0, "node1", "volume", "stop", VOLUME_PARAMS)
        self.lab.exec("node1", "drbdlite", "connect", VOL)
        self.lab.wait_for("node1 resynced from node2",
                          lambda: storage.drbd_status(self.lab, "node1")["disk"] == "UpToDate", 60)

    def test_4_stop_with_holders_is_bounded(self):
        a = self.agents
        a.expect(0, "node2", "filesystem", "monitor", FS_PARAMS)
        # Two holders with their cwd inside the mount; one ignores SIGTERM (needs the SIGKILL).
        self.lab.exec("node2", "sh", "-c",
                      f"cd {MNT} && (sleep 1000 </dev/null >/dev/null 2>&1 &) && "
                      "(sh -c 'trap \"\" TERM; exec sleep 1001' </dev/null >/dev/null 2>&1 &)")
        holders = self.lab.exec("node2", "sh", "-c", "pgrep -f 'sleep 100[01]' | tr '\\n' ' '").stdout.split()
        self.assertEqual(len(holders), 2, holders)
        params = dict(FS_PARAMS, kill_grace="2")
        start = time.monotonic()
        p = a.expect(0, "node2", "filesystem", "stop", params, timeout=60)
        took = time.monotonic() - start
        say(f"stop with 2 holders (one ignoring SIGTERM, kill_grace 2 s): {took:.1f}s\n{p.stderr}")
        self.assertLess(took, 15)
        self.assertIn("SIGTERM", p.stderr)
        self.assertIn("SIGKILL", p.stderr)
        left = self.lab.exec("node2", "sh", "-c", "pgrep -f 'sleep 100[01]' || true").stdout.split()
        self.assertEqual(left, [], "holders still running after the stop")
        a.expect(7, "node2", "filesystem", "monitor", FS_PARAMS)
        a.expect(0, "node2", "volume", "demote", VOLUME_PARAMS)
        a.expect(0, "node2", "volume", "stop", VOLUME_PARAMS)
        a.expect(7, "node2", "volume", "monitor", VOLUME_PARAMS)

    def test_5_a_hung_drbdlited_fails_demote_and_stop(self):
        """The role is unknown while drbdlited does not answer: demote and stop fail (so ha-core
        escalates) instead of reporting a Primary as stopped."""
        a = self.agents
        a.expect(0, "node2", "volume", "start", VOLUME_PARAMS)
        a.expect(0, "node2", "volume", "promote", VOLUME_PARAMS)
        pid = self.lab.exec("node2", "pgrep", "-x", "drbdlited").stdout.split()[0]
        self.lab.exec("node2", "kill", "-STOP", pid)
        try:
            p = a.expect(1, "node2", "volume", "demote", VOLUME_PARAMS, timeout=120)
            self.assertIn("drbdlited does not answer", p.stderr)
            self.assertIn("cannot tell whether r0 is still Primary", p.stderr)
            a.expect(1, "node2", "volume", "stop", VOLUME_PARAMS, timeout=120)
        finally:
            self.lab.exec("node2", "kill", "-CONT", pid)
        self.assertEqual(storage.drbd_status(self.lab, "node2")["role"], "Primary")
        a.expect(0, "node2", "volume", "demote", VOLUME_PARAMS)
        a.expect(0, "node2", "volume", "stop", VOLUME_PARAMS)
        self.assertEqual(storage.drbd_status(self.lab, "node2")["role"], "Secondary")


if __name__ == "__main__":
    unittest.main(verbosity=2)
