"""Helpers the mailsvc integration tests share: free loopback ports, waiting on a
condition with a deadline, mailsvc-admin calls. Loopback only."""
import socket
import subprocess
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
