"""Lab: the install path an administrator takes, end to end, on two bare lab nodes (each
with its own /usr, /etc and /var, and an sshd; `halab up --bare`): the packages built from
this tree are installed on each node with dpkg; `hactl cluster setup` runs on node1 only
and reaches node2 over ssh; the group is added to cluster.yaml and copied to node2;
`hactl cluster start --all` starts corosync, drbdlited and hacored as their units do (the
units' ExecStart, run by tests/lab/unit_runner.py: the nodes have no systemd); `hactl
status` shows both nodes; the group switches over; a rolling upgrade, one node at a time; a changed cluster.yaml reloaded on both nodes;
`hactl cluster stop --all` stops both."""

import glob
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from halab import Lab, lab_setup, LabError, REPO  # noqa: E402

BUILD = os.path.abspath(os.path.join(os.environ.get("HALAB_BIN", os.path.join(REPO, "build", "test", "bin")), ".."))
RUNNER = os.path.join(REPO, "tests", "lab", "unit_runner.py")
UNITS = ["corosync", "drbdlited", "hacored"]
GROUP = """groups:
  - name: demo
    preferred_node: node1
    resources:
      - name: demo-vip
        agent: "ocf:hamail:vip"
        params: {ip: 10.201.1.50, cidr_netmask: "24", nic: eth0}
        ops: {monitor: {interval: 2s, timeout: 10s}}
"""
VOLUME = """      - name: demo-volume
        agent: "ocf:hamail:volume"
        promotable: true
        params: {volume: r0}
        ops: {monitor: {interval: 2s, timeout: 20s}, promote: {timeout: 60s}, demote: {timeout: 60s}}
"""
FILESYSTEM = """      - name: demo-fs
        agent: "ocf:hamail:filesystem"
        params: {device: /run/hamail/dev/r0, directory: /srv/mail, fstype: ext4}
        ops: {monitor: {interval: 2s, timeout: 20s}, stop: {timeout: 30s}}
"""


class LabInstall(unittest.TestCase):
    lab = Lab("halabinst")

    @classmethod

    @lab_setup
    def setUpClass(cls):
        # The packages of this build tree: left by package_debs (ctest runs it first), else built here.
        cls.debs_dir = tempfile.mkdtemp(prefix="hamail-install-test-")
        cls.debs = sorted(glob.glob(os.path.join(BUILD, "packages", "hamail-*.deb")))
        if len(cls.debs) != 3:
            p = subprocess.run([os.path.join(REPO, "scripts", "package"), "--build-dir", BUILD, "--out", cls.debs_dir,
                                "--jobs", "1"], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900)
            if p.returncode != 0:
                raise LabError(f"scripts/package failed ({p.returncode}):\n{p.stdout[-3000:]}{p.stderr[-3000:]}")
            cls.debs = sorted(glob.glob(os.path.join(cls.debs_dir, "hamail-*.deb")))
        if len(cls.debs) != 3:
            raise LabError(f"expected 3 packages, got {cls.debs}")
        cls.host_had_hacored = os.path.exists("/usr/sbin/hacored")
        cls.lab.up("--bare")
        with open(os.path.join(cls.lab.root, "ssh", "ssh_command")) as f:
            cls.ssh = f.read().strip()

    @classmethod
    def tearDownClass(cls):
        try:
            if os.environ.get("HALAB_KEEP_LOGS"):
                cls.lab.save_logs(os.environ["HALAB_KEEP_LOGS"])
        finally:
            cls.lab.down()
            subprocess.run(["rm", "-rf", cls.debs_dir], check=False)

    def node(self, host, *cmd, check=True, timeout=60, stdin=None):
        """CMD on HOST as its root shell would run it: the installed programs, the lab's ssh and unit runner."""
        env = ["env", f"HAMAIL_SSH={self.ssh}", f"HAMAIL_SYSTEMCTL={RUNNER}"]
        p = subprocess.run([os.path.join(REPO, "scripts", "halab"), "exec", host, *env, *cmd], env=self.lab.env,
                           input=stdin, capture_output=True, text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise LabError(f"{host}: {' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}{p.stderr}")
        return p

    def unit_log_tail(self, host):
        out = []
        for u in UNITS:
            p = self.node(host, "tail", "-n", "15", f"/run/halab-units/{u}.log", check=False)
            out.append(f"--- {host} {u}:\n{p.stdout}{p.stderr}")
        return "\n".join(out)

    def test_install_setup_start_switchover_stop(self):
        # 1. Packages: node1's install is node1's alone.
        self.lab.wait_for("sshd on both nodes", lambda: all(
            self.node("node1", *self.ssh.split(), f"root@10.201.2.1{i}", "true", check=False).returncode == 0
            for i in (1, 2)), 30)
        self.node("node1", "dpkg", "-i", *self.debs, timeout=300)
        self.assertNotEqual(self.node("node2", "test", "-e", "/usr/sbin/hacored", check=False).returncode, 0,
                            "a package installed on node1 showed up on node2")
        self.assertEqual(os.path.exists("/usr/sbin/hacored"), self.host_had_hacored,
                         "a package installed on node1 showed up on the host")
        self.node("node2", "dpkg", "-i", *self.debs, timeout=300)
        for host in ("node1", "node2"):
            self.assertIn("hamail-cluster", self.node(host, "dpkg-query", "-W", "-f", "${Package} ", "hamail-*").stdout)

        # 2. The bootstrap, on node1 only; node2's files come over ssh.
        p = self.node("node1", "hactl", "cluster", "setup", "--name", "mail", "node1=10.201.2.11", "node2=10.201.2.12",
                      "--replication", "node1=10.201.3.11", "--replication", "node2=10.201.3.12",
                      "--volume", "r0=/run/halab-r0.img", timeout=120)
        print(p.stdout, p.stderr, flush=True)
        for host in ("node1", "node2"):
            modes = self.node(host, "stat", "-c", "%a %n", "/etc/corosync/authkey", "/etc/hamail/cluster.yaml").stdout
            self.assertIn("400 /etc/corosync/authkey", modes, f"{host}: {modes}")
            self.assertIn("600 /etc/hamail/r0.secret", self.node(host, "stat", "-c", "%a %n", "/etc/hamail/r0.secret").stdout)
        for key in ("/etc/corosync/authkey", "/etc/hamail/r0.secret"):
            sums = {h: self.node(h, "sha256sum", key).stdout.split()[0] for h in ("node1", "node2")}
            self.assertEqual(sums["node1"], sums["node2"], f"the two nodes got different {key}")
        again = self.node("node1", "hactl", "cluster", "setup", "--name", "mail", "node1=10.201.2.11",
                          "node2=10.201.2.12", check=False, timeout=120)
        self.assertNotEqual(again.returncode, 0, "a second setup overwrote the cluster without --force")

        # 3. The administrator adds a group and copies the file (README: Install).
        conf = self.node("node1", "cat", "/etc/hamail/cluster.yaml").stdout
        self.assertIn("groups: []", conf)
        conf = conf.replace("groups: []", GROUP.rstrip("\n"), 1)
        self.node("node1", "sh", "-c", "cat >/etc/hamail/cluster.yaml", stdin=conf)
        self.node("node1", "hactl", "config", "validate", "/etc/hamail/cluster.yaml")
        self.node("node1", "sh", "-c", f"{self.ssh} root@10.201.2.12 'cat >/etc/hamail/cluster.yaml' "
                  "</etc/hamail/cluster.yaml")

        # 4. Start both nodes from node1, as the units start the daemons.
        p = self.node("node1", "hactl", "cluster", "start", "--all", check=False, timeout=300)
        if p.returncode != 0:
            raise LabError(f"hactl cluster start --all failed:\n{p.stdout}{p.stderr}\n" + self.unit_log_tail("node1") +
                           self.unit_log_tail("node2"))
        for host in ("node1", "node2"):
            states = self.node(host, RUNNER, "is-active", *UNITS, check=False).stdout.split()
            self.assertEqual(states, ["active"] * 3, f"{host}: {states}\n" + self.unit_log_tail(host))
        self.lab.wait_group_on("node1", "node1", 90)
        status, _ = self.lab.wait_for("node2 to see both nodes online", lambda: self.both_online("node2"), 60)

        # 5. The group switches over, and the address follows it.
        self.node("node1", "hactl", "switchover", "demo", "--to", "node2", "--wait", "--timeout", "60", timeout=90)
        self.lab.wait_group_on("node1", "node2", 60)
        self.lab.wait_for("the address on node2", lambda: "10.201.1.50/" in self.node(
            "node2", "ip", "-o", "addr", "show", "eth0").stdout, 20)
        self.assertNotIn("10.201.1.50/", self.node("node1", "ip", "-o", "addr", "show", "eth0").stdout)

        # 6. Rolling upgrade (README: Install, "Upgrading"), one node at a time, the group kept running.
        self.rolling_upgrade()

        # 7. A changed cluster.yaml, reloaded on both nodes: a second address joins the group,
        # the first one never goes away.
        self.reload_with_a_second_address("node2")

        # 8. A replicated volume and its filesystem join the group (README: Install, "A volume").
        self.volume_and_filesystem("node2")

        # 9. `hactl cluster stop --all` from node1 with the group running on node2: node1 stops
        # first, then node2, alone, stops the group (filesystem, volume, addresses) and itself.
        self.node("node1", "hactl", "cluster", "stop", "--all", timeout=400)
        for host in ("node1", "node2"):
            states = self.node(host, RUNNER, "is-active", *UNITS, check=False).stdout.split()
            self.assertEqual(states, ["inactive"] * 3, f"{host}: {states}")
            self.assertNotEqual(self.node(host, "mountpoint", "-q", "/srv/mail", check=False).returncode, 0,
                                f"{host}: the filesystem was unmounted")
            addrs = self.node(host, "ip", "-o", "addr", "show").stdout
            for vip in ("10.201.1.50", "10.201.1.51"):
                self.assertNotIn(f" {vip}/", addrs, f"{host}: the address {vip} was removed")

    def rolling_upgrade(self):
        """Upgrades node1 (passive) while node2 runs the group, moves the group to node1, then
        upgrades node2: standby, dpkg -i, restart the daemons, unstandby. The new packages are
        this tree's, repacked with a higher version (same binaries: the maintainer scripts'
        upgrade path and the procedure are what is tested; see README, Upgrading)."""
        new_debs = self.repacked_debs("+upgrade1")
        old_version = self.package_version("node1")
        for passive, active in (("node1", "node2"), ("node2", "node1")):
            self.node(passive, "hactl", "standby", passive)
            self.lab.wait_for(f"{passive} in standby", lambda: self.standby_of(active, passive) is True, 30)
            self.node(passive, "dpkg", "-i", *new_debs, timeout=300)
            self.assertEqual(self.package_version(passive), old_version + "+upgrade1")
            self.node(passive, RUNNER, "restart", "drbdlited", "hacored", timeout=120)
            self.lab.wait_for(f"{active} to see {passive} back", lambda: self.both_online(active), 60)
            self.node(passive, "hactl", "unstandby", passive)
            self.lab.wait_for(f"{passive} out of standby", lambda: self.standby_of(active, passive) is False, 30)
            if passive == "node1":  # mixed versions, both online: the old node still runs the group
                self.assertEqual(self.package_version("node2"), old_version)
                self.lab.wait_group_on("node1", "node2", 30)
            took = self.timed_switchover(passive)
            print(f"rolling upgrade: {passive} upgraded; switchover to it took {took:.1f}s", flush=True)
        for host in ("node1", "node2"):
            self.assertEqual(self.package_version(host), old_version + "+upgrade1")

    def reload_with_a_second_address(self, where):
        conf = self.node("node1", "cat", "/etc/hamail/cluster.yaml").stdout
        second = GROUP.split("resources:\n", 1)[1].replace("demo-vip", "demo-vip2").replace("10.201.1.50", "10.201.1.51")
        conf = conf.replace(GROUP.rstrip("\n"), GROUP + second.rstrip("\n"), 1)
        self.assertIn("demo-vip2", conf)
        # A moved node needs corosync restarted: refused, nothing changed.
        self.assertIn("10.201.2.12", conf)
        self.node("node1", "sh", "-c", "cat >/etc/hamail/cluster.yaml", stdin=conf.replace("10.201.2.12", "10.201.2.99"))
        refused = self.node("node1", "hactl", "cluster", "reload", check=False, timeout=120)
        self.assertEqual(refused.returncode, 1, refused.stdout + refused.stderr)
        self.assertIn("corosync must restart", refused.stderr)
        self.assertFalse(self.lab.hactl_status("node1")["maintenance"])
        self.node("node1", "sh", "-c", "cat >/etc/hamail/cluster.yaml", stdin=conf)
        gaps, stop = [], threading.Event()

        def watch_address():  # the group's first address, on `where`, all through the reload
            while not stop.is_set():
                if "10.201.1.50/" not in self.node(where, "ip", "-o", "addr", "show", "eth0", check=False).stdout:
                    gaps.append(time.monotonic())
                stop.wait(0.1)
        watcher = threading.Thread(target=watch_address)
        watcher.start()
        try:
            start = time.monotonic()
            p = self.node("node1", "hactl", "cluster", "reload", timeout=600)
            took = time.monotonic() - start
        finally:
            stop.set()
            watcher.join()
        print(p.stdout, f"cluster reload took {took:.1f}s", flush=True)
        self.assertEqual(gaps, [], "the group's address went away during the reload")
        self.assertIn("maintenance mode off", p.stdout)
        status, _ = self.lab.wait_group_on("node1", where, 60)
        self.assertEqual([r["name"] for r in status["groups"][0]["resources"]], ["demo-vip", "demo-vip2"])
        self.assertFalse(status["maintenance"])
        digests = {n["name"]: n.get("config_sha256") for n in status["nodes"]}
        want = self.node("node1", "sha256sum", "/etc/hamail/cluster.yaml").stdout.split()[0]
        self.assertEqual(digests, {"node1": want, "node2": want})
        self.assertIn("10.201.1.51/", self.node(where, "ip", "-o", "addr", "show", "eth0").stdout)
        self.assertEqual(self.node("node2", "sha256sum", "/etc/hamail/cluster.yaml").stdout.split()[0], want)
        again = self.node("node1", "hactl", "cluster", "reload", timeout=120)
        self.assertIn("no restart needed", again.stdout)

    def volume_and_filesystem(self, where):
        """r0's first sync, then the group gains the volume (promoted where it runs), ext4 is
        made on it there, the group gains the filesystem; a file written there is read back
        on the other node after a switchover."""
        for host in ("node1", "node2"):
            self.node(host, "drbdlite", "create-md", "r0")
            self.node(host, "drbdlite", "up", "r0")
        self.node(where, "drbdlite", "primary", "r0", "--force")

        def synced():
            s = json.loads(self.node(where, "drbdlite", "status", "r0", "--json").stdout)[0]
            ok = s["connection"] == "Connected" and s["disk"] == s["peer_disk"] == "UpToDate" and s["out_of_sync_kib"] == 0
            return s if ok else None
        _, took = self.lab.wait_for("r0's first sync", synced, 120)
        print(f"r0: first sync in {took:.1f}s", flush=True)
        self.node(where, "drbdlite", "secondary", "r0")
        self.add_to_group_and_reload(VOLUME)
        want = {"demo-vip": "started", "demo-vip2": "started", "demo-volume": "promoted"}
        self.lab.wait_group_on("node1", where, 90, want)
        self.node(where, "mkfs.ext4", "-q", "-F", "/run/hamail/dev/r0", timeout=120)
        self.add_to_group_and_reload(FILESYSTEM)
        want["demo-fs"] = "started"
        self.lab.wait_group_on("node1", where, 90, want)
        self.node(where, "sh", "-c", "echo accepted-before-the-switchover >/srv/mail/probe && sync")
        other = "node1" if where == "node2" else "node2"
        took = self.timed_switchover(other, want)
        print(f"switchover with the volume and filesystem took {took:.1f}s", flush=True)
        self.assertEqual(self.node(other, "cat", "/srv/mail/probe").stdout, "accepted-before-the-switchover\n")
        self.assertNotEqual(self.node(where, "mountpoint", "-q", "/srv/mail", check=False).returncode, 0)

    def add_to_group_and_reload(self, resource):
        conf = self.node("node1", "cat", "/etc/hamail/cluster.yaml").stdout
        head, groups = conf.split("\ngroups:", 1)  # the group's block ends at the first blank line
        end = groups.find("\n\n") if "\n\n" in groups else len(groups)
        groups = groups[:end].rstrip("\n") + "\n" + resource.rstrip("\n") + groups[end:]
        self.node("node1", "sh", "-c", "cat >/etc/hamail/cluster.yaml", stdin=head + "\ngroups:" + groups)
        p = self.node("node1", "hactl", "cluster", "reload", timeout=600)
        self.assertIn("maintenance mode off", p.stdout)

    def timed_switchover(self, to, want=None):
        start = time.monotonic()
        self.node("node1", "hactl", "switchover", "demo", "--to", to, "--wait", "--timeout", "60", timeout=90)
        took = time.monotonic() - start
        self.lab.wait_group_on("node1", to, 60, want)
        return took

    def repacked_debs(self, suffix):
        out = []
        for deb in self.debs:
            tree = tempfile.mkdtemp(prefix="repack-", dir=self.debs_dir)
            subprocess.run(["dpkg-deb", "-R", deb, tree], check=True)
            control = os.path.join(tree, "DEBIAN", "control")
            with open(control) as f:
                text = f.read()
            version = subprocess.run(["dpkg-deb", "-f", deb, "Version"], check=True, capture_output=True,
                                     text=True).stdout.strip()
            with open(control, "w") as f:
                f.write(text.replace(f"Version: {version}\n", f"Version: {version}{suffix}\n", 1))
            target = os.path.join(self.debs_dir, os.path.basename(deb).replace(".deb", f"{suffix}.deb"))
            # gzip -1, as debian/rules builds a test tree's packages: xz spent minutes of CPU on
            # the sanitizer build's binaries (2m44s for hamail-mail alone).
            subprocess.run(["dpkg-deb", "-b", "-Zgzip", "-z1", tree, target], check=True, capture_output=True)
            out.append(target)
        return out

    def package_version(self, host):
        return self.node(host, "dpkg-query", "-W", "-f", "${Version}", "hamail-cluster").stdout.strip()

    def standby_of(self, asker, node):
        s = self.lab.hactl_status(asker)
        for n in (s or {}).get("nodes", []):
            if n["name"] == node:
                return n.get("standby")
        return None

    def both_online(self, host):
        s = self.lab.hactl_status(host)
        if not s:
            return None
        online = sorted(n["name"] for n in s.get("nodes", []) if n.get("status") == "online")
        return s if online == ["node1", "node2"] else None


if __name__ == "__main__":
    unittest.main(verbosity=2)
