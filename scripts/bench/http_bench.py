#!/usr/bin/python3
"""Helpers of scripts/bench/http (not a test): wait for a server's port, the CPU seconds of a
process tree, one wrk output parsed into JSON, and the results table (+ results.json).
  http_bench.py wait --port P --pid PID [--seconds S]
  http_bench.py cpu PID                    # utime + stime of PID and its children, seconds
  http_bench.py parse --row R --server S --run N --cpu-s C --out FILE WRK_OUTPUT
  http_bench.py webmail --port P --user U --password PW --reps N --out FILE
                                           # webmail over TLS: login, then N message-list pages
                                           # (newest 50) and N message views, one at a time
  http_bench.py table RESULTS_DIR          # prints the table, writes RESULTS_DIR/results.json
"""
import argparse
import glob
import http.client
import json
import os
import random
import re
import socket
import ssl
import statistics
import sys
import time

ROWS = {  # row label -> what the table says
    "ka-1k": "1 KiB, keep-alive (req/s)",
    "close-1k": "1 KiB, Connection: close (conn/s)",
    "tls-ka-1k": "1 KiB, TLS 1.3 keep-alive (req/s)",
    "tls-close-1k": "1 KiB, TLS 1.3 full handshake each (conn/s)",
    "ka-1m": "1 MiB, keep-alive (req/s)",
}


def children(pid):
    out = []
    for task in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            out += [int(c) for c in open(task).read().split()]
        except OSError:
            pass
    return out


def tree(pid):
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += children(p)
    return seen


def cpu_seconds(pid):
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in tree(pid):
        try:
            fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / tick


def wait(args):
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        if not os.path.exists(f"/proc/{args.pid}"):
            print(f"bench: pid {args.pid} ended before port {args.port} answered", file=sys.stderr)
            return 1
        try:
            socket.create_connection(("127.0.0.1", args.port), timeout=1).close()
            return 0
        except OSError:
            time.sleep(0.1)
    print(f"bench: nothing on port {args.port} after {args.seconds} s", file=sys.stderr)
    return 1


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def ms(text):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    return round(float(m.group(1)) * UNITS[m.group(2)], 3) if m else None


def size_mb(text):
    m = re.fullmatch(r"([0-9.]+)([KMG]?B)", text)
    if not m:
        return None
    return round(float(m.group(1)) * {"B": 1e-6, "KB": 1 / 1024, "MB": 1, "GB": 1024}[m.group(2)], 2)


def parse(args):
    text = open(args.wrk_output).read()
    r = {"row": args.row, "server": args.server, "run": args.run, "cpu_s": args.cpu_s}
    m = re.search(r"Requests/sec:\s+([0-9.]+)", text)
    r["rps"] = round(float(m.group(1))) if m else None
    m = re.search(r"Transfer/sec:\s+(\S+)", text)
    r["mib_s"] = size_mb(m.group(1)) if m else None
    m = re.search(r"(\d+) requests in ([0-9.]+\w+)", text)
    r["requests"] = int(m.group(1)) if m else 0
    for p in ("50", "90", "99"):
        m = re.search(rf"^\s+{p}(?:\.000)?%\s+(\S+)", text, re.M)
        r[f"p{p}_ms"] = ms(m.group(1)) if m else None
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    r["errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups()))) if m else {}
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    r["non_2xx"] = int(m.group(1)) if m else 0
    r["cpu_us_per_req"] = round(args.cpu_s * 1e6 / r["requests"], 1) if r["requests"] else None
    json.dump(r, open(args.out, "w"), indent=1)
    return 0


def webmail(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", args.port, timeout=60, context=ctx)
    headers = {"Host": "localhost"}

    def call(method, target, body=None):
        h = dict(headers)
        if body is not None:
            body = json.dumps(body)
            h["Content-Type"] = "application/json"
        t0 = time.perf_counter()
        conn.request(method, target, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        ms_taken = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            raise SystemExit(f"bench: webmail {method} {target}: {r.status} {data[:200]!r}")
        return r, json.loads(data), ms_taken

    r, login, _ = call("POST", "/api/login", {"user": args.user, "password": args.password})
    headers["Cookie"] = r.getheader("Set-Cookie").split(";", 1)[0]
    headers["X-CSRF-Token"] = login["csrf_token"]
    list_target = "/api/folders/INBOX/messages?offset=0&limit=50&sort=date&order=desc"
    _, page, first_ms = call("GET", list_target)  # the first: the folder read cold
    lists = [call("GET", list_target)[2] for _ in range(args.reps)]
    rng = random.Random(5)
    uids = []
    for off in (0, page["total"] // 2, max(page["total"] - 50, 0)):  # UIDs from the whole folder
        uids += [m["uid"] for m in call("GET", f"/api/folders/INBOX/messages?offset={off}&limit=50&sort=date&order=desc")[1]["messages"]]
    views = [call("GET", f"/api/folders/INBOX/messages/{rng.choice(uids)}")[2] for _ in range(args.reps)]

    def pct(v, q):
        v = sorted(v)
        return round(v[min(len(v) - 1, int(q * len(v)))], 2)

    out = {"total": page["total"], "reps": args.reps, "first_list_ms": round(first_ms, 2),
           "list_p50_ms": round(statistics.median(lists), 2), "list_p90_ms": pct(lists, 0.9),
           "view_p50_ms": round(statistics.median(views), 2), "view_p90_ms": pct(views, 0.9)}
    json.dump(out, open(args.out, "w"), indent=1)
    print(f"bench:   webmail: {out}", file=sys.stderr)
    return 0


def median(v):
    v = sorted(x for x in v if x is not None)
    if not v:
        return None
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def table(args):
    runs = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(args.dir, "run_*.json")))]
    meta_path = os.path.join(args.dir, "meta.json")
    meta = json.load(open(meta_path)) if os.path.exists(meta_path) else {}
    rows = []
    for row, what in ROWS.items():
        by = {}
        for srv in ("nginx", "httpd"):
            rs = [r for r in runs if r["row"] == row and r["server"] == srv]
            if not rs:
                continue
            by[srv] = {
                "rps": median([r["rps"] for r in rs]),
                "p50_ms": median([r["p50_ms"] for r in rs]),
                "p99_ms": median([r["p99_ms"] for r in rs]),
                "mib_s": median([r["mib_s"] for r in rs]),
                "cpu_us_per_req": median([r["cpu_us_per_req"] for r in rs]),
                "errors": sum(sum(r["errors"].values()) + r["non_2xx"] for r in rs),
                "runs": [r["rps"] for r in rs],
            }
        if not by:
            continue
        ratio = None
        if "nginx" in by and "httpd" in by and by["nginx"]["rps"]:
            ratio = round(by["httpd"]["rps"] / by["nginx"]["rps"], 2)
        rows.append({"row": row, "what": what, "ratio": ratio, **by})
    wm_path = os.path.join(args.dir, "webmail.json")
    wm = json.load(open(wm_path)) if os.path.exists(wm_path) else None
    json.dump({"meta": meta, "rows": rows, "runs": runs, "webmail": wm},
              open(os.path.join(args.dir, "results.json"), "w"), indent=1)

    for k, v in meta.items():
        print(f"{k}: {v}")
    print()
    print("| row | nginx | httpd | httpd / nginx | p50 / p99 ms nginx | p50 / p99 ms httpd | CPU µs/req nginx / httpd | errors n / h |")
    print("|---|---|---|---|---|---|---|---|")

    def f(x, fmt="{:,.0f}"):
        return "-" if x is None else fmt.format(x)

    for r in rows:
        n, h = r.get("nginx", {}), r.get("httpd", {})
        extra = lambda s: f" ({f(s.get('mib_s'), '{:,.0f}')} MiB/s)" if r["row"] == "ka-1m" and s else ""
        print(f"| {r['what']} | {f(n.get('rps'))}{extra(n)} | {f(h.get('rps'))}{extra(h)} | "
              f"{f(r['ratio'], '{:.2f}x')} | {f(n.get('p50_ms'), '{:.2f}')} / {f(n.get('p99_ms'), '{:.2f}')} | "
              f"{f(h.get('p50_ms'), '{:.2f}')} / {f(h.get('p99_ms'), '{:.2f}')} | "
              f"{f(n.get('cpu_us_per_req'), '{:.1f}')} / {f(h.get('cpu_us_per_req'), '{:.1f}')} | "
              f"{f(n.get('errors'))} / {f(h.get('errors'))} |")
    if wm:
        print(f"| webmail, {wm['total']:,}-message INBOX: message list (newest 50), p50 / p90 ms | - | "
              f"{wm['list_p50_ms']:.1f} / {wm['list_p90_ms']:.1f} (first, cold: {wm['first_list_ms']:.1f}) | - | - | - | - | - |")
        print(f"| webmail, {wm['total']:,}-message INBOX: message view, p50 / p90 ms | - | "
              f"{wm['view_p50_ms']:.1f} / {wm['view_p90_ms']:.1f} | - | - | - | - | - |")
    print()
    print("(req/s: median of the runs; per run: " + "; ".join(
        f"{r['row']} " + " ".join(f"{s} {'/'.join(str(x) for x in r[s]['runs'])}" for s in ("nginx", "httpd") if s in r)
        for r in rows) + ")")
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("wait")
    w.add_argument("--port", type=int, required=True)
    w.add_argument("--pid", type=int, required=True)
    w.add_argument("--seconds", type=float, default=30)
    c = sub.add_parser("cpu")
    c.add_argument("pid", type=int)
    p = sub.add_parser("parse")
    p.add_argument("--row", required=True)
    p.add_argument("--server", required=True)
    p.add_argument("--run", type=int, required=True)
    p.add_argument("--cpu-s", type=float, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("wrk_output")
    w2 = sub.add_parser("webmail")
    w2.add_argument("--port", type=int, required=True)
    w2.add_argument("--user", required=True)
    w2.add_argument("--password", required=True)
    w2.add_argument("--reps", type=int, default=20)
    w2.add_argument("--out", required=True)
    t = sub.add_parser("table")
    t.add_argument("dir")
    args = ap.parse_args()
    if args.cmd == "wait":
        return wait(args)
    if args.cmd == "cpu":
        print(f"{cpu_seconds(args.pid):.2f}")
        return 0
    if args.cmd == "parse":
        return parse(args)
    if args.cmd == "webmail":
        return webmail(args)
    return table(args)


if __name__ == "__main__":
    sys.exit(main())
