#!/usr/bin/python3
"""Hardening item 13: smtpd's memory does not grow with message size. 20 clients on
127.0.0.1 each send a 30 MiB message at the same time (600 MiB in all); all of them are
acknowledged and delivered whole to the Maildir, and smtpd's peak RSS (VmHWM of
/proc/PID/status) grows by less than BOUND_MIB over its peak before the load. Before the
DATA streaming, each connection held its message two or three times (over 1.2 GiB here).
Bounded in time: every socket and wait has a deadline."""
import glob, os, shutil, socket, subprocess, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
import mail_test_util as util  # noqa: E402
from mail_test_util import can_connect, free_port, wait_until  # noqa: E402

SMTPD = os.environ["SMTPD_BIN"]
ADMIN = os.environ["MAILSVC_ADMIN_BIN"]
CLIENTS, MESSAGE_MIB = 20, 30
BOUND_MIB = 64   # per-connection state is ~200 KiB (input, one chunk, a header section): 20 x 30 MiB must not show
DEADLINE = 120   # seconds for the whole load, ASan builds included
LINE = b"x" * 998 + b"\r\n"
CHUNK = LINE * 1024  # 1000 KiB of body per send
CHUNKS = -(-(MESSAGE_MIB << 20) // len(CHUNK))  # at least MESSAGE_MIB


def vm_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        return int(next(line for line in f if line.startswith(field + ":")).split()[1])


def expect(f, code):
    line = f.readline()
    while line[3:4] == b"-":
        line = f.readline()
    assert line.startswith(code), (code, line)
    return line


def send_big(port, n, results):
    """One client: EHLO, MAIL, RCPT, DATA, MESSAGE_MIB of body in 1000 KiB sends, the dot."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=DEADLINE) as s:
            f = s.makefile("rb")
            expect(f, b"220")
            for cmd, code in ((b"EHLO client.test", b"250"), (b"MAIL FROM:<bob@remote.test>", b"250"),
                              (b"RCPT TO:<alice@example.org>", b"250"), (b"DATA", b"354")):
                s.sendall(cmd + b"\r\n")
                expect(f, code)
            s.sendall(b"Subject: big %d\r\n\r\n" % n)
            for _ in range(CHUNKS):
                s.sendall(CHUNK)
            s.sendall(b".\r\n")
            results[n] = expect(f, b"250")
    except Exception as e:  # noqa: BLE001 - reported by the main thread
        results[n] = e


def main():
    top = util.reachable_tmpdir("smtpd-memory-")
    root, port = os.path.join(top, "mail"), free_port()
    etc = os.path.join(root, "etc")
    os.makedirs(etc)
    util.admin(ADMIN, etc, "domain", "add", "example.org")
    util.admin(ADMIN, etc, "user", "add", "alice@example.org", "--password-stdin", stdin="pw-alice-123\n")
    conf = os.path.join(top, "smtpd.yaml")
    with open(conf, "w") as f:
        f.write(f"mail_root: {root}\nhostname: mx.example.org\nlisteners:\n"
                f"  - {{role: mx, address: 127.0.0.1, port: {port}}}\n"
                f"delivery: {{relay_host: '[127.0.0.1]:{free_port()}'}}\n")
    env = dict(os.environ)
    # An ASan build keeps freed memory in quarantine (256 MiB by default): keep it small, so
    # the peak measures what smtpd holds.
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=8:thread_local_quarantine_size_kb=64").lstrip(":")
    log = open(os.path.join(top, "smtpd.log"), "ab")
    proc = subprocess.Popen([SMTPD, "--config", conf], stdout=log, stderr=log, env=env)
    ok = False
    try:
        wait_until(lambda: can_connect(port), "smtpd listening")
        before = vm_kib(proc.pid, "VmHWM")
        results = [None] * CLIENTS
        threads = [threading.Thread(target=send_big, args=(port, n, results)) for n in range(CLIENTS)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(1, DEADLINE - (time.monotonic() - t0)))
        assert not any(t.is_alive() for t in threads), "clients still sending after the deadline"
        bad = [r for r in results if not isinstance(r, bytes)]
        assert not bad, bad
        maildir = f"{root}/maildirs/example.org/alice/Maildir"
        want = len(b"Subject: big 0\r\n\r\n") + CHUNKS * len(CHUNK)
        wait_until(lambda: len(glob.glob(maildir + "/new/*")) == CLIENTS, "20 messages delivered", timeout=DEADLINE)
        sizes = sorted(os.path.getsize(p) for p in glob.glob(maildir + "/new/*"))
        assert all(want + 100 < s < want + 1000 for s in sizes), (want, sizes)  # whole, plus our Received field
        peak = vm_kib(proc.pid, "VmHWM")
        growth_mib = (peak - before) / 1024
        print(f"ok: {CLIENTS} x {MESSAGE_MIB} MiB accepted and delivered in {time.monotonic() - t0:.1f} s; "
              f"smtpd VmHWM {before // 1024} -> {peak // 1024} MiB (+{growth_mib:.1f}, bound {BOUND_MIB})")
        assert growth_mib < BOUND_MIB, f"peak RSS grew by {growth_mib:.1f} MiB"
        ok = True
        # The log must be clean: nothing failed while 600 MiB went through.
        text = open(os.path.join(top, "smtpd.log"), errors="replace").read()
        assert "level=error" not in text, [line for line in text.splitlines() if "level=error" in line][:5]
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        if not ok:
            sys.stdout.write(open(os.path.join(top, "smtpd.log"), errors="replace").read()[-5000:])
        shutil.rmtree(top, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
