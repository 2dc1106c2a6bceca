"""9. Bad input gets clear errors: a lower device too small for the metadata, a corrupted
superblock region, the CLI with no daemon, an unknown volume, a world-readable secret."""

import os
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


if __name__ == "__main__":
    drbdtest.main()
