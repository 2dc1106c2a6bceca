"""9. Bad input gets clear errors: a lower device too small for the metadata, a corrupted
superblock region, the CLI with no daemon, an unknown volume, a world-readable secret."""

import json
import os
import socket
import subprocess
import tempfile

import drbdtest
from drbdtest import ClusterTest, log


class BadInputTest(ClusterTest):
    def test_device_too_small_for_metadata(self):
        os.truncate(self.n1.device, 32 << 10)
        self.n1.start()
        p = self.n1.cli("create-md", "r0", check=False)
        log(f"create-md on 32 KiB: {p.stderr.strip()}")
        self.assertEqual(p.returncode, 1)
        self.assertIn("smaller than the", p.stderr)
        self.assertIn("metadata needs", p.stderr)

    def test_corrupted_superblock_refuses_up(self):
        self.n1.start()
        self.n1.cli("create-md", "r0")
        with open(self.n1.device, "r+b") as f:
            f.seek(-8192, os.SEEK_END)
            f.write(b"\xA5" * 8192)
        p = self.n1.cli("up", "r0", check=False)
        log(f"up with a corrupted superblock: {p.stderr.strip()}")
        self.assertEqual(p.returncode, 1)
        self.assertIn("no valid superblock", p.stderr)
        self.assertIn(self.n1.device, p.stderr)
        self.assertFalse(self.n1.status().get("up"), "the volume came up on bad metadata")

    def test_cli_without_daemon(self):
        d = tempfile.mkdtemp(prefix="drbdtest-nodaemon-", dir=self.c.dir)
        p = subprocess.run([os.path.join(self.c.bin, "drbdlite"), "--runtime-dir", d, "status"],
                           capture_output=True, text=True, timeout=10)
        log(f"CLI with no daemon: {p.stderr.strip()}")
        self.assertEqual(p.returncode, 1)
        self.assertIn("drbdlited is not running", p.stderr)

    def test_unknown_volume(self):
        self.n1.start()
        for args in (("up", "r9"), ("primary", "r9"), ("status", "r9")):
            p = self.n1.cli(*args, check=False)
            log(f"{' '.join(args)}: {p.stderr.strip()}")
            self.assertEqual(p.returncode, 1)
            self.assertIn("no volume named 'r9'", p.stderr)

    def test_world_readable_secret(self):
        os.chmod(self.c.secret, 0o644)
        self.n1.start()
        self.n1.cli("create-md", "r0")
        p = self.n1.cli("up", "r0", check=False)
        log(f"up with a 0644 secret: {p.stderr.strip()}")
        self.assertEqual(p.returncode, 1)
        self.assertIn("chmod 0600", p.stderr)


    def config_with(self, name, extra="", volume_extra=""):
        """The cluster's config file with `extra` appended at top level and `volume_extra` in r0."""
        with open(self.c.config) as f:
            text = f.read().rstrip("\n")
        assert text.endswith("}"), text
        text = text[:-1] + volume_extra + "}\n" + extra
        path = os.path.join(self.c.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_errors_in_ha_core_sections_do_not_stop_drbdlited(self):
        self.n1.start(self.config_with("groups-broken.yaml", "groups: 5\ndefaults: {stickyness: 1}\n"))
        self.n1.cli("create-md", "r0")
        self.n1.cli("up", "r0")
        self.assertTrue(self.n1.status().get("up"))

    def test_nbd_socket_from_config(self):
        wanted = os.path.join(self.c.dir, "sock-%n.nbd")
        self.n1.start(self.config_with("nbd-socket.yaml", volume_extra=f", nbd_socket: {wanted}"))
        self.n1.cli("create-md", "r0")
        self.n1.cli("up", "r0")
        self.n1.cli("primary", "r0", "--force")
        path = wanted.replace("%n", "node1")
        st, _ = self.n1.wait_status("the NBD export at the configured socket", lambda s: s.get("nbd_socket") == path)
        log(f"nbd_socket: {st.get('nbd_socket')}")
        self.assertTrue(os.path.exists(path))
        self.assertFalse(os.path.exists(self.n1.nbd_socket), "the default socket was used anyway")

    def test_control_requests_with_bad_fields_get_errors(self):
        self.n1.start()
        cases = [
            ({"cmd": "status", "volume": 5}, 'field "volume": expected a string'),
            ({"cmd": "primary", "volume": "r0", "force": "yes"}, 'field "force": expected true or false'),
            ({"cmd": "up"}, 'field "volume": missing'),
            ({"cmd": "connect", "volume": "r0", "discard_my_data": 1}, 'field "discard_my_data"'),
            ({"cmd": "up", "volume": "v" * 1000}, "longer than 63 bytes"),
            ({"cmd": "up", "volume": "v" * 100000}, "bad request: longer than 65536 bytes"),
            ({"cmd": "reboot"}, "unknown command 'reboot'"),
            ({"cmd": "status", "extra": True}, 'unknown field "extra"'),
        ]
        for req, expected in cases:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(10)
                s.connect(self.n1.control_socket)
                s.sendall((json.dumps(req) + "\n").encode())
                reply = json.loads(s.makefile().readline())
            self.assertFalse(reply["ok"], req)
            self.assertIn(expected, reply["error"], req)
        self.assertTrue(self.n1.running(), "drbdlited died on a bad request")
        self.n1.cli("status")  # still answering


if __name__ == "__main__":
    drbdtest.main()
