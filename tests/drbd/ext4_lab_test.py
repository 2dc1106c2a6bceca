"""10. ext4 through the kernel (label `lab`, needs root): node1's export attached with
nbdfuse + a loop device in a private mount namespace, mkfs.ext4, files written and synced;
then node1 demoted, node2 promoted, its export attached the same way: the files are there
with the same content."""

import os
import re
import subprocess

import drbdtest
from drbdtest import ClusterTest, log, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "ext4_nbdfuse.sh")


class Ext4LabTest(ClusterTest):
    def setUp(self):
        if os.geteuid() != 0:
            self.fail("ext4_lab_test needs root (mount namespaces, FUSE, loop devices, mount): "
                      "run it as root; it is labelled `lab` so `ctest -LE lab` leaves it out")
        super().setUp()
        self.loops = []

    def run_half(self, node, mode, files):
        work = os.path.join(self.c.dir, f"ns-{node.name}-{mode}")
        os.makedirs(work)
        p = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", SCRIPT, mode, work,
                              node.nbd_socket, files],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=self.c.env)
        try:
            out, _ = p.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            p.terminate()  # the script's trap unmounts, detaches the loop device, stops nbdfuse
            try:
                out, _ = p.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                out, _ = p.communicate(timeout=10)
        self.loops += re.findall(r"^LOOP=(\S+)", out, re.M)
        for pid in re.findall(r"^FUSEPID=(\d+)", out, re.M):
            self.assertFalse(drbdtest_pid_alive(int(pid)), f"nbdfuse {pid} still running after the script")
        log(f"{node.name} {mode}: rc {p.returncode}: {' | '.join(out.strip().splitlines())}")
        self.assertEqual(p.returncode, 0, f"{mode} on {node.name} failed:\n{out}")

    def tearDown(self):
        # Belt and braces: a loop device still backed by one of our FUSE files is detached.
        for loop in self.loops:
            q = subprocess.run(["losetup", "-n", "-O", "BACK-FILE", loop], capture_output=True, text=True)
            if self.c.dir in q.stdout:
                subprocess.run(["losetup", "-d", loop])
                log(f"detached leftover {loop}")
        super().tearDown()

    def test_ext4_files_survive_switchover(self):
        c = self.c
        c.up()
        src = os.path.join(c.dir, "src")
        os.makedirs(os.path.join(src, "maildir", "new"))
        files = {}
        for i in range(20):
            rel = os.path.join("maildir", "new", f"msg{i}.eml")
            files[rel] = f"Subject: message {i}\r\n\r\n".encode() + os.urandom(1000 + i * 997)
        files["big.bin"] = os.urandom(3 << 20)
        for rel, data in files.items():
            with open(os.path.join(src, rel), "wb") as f:
                f.write(data)

        self.run_half(self.n1, "write", src)
        s1 = self.n1.status()
        log(f"node1 after ext4 writes: writes_replicated {s1['writes_replicated']}, "
            f"out_of_sync_kib {s1['out_of_sync_kib']}, connection {s1['connection']}")
        self.assertEqual(s1["out_of_sync_kib"], 0)
        wait_for("node1's NBD clients gone", lambda: self.n1.status()["nbd_clients"] == 0, 10)
        self.n1.cli("secondary", "r0")
        self.n2.cli("primary", "r0")
        wait_for("node2's NBD socket", lambda: os.path.exists(self.n2.nbd_socket), 10)

        out = os.path.join(c.dir, "out")
        os.makedirs(out)
        self.run_half(self.n2, "read", out)
        for rel, data in files.items():
            with open(os.path.join(out, rel), "rb") as f:
                self.assertEqual(f.read(), data, f"{rel} differs on node2")
        log(f"all {len(files)} files ({sum(map(len, files.values())) >> 10} KiB) read back from node2's ext4")
        self.n2.cli("secondary", "r0")
        c.assert_identical(self)


def drbdtest_pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


if __name__ == "__main__":
    drbdtest.main()
