#!/usr/bin/python3
"""POP3 RETR rate of scripts/bench/smtp, with Python's poplib: log in (implicit TLS, or
plaintext USER/PASS on the plain port), STAT, RETR 1..N, QUIT (nothing deleted), and
also `--make-maildir DIR --count N --size S` to write the N test messages directly as
Maildir files (tmp + fsync + rename into new/). Loopback only; every socket has a timeout."""
import argparse
import ipaddress
import json
import os
import poplib
import ssl
import sys
import time

TIMEOUT = 60


def make_maildir(d, count, size):
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    line = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\r\n"
    for i in range(count):
        head = (f"From: sender@client.test\r\nTo: pop@bench.test\r\nSubject: pop3 bench {i}\r\n"
                f"Message-ID: <pop3.{i}@client.test>\r\n\r\n").encode()
        n = max(size - len(head), 4)
        q, r = divmod(n, len(line))
        if 0 < r < 3:
            q, r = q - 1, r + len(line)
        data = head + line * q + (b"z" * (r - 2) + b"\r\n" if r else b"")
        name = f"1700000000.M{i:06d}P1Q{i}.bench"
        tmp = os.path.join(d, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(d, "new", name))
    fd = os.open(os.path.join(d, "new"), os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)


def retr(a):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    t0 = time.perf_counter()
    if a.tls:
        p = poplib.POP3_SSL(a.host, a.port, timeout=TIMEOUT, context=ctx)
    else:
        p = poplib.POP3(a.host, a.port, timeout=TIMEOUT)
    p.user(a.user)
    p.pass_(a.password)
    t_login = time.perf_counter() - t0
    count, octets = p.stat()
    if count < a.count:
        raise SystemExit(f"pop3: only {count} messages in the maildrop, expected {a.count}")
    got = 0
    t1 = time.perf_counter()
    for i in range(1, a.count + 1):
        _, lines, n = p.retr(i)
        got += n
    t_retr = time.perf_counter() - t1
    p.quit()
    out = {"mode": "implicit TLS" if a.tls else "plaintext", "messages": a.count, "octets": got,
           "login_s": t_login, "retr_s": t_retr, "msgs_per_s": a.count / t_retr, "mb_per_s": got / t_retr / 1e6}
    with open(a.json, "w") as f:
        json.dump(out, f)
    print(f"pop3 RETR ({out['mode']}): {a.count} messages, {got} octets in {t_retr:.2f} s = "
          f"{out['msgs_per_s']:.0f} msgs/s, {out['mb_per_s']:.1f} MB/s (login incl. maildrop scan {t_login * 1000:.0f} ms)",
          file=sys.stderr)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--make-maildir", default="")
    p.add_argument("--size", type=int, default=10240)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls", action="store_true", help="implicit TLS port")
    p.add_argument("--user", default="")
    p.add_argument("--password", default="")
    p.add_argument("--json", default="")
    a = p.parse_args()
    if a.make_maildir:
        make_maildir(a.make_maildir, a.count, a.size)
        return
    if not ipaddress.ip_address(a.host).is_loopback:
        p.error("--host must be a loopback address")
    retr(a)


if __name__ == "__main__":
    main()
