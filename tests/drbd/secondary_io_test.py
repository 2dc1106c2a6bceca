"""7. A Secondary refuses I/O: no NBD export while Secondary (clients get a clear error);
a Primary with NBD clients refuses to demote; two Primaries are refused."""

import os
import subprocess

import drbdtest
from drbdtest import ClusterTest, log, nbd_uri


class SecondaryIoTest(ClusterTest):
    def test_secondary_has_no_export(self):
        c = self.c
        c.up()
        s2 = self.n2.status()
        self.assertEqual(s2["role"], "Secondary")
        self.assertEqual(s2["nbd_socket"], "")
        self.assertFalse(os.path.exists(self.n2.nbd_socket), "node2 (Secondary) has an NBD socket")
        with self.assertRaises(Exception) as cm:
            drbdtest.nbd_open(self.n2.nbd_socket)
        log(f"libnbd against node2: {cm.exception}")
        self.assertIn("No such file", str(cm.exception))
        p = subprocess.run(["nbdsh", "-u", nbd_uri(self.n2.nbd_socket), "-c", "print(h.get_size())"],
                           capture_output=True, text=True, timeout=30, env=dict(os.environ, PATH=drbdtest.SYS_PATH))
        log(f"nbdsh against node2: rc {p.returncode}: {p.stderr.strip()}")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("No such file", p.stderr)

        p = self.n2.cli("primary", "r0", check=False)
        log(f"primary on node2 while node1 is Primary: {p.stderr.strip()}")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("is Primary", p.stderr)

    def test_primary_in_use_refuses_demote_then_export_goes_away(self):
        c = self.c
        c.up()
        h = self.open_nbd(self.n1)
        self.assertEqual(h.get_size(), c.size)
        p = self.n1.cli("secondary", "r0", check=False)
        log(f"secondary with a client attached: {p.stderr.strip()}")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("in use by 1 NBD client", p.stderr)
        self.close_nbd(h)
        drbdtest.wait_for("the client to be gone", lambda: self.n1.status()["nbd_clients"] == 0, 10)
        self.n1.cli("secondary", "r0")
        s1 = self.n1.status()
        self.assertEqual(s1["role"], "Secondary")
        self.assertFalse(os.path.exists(self.n1.nbd_socket), "demoted node1 still has its NBD socket")
        with self.assertRaises(Exception) as cm:
            drbdtest.nbd_open(self.n1.nbd_socket)
        log(f"libnbd against demoted node1: {cm.exception}")


if __name__ == "__main__":
    drbdtest.main()
