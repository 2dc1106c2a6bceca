#!/usr/bin/python3
"""Idle-session memory of scripts/bench/smtp: opens K sessions to a server (smtpd or
pop3d, given its PID), takes them through stages, and after each stage reads the
server's VmRSS (and RssAnon) from /proc/PID/status. Per session =
(RSS after the stage - RSS before the first stage of that batch) / K.

  smtp: batch "plain": greeting -> EHLO -> STARTTLS + EHLO (cumulative, same connections)
  pop3: --batch plain: greeting -> USER/PASS (user N of --users-prefix, plaintext auth)
        --batch tls:   implicit TLS handshake + greeting -> USER/PASS
        (one batch per run, so that each starts on a fresh server: freed session memory
        stays in the allocator and would be reused by the next batch)
Loopback only; every socket has a timeout."""
import argparse
import ipaddress
import json
import socket
import ssl
import sys
import time

TIMEOUT = 30


def rss(pid):
    vals = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon"):
                vals[k] = int(v.split()[0])  # KiB
    return vals


def settle_rss(pid):
    time.sleep(0.5)
    return rss(pid)


class Line:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def readline(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed by the server")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line + b"\n"

    def smtp_reply(self):
        while True:
            line = self.readline()
            if line[3:4] != b"-":
                return line

    def send(self, data):
        self.sock.sendall(data)


def connect(host, port):
    s = socket.create_connection((host, port), timeout=TIMEOUT)
    return s


def tls_ctx():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def expect(line, prefix, what):
    if not line.startswith(prefix):
        raise RuntimeError(f"{what}: {line[:200]!r}")


def smtp_batch(a, k):
    """Returns {stage: (rss_kib, rss_anon_kib)} and closes the sessions."""
    ctx = tls_ctx()
    out = {}
    conns = []
    for _ in range(k):
        c = Line(connect(a.host, a.port))
        expect(c.smtp_reply(), b"220", "greeting")
        conns.append(c)
    out["greeting"] = settle_rss(a.pid)
    for c in conns:
        c.send(b"EHLO client.test\r\n")
        expect(c.smtp_reply(), b"250", "EHLO")
    out["EHLO"] = settle_rss(a.pid)
    for c in conns:
        c.send(b"STARTTLS\r\n")
        expect(c.smtp_reply(), b"220", "STARTTLS")
        c.sock = ctx.wrap_socket(c.sock, server_hostname="localhost")
        c.send(b"EHLO client.test\r\n")
        expect(c.smtp_reply(), b"250", "EHLO after STARTTLS")
    out["STARTTLS+EHLO"] = settle_rss(a.pid)
    for c in conns:
        try:
            c.send(b"QUIT\r\n")
            c.smtp_reply()
        except Exception:
            pass
        c.sock.close()
    return out


def pop3_batch(a, k, tls):
    ctx = tls_ctx()
    out = {}
    conns = []
    for _ in range(k):
        if tls:
            s = ctx.wrap_socket(connect(a.host, a.tls_port), server_hostname="localhost")
        else:
            s = connect(a.host, a.port)
        c = Line(s)
        expect(c.readline(), b"+OK", "greeting")
        conns.append(c)
    out["TLS handshake+greeting" if tls else "greeting"] = settle_rss(a.pid)
    for i, c in enumerate(conns):
        c.send(f"USER {a.user_prefix}{i + 1}@{a.domain}\r\n".encode())
        expect(c.readline(), b"+OK", "USER")
        c.send(f"PASS {a.password}\r\n".encode())
        expect(c.readline(), b"+OK", "PASS")
    out["TLS+login" if tls else "login (plaintext USER/PASS)"] = settle_rss(a.pid)
    for c in conns:
        try:
            c.send(b"QUIT\r\n")
            c.readline()
        except Exception:
            pass
        c.sock.close()
    return out


def warm_up(a):
    """A few sessions through every stage, so one-time allocations are not charged to K."""
    if a.proto == "smtp":
        smtp_batch(a, 5)
    else:
        pop3_batch(a, 5, a.batch == "tls")
    time.sleep(1.0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--proto", choices=["smtp", "pop3"], required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True, help="plain port (SMTP mx / POP3 starttls)")
    p.add_argument("--tls-port", type=int, default=0, help="POP3 implicit TLS port")
    p.add_argument("--pid", type=int, required=True, help="the server's PID")
    p.add_argument("--batch", choices=["plain", "tls"], default="plain", help="pop3: which batch")
    p.add_argument("--sessions", type=int, default=500)
    p.add_argument("--user-prefix", default="idle")
    p.add_argument("--domain", default="bench.test")
    p.add_argument("--password", default="")
    p.add_argument("--json", required=True)
    a = p.parse_args()
    if not ipaddress.ip_address(a.host).is_loopback:
        p.error("--host must be a loopback address")
    warm_up(a)
    k = a.sessions
    result = {"proto": a.proto, "batch": a.batch, "sessions": k, "stages": []}

    def record(batch, base, stages):
        for name, v in stages.items():
            result["stages"].append({
                "batch": batch, "stage": name, "rss_before_kib": base["VmRSS"], "rss_after_kib": v["VmRSS"],
                "per_session_kib": (v["VmRSS"] - base["VmRSS"]) / k,
                "anon_per_session_kib": (v.get("RssAnon", 0) - base.get("RssAnon", 0)) / k})

    base = settle_rss(a.pid)
    if a.proto == "smtp":
        record("plain", base, smtp_batch(a, k))
    else:
        record(a.batch, base, pop3_batch(a, k, a.batch == "tls"))
    with open(a.json, "w") as f:
        json.dump(result, f)
    for s in result["stages"]:
        print(f"{a.proto} {s['stage']}: {s['rss_before_kib']} -> {s['rss_after_kib']} KiB VmRSS for {k} sessions = "
              f"{s['per_session_kib']:.1f} KiB/session (anon {s['anon_per_session_kib']:.1f})", file=sys.stderr)


if __name__ == "__main__":
    main()
