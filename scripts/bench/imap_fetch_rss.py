#!/usr/bin/python3
"""imapd's memory during one big FETCH (not a test; run by hand, e.g. on the mailbox that
`scripts/bench/imap --keep` leaves): LOGIN, SELECT INBOX, then `FETCH 1:* (BODY.PEEK[])`
read as fast as a raw socket allows (or, with --stall-mib N, N MiB read and then nothing
for --stall-s seconds); imapd's VmRSS / VmHWM (peak) before and after, from /proc/PID.
Prints one JSON object.
  imap_fetch_rss.py --port P --pid PID --user U --password PW [--stall-mib N --stall-s S]"""
import argparse
import json
import re
import socket
import time


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise SystemExit(f"no {key} in /proc/{pid}/status")


def until_tagged(sock, tag, buf=b""):
    """Reads until the tagged line; returns (bytes read, the tagged line)."""
    total = len(buf)
    tail = buf[-4096:]
    pat = re.compile(rb"(?:^|\r\n)" + tag + rb" [A-Z]+[^\r\n]*\r\n$")
    while not pat.search(tail):
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise SystemExit("connection closed")
        total += len(chunk)
        tail = (tail + chunk)[-4096:]
    return total, tail[tail.rfind(b"\r\n", 0, len(tail) - 2) + 2:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--stall-mib", type=int, default=0)
    ap.add_argument("--stall-s", type=float, default=3.0)
    a = ap.parse_args()
    s = socket.create_connection(("127.0.0.1", a.port), timeout=120)
    s.recv(4096)
    s.sendall(f'a LOGIN {a.user} "{a.password}"\r\n'.encode())
    until_tagged(s, b"a")
    s.sendall(b"s SELECT INBOX\r\n")
    until_tagged(s, b"s")
    rss0, hwm0 = status_kib(a.pid, "VmRSS"), status_kib(a.pid, "VmHWM")
    t0 = time.monotonic()
    s.sendall(b"f FETCH 1:* (BODY.PEEK[])\r\n")
    out = {"rss_before_kib": rss0, "hwm_before_kib": hwm0}
    if a.stall_mib:
        got = b""
        while len(got) < a.stall_mib << 20:
            got += s.recv(1 << 20)
        time.sleep(a.stall_s)  # a client that stops reading
        out["hwm_stalled_kib"] = status_kib(a.pid, "VmHWM")
        n, line = until_tagged(s, b"f", got[-4096:])
        n += len(got) - len(got[-4096:])
    else:
        n, line = until_tagged(s, b"f")
    out.update(ms=round((time.monotonic() - t0) * 1000, 1), bytes=n, tagged=line.decode().strip(),
               hwm_after_kib=status_kib(a.pid, "VmHWM"), rss_after_kib=status_kib(a.pid, "VmRSS"))
    s.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
