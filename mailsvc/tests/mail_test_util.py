"""Helpers the mailsvc integration tests share: free loopback ports, waiting on a
condition with a deadline, mailsvc-admin calls, temporary directories the daemons' account
can reach, the uid a daemon runs as. Loopback only."""
import os
import pwd
import socket
import subprocess
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
