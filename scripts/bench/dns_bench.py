#!/usr/bin/python3
"""Helper of scripts/bench/dns (no network use of its own):
  make --out DIR [--hosts N] [--domains D] [--queries Q] [--seed S]
        the zone set (DIR/zones/*.zone, DIR/zones.txt "NAME FILE" lines), the dnsperf query
        file DIR/queries.txt and DIR/mix.json (the mix as asked and as written)
  parse --label L --run R --server S --out FILE DNSPERF_OUTPUT [--cpu-s X]
        dnsperf's summary (and its -v per-query lines, when present: p50/p99/p99.9) -> FILE
  wait --port P [--pid PID] [--seconds S]
        until 127.0.0.1:P answers a UDP SOA query for example.com (exit 1 if not, or PID died)
  compare --ports P1 P2 --queries FILE --out FILE [--count N]
        the first N queries to both servers: answers alike (header, section counts, size)?
  cpu PID     CPU seconds (user + system) of PID and its descendants (NSD's server processes)
  tree PID    PID and its descendants, comma-separated (for perf record -p)
  table DIR   the summary table (per server: median of the runs, each run too, ratio to
        NSD with server-count 1) from DIR/run_*.json and DIR/meta.json -> DIR/results.json

The zones: the mail domain example.com (shaped like mailsvc/dnsd/tests/zones/example.org.zone:
SOA, NS, MX, SPF, DKIM, DMARC, SRV, CAA, CNAME) with N hosts (A for all, AAAA for 2 of 3,
MX + SPF for every 2nd, DMARC + DKIM for every 10th), D small mail-domain zones dNN.example
(MX with in-zone targets, SPF, DKIM, DMARC), and the reverse zones of the hosts' addresses
(198.18.0.0/15 is the benchmarking range of RFC 2544, 2001:db8::/32 the documentation one)."""
import argparse
import base64
import json
import os
import random
import re
import statistics
import sys

# The query mix, in per cent of the queries (hits 70, NXDOMAIN 20, NODATA 10).
MIX = [
    ("A", 25, "hit"), ("AAAA", 15, "hit"), ("TXT", 10, "hit"), ("PTR", 5, "hit"),
    ("MX", 15, "hit (additional A/AAAA of the MX targets)"),
    ("NXDOMAIN", 20, "name does not exist"), ("NODATA", 10, "name exists, type does not"),
]
SOA_TIMERS = "7200 3600 1209600 300"


def host_v4(i):  # 1 <= i <= 50000: 198.18.x.y / 198.19.x.y
    n = i - 1
    return f"198.{18 + n // 62500}.{(n // 250) % 250}.{n % 250 + 1}"


def host_v6(i):
    return f"2001:db8:18::{i:x}"


def nibbles(v6):
    """ip6.arpa labels below 8.b.d.0.1.0.0.2 for an address in 2001:db8::/32."""
    head, _, tail = v6.partition("::")
    hg = head.split(":")
    tg = tail.split(":") if tail else []
    groups = hg + ["0"] * (8 - len(hg) - len(tg)) + tg
    full = "".join(g.rjust(4, "0") for g in groups)
    return ".".join(reversed(full[8:]))


def dkim_txt(rng):
    key = base64.b64encode(rng.randbytes(294)).decode()  # the size of a 2048-bit RSA key
    return f'( "v=DKIM1; k=rsa; " "p={key[:200]}" "{key[200:]}" )'


def soa(ns, serial=2026120501):
    return f"@ IN SOA {ns} hostmaster.example.com. ( {serial} {SOA_TIMERS} )"


def make(args):
    rng = random.Random(args.seed)
    zdir = os.path.join(args.out, "zones")
    os.makedirs(zdir, exist_ok=True)
    zones = []  # (name, file)
    names = {k: [] for k in ("A", "AAAA", "TXT", "PTR", "MX", "NODATA")}

    # --- example.com: the mail domain and its hosts ---
    z = ["; scripts/bench/dns: the mail domain with its hosts", "$ORIGIN example.com.", "$TTL 3600",
         soa("ns1.example.com."),
         "  IN NS ns1", "  IN NS ns2", "  IN MX 10 mx1", "  IN MX 20 mx2",
         "  IN A 198.51.100.10", "  IN AAAA 2001:db8::10",
         '  IN TXT "v=spf1 mx ip4:198.51.100.0/24 ip6:2001:db8::/48 -all"',
         '  IN CAA 0 issue "letsencrypt.org"',
         '_dmarc IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com; pct=100"',
         f"sel1._domainkey IN TXT {dkim_txt(rng)}",
         "_submission._tcp IN SRV 0 1 587 mail", "_imaps._tcp IN SRV 0 1 993 mail", "_pop3s._tcp IN SRV 0 0 0 .",
         "www 300 IN CNAME mail", "webmail IN CNAME mail", "autoconfig IN CNAME mail"]
    for n, last in (("ns1", 53), ("ns2", 54), ("mx1", 25), ("mx2", 26), ("mail", 10)):
        z += [f"{n} IN A 198.51.100.{last}", f"{n} IN AAAA 2001:db8::{last}"]
    names["A"] += ["example.com", "mail.example.com", "www.example.com", "mx1.example.com", "ns1.example.com"]
    names["AAAA"] += ["example.com", "mail.example.com", "mx2.example.com", "webmail.example.com"]
    names["TXT"] += ["example.com", "_dmarc.example.com", "sel1._domainkey.example.com"]
    names["MX"] += ["example.com"]
    names["NODATA"] += [("mail.example.com", "MX"), ("www.example.com", "TXT"), ("example.com", "SRV")]
    rev4, rev6 = [], []
    for i in range(1, args.hosts + 1):
        h = f"host{i:04d}"
        fq = f"{h}.example.com"
        z.append(f"{h} IN A {host_v4(i)}")
        names["A"].append(fq)
        o = host_v4(i).split(".")
        rev4.append(f"{o[3]}.{o[2]} IN PTR {fq}.")  # relative to {o[1]}.198.in-addr.arpa
        names["PTR"].append(f"{o[3]}.{o[2]}.{o[1]}.198.in-addr.arpa")
        if i % 3:
            z.append(f"{h} IN AAAA {host_v6(i)}")
            names["AAAA"].append(fq)
            rev6.append(f"{nibbles(host_v6(i))} IN PTR {fq}.")
            names["PTR"].append(f"{nibbles(host_v6(i))}.8.b.d.0.1.0.0.2.ip6.arpa")
        else:
            names["NODATA"].append((fq, "AAAA"))
        if i % 2 == 0:
            z += [f"{h} IN MX 10 mx1", f"{h} IN MX 20 mx2", f'{h} IN TXT "v=spf1 mx a:mx1.example.com -all"']
            names["MX"].append(fq)
            names["TXT"].append(fq)
        else:
            names["NODATA"].append((fq, "MX"))
        if i % 10 == 0:
            z += [f'_dmarc.{h} IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@{fq}"',
                  f"sel1._domainkey.{h} IN TXT {dkim_txt(rng)}"]
            names["TXT"] += [f"_dmarc.{fq}", f"sel1._domainkey.{fq}"]
    zones.append(("example.com", "example.com.zone", z))

    # --- dNN.example: small mail domains served next to it ---
    for d in range(1, args.domains + 1):
        dom = f"d{d:02d}.example"
        z = [f"; scripts/bench/dns: mail domain {dom}", f"$ORIGIN {dom}.", "$TTL 3600", soa("ns1.example.com."),
             "  IN NS ns1.example.com.", "  IN NS ns2.example.com.", "  IN MX 10 mx", "  IN MX 20 mx1.example.com.",
             f"  IN A 203.0.113.{d}", f'  IN TXT "v=spf1 mx include:example.com -all"',
             f'_dmarc IN TXT "v=DMARC1; p=quarantine; rua=mailto:postmaster@{dom}"',
             f"sel1._domainkey IN TXT {dkim_txt(rng)}",
             f"mx IN A 203.0.113.{100 + d}", f"mx IN AAAA 2001:db8:113::{100 + d:x}", "www IN CNAME @"]
        zones.append((dom, f"{dom}.zone", z))
        names["A"] += [dom, f"mx.{dom}", f"www.{dom}"]
        names["AAAA"] += [f"mx.{dom}"]
        names["TXT"] += [dom, f"_dmarc.{dom}", f"sel1._domainkey.{dom}"]
        names["MX"] += [dom] * 5  # the mail domains' MX is what a mail server asks most
        names["NODATA"] += [(dom, "AAAA"), (f"mx.{dom}", "MX")]

    # --- reverse zones ---
    for origin, recs in (("18.198.in-addr.arpa", rev4), ("8.b.d.0.1.0.0.2.ip6.arpa", rev6)):
        z = [f"; scripts/bench/dns: reverse zone", f"$ORIGIN {origin}.", "$TTL 86400", soa("ns1.example.com."),
             "  IN NS ns1.example.com.", "  IN NS ns2.example.com."] + recs
        zones.append((origin, f"{origin}.zone", z))

    with open(os.path.join(args.out, "zones.txt"), "w") as zl:
        for name, file, lines in zones:
            with open(os.path.join(zdir, file), "w") as f:
                f.write("\n".join(lines) + "\n")
            zl.write(f"{name} {file}\n")

    # --- the query file ---
    zone_names = [n for n, _, _ in zones if not n.endswith(".arpa")]

    def nxdomain():
        r = rng.random()
        if r < 0.5:  # a host that is not there
            return f"host{rng.randint(args.hosts + 1, 99999):05d}.example.com", rng.choice(["A", "AAAA", "MX"])
        if r < 0.8:  # a random label in a mail domain
            return f"x{rng.getrandbits(32):08x}.{rng.choice(zone_names)}", rng.choice(["A", "MX", "TXT"])
        return f"{rng.randint(1, 250)}.{rng.randint(200, 249)}.18.198.in-addr.arpa", "PTR"

    pools = [(names[t], t) for t in ("A", "AAAA", "TXT", "PTR", "MX")]
    weights = [w for _, w, _ in MIX]
    kinds = [k for k, _, _ in MIX]
    out = []
    written = {k: 0 for k in kinds}
    for _ in range(args.queries):
        k = rng.choices(kinds, weights)[0]
        written[k] += 1
        if k == "NXDOMAIN":
            out.append("%s %s" % nxdomain())
        elif k == "NODATA":
            out.append("%s %s" % rng.choice(names["NODATA"]))
        else:
            pool = dict((t, p) for p, t in pools)[k]
            out.append(f"{rng.choice(pool)} {k}")
    with open(os.path.join(args.out, "queries.txt"), "w") as f:
        f.write("\n".join(out) + "\n")
    mix = {"asked_percent": {k: w for k, w, _ in MIX}, "what": {k: d for k, _, d in MIX},
           "written": written, "queries": args.queries, "zones": len(zones), "hosts": args.hosts,
           "records": sum(sum(1 for l in lines if " IN " in l) for _, _, lines in zones)}
    with open(os.path.join(args.out, "mix.json"), "w") as f:
        json.dump(mix, f, indent=1)
    print(json.dumps(mix))


# --- parse ------------------------------------------------------------------------------
NUM = r"([0-9.]+)"


def parse(args):
    text = open(args.input, errors="replace").read()
    r = {"label": args.label, "server": args.server, "run": args.run}

    def grab(key, pattern, conv=float):
        m = re.search(pattern, text)
        r[key] = conv(m.group(1)) if m else None
        return m

    grab("sent", r"Queries sent:\s+(\d+)", int)
    grab("completed", r"Queries completed:\s+(\d+)", int)
    grab("lost", r"Queries lost:\s+(\d+)", int)
    grab("interrupted", r"Queries interrupted:\s+(\d+)", int)
    grab("qps", r"Queries per second:\s+" + NUM)
    grab("run_s", r"Run time \(s\):\s+" + NUM)
    m = re.search(r"Average Latency \(s\):\s+" + NUM + r" \(min " + NUM + r", max " + NUM + r"\)", text)
    r["avg_ms"], r["min_ms"], r["max_ms"] = ((float(m.group(i)) * 1000 for i in (1, 2, 3)) if m else (None,) * 3)
    m = re.search(r"Latency StdDev \(s\):\s+" + NUM, text)
    r["stddev_ms"] = float(m.group(1)) * 1000 if m else None
    m = re.search(r"Average packet size:\s+request (\d+), response (\d+)", text)
    r["request_bytes"], r["response_bytes"] = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    m = re.search(r"Response codes:\s+(.*)", text)
    r["rcodes"] = {c: int(n) for c, n in re.findall(r"([A-Z]+) (\d+) \(", m.group(1))} if m else {}
    # -v: "> RCODE NAME TYPE LATENCY" per answered query ("> T ..." for a timeout).
    lat = [float(x) for x in re.findall(r"^> [A-Z]+ \S+ \S+ ([0-9.]+)$", text, re.M)]
    if lat:
        lat.sort()
        q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
        r.update(p50_ms=q(0.50), p99_ms=q(0.99), p999_ms=q(0.999), latency_samples=len(lat))
    r["timeouts_reported"] = len(re.findall(r"^> T ", text, re.M))
    if args.cpu_s is not None:
        r["server_cpu_s"] = args.cpu_s
    if r["qps"] is None:
        r["error"] = "no dnsperf summary: " + " | ".join(text.strip().splitlines()[-3:])
    with open(args.out, "w") as f:
        json.dump(r, f, indent=1)


# --- table ------------------------------------------------------------------------------
def table(args):
    d = args.dir
    meta = json.load(open(os.path.join(d, "meta.json"))) if os.path.exists(os.path.join(d, "meta.json")) else {}
    runs = []
    for n in sorted(os.listdir(d)):
        if n.startswith("run_") and n.endswith(".json"):
            runs.append(json.load(open(os.path.join(d, n))))
    order, by = [], {}
    for r in runs:
        if r["label"] not in by:
            order.append(r["label"])
            by[r["label"]] = {"server": r["server"], "runs": []}
        by[r["label"]]["runs"].append(r)

    def med(rs, k):
        v = [x[k] for x in rs if x.get(k) is not None]
        return statistics.median(v) if v else None

    order = [l for l in order if "@" not in l] + [l for l in order if "@" in l]  # throughput rows first
    rows = []
    for label in order:
        rs = by[label]["runs"]
        row = {"label": label, "server": by[label]["server"], "runs": len(rs)}
        for k in ("qps", "avg_ms", "p50_ms", "p99_ms", "max_ms", "stddev_ms", "response_bytes", "server_cpu_s", "run_s"):
            row[k] = med(rs, k)
        row["lost"] = sum(x.get("lost") or 0 for x in rs)
        row["sent"] = sum(x.get("sent") or 0 for x in rs)
        row["qps_each"] = [x.get("qps") for x in rs]
        rc = {}
        for x in rs:
            for c, n in (x.get("rcodes") or {}).items():
                rc[c] = rc.get(c, 0) + n
        tot = sum(rc.values()) or 1
        row["rcodes_percent"] = {c: round(100.0 * n / tot, 1) for c, n in sorted(rc.items())}
        row["errors"] = [x["error"] for x in rs if x.get("error")]
        rows.append(row)
    base = next((r for r in rows if r["label"] == "nsd-1"), None)
    for r in rows:
        fixed_rate = "@" in r["label"]  # the latency runs: q/s is the rate asked, no ratio
        r["ratio_to_nsd1"] = (r["qps"] / base["qps"]) if base and base["qps"] and r["qps"] and not fixed_rate else None

    def f(x, fmt):
        return "-" if x is None else fmt.format(x)
    print(f"DNS benchmark  {meta.get('date', '')}  cpus={meta.get('cpus')}  {meta.get('build', '')}")
    for k in ("nsd", "dnsd", "dnsperf", "load", "mix", "zones"):
        if meta.get(k):
            print(f"  {k}: {meta[k]}")
    for r in rows:
        print(f"  {r['label']}: {r['server']}")
    print(f"{'label':18} {'runs':>4} {'q/s (median)':>13} {'avg ms':>7} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'max ms':>7} {'lost':>6} {'resp B':>6} {'x NSD-1':>8}")
    for r in rows:
        print(f"{r['label'][:18]:18} {r['runs']:>4} {f(r['qps'], '{:,.0f}'):>13} {f(r['avg_ms'], '{:.3f}'):>7} "
              f"{f(r['p50_ms'], '{:.3f}'):>7} {f(r['p99_ms'], '{:.3f}'):>7} {f(r['max_ms'], '{:.1f}'):>7} "
              f"{r['lost']:>6} {f(r['response_bytes'], '{:.0f}'):>6} "
              f"{(f(r['ratio_to_nsd1'], '{:.2f}') + 'x') if r['ratio_to_nsd1'] else '-':>8}")
    cmp = None
    if os.path.exists(os.path.join(d, "compare.json")):
        cmp = json.load(open(os.path.join(d, "compare.json")))
        print(f"  answers dnsd vs NSD: {cmp['same']}/{cmp['compared']} alike (header, section counts, size)"
              + "".join("\n    " + x for x in cmp["samples"][:5]))
    for r in rows:
        each = ", ".join(f"{q:,.0f}" if q else "-" for q in r["qps_each"])
        print(f"  {r['label']}: q/s per run {each}; rcodes % {r['rcodes_percent']}; "
              f"server CPU s (median) {f(r['server_cpu_s'], '{:.1f}')}"
              + (f" ({100 * r['server_cpu_s'] / r['run_s']:.0f} % of the run)" if r['server_cpu_s'] and r.get('run_s') else "")
              + (f"; ERRORS {r['errors']}" if r["errors"] else ""))
    out = {"meta": meta, "rows": rows, "compare": cmp, "runs": runs}
    with open(os.path.join(d, "results.json"), "w") as fh:
        json.dump(out, fh, indent=1)



# --- wait, cpu ---------------------------------------------------------------------------
def soa_query(qid):
    q = qid.to_bytes(2, "big") + b"\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    return q + b"\x07example\x03com\x00\x00\x06\x00\x01"


def wait(args):
    import socket
    import time
    deadline = time.monotonic() + args.seconds
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.2)
        qid = 1
        while time.monotonic() < deadline:
            if args.pid and not os.path.exists(f"/proc/{args.pid}"):
                sys.exit(f"the server (pid {args.pid}) exited")
            qid = (qid + 1) & 0xFFFF
            try:
                s.sendto(soa_query(qid), ("127.0.0.1", args.port))
                data = s.recv(4096)
                # any of our queries answered (a late answer to an earlier one counts too)
                if len(data) >= 12 and data[2] & 0x80 and (data[3] & 0x0F) == 0:
                    return
            except OSError:
                time.sleep(0.05)
    sys.exit(f"127.0.0.1:{args.port} does not answer SOA example.com after {args.seconds} s")


QTYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28, "SRV": 33}


def query_packet(qid, name, qtype):
    wire = b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split(".")) + b"\x00"
    opt = b"\x00\x00\x29\x10\x00\x00\x00\x00\x00\x00\x00"  # EDNS0, UDP size 4096
    return (qid.to_bytes(2, "big") + b"\x00\x00\x00\x01\x00\x00\x00\x00\x00\x01" + wire
            + QTYPES[qtype].to_bytes(2, "big") + b"\x00\x01" + opt)


def compare(args):
    """The first --count queries of the file to both servers: the header of each answer
    (flags, rcode, section counts) and its size must be equal; the byte order of the RRs
    may differ. A cheap check that both answer the same before they are timed."""
    import socket
    lines = [l.split() for l in open(args.queries) if l.strip()][:args.count]
    same, diffs = 0, []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        for i, (name, qtype) in enumerate(lines):
            got = []
            for port in args.ports:
                try:
                    s.sendto(query_packet(i, name, qtype), ("127.0.0.1", port))
                    while True:
                        d = s.recv(65535)
                        if d[:2] == i.to_bytes(2, "big"):
                            break
                    got.append((d[2:12].hex(), len(d)))
                except OSError as e:
                    got.append((type(e).__name__, 0))
            if got[0] == got[1]:
                same += 1
            else:
                diffs.append(f"{name} {qtype}: header+counts/size {got[0]} vs {got[1]}")
    r = {"compared": len(lines), "same": same, "different": len(lines) - same, "samples": diffs[:10]}
    with open(args.out, "w") as f:
        json.dump(r, f, indent=1)
    print(f"{same}/{len(lines)} answers alike (header, counts, size)" + "".join("\n  " + d for d in diffs[:5]))


def process_tree(root):
    """{pid: utime + stime ticks} of root and every descendant (NSD -d: the process started
    becomes xfrd, its child the main process, whose children serve the queries)."""
    stats = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(p)] = (int(f[1]), int(f[11]) + int(f[12]))  # parent, utime + stime
    tree, grew = {root}, True
    while grew:
        grew = False
        for p, (parent, _) in stats.items():
            if parent in tree and p not in tree:
                tree.add(p)
                grew = True
    return {p: stats[p][1] for p in tree if p in stats}


def cpu(args):
    print(f"{sum(process_tree(args.pid).values()) / os.sysconf('SC_CLK_TCK'):.2f}")


def tree(args):
    print(",".join(str(p) for p in sorted(process_tree(args.pid))))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("--out", required=True)
    m.add_argument("--hosts", type=int, default=1000)
    m.add_argument("--domains", type=int, default=20)
    m.add_argument("--queries", type=int, default=100000)
    m.add_argument("--seed", type=int, default=18)
    m.set_defaults(fn=make)
    pa = sub.add_parser("parse")
    pa.add_argument("--label", required=True)
    pa.add_argument("--server", required=True)
    pa.add_argument("--run", type=int, required=True)
    pa.add_argument("--out", required=True)
    pa.add_argument("--cpu-s", type=float)
    pa.add_argument("input")
    pa.set_defaults(fn=parse)
    w = sub.add_parser("wait")
    w.add_argument("--port", type=int, required=True)
    w.add_argument("--pid", type=int)
    w.add_argument("--seconds", type=float, default=20)
    w.set_defaults(fn=wait)
    cm = sub.add_parser("compare")
    cm.add_argument("--ports", type=int, nargs=2, required=True)
    cm.add_argument("--queries", required=True)
    cm.add_argument("--count", type=int, default=1000)
    cm.add_argument("--out", required=True)
    cm.set_defaults(fn=compare)
    c = sub.add_parser("cpu")
    c.add_argument("pid", type=int)
    c.set_defaults(fn=cpu)
    tr = sub.add_parser("tree")
    tr.add_argument("pid", type=int)
    tr.set_defaults(fn=tree)
    t = sub.add_parser("table")
    t.add_argument("dir")
    t.set_defaults(fn=table)
    args = p.parse_args()
    if getattr(args, "hosts", 1) > 50000:
        sys.exit("--hosts: at most 50000")
    args.fn(args)


if __name__ == "__main__":
    main()
