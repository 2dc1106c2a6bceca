"""Process tests: the real hactl binary (env HACTL) against fake_hacored.FakeHacored on a
unix socket in a temporary directory. Each class is one ctest entry (label unit)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_hacored import FakeHacored  # noqa: E402

HACTL = os.environ.get("HACTL", os.path.join(os.path.dirname(__file__), "../../../build/hactl/bin/hactl"))
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "sample_status.json")) as f:
    SAMPLE_STATUS = json.load(f)


def now_ms():
    return int(time.time() * 1000)


class HactlCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hactl-")
        self.sock = os.path.join(self.dir, "hacored.sock")
        self.fake = FakeHacored(self.sock, SAMPLE_STATUS).start()

    def tearDown(self):
        self.fake.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def hactl(self, *args, socket=True, timeout=10):
        argv = [HACTL] + (["--socket", self.sock] if socket else []) + list(args)
        start = time.time()
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        p.elapsed = time.time() - start
        return p

    def requests(self, cmd=None):
        return [r for r in self.fake.requests if cmd is None or r.get("cmd") == cmd]


class StatusTest(HactlCase):
    def test_text(self):
        p = self.hactl("status")
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout
        self.assertIn("Cluster: halab   DC: node1   quorum: yes   this node: node1", out)
        self.assertIn("*** STONITH IS DISABLED", out)
        self.assertIn("  node2 (id 2): online (probing), standby", out)
        self.assertIn("    smtpd   (ocf:hamail:smtpd)  failed on node1   fail count: node1=1 node2=2", out)
        self.assertIn("  smtpd monitor on node1: not running (exit code 7) (rc 7)", out)
        self.assertIn("  node2: fenced at 2026-11-26T14:00:00.000Z", out)
        self.assertIn("Last transition: 3 done, 8 actions in 0.41 s", out)
        self.assertEqual(self.fake.requests, [{"cmd": "status"}])

    def test_json_prints_the_status_object(self):
        p = self.hactl("status", "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout), SAMPLE_STATUS)

    def test_maintenance_banner(self):
        self.fake.status = dict(SAMPLE_STATUS, maintenance=True)
        p = self.hactl("status")
        self.assertIn("*** MAINTENANCE MODE", p.stdout)

    def test_socket_from_config_file(self):
        cfg = os.path.join(self.dir, "cluster.yaml")
        with open(cfg, "w") as f:
            f.write("name: halab\ncontrol:\n  socket: %s\n  group: haclient\n" % self.sock)
        p = self.hactl("--config", cfg, "status", socket=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Cluster: halab", p.stdout)

    def test_daemon_error_reply(self):
        self.fake.handlers["status"] = lambda req: {"ok": False, "error": "this node is not in the cluster group yet"}
        p = self.hactl("status")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, "hactl: this node is not in the cluster group yet\n")


class SwitchoverTest(HactlCase):
    def accept(self, req):
        return {"ok": True, "id": 123, "group": req.get("group", "mail"), "to": req.get("to", "node2")}

    def test_without_wait_prints_the_accepted_request(self):
        self.fake.handlers["switchover"] = self.accept
        p = self.hactl("switchover", "mail", "--to", "node2")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("switchover of mail to node2 accepted (id 123)", p.stdout)
        self.assertEqual(self.requests(), [{"cmd": "switchover", "group": "mail", "to": "node2"}])

    def test_wait_success(self):
        # Events of an earlier switchover sit in the history (less than a second old).
        self.fake.emit("switchover_phase", group="mail", phase="stop vip on node2", ok=True, elapsed_ms=5,
                       ts_ms=now_ms() - 300)
        self.fake.emit("switchover_end", id=99, group="mail", to="node1", duration_ms=10, ts_ms=now_ms() - 200)
        self.fake.handlers["switchover"] = self.accept

        def run(req, reply):
            time.sleep(0.05)
            self.fake.emit("switchover_begin", id=123, group="mail", **{"from": "node1"}, to="node2")
            self.fake.emit("switchover_phase", group="web", phase="stop httpd on node1", ok=True, elapsed_ms=50)
            self.fake.emit("switchover_phase", group="mail", phase="stop smtpd on node1", ok=True, elapsed_ms=120)
            time.sleep(0.05)
            self.fake.emit("switchover_phase", group="mail", phase="start vip on node2", ok=True, elapsed_ms=560)
            self.fake.emit("switchover_end", id=7, group="other", to="node2", duration_ms=1)
            self.fake.emit("switchover_end", id=123, group="mail", to="node2", duration_ms=1234, reason="")
        self.fake.after["switchover"] = run
        t0 = now_ms()
        p = self.hactl("switchover", "--wait")
        t1 = now_ms()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.splitlines(), [
            "switchover of mail to node2 accepted (id 123), waiting up to 60.00 s",
            "moving mail from node1 to node2",
            "  stop smtpd on node1 ... ok (0.12 s)",
            "  start vip on node2 ... ok (0.56 s)",
            "switched over mail to node2 in 1.23 s",
        ])
        # The event stream was opened first, from a second ago, then the switchover was sent.
        reqs = self.fake.requests
        self.assertEqual([r["cmd"] for r in reqs], ["events", "switchover"])
        self.assertEqual(reqs[0]["follow"], True)
        # hactl's clock read 1 s back, between our reads around its run (a loaded machine may
        # take over a second to start it).
        self.assertTrue(t0 - 1000 <= reqs[0]["since_ms"] <= t1 - 1000, (t0, reqs[0]["since_ms"], t1))
        self.assertEqual(reqs[1], {"cmd": "switchover"})

    def test_wait_failure(self):
        self.fake.handlers["switchover"] = self.accept

        def run(req, reply):
            self.fake.emit("switchover_begin", id=123, group="mail", **{"from": "node1"}, to="node2")
            self.fake.emit("switchover_phase", group="mail", phase="start vip on node2", ok=False, elapsed_ms=2000)
            self.fake.emit("switchover_failed", id=123, group="mail", reason="vip failed to start on node2")
        self.fake.after["switchover"] = run
        p = self.hactl("switchover", "mail", "--to", "node2", "--wait")
        self.assertEqual(p.returncode, 1)
        self.assertIn("  start vip on node2 ... FAILED (2.00 s)", p.stdout)
        self.assertEqual(p.stderr, "hactl: switchover of mail to node2 failed: vip failed to start on node2 "
                                   "(see hactl status)\n")

    def test_wait_timeout(self):
        self.fake.handlers["switchover"] = self.accept
        p = self.hactl("switchover", "--wait", "--timeout", "0.5")
        self.assertEqual(p.returncode, 1)
        self.assertIn("after 0.50 s: the group may still be moving", p.stderr)
        self.assertLess(p.elapsed, 5)

    def test_refused(self):
        self.fake.handlers["switchover"] = lambda req: {
            "ok": False, "error": "cannot switch over to node2: it is in standby (hactl unstandby node2)"}
        for extra in ([], ["--wait"]):
            p = self.hactl("switchover", "--to", "node2", *extra)
            self.assertEqual(p.returncode, 1)
            self.assertEqual(p.stderr,
                             "hactl: cannot switch over to node2: it is in standby (hactl unstandby node2)\n")

    def test_clear(self):
        p = self.hactl("switchover", "mail", "--clear")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.requests(), [{"cmd": "switchover", "group": "mail", "clear": True}])


class RequestTest(HactlCase):
    def test_requests_are_sent_as_specified(self):
        cases = [
            (["standby", "node2"], {"cmd": "standby", "node": "node2"}),
            (["unstandby", "node2"], {"cmd": "unstandby", "node": "node2"}),
            (["maintenance", "on"], {"cmd": "maintenance", "on": True}),
            (["maintenance", "off"], {"cmd": "maintenance", "on": False}),
            (["resource", "cleanup"], {"cmd": "cleanup"}),
            (["resource", "cleanup", "smtpd"], {"cmd": "cleanup", "resource": "smtpd"}),
            (["resource", "restart", "smtpd"], {"cmd": "restart", "resource": "smtpd"}),
        ]
        for args, want in cases:
            before = len(self.fake.requests)
            p = self.hactl(*args)
            self.assertEqual(p.returncode, 0, (args, p.stderr))
            self.assertTrue(p.stdout.strip(), args)
            self.assertEqual(self.fake.requests[before:], [want], args)

    def test_refusal_is_reported(self):
        self.fake.handlers["restart"] = lambda req: {"ok": False, "error": "resource smtpd is not running: nothing to restart"}
        p = self.hactl("resource", "restart", "smtpd")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, "hactl: resource smtpd is not running: nothing to restart\n")


class ErrorTest(HactlCase):
    def test_daemon_not_running(self):
        self.fake.stop()
        os.environ["HAMAIL_SYSTEMCTL"] = "false"  # systemd cannot tell: no hint (cluster_setup_test checks the hint)
        try:
            p = self.hactl("status")
        finally:
            del os.environ["HAMAIL_SYSTEMCTL"]
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, "hactl: hacored is not running (no daemon at %s)\n" % self.sock)

    def test_permission_denied_names_the_group(self):
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            self.skipTest("needs root and setpriv to run hactl as nobody")
        os.chmod(self.dir, 0o755)
        os.chmod(self.sock, 0o660)
        cfg = os.path.join(self.dir, "cluster.yaml")
        with open(cfg, "w") as f:
            f.write("control:\n  socket: %s\n  group: haclient\n" % self.sock)
        os.chmod(cfg, 0o644)
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", HACTL, "--config", cfg,
                            "status"], capture_output=True, text=True, timeout=10)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(p.stderr, "hactl: permission denied on %s: run as root or a member of group haclient\n"
                         % self.sock)

    def test_missing_explicit_config(self):
        p = self.hactl("--config", os.path.join(self.dir, "nope.yaml"), "status", socket=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("nope.yaml: no such file", p.stderr)

    def test_bad_arguments_exit_2_with_usage(self):
        cases = [
            ([], None),
            (["frobnicate"], "hactl: unknown command 'frobnicate'"),
            (["status", "--bogus"], "hactl: unknown option '--bogus'"),
            (["standby"], "hactl: standby needs a NODE"),
            (["maintenance", "maybe"], "hactl: maintenance needs 'on' or 'off', got 'maybe'"),
            (["switchover", "--wait", "--timeout", "soon"], "hactl: --timeout needs a number of seconds"),
            (["switchover", "--wait", "--timeout"], "hactl: --timeout needs a value"),
            (["resource", "restart"], "hactl: resource restart needs a RESOURCE"),
            (["events", "--since", "yesterday"], "hactl: --since 'yesterday': expected"),
            (["config"], "usage: hactl config validate FILE"),
        ]
        for args, msg in cases:
            p = self.hactl(*args, socket=False)
            self.assertEqual(p.returncode, 2, args)
            if msg:
                self.assertTrue(p.stderr.startswith(msg), (args, p.stderr))
            self.assertIn("usage: hactl", p.stderr.lower(), args)
        self.assertEqual(self.fake.requests, [])

    def test_help(self):
        p = self.hactl("--help", socket=False)
        self.assertEqual(p.returncode, 0)
        self.assertIn("switchover [GROUP] [--to NODE] [--wait] [--timeout S]", p.stdout)


class EventsTest(HactlCase):
    def test_history_text_and_json(self):
        self.fake.emit("node_joined", node="node2", ts_ms=1795702131000)
        self.fake.emit("failover_end", group="mail", to="node2", duration_ms=2315, ts_ms=1795702131123,
                       **{"from": "node1"})
        p = self.hactl("events")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.splitlines(), [
            "2026-11-26T14:08:51.000Z node_joined node=node2",
            "2026-11-26T14:08:51.123Z failover_end group=mail from=node1 to=node2 duration_ms=2315",
        ])
        self.assertEqual(self.fake.requests, [{"cmd": "events", "follow": False}])
        p = self.hactl("events", "--json")
        self.assertEqual([json.loads(line) for line in p.stdout.splitlines()], self.fake.history)

    def test_since(self):
        t0 = now_ms()
        self.hactl("events", "--since", "10m")
        self.hactl("events", "--since", "2026-11-26T14:08:51.123Z")
        self.hactl("events", "--since", "1795702131123")
        since = [r["since_ms"] for r in self.fake.requests]
        self.assertAlmostEqual(since[0], t0 - 600000, delta=5000)
        self.assertEqual(since[1:], [1795702131123, 1795702131123])

    def test_follow_prints_live_events(self):
        self.fake.emit("node_joined", node="node2")

        def later():
            self.fake.wait_for_requests(1)
            time.sleep(0.2)
            self.fake.emit("quorum_lost", node="node1")
            time.sleep(0.2)
            self.fake.stop()  # the daemon goes away: hactl says so
        import threading
        threading.Thread(target=later, daemon=True).start()
        p = self.hactl("events", "--follow")
        lines = p.stdout.splitlines()
        self.assertEqual(len(lines), 2, p.stdout)
        self.assertIn(" node_joined node=node2", lines[0])
        self.assertIn(" quorum_lost node=node1", lines[1])
        self.assertEqual(p.returncode, 1)
        self.assertIn("hactl: hacored closed the event stream", p.stderr)
        self.assertEqual(self.fake.requests, [{"cmd": "events", "follow": True}])


class ConfigTest(HactlCase):
    """`hactl config validate` checks ha-core's sections itself and drbd-lite's volumes: section
    through `drbdlite config check` (beside hactl in the build's bin/)."""
    BASE = ("cluster: {name: t}\n"
            "nodes:\n"
            "  - {name: a, ring_addrs: [10.0.0.1], replication_addr: 10.1.0.1}\n"
            "  - {name: b, ring_addrs: [10.0.0.2], replication_addr: 10.1.0.2}\n"
            "stonith: {enabled: false}\n")

    def validate(self, text):
        path = os.path.join(self.dir, "cluster.yaml")
        with open(path, "w") as f:
            f.write(text)
        return path, self.hactl("config", "validate", path, socket=False)

    def test_shipped_example_checks_both_components(self):
        example = os.path.join(HERE, "../../../conf/cluster.yaml")
        p = self.hactl("config", "validate", example, socket=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("cluster 'mail-ha', 2 nodes, 1 groups", p.stdout)
        self.assertIn(": 1 volumes", p.stdout)

    def test_volume_errors_come_from_drbd_lite(self):
        path, p = self.validate(self.BASE + "volumes:\n  - {name: r0, device: vdb, secret_file: /s}\n")
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("cluster 't', 2 nodes, 0 groups", p.stdout)
        self.assertIn(path + ":7:24: volumes[0].device: expected an absolute path, found 'vdb'", p.stderr)

    def test_group_errors_do_not_hide_volume_results(self):
        path, p = self.validate(self.BASE + "groups: 5\nvolumes:\n"
                                "  - {name: r0, device: /dev/vdb, secret_file: /s, fencing: dont-care}\n")
        self.assertEqual(p.returncode, 1)
        self.assertIn(path + ":6:9: groups: expected a list", p.stderr)
        self.assertIn(": 1 volumes", p.stdout)


class ImportHeartbeatTest(HactlCase):
    """`hactl config import-heartbeat`: the real files of ha-core/config/tests/heartbeat/ in,
    cluster.yaml out (the golden file), which `hactl config validate` accepts."""
    CASES = os.path.join(HERE, "../../config/tests/heartbeat")

    def case(self, name, authkeys_mode=None):
        src = os.path.join(self.CASES, name)
        files = [os.path.join(src, "ha.cf"), os.path.join(src, "haresources")]
        if authkeys_mode is not None:
            keys = os.path.join(self.dir, "authkeys")
            shutil.copy(os.path.join(src, "authkeys"), keys)
            os.chmod(keys, authkeys_mode)
            files.append(keys)
        return files

    def test_classic_mail_server_prints_the_golden_yaml_that_validates(self):
        p = self.hactl("config", "import-heartbeat", *self.case("classic", 0o600), socket=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.CASES, "classic/expected.yaml")) as f:
            expected = f.read()
        # The golden file was made with the short names ha.cf, haresources, authkeys.
        got = p.stdout.replace(os.path.join(self.CASES, "classic") + "/", "").replace(self.dir + "/", "")
        self.assertEqual(got, expected)
        self.assertIn("notes (each is also a comment in the YAML)", p.stderr)
        self.assertNotIn("Sup3rS3cret", p.stdout + p.stderr)
        self.assertNotIn("ThisIsTheHeartbeatKey42", p.stdout + p.stderr)
        out = os.path.join(self.dir, "cluster.yaml")
        with open(out, "w") as f:
            f.write(p.stdout)
        v = self.hactl("config", "validate", out, socket=False)
        self.assertEqual(v.returncode, 0, v.stderr)
        self.assertIn("cluster 'mail-ha', 2 nodes, 1 groups", v.stdout)
        self.assertIn(": 1 volumes", v.stdout)  # drbd-lite's own loader read the volumes: skeleton

    def test_every_case_validates(self):
        for name in ("bcast", "multi"):
            out = os.path.join(self.dir, name + ".yaml")
            p = self.hactl("config", "import-heartbeat", *self.case(name), "-o", out, socket=False)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stdout, "")
            v = self.hactl("config", "validate", out, socket=False)
            self.assertEqual(v.returncode, 0, name + ": " + v.stderr)

    def test_an_existing_output_is_kept_without_force(self):
        out = os.path.join(self.dir, "cluster.yaml")
        with open(out, "w") as f:
            f.write("mine\n")
        p = self.hactl("config", "import-heartbeat", *self.case("bcast"), "-o", out, socket=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn(out + ": exists; not overwritten (add --force to replace it)", p.stderr)
        with open(out) as f:
            self.assertEqual(f.read(), "mine\n")
        p = self.hactl("config", "import-heartbeat", *self.case("bcast"), "-o", out, "--force", socket=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out) as f:
            self.assertIn("preferred_node: \"alpha.example.org\"", f.read())

    def test_an_open_authkeys_is_said(self):
        p = self.hactl("config", "import-heartbeat", *self.case("classic", 0o644), socket=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("mode 644: the key is readable by others than its owner", p.stderr)

    def test_errors_name_the_file(self):
        missing = os.path.join(self.dir, "nope.cf")
        p = self.hactl("config", "import-heartbeat", missing, self.case("bcast")[1], socket=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, "hactl: " + missing + ": cannot read: No such file or directory\n")
        bad = os.path.join(self.dir, "haresources")
        with open(bad, "w") as f:
            f.write("# one group\nmail1 IPaddr::10.0.0.300/24\n")
        p = self.hactl("config", "import-heartbeat", self.case("classic")[0], bad, socket=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, "hactl: " + bad + ":2: `IPaddr::10.0.0.300/24`: '10.0.0.300' is not an IP address\n")
        self.assertEqual(p.stdout, "")

    def test_bad_command_lines_exit_2(self):
        for args in (["one-file"], ["a", "b", "c", "d"], ["a", "b", "--force"], ["a", "b", "-o"], ["a", "b", "--x"]):
            p = self.hactl("config", "import-heartbeat", *args, socket=False)
            self.assertEqual(p.returncode, 2, args)
            self.assertIn("usage: hactl config import-heartbeat HA_CF HARESOURCES [AUTHKEYS]", p.stderr)


if __name__ == "__main__":
    unittest.main()
