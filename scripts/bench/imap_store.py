#!/usr/bin/env python3
"""STORE driver for profiling imapd (run by hand, loopback only, not a test).

Logs in over plaintext, SELECTs INBOX and sends `STORE n +FLAGS (\\Flagged)` for
n = first..first+count-1, one command at a time (waits for each tagged reply).
Prints commands/s and the per-command latency median/p90 as one JSON line.
  imap_store.py --port P --user U --password PW [--count 1000] [--first 1] [--flag \\Flagged]
"""
import argparse
import json
import socket
import statistics
import sys
import time

MAX_COUNT = 100_000


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""
        self.n = 0
        self.readline()  # greeting

    def readline(self):
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def cmd(self, text):
        self.n += 1
        tag = b"a%d" % self.n
        self.s.sendall(tag + b" " + text.encode() + b"\r\n")
        lines = []
        while True:
            line = self.readline()
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise RuntimeError(f"{text!r}: {line!r}")
                return lines
            lines.append(line)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--first", type=int, default=1)
    p.add_argument("--flag", default="\\Flagged")
    p.add_argument("--mode", default="+FLAGS")
    a = p.parse_args()
    if not 0 < a.count <= MAX_COUNT:
        sys.exit(f"--count must be 1..{MAX_COUNT}")
    c = Conn(a.port)
    c.cmd(f'LOGIN "{a.user}" "{a.password}"')
    sel = c.cmd("SELECT INBOX")
    exists = next(int(l.split()[1]) for l in sel if l.endswith(b" EXISTS"))
    lat = []
    t0 = time.perf_counter()
    for i in range(a.count):
        n = (a.first - 1 + i) % exists + 1
        t = time.perf_counter()
        c.cmd(f"STORE {n} {a.mode} ({a.flag})")
        lat.append(time.perf_counter() - t)
    dt = time.perf_counter() - t0
    c.cmd("LOGOUT") if False else None
    lat.sort()
    print(json.dumps({"exists": exists, "count": a.count, "seconds": round(dt, 3),
                      "commands_per_s": round(a.count / dt, 1),
                      "median_ms": round(statistics.median(lat) * 1e3, 3),
                      "p90_ms": round(lat[int(len(lat) * 0.9)] * 1e3, 3)}))


if __name__ == "__main__":
    main()
