#!/usr/bin/python3
"""Rows 2 and 3 of scripts/bench/imap (imaplib: FETCH 1:* (FLAGS); one FETCH of 100 bodies
spread over the mailbox, BODY.PEEK[], plaintext and over implicit TLS) against several
running IMAP servers serving the same mailbox, interleaved round by round so that a
shared machine's load changes hit them alike (not a test; run by hand, e.g. two imapd
builds on the mailbox `scripts/bench/imap --keep` leaves). Prints each server's medians
and the load averages seen; one JSON object.
  imap_fetch_ab.py --user U --password PW --rounds N NAME:PORT:TLSPORT ..."""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imap_client import fetch_bodies, login, ok  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("servers", nargs="+", help="NAME:PORT:TLSPORT")
    a = ap.parse_args()
    servers = []
    for spec in a.servers:
        name, port, tport = spec.split(":")
        m = login(int(port), a.user, a.password)
        t = login(int(tport), a.user, a.password, tls=True)
        n = int(ok(m.select("INBOX"), "select")[0])
        ok(t.select("INBOX"), "select")
        servers.append({"name": name, "m": m, "t": t, "n": n, "flags": [], "bodies": [], "tls": []})
    n = servers[0]["n"]
    assert all(s["n"] == n for s in servers), [s["n"] for s in servers]
    step = max(1, n // 100)
    seqs = list(range(1, n + 1, step))[:100]
    loads = []
    nbytes = 0
    for r in range(a.rounds):
        loads.append(os.getloadavg()[0])
        order = servers if r % 2 == 0 else list(reversed(servers))
        for s in order:
            t0 = time.perf_counter()
            d = ok(s["m"].fetch("1:*", "(FLAGS)"), "fetch flags")
            s["flags"].append((time.perf_counter() - t0) * 1000)
            assert len(d) == n
            t0 = time.perf_counter()
            nbytes = fetch_bodies(s["m"], seqs)
            s["bodies"].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            fetch_bodies(s["t"], seqs)
            s["tls"].append((time.perf_counter() - t0) * 1000)
    out = {"rounds": a.rounds, "messages": n, "bodies_bytes": nbytes,
           "load1_min_median_max": [min(loads), statistics.median(loads), max(loads)]}
    for s in servers:
        row = {}
        for k in ("flags", "bodies", "tls"):
            v = sorted(s[k])
            row[k + "_ms_median"] = round(statistics.median(v), 1)
            row[k + "_ms_p25_p75"] = [round(v[len(v) // 4], 1), round(v[(3 * len(v)) // 4], 1)]
        row["bodies_mb_s"] = round(nbytes / 1e6 / (row["bodies_ms_median"] / 1000), 1)
        row["tls_mb_s"] = round(nbytes / 1e6 / (row["tls_ms_median"] / 1000), 1)
        out[s["name"]] = row
        s["m"].logout()
        s["t"].logout()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
