#!/usr/bin/python3
"""SMTP load client of scripts/bench/smtp (the same one for smtpd and Postfix).

C connections in parallel (one thread each), each one TCP connection that sends its
share of the N messages as sequential transactions (EHLO once, then MAIL, RCPT, DATA,
message, "." per message: no RSET, no pipelining). Per transaction it measures the time
from sending MAIL FROM to the 250 after the final dot. Recipients rotate over U local
users. After the last 250 it polls the Maildir new/ directories (a glob) until all N
messages are there, or until the deadline. Writes one JSON object to --json.

Only loopback: --host must be a 127.0.0.0/8 address (the driver runs us in a private
network namespace anyway), or with --lab an address of scripts/halab's lab (10.201.0.0/16),
and then this client runs inside the lab's client namespace (scripts/bench/smtp-on-drbd). Every wait is bounded: socket timeout, overall deadline,
delivery deadline."""
import argparse
import glob
import ipaddress
import json
import os
import resource
import socket
import statistics
import sys
import threading
import time


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--messages", type=int, required=True)
    p.add_argument("--connections", type=int, default=20)
    p.add_argument("--size", type=int, default=10240, help="bytes of each message (headers + body)")
    p.add_argument("--domain", default="bench.test")
    p.add_argument("--users", type=int, default=10, help="recipients user1..userU@DOMAIN")
    p.add_argument("--user-prefix", default="user")
    p.add_argument("--maildir-glob", default="", help="glob of the recipients' new/ directories")
    p.add_argument("--expect-delivered", type=int, default=-1,
                   help="count in the new/ dirs that means all delivered (default: baseline + N)")
    p.add_argument("--timeout", type=float, default=600, help="deadline for sending, seconds")
    p.add_argument("--deliver-timeout", type=float, default=600, help="deadline for delivery after the last 250")
    p.add_argument("--label", default="")
    p.add_argument("--json", required=True)
    p.add_argument("--lab", action="store_true", help="--host may be an address of scripts/halab's lab")
    a = p.parse_args()
    host = ipaddress.ip_address(a.host)
    if not (host.is_loopback or (a.lab and host in ipaddress.ip_network("10.201.0.0/16"))):
        p.error("--host must be a loopback address" + (" or one of the lab's 10.201.0.0/16" if a.lab else ""))
    return a


def message(size, idx, rcpt, label):
    head = (f"From: Bench Sender <sender@client.test>\r\nTo: <{rcpt}>\r\n"
            f"Subject: bench {label} message {idx}\r\nMessage-ID: <bench.{label}.{idx}.{os.getpid()}@client.test>\r\n"
            f"Date: Thu, 01 Jan 2026 00:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=us-ascii\r\n\r\n")
    body_len = max(size - len(head), 4)
    line = "The quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnopqrstuvwx\r\n"
    q, r = divmod(body_len, len(line))
    if 0 < r < 3:  # keep every line CRLF-terminated and non-empty
        q, r = q - 1, r + len(line)
    body = line * q + ("y" * (r - 2) + "\r\n" if r else "")
    # no line starts with "." (no dot-stuffing needed); the total is exactly `size` bytes
    return (head + body).encode("ascii")


class Conn:
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile = self.sock.makefile("rb")

    def reply(self):
        lines = []
        while True:
            line = self.rfile.readline(4096)
            if not line:
                raise ConnectionError("connection closed by the server")
            lines.append(line)
            if len(line) < 4 or line[3:4] != b"-":
                return int(line[:3]), b"".join(lines)

    def cmd(self, data, want):
        self.sock.sendall(data)
        code, text = self.reply()
        if code != want:
            raise RuntimeError(f"{data[:40]!r} -> {text[:200]!r}")
        return code

    def close(self):
        try:
            self.sock.sendall(b"QUIT\r\n")
            self.reply()
        except Exception:
            pass
        self.rfile.close()
        self.sock.close()


def worker(a, k, indexes, results, deadline):
    lat, errors, done = [], [], 0
    try:
        c = Conn(a.host, a.port, 30)
        code, text = c.reply()
        if code != 220:
            raise RuntimeError(f"greeting {text[:200]!r}")
        c.cmd(b"EHLO client.test\r\n", 250)
        for i in indexes:
            if time.monotonic() > deadline:
                errors.append("deadline")
                break
            rcpt = f"{a.user_prefix}{i % a.users + 1}@{a.domain}"
            body = message(a.size, i, rcpt, a.label)
            try:
                t0 = time.perf_counter()
                c.cmd(b"MAIL FROM:<sender@client.test>\r\n", 250)
                c.cmd(f"RCPT TO:<{rcpt}>\r\n".encode(), 250)
                c.cmd(b"DATA\r\n", 354)
                c.cmd(body + b".\r\n", 250)
                t1 = time.perf_counter()
            except RuntimeError as e:  # a refused transaction: reset it and go on
                errors.append(str(e))
                c.cmd(b"RSET\r\n", 250)
                continue
            lat.append(t1 - t0)
            done += 1
        c.close()
    except Exception as e:
        errors.append(f"connection {k}: {type(e).__name__}: {e}")
    results[k] = (lat, errors, done, time.perf_counter())


def count_new(pattern):
    n = 0
    for d in glob.glob(pattern):
        try:
            with os.scandir(d) as it:
                n += sum(1 for e in it if not e.name.startswith("."))
        except FileNotFoundError:
            pass
    return n


def host_cpu():
    """(busy, total) jiffies of the whole machine (/proc/stat is not per namespace)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v) - idle, sum(v)


def pct(sorted_v, p):
    if not sorted_v:
        return float("nan")
    i = min(len(sorted_v) - 1, max(0, int(round(p / 100 * len(sorted_v) + 0.5)) - 1))
    return sorted_v[i]


def main():
    a = parse()
    baseline = count_new(a.maildir_glob) if a.maildir_glob else 0
    target = a.expect_delivered if a.expect_delivered >= 0 else baseline + a.messages
    shares = [list(range(k, a.messages, a.connections)) for k in range(a.connections)]
    results = [None] * a.connections
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = host_cpu()
    start = time.perf_counter()
    deadline = time.monotonic() + a.timeout
    threads = [threading.Thread(target=worker, args=(a, k, shares[k], results, deadline), daemon=True)
               for k in range(a.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(1.0, deadline + 60 - time.monotonic()))
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu1 = host_cpu()
    lat, errors, accepted, last = [], [], 0, start
    for k, r in enumerate(results):
        if r is None:
            errors.append(f"connection {k}: still running at the deadline")
            continue
        lat += r[0]
        errors += r[1]
        accepted += r[2]
        last = max(last, r[3])
    accept_s = last - start

    delivered_s, delivered = None, None
    if a.maildir_glob:
        dl = time.monotonic() + a.deliver_timeout
        while True:
            delivered = count_new(a.maildir_glob) - baseline
            if delivered >= target - baseline:
                delivered_s = time.perf_counter() - start
                break
            if time.monotonic() > dl:
                break
            time.sleep(0.01)
    lat.sort()
    out = {
        "label": a.label, "messages": a.messages, "connections": a.connections, "size": a.size,
        "accepted": accepted, "errors": len(errors), "error_samples": errors[:5],
        "accept_seconds": accept_s, "accepted_per_s": accepted / accept_s if accept_s > 0 else 0,
        "delivered": delivered, "delivered_seconds": delivered_s,
        "delivered_per_s": (a.messages / delivered_s) if delivered_s else None,
        "lat_p50_ms": pct(lat, 50) * 1000, "lat_p99_ms": pct(lat, 99) * 1000,
        "lat_mean_ms": statistics.fmean(lat) * 1000 if lat else float("nan"),
        "lat_max_ms": lat[-1] * 1000 if lat else float("nan"),
        "host_cpu_busy_pct": 100.0 * (cpu1[0] - cpu0[0]) / max(1, cpu1[1] - cpu0[1]),
        "client_cpu_s": (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime),
    }
    with open(a.json, "w") as f:
        json.dump(out, f)
    d = f"{delivered_s:.2f} s" if delivered_s else f"NOT all delivered ({delivered}/{a.messages})"
    print(f"{a.label}: {accepted}/{a.messages} accepted in {accept_s:.2f} s ({out['accepted_per_s']:.0f}/s), "
          f"p50 {out['lat_p50_ms']:.1f} ms p99 {out['lat_p99_ms']:.1f} ms, delivered: {d}, "
          f"errors {len(errors)}", file=sys.stderr)
    for e in errors[:5]:
        print(f"  {e}", file=sys.stderr)
    return 0 if accepted == a.messages and not errors and (not a.maildir_glob or delivered_s) else 1


if __name__ == "__main__":
    sys.exit(main())
