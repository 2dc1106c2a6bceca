"""Lab: the ocf:hamail:vip agent (resource-agents/vip). Debian's ocf-tester passes on it;
the client follows the address from node1 to node2 through gratuitous ARP alone (and
unsolicited neighbour advertisements for IPv6); start refuses an address another machine
answers for; and an ha-core group built on it switches over and fails over for a client."""

import json
import os
import re
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from halab import Lab, lab_setup, LabError, REPO  # noqa: E402

VIP = "10.201.1.50"
VIP6 = "2001:db8::50"


def no_groups_config():
    """conf/lab/cluster.yaml without its groups: the agent tests own the address alone."""
    with open(os.path.join(REPO, "conf", "lab", "cluster.yaml")) as f:
        text = f.read()
    text = re.sub(r"(?ms)^groups:.*?(?=^control:)", "groups: []\n\n", text)
    fd, path = tempfile.mkstemp(prefix="lab-vip-", suffix=".yaml")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


class LabVipAgent(unittest.TestCase):
    lab = Lab("halabtestv")

    @classmethod

    @lab_setup
    def setUpClass(cls):
        cls.config = no_groups_config()
        cls.lab.env["HALAB_CONFIG"] = cls.config
        cls.lab.up()
        cls.agent = f"{cls.lab.root}/ocf/resource.d/hamail/vip"
        if not os.path.exists(cls.agent):
            raise LabError(f"{cls.agent} missing: the build has no ocf/resource.d/hamail/vip next to HALAB_BIN")
        cls.mac = {n: cls.lab.exec(n, "cat", "/sys/class/net/eth0/address").stdout.strip() for n in ("node1", "node2")}

    @classmethod
    def tearDownClass(cls):
        cls.lab.save_logs(os.environ.get("HALAB_TEST_LOGS", "/tmp/halabtestv-logs"))
        cls.lab.down()
        os.unlink(cls.config)

    # --- helpers -------------------------------------------------------------------
    def vip(self, node, action, ip=VIP, **params):
        """Runs the agent in the node; returns (rc, stderr, milliseconds measured inside the node)."""
        env = " ".join(f"OCF_RESKEY_{k}={v}" for k, v in {"ip": ip, **params}.items())
        script = (f"s=$(date +%s%N); {env} OCF_ROOT={self.lab.root}/ocf {self.agent} {action}; rc=$?; "
                  "e=$(date +%s%N); echo \"rc=$rc ms=$(( (e - s) / 1000000 ))\"")
        p = self.lab.exec(node, "bash", "-c", script)
        m = re.search(r"rc=(\d+) ms=(\d+)", p.stdout)
        return int(m.group(1)), p.stderr, int(m.group(2))

    def neigh_mac(self, ip):
        p = self.lab.exec("client", "ip", "-j", "neigh", "show", ip, check=False)
        entries = json.loads(p.stdout or "[]")
        return entries[0].get("lladdr") if entries else None

    def ping(self, ip):
        return self.lab.exec("client", "ping", "-c", "1", "-W", "1", ip, check=False).returncode == 0

    def follows(self, ip, family_note):
        """start on node1, client pings it; stop node1, start node2: the client's entry switches."""
        rc, err, ms = self.vip("node1", "start", ip)
        self.assertEqual(rc, 0, err)
        print(f"{family_note}: start on node1 took {ms} ms (measured in the node)", file=sys.stderr)
        self.assertTrue(self.ping(ip), f"the client cannot ping {ip} on node1")
        self.assertEqual(self.neigh_mac(ip), self.mac["node1"])
        rc, err, ms = self.vip("node1", "stop", ip)
        self.assertEqual(rc, 0, err)
        print(f"{family_note}: stop on node1 took {ms} ms", file=sys.stderr)
        t0 = time.monotonic()
        rc, err, ms = self.vip("node2", "start", ip)
        self.assertEqual(rc, 0, err)
        print(f"{family_note}: start on node2 took {ms} ms", file=sys.stderr)
        _, t = self.lab.wait_for(f"the client's neighbour entry for {ip} to show node2's MAC",
                                 lambda: self.neigh_mac(ip) == self.mac["node2"], timeout=1.0)
        print(f"{family_note}: client neighbour entry switched to node2 {(time.monotonic() - t0) * 1000:.0f} ms "
              f"after start was issued on node2 ({t * 1000:.0f} ms after it returned)", file=sys.stderr)
        self.assertTrue(self.ping(ip), f"the client cannot ping {ip} on node2")
        rc, err, _ = self.vip("node2", "stop", ip)
        self.assertEqual(rc, 0, err)

    # --- tests ---------------------------------------------------------------------
    def test_1_ocf_tester_passes(self):
        p = self.lab.exec("node1", "env", f"OCF_ROOT={self.lab.root}/ocf", "/usr/sbin/ocf-tester", "-n", "vip",
                          "-o", f"ip={VIP}", "-o", "cidr_netmask=24", self.agent, check=False, timeout=60)
        print(p.stdout, file=sys.stderr)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("passed all tests", p.stdout)

    def test_2_client_follows_the_address_to_node2(self):
        self.follows(VIP, "IPv4")

    def test_3_start_refuses_an_address_another_machine_answers_for(self):
        rc, err, _ = self.vip("node1", "start")
        self.assertEqual(rc, 0, err)
        try:
            rc, err, ms = self.vip("node2", "start")
            print(f"refused in {ms} ms: {err.strip()}", file=sys.stderr)
            self.assertNotEqual(rc, 0)
            self.assertEqual(rc, 1)
            self.assertIn("ocf-exit-reason:", err)
            self.assertIn(self.mac["node1"], err)
            rc, _, _ = self.vip("node2", "monitor")
            self.assertEqual(rc, 7, "the refused start left the address on node2")
        finally:
            self.vip("node1", "stop")

    def test_4_monitor_and_validate(self):
        self.assertEqual(self.vip("node1", "monitor")[0], 7)
        self.assertEqual(self.vip("node1", "start", nic="eth0", label="eth0:mail")[0], 0)
        try:
            self.assertEqual(self.vip("node1", "monitor", nic="eth0")[0], 0)
            labels = self.lab.exec("node1", "ip", "-4", "addr", "show", "dev", "eth0").stdout
            self.assertIn("eth0:mail", labels)
            self.assertEqual(self.vip("node1", "monitor", nic="eth1")[0], 7)
            # The link loses its carrier (the lab cuts the public cable): an error, not "stopped".
            self.lab.run("cut", "node1", "public")
            rc, err, _ = self.vip("node1", "monitor")
            self.assertEqual(rc, 1, err)
            self.assertIn("no carrier", err)
        finally:
            self.lab.run("heal")
            self.vip("node1", "stop")
        rc, err, _ = self.vip("node1", "validate-all", nic="eth9")
        self.assertEqual(rc, 6)
        self.assertIn("nic 'eth9' does not exist", err)
        rc, err, _ = self.vip("node1", "validate-all", ip="10.9.9.9")
        self.assertEqual(rc, 6)
        self.assertIn("no interface has a connected subnet containing 10.9.9.9", err)
        rc, err, _ = self.vip("node1", "start", ip="10.201.1.300")
        self.assertEqual(rc, 6)
        self.assertIn("ip: '10.201.1.300' is not an IPv4 or IPv6 address", err)

    def test_5_announcer_children_end(self):
        self.assertEqual(self.vip("node1", "start", arp_count=3, arp_interval_ms=100)[0], 0)
        self.vip("node1", "stop")

        def gone():
            ps = self.lab.exec("node1", "ps", "-eo", "comm").stdout.split()
            return "vip" not in ps
        self.lab.wait_for("the agent's announcer to exit", gone, timeout=2)

    def test_6_ipv6_follows_too(self):
        for host, addr in (("node1", "2001:db8::11"), ("node2", "2001:db8::12"), ("client", "2001:db8::100")):
            self.lab.exec(host, "ip", "addr", "replace", f"{addr}/64", "dev", "eth0", "nodad")
        self.follows(VIP6, "IPv6")
        rc, err, _ = self.vip("node1", "start", VIP6)
        self.assertEqual(rc, 0, err)
        try:
            rc, err, _ = self.vip("node2", "start", VIP6)
            self.assertEqual(rc, 1)
            self.assertIn(self.mac["node1"], err)
        finally:
            self.vip("node1", "stop", VIP6)


class LabVipGroup(unittest.TestCase):
    """hacored runs the demo group with its address on ocf:hamail:vip (conf/lab/cluster.yaml)."""
    lab = Lab("halabtestvg")

    @classmethod

    @lab_setup
    def setUpClass(cls):
        cls.lab.env["HALAB_CONFIG"] = os.path.join(REPO, "conf", "lab", "cluster.yaml")
        cls.lab.up()

    @classmethod
    def tearDownClass(cls):
        cls.lab.save_logs(os.environ.get("HALAB_TEST_LOGS", "/tmp/halabtestvg-logs"))
        cls.lab.down()

    def status(self, node):
        return self.lab.hactl_status(node)

    def group_on(self, node, where, timeout):
        return self.lab.wait_group_on(node, where, timeout)

    def web(self):
        p = self.lab.exec("client", "curl", "-s", "--max-time", "0.5", f"http://{VIP}:8080/", check=False)
        return p.stdout.strip() if p.returncode == 0 else None

    def vip_durations(self, node):
        p = self.lab.exec(node, "hactl", "events", "--json")
        ev = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
        return [(e.get("node"), e.get("action"), e.get("duration_ms")) for e in ev
                if e.get("event") == "action_result" and e.get("resource") == "demo-vip"
                and e.get("action") in ("start", "stop")]

    def test_1_switchover_then_power_off(self):
        self.group_on("node1", "node1", timeout=40)
        self.lab.wait_for("the web server on node1 through the VIP", lambda: self.web() == "node1", 10)
        p = self.lab.exec("node1", "hactl", "switchover", "demo", "--to", "node2", "--wait", "--timeout", "30",
                          timeout=60)
        print(p.stdout, file=sys.stderr)
        _, t = self.lab.wait_for("the web server on node2 through the VIP", lambda: self.web() == "node2", 5)
        print(f"switchover: client reached node2 {t:.2f}s after --wait returned", file=sys.stderr)
        print(f"demo-vip start/stop durations (hacored events): {self.vip_durations('node1')}", file=sys.stderr)
        start = time.monotonic()
        self.lab.run("poweroff", "node2")
        self.lab.wait_for("the web server on node1 through the VIP after node2's power-off",
                          lambda: self.web() == "node1", 30)
        print(f"power-off of node2: client reached node1 through the VIP after {time.monotonic() - start:.2f}s",
              file=sys.stderr)
        self.group_on("node1", "node1", timeout=10)


if __name__ == "__main__":
    unittest.main(verbosity=2)
