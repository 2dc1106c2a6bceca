"""Helpers the mailsvc integration tests share: free loopback ports, waiting on a
condition with a deadline, mailsvc-admin calls, temporary directories the daemons' account
can reach, the uid a daemon runs as, a mailbox daemon (pop3d, imapd) with its mail root
and account, one case per run. Loopback only."""
import os
import pwd
import socket
import ssl
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(pred, what, timeout=15):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def listens_here(pid, port):
    """The process `pid` holds a listening TCP socket on 127.0.0.1:port (by the socket
    inodes of /proc/PID/fd and /proc/net/tcp)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    with open(f"/proc/{pid}/net/tcp") as f:
        for line in f.readlines()[1:]:
            cols = line.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if state == "0A" and int(local.split(":")[1], 16) == port and inode in inodes:
                return True
    return False


def can_connect(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def admin(admin_bin, etc, *args, stdin=None, timeout=10):
    """mailsvc-admin --dir ETC ARGS...; passwords go through stdin, never argv."""
    subprocess.run([admin_bin, "--dir", etc, *args], input=stdin, check=True, timeout=timeout,
                   capture_output=True, text=True)


def reachable_tmpdir(prefix):
    """mkdtemp (0700) opened to 0755: started as root, the daemons give up root for their
    account (mail), which must be able to reach mail_root below it."""
    d = tempfile.mkdtemp(prefix=prefix)
    os.chmod(d, 0o755)
    return d


def process_uids(pid):
    """The real, effective, saved and filesystem uid of a process (/proc/PID/status)."""
    with open(f"/proc/{pid}/status") as f:
        return [int(v) for v in next(line for line in f if line.startswith("Uid:")).split()[1:]]


def expect_runs_as(pid, user, what="the daemon"):
    """The process gave up root for `user` (all four uids), when the test runs as root."""
    if os.geteuid() != 0:
        return
    want = pwd.getpwnam(user).pw_uid
    wait_until(lambda: process_uids(pid) == [want] * 4, f"{what} running as {user} (uid {want})")


def unverified_tls_ctx():
    """A client TLS context that accepts the daemon's self-signed test certificate."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class MailboxDaemonEnv:
    """One mailbox daemon (pop3d, imapd) under test in `tmp`: its own mail_root with the
    domain example.org and the account `user`/`password`, its certificate in `tmp`, a
    STARTTLS and an implicit-TLS listener on free loopback ports, the daemon's log in
    tmp/NAME.log. It runs as `run_as` once started as root."""

    def __init__(self, tmp, name, binary, admin_bin, user, password, run_as, timeout=10):
        self.name, self.binary, self.admin_bin, self.timeout, self.run_as = name, binary, admin_bin, timeout, run_as
        self.root = os.path.join(tmp, "mail")
        self.etc = os.path.join(self.root, "etc")
        os.makedirs(self.etc)
        self.plain_port, self.tls_port = free_port(), free_port()
        self.config = os.path.join(tmp, name + ".yaml")
        self.log_path = os.path.join(tmp, name + ".log")
        self.proc = None
        self.extra_args = []  # more command-line arguments for the daemon, e.g. ["--debug"]
        self.counter = 0
        with open(self.config, "w") as f:
            f.write(f"""mail_root: {self.root}
hostname: localhost
user: {run_as}
tls:
  cert: {tmp}/cert.pem
  key: {tmp}/key.pem
listeners:
  - {{tls: starttls, address: 127.0.0.1, port: {self.plain_port}}}
  - {{tls: implicit, address: 127.0.0.1, port: {self.tls_port}}}
auth_failure_delay: 300ms
""")
        self.admin("domain", "add", user.split("@", 1)[1])
        self.admin("user", "add", user, "--password-stdin", stdin=password + "\n")
        local, domain = user.split("@", 1)
        self.maildir = os.path.join(self.root, "maildirs", domain, local, "Maildir")
        for d in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(self.maildir, d), exist_ok=True)

    def configure(self, text):
        """More top-level keys for the config file (before start)."""
        with open(self.config, "a") as f:
            f.write(text)

    def admin(self, *args, stdin=""):
        r = subprocess.run([self.admin_bin, "--dir", self.etc, *args], input=stdin, text=True,
                           capture_output=True, timeout=self.timeout)
        assert r.returncode == 0, f"mailsvc-admin {args}: {r.stderr}"

    def deliver(self, data):
        """As smtpd does: written in tmp/, renamed into new/ (owned as new/ is). Returns the
        file name."""
        if isinstance(data, str):
            data = data.encode()
        self.counter += 1
        name = f"{1700000000 + self.counter}.M{self.counter:06d}P1Q{self.counter}.test"
        tmp = os.path.join(self.maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
        if os.geteuid() == 0:
            st = os.stat(os.path.join(self.maildir, "new"))
            os.chown(tmp, st.st_uid, st.st_gid)
        os.rename(tmp, os.path.join(self.maildir, "new", name))
        return name

    def files(self):
        """The messages' file names in new/ and cur/, sorted."""
        return sorted(os.listdir(os.path.join(self.maildir, "new")) + os.listdir(os.path.join(self.maildir, "cur")))

    def start(self):
        """Starts the daemon; returns once both ports accept, on its own listeners, and it
        runs as run_as. A port another test took between free_port() and the daemon's bind
        (tests run in parallel) is picked again, at most twice."""
        for attempt in range(3):
            if self._start_once(last=attempt == 2):
                expect_runs_as(self.proc.pid, self.run_as, self.name)
                return
            old = (self.plain_port, self.tls_port)
            self.plain_port, self.tls_port = free_port(), free_port()
            with open(self.config) as f:
                text = f.read()
            for o, n in zip(old, (self.plain_port, self.tls_port)):
                text = text.replace(f"port: {o}}}", f"port: {n}}}")
            with open(self.config, "w") as f:
                f.write(text)

    def _start_once(self, last):
        """True once both ports accept on this daemon's own listeners; False when a port
        was someone else's (the daemon then stopped or exited), unless this is the last try."""
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.binary, "--config", self.config, *getattr(self, "extra_args", [])], stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + self.timeout
        for port in (self.plain_port, self.tls_port):
            while not can_connect(port):
                if self.proc.poll() is not None and "in use" in self.log_text() and not last:
                    self.log.close()
                    return False
                assert self.proc.poll() is None, f"{self.name} exited:\n" + self.log_text()
                assert time.monotonic() < deadline, f"{self.name} not listening:\n" + self.log_text()
                time.sleep(0.05)
        theirs = [p for p in (self.plain_port, self.tls_port) if not listens_here(self.proc.pid, p)]
        if theirs and not last:
            self.proc.kill()
            self.proc.wait(timeout=self.timeout)
            self.log.close()
            return False
        assert not theirs, f"{self.name}: port(s) {theirs} answered by another process:\n" + self.log_text()
        return True

    def stop(self):
        """SIGTERM; the daemon must exit 0."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            rc = self.proc.wait(timeout=self.timeout)
            assert rc == 0, f"{self.name} exited {rc}:\n" + self.log_text()
        self.proc = None
        self.log.close()

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()


class LoggedDaemon:
    """For a test's Env: a daemon run with --config, its output in self.log_path; launch()
    returns once it logged event=started (it must still run); stop() is SIGTERM and a wait."""
    proc = None
    log = None

    def launch(self, binary, config_path, timeout=15):
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([binary, "--config", config_path], stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(lambda: "event=started" in self.log_text() or self.proc.poll() is not None,
                   f"{os.path.basename(binary)} to start", timeout)
        assert self.proc.poll() is None, self.log_text()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)
        self.proc = None
        self.log.close()

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()


def run_case(cases, make_env, name):
    """Runs cases[argv[1]](env) with env = make_env(tmp) in a fresh reachable temporary
    directory; the daemon's log goes to stderr when the case fails; the daemon is stopped
    either way."""
    case = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix=name + "-test-") as tmp:
        os.chmod(tmp, 0o755)  # the account the daemon switches to must reach mail_root
        env = make_env(tmp)
        try:
            cases[case](env)
        except BaseException:
            if os.path.exists(env.log_path):
                print(f"--- {name} log ---\n" + env.log_text(), file=sys.stderr)
            raise
        finally:
            if env.proc:
                env.stop()
    print(f"{case}: ok")
