#!/usr/bin/python3
"""dnsd against Debian's NSD: both load zones/ on loopback ports of their own, every query of
queries.txt goes to both (over UDP or TCP as the line says), and the answers must match:
rcode, opcode, header flags, EDNS (present, version), the question as sent (case kept), and
each section's RRsets in order with names (case included), TTLs and data; only the order of
the records inside one RRset is normalised. Prints each difference; exit 1 if any.

  nsd_compare.py [--dnsd BIN | --server ADDR:PORT] [--show] [--only SUBSTRING]

--dnsd BIN starts BIN --config (a config written here, same zones, a free port); --server
compares against a server already running (loopback only); neither: NSD alone, its answers
printed (--show prints them in any case). Loopback only; NSD and dnsd are ended by PID."""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import dns.edns
import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype

HERE = os.path.dirname(os.path.abspath(__file__))
ZONES_DIR = os.path.join(HERE, "zones")
ZONES = [("example.org", "example.org.zone"), ("2.0.192.in-addr.arpa", "2.0.192.in-addr.arpa.zone")]
NSD = shutil.which("nsd") or "/usr/sbin/nsd"
TIMEOUT = 5


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(50):
        with socket.socket() as t:
            t.bind(("127.0.0.1", 0))
            port = t.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                try:
                    u.bind(("127.0.0.1", port))
                    return port
                except OSError:
                    continue
    raise RuntimeError("no free port for UDP and TCP")


def answering(port, proc, what, log):
    """Waits (bounded) until the server answers a SOA query over UDP."""
    q = dns.message.make_query("example.org", "SOA")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited {proc.returncode}:\n{open(log).read()[-2000:]}")
        try:
            dns.query.udp(q, "127.0.0.1", port=port, timeout=0.5)
            return
        except (dns.exception.Timeout, OSError):
            time.sleep(0.05)
    raise RuntimeError(f"{what} does not answer on 127.0.0.1:{port}:\n{open(log).read()[-2000:]}")


def start_nsd(tmp):
    port = free_port()
    conf = os.path.join(tmp, "nsd.conf")
    with open(conf, "w") as f:
        f.write(f"""server:
  ip-address: 127.0.0.1
  port: {port}
  username: ""
  chroot: ""
  zonesdir: "{ZONES_DIR}"
  database: ""
  zonelistfile: "{tmp}/zone.list"
  xfrdfile: "{tmp}/xfrd.state"
  xfrdir: "{tmp}"
  pidfile: "{tmp}/nsd.pid"
  logfile: "{tmp}/nsd.log"
  server-count: 1
  hide-version: yes
  verbosity: 1
remote-control:
  control-enable: no
""")
        for name, file in ZONES:
            f.write(f"zone:\n  name: {name}\n  zonefile: {file}\n")
    log = os.path.join(tmp, "nsd.out")
    proc = subprocess.Popen([NSD, "-d", "-c", conf], stdout=open(log, "w"), stderr=subprocess.STDOUT, cwd=ZONES_DIR)
    answering(port, proc, "nsd", log)
    return proc, port


def start_dnsd(binary, tmp):
    port = free_port()
    conf = os.path.join(tmp, "dnsd.yaml")
    with open(conf, "w") as f:
        f.write(f"user: nobody\nlisteners:\n  - {{address: 127.0.0.1, port: {port}}}\nzones:\n")
        for name, file in ZONES:
            f.write(f"  - {{name: {name}, file: {os.path.join(ZONES_DIR, file)}}}\n")
    log = os.path.join(tmp, "dnsd.out")
    proc = subprocess.Popen([binary, "--config", conf], stdout=open(log, "w"), stderr=subprocess.STDOUT, cwd="/")
    answering(port, proc, "dnsd", log)
    return proc, port


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def read_queries(path=os.path.join(HERE, "queries.txt")):
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) < 2:
                raise SystemExit(f"{path}:{n}: want NAME TYPE [OPTION...]")
            opts = {}
            for w in words[2:]:
                k, _, v = w.partition("=")
                if k not in ("tcp", "noedns", "bufsize", "rd", "do"):
                    raise SystemExit(f"{path}:{n}: unknown option {w!r}")
                opts[k] = int(v) if v else True
            out.append((f"{path}:{n}", words[0], words[1], opts))
    return out


def make_query(name, rtype, opts):
    q = dns.message.make_query(name, dns.rdatatype.from_text(rtype), use_edns=False)
    q.flags &= ~dns.flags.RD
    if opts.get("rd"):
        q.flags |= dns.flags.RD
    if not opts.get("noedns"):
        q.use_edns(0, dns.flags.DO if opts.get("do") else 0, opts.get("bufsize", 1232))
    return q


def ask(port, q, opts):
    """The answer as a comparable structure, or ("error", text)."""
    try:
        if opts.get("tcp"):
            r = dns.query.tcp(q, "127.0.0.1", port=port, timeout=TIMEOUT)
        else:
            r = dns.query.udp(q, "127.0.0.1", port=port, timeout=TIMEOUT, ignore_trailing=False)
    except Exception as e:  # a timeout or an answer that does not parse is a difference too
        return ("error", f"{type(e).__name__}: {e}")
    return normalise(r)


def section(rrsets):
    return [(rr.name.to_text(), rr.ttl, dns.rdataclass.to_text(rr.rdclass), dns.rdatatype.to_text(rr.rdtype),
             sorted(rd.to_text() for rd in rr)) for rr in rrsets]


def normalise(r):
    flags = dns.flags.to_text(r.flags).split()
    return {
        "rcode": dns.rcode.to_text(r.rcode()),
        "opcode": dns.opcode.to_text(r.opcode()),
        "flags": sorted(flags),
        "edns": None if r.edns < 0 else {"version": r.edns, "do": bool(r.ednsflags & dns.flags.DO)},
        "question": [q.name.to_text() + " " + dns.rdatatype.to_text(q.rdtype) for q in r.question],
        "answer": section(r.answer),
        "authority": section(r.authority),
        "additional": section(r.additional),
    }


def show(where, name, rtype, opts, a):
    print(f"{where}: {name} {rtype} {' '.join(k if v is True else f'{k}={v}' for k, v in opts.items())}")
    if isinstance(a, tuple):
        print(f"    {a[1]}")
        return
    print(f"    {a['rcode']} {a['opcode']} flags={','.join(a['flags'])} edns={a['edns']} q={a['question']}")
    for part in ("answer", "authority", "additional"):
        for rr in a[part]:
            print(f"    {part[:4]}: {rr[0]} {rr[1]} {rr[2]} {rr[3]} {' | '.join(rr[4])}")


def diff(a, b):
    if isinstance(a, tuple) or isinstance(b, tuple):
        if a == b:
            return []
        return [f"nsd: {a[1] if isinstance(a, tuple) else 'answered'}; dnsd: {b[1] if isinstance(b, tuple) else 'answered'}"]
    return [f"{k}: nsd {a[k]!r} / dnsd {b[k]!r}" for k in a if a[k] != b[k]]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dnsd", help="dnsd binary to start")
    p.add_argument("--server", help="ADDR:PORT of a running server (127.0.0.1 only)")
    p.add_argument("--show", action="store_true")
    p.add_argument("--only", default="")
    args = p.parse_args()
    queries = [q for q in read_queries() if args.only in f"{q[1]} {q[2]}"]
    procs = []
    tmp = tempfile.mkdtemp(prefix="nsd-compare-")
    os.chmod(tmp, 0o755)
    try:
        nsd, nsd_port = start_nsd(tmp)
        procs.append(nsd)
        other = None
        if args.dnsd:
            proc, other = start_dnsd(args.dnsd, tmp)
            procs.append(proc)
        elif args.server:
            host, _, port = args.server.rpartition(":")
            if host != "127.0.0.1":
                raise SystemExit("--server: loopback (127.0.0.1) only")
            other = int(port)
        failures = 0
        for where, name, rtype, opts in queries:
            q = make_query(name, rtype, opts)
            a = ask(nsd_port, q, opts)
            if args.show or other is None:
                show(where, name, rtype, opts, a)
            if other is None:
                continue
            b = ask(other, q, opts)
            d = diff(a, b)
            if d:
                failures += 1
                print(f"DIFF {where}: {name} {rtype} {opts}")
                for line in d:
                    print("    " + line)
        if other is not None:
            print(f"{len(queries) - failures}/{len(queries)} answers identical to NSD's")
        return 1 if failures else 0
    finally:
        for proc in reversed(procs):
            stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
