"""Two drbdlited daemons on one machine over loopback, for the drbd-lite multi-process
suites: a temp dir per test class, a free port per run, the CLI, status polling with
deadlines, NBD clients (libnbd's Python binding) and lower-device checks.

Run the suites with /usr/bin/python3 (Debian's python3-libnbd provides `import nbd`);
DRBDLITE_BIN names the directory holding drbdlited and drbdlite."""

import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BLOCK = 4096
EXTENT = 4 << 20
SYS_PATH = "/usr/bin:/usr/sbin:/bin:/sbin:" + os.environ.get("PATH", "")

try:
    import nbd  # noqa: F401  (python3-libnbd)
except ImportError:  # a clear message instead of a traceback in every suite
    nbd = None


def bin_dir():
    d = os.environ.get("DRBDLITE_BIN")
    if not d:
        here = os.path.dirname(os.path.abspath(__file__))
        d = os.path.join(here, "..", "..", "build", "drbdtest", "bin")
    d = os.path.abspath(d)
    for prog in ("drbdlited", "drbdlite"):
        if not os.access(os.path.join(d, prog), os.X_OK):
            raise AssertionError(f"{prog} not found in {d}: build it (cmake --build BUILD --target drbdlited drbdlite) "
                                 "and set DRBDLITE_BIN to BUILD/bin")
    return d


def log(msg):
    print(f"[drbdtest] {msg}", file=sys.stderr, flush=True)


def wait_for(what, predicate, timeout, interval=0.05):
    """Polls predicate() until it returns a true value; returns (value, seconds taken)."""
    start = time.monotonic()
    last = None
    while True:
        last = predicate()
        if last:
            return last, time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")
        time.sleep(interval)


def port_free(port):
    for addr in ("127.0.0.1", "127.0.0.2"):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((addr, port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def pick_port():
    rng = random.Random()
    for _ in range(200):
        p = rng.randint(20000, 40000)
        if port_free(p):
            return p
    raise AssertionError("no free port in 20000-40000 on both 127.0.0.1 and 127.0.0.2 after 200 tries")


def sha256_prefix(path, nbytes):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        left = nbytes
        while left > 0:
            chunk = f.read(min(left, 4 << 20))
            if not chunk:
                raise AssertionError(f"{path} ended {left} bytes before {nbytes}")
            h.update(chunk)
            left -= len(chunk)
    return h.hexdigest()


def nbd_uri(sock, export="r0"):
    return f"nbd+unix:///{export}?socket={sock}"


def nbd_open(sock, export="r0"):
    if nbd is None:
        raise AssertionError("the Python libnbd binding is missing: apt-get install python3-libnbd, "
                             "and run the suite with /usr/bin/python3")
    h = nbd.NBD()
    h.connect_uri(nbd_uri(sock, export))
    return h


class Node:
    def __init__(self, cluster, name, index):
        self.cluster = cluster
        self.name = name
        self.addr = f"127.0.0.{index}"
        self.rundir = os.path.join(cluster.dir, f"run-{name}")
        self.device = os.path.join(cluster.dir, f"{name}.img")
        self.logfile = os.path.join(cluster.dir, f"{name}.log")
        self.stderr_path = os.path.join(cluster.dir, f"{name}.stderr")
        self.proc = None
        self.starts = 0

    @property
    def nbd_socket(self):
        return os.path.join(self.rundir, "r0.nbd")

    @property
    def control_socket(self):
        return os.path.join(self.rundir, "control.sock")

    # Processes.
    def start(self, config=None, timeout=20):
        assert self.proc is None or self.proc.poll() is not None, f"{self.name}: drbdlited already running"
        if os.path.exists(self.control_socket):
            os.unlink(self.control_socket)  # left behind by a kill -9
        self.starts += 1
        err = open(self.stderr_path, "ab")
        err.write(f"---- start {self.starts} ----\n".encode())
        err.flush()
        self.proc = subprocess.Popen(
            [os.path.join(self.cluster.bin, "drbdlited"), "--config", config or self.cluster.config, "--node",
             self.name, "--runtime-dir", self.rundir, "--log-file", self.logfile],
            stdin=subprocess.DEVNULL, stdout=err, stderr=err, env=self.cluster.env)
        err.close()

        def ready():
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name}: drbdlited exited with {self.proc.returncode} at start:\n"
                                     + self.stderr_tail())
            if not os.path.exists(self.control_socket):
                return False
            return self.cli("status", check=False).returncode == 0
        wait_for(f"{self.name}'s control socket", ready, timeout)

    def kill9(self):
        assert self.proc is not None and self.proc.poll() is None, f"{self.name}: drbdlited is not running"
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        log(f"{self.name}: drbdlited pid {self.proc.pid} killed with SIGKILL")

    def stop(self, timeout=10):
        """SIGTERM, then SIGKILL after the deadline; only this node's own process, by its pid."""
        if self.proc is None or self.proc.poll() is not None:
            return None
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            log(f"{self.name}: drbdlited pid {self.proc.pid} ignored SIGTERM for {timeout}s: SIGKILL")
            self.proc.kill()
            return self.proc.wait(timeout=10)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stderr_tail(self, n=40):
        try:
            with open(self.stderr_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def log_records(self, event=None):
        try:
            with open(self.logfile, errors="replace") as f:
                lines = f.readlines()
        except OSError:
            return []
        return [l for l in lines if event is None or f" {event} " in l or f"event={event}" in l
                or f"msg={event}" in l]

    # CLI.
    def cli(self, *args, check=True, timeout=30):
        p = subprocess.run([os.path.join(self.cluster.bin, "drbdlite"), "--runtime-dir", self.rundir, *args],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
                           env=self.cluster.env)
        if check and p.returncode != 0:
            raise AssertionError(f"{self.name}: drbdlite {' '.join(args)} failed ({p.returncode}): "
                                 f"{p.stdout}{p.stderr}\n--- {self.name} stderr ---\n{self.stderr_tail()}")
        return p

    def status(self):
        p = self.cli("status", "r0", "--json")
        return json.loads(p.stdout)[0]

    def wait_status(self, what, pred, timeout=30):
        def check():
            s = self.status()
            return s if pred(s) else None
        try:
            s, took = wait_for(f"{self.name}: {what}", check, timeout)
        except AssertionError as e:
            raise AssertionError(f"{e}\nstatus now: {json.dumps(self.status())}") from None
        return s, took

    def wait_synced(self, timeout=60):
        return self.wait_status("Connected, UpToDate/UpToDate",
                                lambda s: s.get("connection") == "Connected" and s.get("disk") == "UpToDate"
                                and s.get("peer_disk") == "UpToDate", timeout)

    def data_sha(self, size):
        return sha256_prefix(self.device, size)


class Cluster:
    """One temp dir, one port, two nodes. `up()` = create-md + up on both, primary --force on node1."""

    def __init__(self, test_name, device_size=64 << 20, resync_rate="1G", secret2=None, volume_extra=None):
        self.bin = bin_dir()
        self.dir = tempfile.mkdtemp(prefix=f"drbdtest-{test_name[:40]}-")  # unix socket paths: 107 bytes
        os.chmod(self.dir, 0o755)
        self.port = pick_port()
        self.env = dict(os.environ, PATH=SYS_PATH)
        self.device_size = device_size
        # Keys added to the volume's flow mapping (@DIR@: this cluster's temp dir, @BIN@: the
        # binaries' dir); fencing defaults to dont-care here (the fencing suites set
        # resource-and-stonith with scripted handlers).
        extra = volume_extra or "fencing: dont-care"
        self.volume_extra = extra.replace("@DIR@", self.dir).replace("@BIN@", self.bin)
        self.node1 = Node(self, "node1", 1)
        self.node2 = Node(self, "node2", 2)
        self.secret = os.path.join(self.dir, "secret")
        self.write_secret(self.secret, os.urandom(32))
        self.config = self.write_config(self.secret, resync_rate, "config.yaml")
        self.config2 = None
        if secret2 is not None:
            path = os.path.join(self.dir, "secret2")
            self.write_secret(path, secret2)
            self.config2 = self.write_config(path, resync_rate, "config2.yaml")
        for n in self.nodes:
            with open(n.device, "wb") as f:
                f.truncate(device_size)
        log(f"cluster in {self.dir}, port {self.port}, devices {device_size >> 20} MiB")

    @property
    def nodes(self):
        return (self.node1, self.node2)

    @staticmethod
    def write_secret(path, data):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(path, 0o600)

    def write_config(self, secret, rate, name):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(f"""cluster: {{name: t, crypto: {{cipher: none, hash: none}}}}
nodes:
  - {{name: node1, ring_addrs: [127.0.0.1], replication_addr: 127.0.0.1}}
  - {{name: node2, ring_addrs: [127.0.0.2], replication_addr: 127.0.0.2}}
stonith: {{enabled: false}}
volumes:
  - {{name: r0, device: {self.dir}/%n.img, secret_file: {secret}, port: {self.port}, resync_rate: {rate},
     {self.volume_extra}}}
""")
        return path

    def start(self):
        for n in self.nodes:
            n.start(self.config2 if (n is self.node2 and self.config2) else None)

    def up(self, timeout=60):
        """Fresh metadata on both, both up, node1 forced Primary: waits for the initial full sync."""
        self.start()
        for n in self.nodes:
            n.cli("create-md", "r0")
            n.cli("up", "r0")
        self.node1.cli("primary", "r0", "--force")
        s, took = self.node1.wait_synced(timeout)
        self.node2.wait_synced(timeout)
        wait_for("node1's NBD socket", lambda: os.path.exists(self.node1.nbd_socket), 10)
        self.size = s["size_bytes"]
        log(f"initial sync of {self.size >> 20} MiB done in {took:.2f}s "
            f"(node2 resync_blocks_received {self.node2.status()['resync_blocks_received']})")
        return s

    def assert_identical(self, test, expect_sha=None):
        a = self.node1.data_sha(self.size)
        b = self.node2.data_sha(self.size)
        test.assertEqual(a, b, f"the data areas ({self.size} bytes) differ between node1 and node2")
        if expect_sha is not None:
            test.assertEqual(a, expect_sha, "the replicas are identical but differ from what was written")
        return a

    def handler_calls(self, handler):
        """Lines a scripted handler appended to handlers.log in this cluster's dir, for `handler`."""
        try:
            with open(os.path.join(self.dir, "handlers.log")) as f:
                return [l.strip() for l in f if l.startswith(handler + " ")]
        except OSError:
            return []

    def sanitizer_reports(self):
        found = []
        for n in self.nodes:
            try:
                with open(n.stderr_path, errors="replace") as f:
                    text = f.read()
            except OSError:
                continue
            for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
                if marker in text:
                    found.append(f"{n.name}: {marker}\n{n.stderr_tail(60)}")
                    break
        return found

    def teardown(self, keep=False):
        for n in self.nodes:
            n.stop()
        reports = self.sanitizer_reports()
        if keep or reports or os.environ.get("DRBDTEST_KEEP"):
            log(f"kept {self.dir} (logs: node1.log node2.log node*.stderr)")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        return reports


class ClusterTest(unittest.TestCase):
    """Base class: setUp builds a fresh cluster per test; tearDown stops both daemons
    by pid, fails on sanitizer reports and removes the temp dir."""
    device_size = 64 << 20
    resync_rate = "1G"
    secret2 = None
    volume_extra = None  # extra keys of the volume (Cluster: @DIR@ and @BIN@ are replaced)

    def setUp(self):
        self.c = Cluster(self.id().split(".")[-1], self.device_size, self.resync_rate, self.secret2,
                         self.volume_extra)
        self.n1, self.n2 = self.c.node1, self.c.node2
        self.handles = []

    def open_nbd(self, node):
        h = nbd_open(node.nbd_socket)
        self.handles.append(h)
        return h

    def close_nbd(self, h):
        try:
            h.shutdown()
        except Exception:  # noqa: BLE001  (the server may be gone: that is the test)
            pass
        if h in self.handles:
            self.handles.remove(h)

    def write_blocks(self, node, blocks, tag):
        """FUA-writes 4 KiB blocks filled with the byte `tag` through node's export."""
        h = self.open_nbd(node)
        for b in blocks:
            h.pwrite(bytes([tag]) * BLOCK, b * BLOCK, flags=nbd.CMD_FLAG_FUA)
        self.close_nbd(h)

    def tearDown(self):
        for h in list(self.handles):
            self.close_nbd(h)
        result = getattr(getattr(self, "_outcome", None), "result", None)
        failed = bool(result) and any(t is self for t, _ in result.errors + result.failures)
        reports = self.c.teardown(keep=failed)
        if reports:
            self.fail("sanitizer report from a daemon:\n" + "\n".join(reports))


def main():
    unittest.main(verbosity=2)
