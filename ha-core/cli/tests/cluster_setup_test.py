"""Process tests of `hactl cluster setup|start|stop|receive-files`: the real hactl (env
HACTL) with fake_ssh.py as HAMAIL_SSH (the "peer" is hactl run here on another root
directory) and fake_systemctl.py as HAMAIL_SYSTEMCTL. No root, no network: the nodes'
addresses are loopback ones and nothing connects to them."""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

HACTL = os.environ["HACTL"]
HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "../../../conf/cluster.yaml")
SETUP = ["cluster", "setup", "--name", "mail", "mail-ha1=127.0.0.11", "mail-ha2=127.0.0.12",
         "--ring2", "mail-ha1=127.0.1.11", "--ring2", "mail-ha2=127.0.1.12", "--volume", "r0=/dev/vg/mail"]
FILES = {"/etc/corosync/authkey": 0o400, "/etc/hamail/r0.secret": 0o600,
         "/etc/corosync/corosync.conf": 0o644, "/etc/hamail/cluster.yaml": 0o644}


class ClusterCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hactl-cluster-")
        self.local = os.path.join(self.dir, "ha1")
        self.peer = os.path.join(self.dir, "ha2")
        os.makedirs(self.local)
        os.makedirs(self.peer)
        self.ssh_log = os.path.join(self.dir, "ssh.log")
        self.systemctl_log = os.path.join(self.dir, "systemctl.log")
        self.env = dict(os.environ,
                        HAMAIL_SSH=f"{sys.executable} {HERE}/fake_ssh.py",
                        HAMAIL_SYSTEMCTL=f"{sys.executable} {HERE}/fake_systemctl.py",
                        FAKE_SSH_LOG=self.ssh_log, FAKE_SYSTEMCTL_LOG=self.systemctl_log,
                        FAKE_PEER_ROOT=self.peer, FAKE_PEER_NODE="mail-ha2")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def hactl(self, *args, stdin=b"", **env):
        p = subprocess.run([HACTL] + list(args), input=stdin, capture_output=True, timeout=60,
                           env=dict(self.env, **env))
        p.out, p.err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
        return p

    def setup_cluster(self, *extra, **env):
        return self.hactl(*SETUP, "--node", "mail-ha1", "--root", self.local, *extra, **env)

    def read(self, root, path):
        with open(root + path, "rb") as f:
            return f.read()

    def tree(self, root):
        out = {}
        for d, _, files in os.walk(root):
            for f in files:
                full = os.path.join(d, f)
                out[full[len(root):]] = (stat.S_IMODE(os.stat(full).st_mode), self.read(root, full[len(root):]))
        return out

    def ssh_calls(self):
        if not os.path.exists(self.ssh_log):
            return []
        with open(self.ssh_log) as f:
            return [json.loads(line) for line in f]

    def systemctl_calls(self):
        if not os.path.exists(self.systemctl_log):
            return []
        with open(self.systemctl_log) as f:
            return [line.rstrip("\n") for line in f]

    def secrets(self, root):
        key = self.read(root, "/etc/corosync/authkey")
        secret = self.read(root, "/etc/hamail/r0.secret").strip()
        return [key, key.hex().encode(), secret]

    def assert_no_secret_in(self, blobs, secrets):
        for blob in blobs:
            data = blob if isinstance(blob, bytes) else blob.encode()
            for s in secrets:
                self.assertNotIn(s, data)
                self.assertNotIn(s[:16], data, "not even a part of a key")


class SetupTest(ClusterCase):
    def test_both_nodes_get_the_same_files_with_their_modes(self):
        p = self.setup_cluster()
        self.assertEqual(p.returncode, 0, p.err)
        local, peer = self.tree(self.local), self.tree(self.peer)
        self.assertEqual({k: v[0] for k, v in local.items()}, FILES)
        self.assertEqual(local, peer, "identical files and modes on both nodes")
        self.assertEqual(len(local["/etc/corosync/authkey"][1]), 256)
        self.assertRegex(local["/etc/hamail/r0.secret"][1].decode(), r"^[0-9a-f]{64}\n$")
        self.assertIn("mail-ha2 (through ssh to 127.0.0.12):\n  /etc/corosync/authkey (0400)\n", p.out)
        self.assertIn("mail-ha1 (this node):\n", p.out)
        self.assertIn("hactl cluster start --all", p.out)
        v = self.hactl("config", "validate", self.peer + "/etc/hamail/cluster.yaml")
        self.assertEqual(v.returncode, 0, v.out + v.err)
        self.assertIn(": 1 volumes", v.out)  # drbd-lite's loader (drbdlite config check) read volumes: too
        conf = local["/etc/corosync/corosync.conf"][1].decode()
        self.assertIn("ring1_addr: 127.0.1.12", conf)

    def test_keys_are_new_each_run_and_never_on_a_command_line_or_in_output(self):
        p = self.setup_cluster()
        self.assertEqual(p.returncode, 0, p.err)
        first = self.secrets(self.local)
        calls = self.ssh_calls()
        self.assertEqual(calls, [["root@127.0.0.12", "hactl", "cluster", "receive-files", "--for", "mail-ha2", "--check"],
                                 ["root@127.0.0.12", "hactl", "cluster", "receive-files", "--for", "mail-ha2"]])
        self.assert_no_secret_in([json.dumps(calls), p.stdout, p.stderr], first)
        again = self.setup_cluster("--force")
        self.assertEqual(again.returncode, 0, again.err)
        second = self.secrets(self.local)
        self.assertNotEqual(first[0], second[0], "a new authkey")
        self.assertNotEqual(first[2], second[2], "a new volume secret")
        self.assertEqual(self.secrets(self.peer), second)
        self.assert_no_secret_in([json.dumps(self.ssh_calls()), again.stdout, again.stderr], first + second)

    def test_refuses_over_a_cluster_on_the_peer_and_writes_nothing(self):
        os.makedirs(self.peer + "/etc/corosync")
        with open(self.peer + "/etc/corosync/authkey", "wb") as f:
            f.write(b"old key")
        before = self.tree(self.peer)
        p = self.setup_cluster()
        self.assertEqual(p.returncode, 1)
        self.assertIn("mail-ha2: hactl: a cluster is set up on mail-ha2: /etc/corosync/authkey exists (add --force", p.err)
        self.assertIn("nothing was written on either node", p.err)
        self.assertEqual(self.tree(self.local), {})
        self.assertEqual(self.tree(self.peer), before)
        self.assertEqual(len(self.ssh_calls()), 1, "only the check ran")
        forced = self.setup_cluster("--force")
        self.assertEqual(forced.returncode, 0, forced.err)
        self.assertNotEqual(self.read(self.peer, "/etc/corosync/authkey"), b"old key")
        self.assertEqual(self.tree(self.peer), self.tree(self.local))

    def test_refuses_over_a_cluster_here_before_any_ssh(self):
        os.makedirs(self.local + "/etc/hamail")
        with open(self.local + "/etc/hamail/cluster.yaml", "w") as f:
            f.write("cluster: {name: old}\n")
        p = self.setup_cluster()
        self.assertEqual(p.returncode, 1)
        self.assertIn("a cluster is set up on this node: /etc/hamail/cluster.yaml exists (add --force to replace them); "
                      "nothing was written on either node", p.err)
        self.assertEqual(self.ssh_calls(), [])
        self.assertEqual(self.tree(self.peer), {})

    def test_the_packaged_example_is_no_cluster(self):
        for root in (self.local, self.peer):
            os.makedirs(root + "/etc/hamail")
            shutil.copy(EXAMPLE, root + "/etc/hamail/cluster.yaml")
            os.makedirs(root + "/etc/corosync")
            with open(root + "/etc/corosync/corosync.conf", "w") as f:
                f.write("# Debian's example\n")
        p = self.setup_cluster()
        self.assertEqual(p.returncode, 0, p.err)
        self.assertIn(b"written by `hactl cluster setup`", self.read(self.peer, "/etc/hamail/cluster.yaml"))

    def test_ssh_failure_says_how_to_check_and_writes_nothing(self):
        p = self.setup_cluster(FAKE_SSH_DOWN="127.0.0.12")
        self.assertEqual(p.returncode, 1)
        err = p.err.replace(self.env["HAMAIL_SSH"], "SSH")
        self.assertIn("mail-ha2 (127.0.0.12): SSH root@127.0.0.12 failed: ssh: connect to host 127.0.0.12 port 22: "
                      "Connection refused\n", err)
        self.assertIn("check `SSH root@127.0.0.12 true`, or set HAMAIL_SSH", err)
        self.assertEqual(self.tree(self.local), {})
        self.assertEqual(self.tree(self.peer), {})

    def test_refuses_when_ssh_reaches_a_host_of_another_name(self):
        p = self.setup_cluster(FAKE_PEER_NODE="mail-old")
        self.assertEqual(p.returncode, 1)
        self.assertIn("mail-ha2: hactl: this host is named 'mail-old' (uname -n), not mail-ha2: the address reaches "
                      "another machine, or the host name differs", p.err)
        self.assertEqual(self.tree(self.local), {})
        self.assertEqual(self.tree(self.peer), {})

    def test_a_user_who_cannot_write_is_told_before_anything_is_written(self):
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            self.skipTest("needs root and setpriv to run hactl as nobody")
        os.chmod(self.dir, 0o755)
        os.chmod(self.local, 0o755)
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", HACTL] + SETUP +
                           ["--node", "mail-ha1", "--root", self.local], capture_output=True, text=True, timeout=60,
                           env=self.env)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("hactl: cluster setup: %s: cannot write there (Permission denied): run as root, or give --root DIR; "
                      "nothing was written on either node" % self.local, p.stderr)
        self.assertEqual(self.ssh_calls(), [])

    def test_bad_arguments_are_named(self):
        p = self.hactl("cluster", "setup", "--name", "mail", "mail-ha1=127.0.0.300", "mail-ha2=127.0.0.12")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.err.splitlines()[0],
                         "hactl: cluster setup: mail-ha1=127.0.0.300: '127.0.0.300' is not an IPv4 or IPv6 address")
        self.assertIn("usage: hactl cluster setup --name NAME", p.err)
        p = self.hactl(*SETUP, "--node", "mail-ha3", "--root", self.local)
        self.assertEqual(p.returncode, 1)
        self.assertIn("this node is 'mail-ha3' (given with --node), not a node of the command line", p.err)
        self.assertEqual(self.ssh_calls(), [])


class ReceiveFilesTest(ClusterCase):
    def bundle(self):
        self.assertEqual(self.setup_cluster().returncode, 0)
        # The bundle setup sent, rebuilt from the files written (same order and rules).
        files = [("/etc/corosync/authkey", "0400", "keep"), ("/etc/hamail/r0.secret", "0600", "keep"),
                 ("/etc/corosync/corosync.conf", "0644", "replace"), ("/etc/hamail/cluster.yaml", "0644",
                                                                       "keep-unless-example")]
        out = b"hamail-files 1\n"
        for path, mode, rule in files:
            content = self.read(self.local, path)
            out += f"file {mode} {rule} {len(path)} {len(content)}\n{path}\n".encode() + content + b"\n"
        return out + b"end 4\n"

    def test_a_truncated_bundle_is_refused_and_nothing_written(self):
        data = self.bundle()
        target = os.path.join(self.dir, "other")
        p = self.hactl("cluster", "receive-files", "--for", "h", "--node", "h", "--root", target, stdin=data[:200])
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.err, r"^hactl: file bundle: file 1 \(/etc/corosync/authkey\): truncated: 256 content bytes "
                                r"announced, \d+ left\n$")
        self.assertFalse(os.path.exists(target))
        self.assert_no_secret_in([p.stdout, p.stderr], self.secrets(self.local))

    def test_check_writes_nothing_and_the_bundle_installs(self):
        data = self.bundle()
        target = os.path.join(self.dir, "other")
        p = self.hactl("cluster", "receive-files", "--for", "h", "--node", "h", "--check", "--root", target, stdin=data)
        self.assertEqual(p.returncode, 0, p.err)
        self.assertFalse(os.path.exists(target))
        p = self.hactl("cluster", "receive-files", "--for", "h", "--node", "h", "--root", target, stdin=data)
        self.assertEqual(p.returncode, 0, p.err)
        self.assertEqual(self.tree(target), self.tree(self.local))

    def test_another_version_is_refused(self):
        p = self.hactl("cluster", "receive-files", "--for", "h", "--node", "h", "--root", self.local,
                       stdin=b"hamail-files 2\nend 0\n")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.err, "hactl: file bundle: version 2, this hactl reads version 1 (install the same hamail "
                                "version on both nodes)\n")


class ServicesTest(ClusterCase):
    def write_config(self):
        self.assertEqual(self.setup_cluster().returncode, 0)
        return self.local + "/etc/hamail/cluster.yaml"

    def test_start_all_this_node_then_the_peer(self):
        cfg = self.write_config()
        p = self.hactl("cluster", "start", "--all", "--config", cfg, "--node", "mail-ha1")
        self.assertEqual(p.returncode, 0, p.err)
        self.assertEqual(self.systemctl_calls(), [
            "local is-active hacored", "local restart corosync", "local start drbdlited", "local start hacored",
            "local is-active corosync drbdlited hacored",
            "mail-ha2 is-active hacored", "mail-ha2 restart corosync", "mail-ha2 start drbdlited",
            "mail-ha2 start hacored", "mail-ha2 is-active corosync drbdlited hacored"])
        self.assertEqual(self.ssh_calls()[-1], ["root@127.0.0.12", "hactl", "cluster", "start"])
        self.assertIn("mail-ha1:\n  systemctl restart corosync: done\n", p.out)
        self.assertIn("mail-ha2:\n  systemctl restart corosync: done\n", p.out)

    def test_start_with_hacored_running_does_not_bounce_corosync(self):
        p = self.hactl("cluster", "start", "--node", "mail-ha1", FAKE_UNIT_STATES='{"hacored": "active"}')
        self.assertEqual(p.returncode, 0, p.err)
        self.assertEqual(self.systemctl_calls(), ["local is-active hacored", "local start corosync",
                                                  "local start drbdlited", "local start hacored",
                                                  "local is-active corosync drbdlited hacored"])

    def test_a_unit_that_stays_inactive_is_an_error(self):
        p = self.hactl("cluster", "start", "--node", "mail-ha1", FAKE_CONDITION_FAILS="drbdlited,hacored")
        self.assertEqual(p.returncode, 1)
        self.assertIn("hactl: cluster start: after the start, drbdlited is inactive, hacored is inactive: see "
                      "`systemctl status drbdlited` (drbdlited and hacored start only with /etc/hamail/cluster.yaml in "
                      "place)", p.err)

    def test_stop_all_the_peer_first_in_reverse(self):
        cfg = self.write_config()
        p = self.hactl("cluster", "stop", "--all", "--config", cfg, "--node", "mail-ha1")
        self.assertEqual(p.returncode, 0, p.err)
        self.assertEqual(self.systemctl_calls(), [
            "mail-ha2 stop hacored", "mail-ha2 stop drbdlited", "mail-ha2 stop corosync",
            "local stop hacored", "local stop drbdlited", "local stop corosync"])

    def test_a_failed_unit_stops_the_sequence_and_is_named(self):
        p = self.hactl("cluster", "start", "--node", "mail-ha1", FAKE_SYSTEMCTL_FAIL="start drbdlited")
        self.assertEqual(p.returncode, 1)
        self.assertIn("hactl: cluster start: systemctl start drbdlited failed (exit code 1): Job for drbdlited.service "
                      "failed because the control process exited with error code.; see `journalctl -u drbdlited`", p.err)
        self.assertNotIn("local start hacored", self.systemctl_calls())

    def test_a_failure_on_the_peer_is_named(self):
        cfg = self.write_config()
        p = self.hactl("cluster", "stop", "--all", "--config", cfg, "--node", "mail-ha1",
                       FAKE_SYSTEMCTL_FAIL="stop hacored")
        self.assertEqual(p.returncode, 1)
        self.assertIn("mail-ha2: hactl: cluster stop: systemctl stop hacored failed", p.err)
        self.assertEqual(self.systemctl_calls(), ["mail-ha2 stop hacored"], "this node is left alone")

    def test_all_needs_this_node_in_the_config(self):
        cfg = self.write_config()
        p = self.hactl("cluster", "start", "--all", "--config", cfg, "--node", "elsewhere")
        self.assertEqual(p.returncode, 1)
        self.assertIn("this node is 'elsewhere' (given with --node), not a node of " + cfg, p.err)
        self.assertEqual(self.systemctl_calls(), [])


class StatusHintTest(ClusterCase):
    def status(self, **env):
        return self.hactl("--socket", os.path.join(self.dir, "none.sock"), "status", **env)

    def test_says_which_is_not_running_and_how_to_start_it(self):
        p = self.status(FAKE_UNIT_STATES='{"corosync": "active"}')
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.err.splitlines(), [
            "hactl: hacored is not running (no daemon at %s)" % os.path.join(self.dir, "none.sock"),
            "hacored is not running on this node (corosync is running): start it with `hactl cluster start` or "
            "`systemctl start hacored`"])
        p = self.status()
        self.assertIn("nor is corosync (inactive): start both with `hactl cluster start`", p.err)

    def test_nothing_more_without_systemd(self):
        p = self.status(FAKE_NO_SYSTEMD="1")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(len(p.err.splitlines()), 1, p.err)


if __name__ == "__main__":
    unittest.main()
