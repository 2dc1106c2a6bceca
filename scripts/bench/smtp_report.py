#!/usr/bin/python3
"""Helpers of scripts/bench/smtp:
  cpu PID                      CPU seconds of PID and its descendants (incl. reaped children)
  source --port P ... --json F run Postfix's smtp-source against a server, then wait for delivery
  table DIR                    the summary table from the JSON files in DIR"""
import argparse
import glob
import ipaddress
import json
import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    rest = s[s.rindex(")") + 2:].split()
    # fields after comm: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    return int(rest[1]), sum(int(x) for x in rest[11:15])


def cpu(pid):
    procs = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                procs[int(d)] = proc_stat(d)
            except (FileNotFoundError, ProcessLookupError, ValueError):
                pass
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen or p not in procs:
            continue
        seen.add(p)
        total += procs[p][1]
        todo += [c for c, (pp, _) in procs.items() if pp == p]
    return total / TICK


def count_new(pattern):
    n = 0
    for d in glob.glob(pattern):
        try:
            n += sum(1 for e in os.scandir(d) if not e.name.startswith("."))
        except FileNotFoundError:
            pass
    return n


def source(argv):
    p = argparse.ArgumentParser(prog="smtp_report.py source")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--messages", type=int, required=True)
    p.add_argument("--connections", type=int, default=20)
    p.add_argument("--size", type=int, default=10240)
    p.add_argument("--rcpt", required=True)
    p.add_argument("--maildir-glob", required=True)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--json", required=True)
    a = p.parse_args(argv)
    if not ipaddress.ip_address(a.host).is_loopback:
        p.error("--host must be a loopback address")
    base = count_new(a.maildir_glob)
    # -d: all messages of a session over one connection; -l: payload bytes; -s: sessions in parallel
    cmd = ["smtp-source", "-d", "-s", str(a.connections), "-m", str(a.messages), "-l", str(a.size),
           "-f", "sender@client.test", "-t", a.rcpt, f"{a.host}:{a.port}"]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=a.timeout)
    accept_s = time.perf_counter() - t0
    delivered_s = None
    deadline = time.monotonic() + a.timeout
    while time.monotonic() < deadline:
        if count_new(a.maildir_glob) - base >= a.messages:
            delivered_s = time.perf_counter() - t0
            break
        time.sleep(0.01)
    out = {"cmd": " ".join(cmd[:-1]), "rc": r.returncode, "stderr": r.stderr[-500:], "accept_seconds": accept_s,
           "delivered_seconds": delivered_s, "delivered": count_new(a.maildir_glob) - base}
    with open(a.json, "w") as f:
        json.dump(out, f)
    print(f"smtp-source: rc {r.returncode}, sent in {accept_s:.2f} s, all delivered: "
          f"{'%.2f s' % delivered_s if delivered_s else 'NO (%d)' % out['delivered']} {r.stderr[-300:]}",
          file=sys.stderr)


def load(d, name):
    try:
        with open(os.path.join(d, name)) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def f(v, fmt="{:.0f}"):
    return "-" if v is None else fmt.format(v)


def ratio(a, b):
    return "-" if not a or not b else f"{a / b:.2f}"


def table(d):
    meta = load(d, "meta.json") or {}
    ours, pf = load(d, "ours_load.json"), load(d, "postfix_load.json")
    ocpu, pcpu = load(d, "ours_cpu.json"), load(d, "postfix_cpu.json")
    osrc, psrc = load(d, "ours_source.json"), load(d, "postfix_source.json")
    print(f"SMTP/POP3 benchmark, {meta.get('date', '?')}, {meta.get('cpus', '?')} CPUs, load average at start "
          f"{meta.get('loadavg', '?')}")
    print(f"  our binaries: {meta.get('bin', '?')} ({meta.get('build', '?')})")
    print(f"  Postfix: {meta.get('postfix', 'not run')}")
    print(f"  mail roots and queues: {meta.get('fs', '?')}")
    print(f"  all servers and clients in a private network namespace, loopback only")
    if ours:
        print(f"\nSMTP: {ours['messages']} messages x {ours['size']} bytes over {ours['connections']} connections "
              f"(one connection each, sequential transactions, no pipelining), 10 local recipients,")
        print("  same Python client for both; fsync on (smtpd: always; Postfix: its default)")
        print(f"\n  {'':<40}{'hamail smtpd':>14}{'Postfix':>12}{'ours/Postfix':>14}")

        def row(label, key, fmt="{:.0f}", ratio_ok=True):
            a = ours.get(key) if ours else None
            b = pf.get(key) if pf else None
            r = ratio(a, b) if ratio_ok else ""
            print(f"  {label:<40}{f(a, fmt):>14}{f(b, fmt):>12}{r:>14}")
        row("accepted, msgs/s (until the last 250)", "accepted_per_s")
        row("delivered to Maildir new/, msgs/s", "delivered_per_s")
        row("  time until all in new/, s", "delivered_seconds", "{:.2f}", False)
        row("transaction latency p50, ms", "lat_p50_ms", "{:.1f}")
        row("transaction latency p99, ms", "lat_p99_ms", "{:.1f}")
        row("transaction latency max, ms", "lat_max_ms", "{:.1f}", False)
        row(f"messages accepted (of {ours['messages']})", "accepted", "{}", False)
        row("errors", "errors", "{}", False)
        oc = ocpu["cpu_s"] if ocpu else None
        pc = pcpu["cpu_s"] if pcpu else None
        print(f"  {'server CPU during the run, s':<40}{f(oc, '{:.2f}'):>14}{f(pc, '{:.2f}'):>12}{ratio(oc, pc):>14}")
        ou = 100 * oc / ours["delivered_seconds"] if oc and ours.get("delivered_seconds") else None
        pu = 100 * pc / pf["delivered_seconds"] if pc and pf and pf.get("delivered_seconds") else None
        print(f"  {'  = % of one CPU until all delivered':<40}{f(ou):>14}{f(pu):>12}")
        row("client CPU (Python), s", "client_cpu_s", "{:.2f}", False)
        row("whole machine busy during sending, %", "host_cpu_busy_pct", "{:.0f}", False)
        if osrc or psrc:
            def src(x, k):
                return None if not x else x.get(k)
            print(f"\n  {'smtp-source -d (same N, C, SIZE), s':<40}{f(src(osrc, 'accept_seconds'), '{:.2f}'):>14}"
                  f"{f(src(psrc, 'accept_seconds'), '{:.2f}'):>12}")
            print(f"  {'  until all in new/, s':<40}{f(src(osrc, 'delivered_seconds'), '{:.2f}'):>14}"
                  f"{f(src(psrc, 'delivered_seconds'), '{:.2f}'):>12}")
        if pf and pf.get("accepted_per_s") and pf.get("delivered_per_s"):
            acc = ours["accepted_per_s"] >= pf["accepted_per_s"]
            dlv = (ours.get("delivered_per_s") or 0) >= pf["delivered_per_s"]
            print(f"\n  target \"at least Postfix's rate\": accepted {'MET' if acc else 'NOT met'}, "
                  f"delivered {'MET' if dlv else 'NOT met'}")
    pops = [x for x in (load(d, "pop3_tls.json"), load(d, "pop3_plain.json")) if x]
    if pops:
        print(f"\nPOP3 RETR of {pops[0]['messages']} messages of ~{meta.get('size', '?')} bytes, one poplib session:")
        for p in pops:
            mode = p["mode"] + (" (USER/PASS, allow_plaintext_auth on 127.0.0.1)" if p["mode"] == "plaintext" else "")
            print(f"  {mode:<58} {p['msgs_per_s']:7.0f} msgs/s {p['mb_per_s']:7.1f} MB/s "
                  f"(login incl. maildrop scan {p['login_s'] * 1000:.0f} ms)")
    idles = [x for x in (load(d, n) for n in ("idle_smtp.json", "idle_pop3_plain.json", "idle_pop3_tls.json")) if x]
    if idles:
        k = idles[0]["sessions"]
        print(f"\nMemory per session: (VmRSS with {k} sessions open - VmRSS before) / {k}; target < 64 KiB idle")
        for x in idles:
            server = "smtpd" if x["proto"] == "smtp" else "pop3d"
            for s in x["stages"]:
                print(f"  {server} after {s['stage']:<34} {s['per_session_kib']:7.1f} KiB   (RssAnon "
                      f"{s['anon_per_session_kib']:.1f} KiB; VmRSS {s['rss_before_kib']} -> {s['rss_after_kib']} KiB)")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, rest = sys.argv[1], sys.argv[2:]
    if cmd == "cpu":
        print(f"{cpu(int(rest[0])):.2f}")
    elif cmd == "source":
        source(rest)
    elif cmd == "table":
        table(rest[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
