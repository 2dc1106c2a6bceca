#!/usr/bin/python3
"""Clients of scripts/bench/imap (Python's imaplib, loopback only, every socket with a timeout):
  make --out DIR --count N            N varied messages (plain, multipart with an attachment,
                                      1-50 KiB, CRLF), named as Maildir new/ files
  rows --port P [--tls-port T] ...    rows 1-5 (+ FETCH of 100 bodies over TLS) -> --json
  mixed --port P --sessions S --seconds N   S concurrent sessions in a loop -> --json
  idle --port P --sessions K --server ours|dovecot [--pid PID] [--min-free-gib G] [--max-seconds T]
                                      K logged-in idle sessions (non-blocking sockets, one
                                      process); RSS of the server's processes before/after
  table DIR                           the summary table (ours, Dovecot, ratio) from DIR/*.json"""
import argparse
import imaplib
import json
import os
import random
import selectors
import socket
import ssl
import statistics
import sys
import threading
import time
import multiprocessing

TIMEOUT = 120
WORD = "quokka"  # in about 1 % of the messages, SEARCH TEXT looks for it
WORDS = ("the of and to in is for that with on as it by this be are from at or an have not "
         "meeting report budget server cluster failover release schedule invoice please thanks "
         "regards attached review update question project customer deadline network storage "
         "backup monday friday morning team office travel lunch draft final version issue").split()
NAMES = ("Alice Martin", "Bob Durand", "Carol Smith", "Dmitri Ivanov", "Eva Novak", "Fatima Khan",
         "Guo Wei", "Hanna Berg", "Ivo Rossi", "Julia Costa", "Kenji Sato", "Lena Vogel")


# --- make -------------------------------------------------------------------------------
def text_block(rng, size, word_here):
    out, n = [], 0
    line = []
    while n < size:
        w = rng.choice(WORDS)
        line.append(w)
        n += len(w) + 1
        if len(line) >= rng.randint(8, 14):
            out.append(" ".join(line))
            line = []
    if line:
        out.append(" ".join(line))
    if word_here:
        out.insert(rng.randrange(len(out) + 1), f"a {WORD} was seen near the office")
    return "\r\n".join(out) + "\r\n"


def b64_lines(data):
    import base64
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i:i + 76] for i in range(0, len(s), 76)) + "\r\n"


def make_message(rng, i):
    target = rng.randint(1024, 50 * 1024)
    name = rng.choice(NAMES)
    addr = name.lower().replace(" ", ".") + "@" + rng.choice(("example.org", "example.net", "bench.test"))
    subj = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 7))).capitalize()
    if rng.random() < 0.1:
        subj = "Re: " + subj
    word_here = rng.random() < 0.01
    day = 1 + i % 28
    hdr = (f"Return-Path: <{addr}>\r\n"
           f"Received: from mx.example.org by mail.bench.test with ESMTP id B{i:06d}; "
           f"Mon, {day} Nov 2026 10:{i % 60:02d}:00 +0000\r\n"
           f"From: {name} <{addr}>\r\nTo: Bench <bench@bench.test>\r\n"
           f"Subject: {subj} #{i}\r\nDate: Mon, {day} Nov 2026 10:{i % 60:02d}:00 +0000\r\n"
           f"Message-ID: <{i}.{rng.getrandbits(40):x}@example.org>\r\nMIME-Version: 1.0\r\n")
    if rng.random() < 0.35:  # multipart: text + a base64 attachment
        body_len = rng.randint(300, 2000)
        att_len = max(256, (target - body_len - 800) * 3 // 4)
        b = f"=_b{i}_{rng.getrandbits(32):x}"
        kind = rng.choice((("application/pdf", "report.pdf"), ("image/png", "photo.png"),
                           ("application/octet-stream", "data.bin")))
        msg = (hdr + f'Content-Type: multipart/mixed; boundary="{b}"\r\n\r\n'
               "This is a multi-part message in MIME format.\r\n"
               f"--{b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
               + text_block(rng, body_len, word_here) +
               f"--{b}\r\nContent-Type: {kind[0]}; name=\"{kind[1]}\"\r\nContent-Transfer-Encoding: base64\r\n"
               f"Content-Disposition: attachment; filename=\"{kind[1]}\"\r\n\r\n"
               + b64_lines(rng.randbytes(att_len)) + f"--{b}--\r\n")
    else:
        msg = (hdr + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
               + text_block(rng, max(200, target - len(hdr) - 100), word_here))
    return msg.encode(), word_here


def make(argv):
    p = argparse.ArgumentParser(prog="make")
    p.add_argument("--out", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--seed", type=int, default=17)
    a = p.parse_args(argv)
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    total = with_word = 0
    for i in range(a.count):
        data, w = make_message(rng, i)
        total += len(data)
        with_word += w
        # Dovecot's Maildir name shape; no ,S= (both servers stat the file)
        name = f"{1790000000 + i}.M{i}P1Q{i}.bench.test"
        with open(os.path.join(a.out, name), "wb") as f:
            f.write(data)
        t = 1790000000 + i
        os.utime(os.path.join(a.out, name), (t, t))
    print(json.dumps({"messages": a.count, "bytes": total, "with_word": with_word}))


# --- rows 1-5 ---------------------------------------------------------------------------
def login(port, user, pw, tls=False):
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx, timeout=TIMEOUT)
    else:
        m = imaplib.IMAP4("127.0.0.1", port, timeout=TIMEOUT)
    typ, _ = m.login(user, pw)
    if typ != "OK":
        raise RuntimeError("login failed")
    return m


def ok(r, what):
    typ, data = r
    if typ != "OK":
        raise RuntimeError(f"{what}: {typ} {data!r}")
    return data


def timed(fn, reps):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        ts.append((time.perf_counter() - t0) * 1000)
    return statistics.median(ts), ts, out


def fetch_bodies(m, seqs):
    data = ok(m.fetch(",".join(map(str, seqs)), "(BODY.PEEK[])"), "fetch bodies")
    got = sum(len(x[1]) for x in data if isinstance(x, tuple))
    n = sum(1 for x in data if isinstance(x, tuple))
    if n != len(seqs):
        raise RuntimeError(f"fetch bodies: {n} bodies for {len(seqs)}")
    return got


def rows(argv):
    p = argparse.ArgumentParser(prog="rows")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--tls-port", type=int)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--messages", type=int, required=True)
    p.add_argument("--reps", type=int, default=7)
    p.add_argument("--stores", type=int, default=1000)
    p.add_argument("--json", required=True)
    a = p.parse_args(argv)
    out = {}
    m = login(a.port, a.user, a.password)
    t0 = time.perf_counter()
    n = int(ok(m.select("INBOX"), "select")[0])
    out["first_select_ms"] = (time.perf_counter() - t0) * 1000
    if n != a.messages:
        raise RuntimeError(f"INBOX has {n} messages, expected {a.messages}")
    m.close()
    out["select_ms"], out["select_all_ms"], _ = timed(lambda: ok(m.select("INBOX"), "select"), a.reps)
    out["fetch_flags_ms"], out["fetch_flags_all_ms"], d = timed(lambda: ok(m.fetch("1:*", "(FLAGS)"), "fetch flags"), a.reps)
    if len(d) != n:
        raise RuntimeError(f"FETCH 1:* (FLAGS): {len(d)} responses for {n}")
    step = max(1, n // 100)
    seqs = list(range(1, n + 1, step))[:100]
    out["bodies_ms"], out["bodies_all_ms"], nbytes = timed(lambda: fetch_bodies(m, seqs), a.reps)
    out["bodies_bytes"] = nbytes
    out["bodies_mb_s"] = nbytes / 1e6 / (out["bodies_ms"] / 1000)
    k = min(a.stores, n)
    t0 = time.perf_counter()
    for i in range(1, k + 1):
        ok(m.store(str(i), "+FLAGS", "(\\Flagged)"), "store")
    out["store_per_s"] = k / (time.perf_counter() - t0)
    out["search_ms"], out["search_all_ms"], d = timed(lambda: ok(m.search(None, "TEXT", WORD), "search"), max(3, a.reps // 2))
    out["search_hits"] = len(d[0].split())
    m.logout()
    if a.tls_port:
        m = login(a.tls_port, a.user, a.password, tls=True)
        ok(m.select("INBOX"), "select")
        out["tls_bodies_ms"], _, nbytes = timed(lambda: fetch_bodies(m, seqs), a.reps)
        out["tls_bodies_mb_s"] = nbytes / 1e6 / (out["tls_bodies_ms"] / 1000)
        m.logout()
    with open(a.json, "w") as f:
        json.dump(out, f)
    print(json.dumps({k2: v for k2, v in out.items() if not k2.endswith("_all_ms")}), file=sys.stderr)


# --- rows 1-3 and 5 side by side -----------------------------------------------------------
def sidebyside(argv):
    """Rows 1-3 and 5 with both servers up, alternating per repetition (ours, Dovecot, then
    Dovecot, ours, ...): what the VM's load does between the servers' own row runs, minutes
    apart, falls on both alike here."""
    p = argparse.ArgumentParser(prog="sidebyside")
    p.add_argument("--ours-port", type=int, required=True)
    p.add_argument("--dovecot-port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--messages", type=int, required=True)
    p.add_argument("--reps", type=int, default=11)
    p.add_argument("--json", required=True)
    a = p.parse_args(argv)
    servers = {"ours": login(a.ours_port, a.user, a.password), "dovecot": login(a.dovecot_port, a.user, a.password)}
    step = max(1, a.messages // 100)
    seqs = list(range(1, a.messages + 1, step))[:100]
    for m in servers.values():
        ok(m.select("INBOX"), "select")
    rows_ = {
        "select_ms": lambda m: ok(m.select("INBOX"), "select"),
        "fetch_flags_ms": lambda m: ok(m.fetch("1:*", "(FLAGS)"), "fetch flags"),
        "bodies_ms": lambda m: fetch_bodies(m, seqs),
        "search_ms": lambda m: ok(m.search(None, "TEXT", WORD), "search"),
    }
    out = {name: {} for name in servers}
    for row, fn in rows_.items():
        times = {name: [] for name in servers}
        reps = a.reps if row != "search_ms" else max(3, a.reps // 3)
        for i in range(reps):
            for name in (("ours", "dovecot") if i % 2 == 0 else ("dovecot", "ours")):
                t0 = time.perf_counter()
                fn(servers[name])
                times[name].append((time.perf_counter() - t0) * 1000)
        for name in servers:
            out[name][row] = statistics.median(times[name])
    for m in servers.values():
        m.logout()
    with open(a.json, "w") as f:
        json.dump(out, f)
    print(json.dumps(out), file=sys.stderr)


# --- 6. mixed load ----------------------------------------------------------------------
def mixed_worker(port, user, pw, threads, deadline, n, seed, q):
    counts = {"commands": 0, "errors": 0, "loops": 0}
    lock = threading.Lock()
    errs = []

    def one(tid):
        rng = random.Random(seed * 1000 + tid)
        while time.time() < deadline:
            done = 0
            try:
                m = login(port, user, pw)
                done += 1
                ok(m.select("INBOX"), "select")
                done += 1
                ok(m.fetch("1:*", "(FLAGS)"), "fetch flags")
                done += 1
                for _ in range(3):
                    fetch_bodies(m, [rng.randint(1, n)])
                    done += 1
                ok(m.store(str(rng.randint(1, n)), "+FLAGS", "(\\Seen)"), "store")
                done += 1
                ok(m.search(None, "TEXT", WORD), "search")
                done += 1
                m.logout()
                done += 1
                with lock:
                    counts["commands"] += done
                    counts["loops"] += 1
            except Exception as e:  # noqa: BLE001 - counted and shown
                with lock:
                    counts["commands"] += done
                    counts["errors"] += 1
                    if len(errs) < 5:
                        errs.append(f"{type(e).__name__}: {e}"[:200])
                try:
                    m.shutdown()
                except Exception:  # noqa: BLE001
                    pass
    ts = [threading.Thread(target=one, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    counts["error_samples"] = errs
    q.put(counts)


def mixed(argv):
    p = argparse.ArgumentParser(prog="mixed")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--messages", type=int, required=True)
    p.add_argument("--sessions", type=int, default=50)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--procs", type=int, default=5)
    p.add_argument("--json", required=True)
    a = p.parse_args(argv)
    q = multiprocessing.Queue()
    t0 = time.time()
    deadline = t0 + a.seconds
    per = [a.sessions // a.procs + (1 if i < a.sessions % a.procs else 0) for i in range(a.procs)]
    ps = [multiprocessing.Process(target=mixed_worker, args=(a.port, a.user, a.password, k, deadline, a.messages, i, q))
          for i, k in enumerate(per) if k]
    for pr in ps:
        pr.start()
    res = [q.get(timeout=a.seconds + 600) for _ in ps]
    for pr in ps:
        pr.join()
    el = time.time() - t0  # a loop in flight at the deadline finishes: counted, and its time too
    out = {"sessions": a.sessions, "seconds": el, "commands": sum(r["commands"] for r in res),
           "errors": sum(r["errors"] for r in res), "loops": sum(r["loops"] for r in res),
           "error_samples": [e for r in res for e in r["error_samples"]][:5]}
    out["commands_per_s"] = out["commands"] / el
    with open(a.json, "w") as f:
        json.dump(out, f)
    print(json.dumps(out), file=sys.stderr)


# --- 7/8. idle sessions -------------------------------------------------------------------
def proc_mem(pid):
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return rss, pss


def server_mem(server, pid):
    """KiB: (RSS, PSS, processes). ours: imapd's; dovecot: its imap + imap-login processes."""
    if server == "ours":
        r, p = proc_mem(pid)
        return r, p, 1
    rss = pss = n = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/comm") as f:
                comm = f.read().strip()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if comm in ("imap", "imap-login"):
            r, p = proc_mem(d)
            rss += r
            pss += p
            n += 1
    return rss, pss, n


def mem_available_gib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024 / 1024
    return 0


class Idle:
    """One client: connect, greeting, LOGIN, then nothing."""

    def __init__(self, sel, port, cmd):
        self.s = socket.socket()
        self.s.setblocking(False)
        self.s.connect_ex(("127.0.0.1", port))
        self.buf = b""
        self.state = "greeting"
        self.cmd = cmd
        self.t0 = time.time()
        sel.register(self.s, selectors.EVENT_READ, self)

    def readable(self):
        data = self.s.recv(65536)
        if not data:
            self.state = "closed"
            return
        self.buf += data
        while b"\n" in self.buf:
            line, _, self.buf = self.buf.partition(b"\n")
            if self.state == "greeting":
                if not line.startswith(b"* OK"):
                    self.state = "refused:" + line[:80].decode(errors="replace")
                    return
                self.s.setblocking(True)  # a short line, fits in the socket buffer
                self.s.sendall(self.cmd)
                self.s.setblocking(False)
                self.state = "login"
            elif self.state == "login" and line.startswith(b"a1 "):
                self.state = "idle" if line.startswith(b"a1 OK") else "refused:" + line[:80].decode(errors="replace")


def idle(argv):
    p = argparse.ArgumentParser(prog="idle")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--sessions", type=int, required=True)
    p.add_argument("--server", choices=("ours", "dovecot"), required=True)
    p.add_argument("--pid", type=int, default=0)
    p.add_argument("--in-flight", type=int, default=100)
    p.add_argument("--min-free-gib", type=float, default=4.0)
    p.add_argument("--max-seconds", type=float, default=300)
    p.add_argument("--json", required=True)
    a = p.parse_args(argv)
    cmd = f'a1 LOGIN "{a.user}" "{a.password}"\r\n'.encode()
    time.sleep(0.5)
    before = server_mem(a.server, a.pid)
    sel = selectors.DefaultSelector()
    clients, idle_n, failed, stop_reason = [], 0, 0, ""
    fail_samples = []
    t0 = time.time()
    pending = []
    while idle_n < a.sessions:
        if time.time() - t0 > a.max_seconds:
            stop_reason = f"time limit {a.max_seconds:.0f} s"
            break
        if len(clients) % 100 == 0 and mem_available_gib() < a.min_free_gib:
            stop_reason = f"free memory below {a.min_free_gib} GiB"
            break
        if failed > max(50, a.sessions // 20):
            stop_reason = f"{failed} sessions failed"
            break
        while len(pending) < a.in_flight and len(clients) < a.sessions:
            try:
                c = Idle(sel, a.port, cmd)
            except OSError as e:
                failed += 1
                fail_samples.append(f"connect: {e}")
                break
            clients.append(c)
            pending.append(c)
        for key, _ in sel.select(timeout=1):
            c = key.data
            try:
                c.readable()
            except OSError as e:
                c.state = f"error:{e}"
        still = []
        for c in pending:
            if c.state == "idle":
                idle_n += 1
            elif c.state.startswith(("refused", "error", "closed")):
                failed += 1
                if len(fail_samples) < 5:
                    fail_samples.append(c.state)
                sel.unregister(c.s)
                c.s.close()
            elif time.time() - c.t0 > TIMEOUT:
                failed += 1
                fail_samples.append("timeout")
                sel.unregister(c.s)
                c.s.close()
            else:
                still.append(c)
        pending = still
        if len(clients) >= a.sessions and not pending:
            break
    t_open = time.time() - t0
    time.sleep(1)
    # Sessions the server closed meanwhile do not count.
    for key, _ in sel.select(timeout=0):
        try:
            key.data.readable()
        except OSError:
            key.data.state = "error"
    alive = sum(1 for c in clients if c.state == "idle")
    after = server_mem(a.server, a.pid)
    out = {"server": a.server, "asked": a.sessions, "reached": alive, "failed": failed,
           "stop_reason": stop_reason, "open_seconds": t_open,
           "rss_before_kib": before[0], "rss_after_kib": after[0],
           "pss_before_kib": before[1], "pss_after_kib": after[1], "processes_after": after[2],
           "fail_samples": fail_samples[:5], "mem_available_gib_after": mem_available_gib()}
    if alive:
        out["rss_per_session_kib"] = (after[0] - before[0]) / alive
        out["pss_per_session_kib"] = (after[1] - before[1]) / alive
    for c in clients:
        try:
            c.s.close()
        except OSError:
            pass
    with open(a.json, "w") as f:
        json.dump(out, f)
    print(json.dumps(out), file=sys.stderr)


# --- table ------------------------------------------------------------------------------
def load(d, name):
    try:
        with open(os.path.join(d, name)) as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def table(argv):
    d = argv[0]
    meta = load(d, "meta.json") or {}
    o, v = load(d, "ours_rows.json") or {}, load(d, "dovecot_rows.json") or {}
    om, vm = load(d, "ours_mixed.json") or {}, load(d, "dovecot_mixed.json") or {}
    oi, vi = load(d, "ours_idle.json") or {}, load(d, "dovecot_idle.json") or {}
    ob, vb = load(d, "ours_idle_big.json") or {}, load(d, "dovecot_idle_big.json") or {}
    rows_out = []

    def row(label, a, b, better, fmt="{:.1f}"):
        # ratio: how many times better ours is (>1 = ours better)
        r = None
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a and b:
            r = (b / a) if better == "lower" else (a / b)
        rows_out.append({"row": label, "ours": a, "dovecot": b, "ours_better_by": r, "better": better})

    row("1. SELECT INBOX, ms (median)", o.get("select_ms"), v.get("select_ms"), "lower")
    row("   first SELECT (index built), ms", o.get("first_select_ms"), v.get("first_select_ms"), "lower")
    row("2. FETCH 1:* (FLAGS), ms", o.get("fetch_flags_ms"), v.get("fetch_flags_ms"), "lower")
    row("3. FETCH 100 x BODY.PEEK[], ms", o.get("bodies_ms"), v.get("bodies_ms"), "lower")
    row("   same, MB/s", o.get("bodies_mb_s"), v.get("bodies_mb_s"), "higher")
    row("   same over TLS, MB/s", o.get("tls_bodies_mb_s"), v.get("tls_bodies_mb_s"), "higher")
    row("4. STORE +FLAGS x1000, commands/s", o.get("store_per_s"), v.get("store_per_s"), "higher")
    row(f"5. SEARCH TEXT {WORD}, ms", o.get("search_ms"), v.get("search_ms"), "lower")
    row("   hits", o.get("search_hits"), v.get("search_hits"), "same", "{:.0f}")
    row(f"6. mixed, {om.get('sessions', vm.get('sessions', '?'))} sessions, commands/s",
        om.get("commands_per_s"), vm.get("commands_per_s"), "higher")
    row("   errors", om.get("errors"), vm.get("errors"), "same", "{:.0f}")
    row("7. idle logged-in session, KiB RSS", oi.get("rss_per_session_kib"), vi.get("rss_per_session_kib"), "lower")
    row("   same, KiB PSS", oi.get("pss_per_session_kib"), vi.get("pss_per_session_kib"), "lower")
    row(f"8. idle sessions reached (of {ob.get('asked', vb.get('asked', '?'))})", ob.get("reached"), vb.get("reached"),
        "higher", "{:.0f}")
    row("   server RSS then, MiB", ob.get("rss_after_kib", 0) / 1024 if ob else None,
        vb.get("rss_after_kib", 0) / 1024 if vb else None, "lower")
    row("   server PSS then, MiB", ob.get("pss_after_kib", 0) / 1024 if ob else None,
        vb.get("pss_after_kib", 0) / 1024 if vb else None, "lower")

    sb = load(d, "side_by_side.json") or {}
    so, sv = sb.get("ours", {}), sb.get("dovecot", {})
    row("side by side, alternating: SELECT, ms", so.get("select_ms"), sv.get("select_ms"), "lower")
    row("   FETCH 1:* (FLAGS), ms", so.get("fetch_flags_ms"), sv.get("fetch_flags_ms"), "lower")
    row("   FETCH 100 x BODY.PEEK[], ms", so.get("bodies_ms"), sv.get("bodies_ms"), "lower")
    row(f"   SEARCH TEXT {WORD}, ms", so.get("search_ms"), sv.get("search_ms"), "lower")

    def f(x, fmt="{:.1f}"):
        return "-" if x is None else (fmt.format(x) if isinstance(x, (int, float)) else str(x))
    print(f"IMAP benchmark  {meta.get('date', '')}  cpus={meta.get('cpus')}  {meta.get('build', '')}")
    print(f"  messages: {meta.get('mailbox', '')}  fs: {meta.get('fs', '')}")
    print(f"  Dovecot: {meta.get('dovecot', '')}")
    print(f"{'row':44} {'ours':>12} {'Dovecot':>12} {'ours better by':>15}")
    for r in rows_out:
        fmt = "{:.0f}" if r["row"].strip().startswith(("hits", "errors", "8.")) else "{:.1f}"
        print(f"{r['row']:44} {f(r['ours'], fmt):>12} {f(r['dovecot'], fmt):>12} "
              f"{(f(r['ours_better_by'], '{:.2f}') + 'x') if r['ours_better_by'] else '':>15}")
    for label, x in (("ours", ob), ("Dovecot", vb)):
        if x:
            print(f"  row 8 {label}: reached {x.get('reached')} of {x.get('asked')}, failed {x.get('failed')}, "
                  f"{x.get('open_seconds', 0):.0f} s, stop: {x.get('stop_reason') or 'none'}, "
                  f"processes {x.get('processes_after')}, samples {x.get('fail_samples')}")
    for label, x in (("ours", om), ("Dovecot", vm)):
        if x.get("error_samples"):
            print(f"  row 6 {label} errors: {x['error_samples']}")
    allres = {"meta": meta, "rows": rows_out, "raw": {n[:-5]: load(d, n) for n in sorted(os.listdir(d))
                                                      if n.endswith(".json") and n not in ("meta.json", "results.json")}}
    with open(os.path.join(d, "results.json"), "w") as fh:
        json.dump(allres, fh, indent=1)
    print(f"\n(JSON: {os.path.join(d, 'results.json')})")


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmd, argv = sys.argv[1], sys.argv[2:]
    {"make": make, "rows": rows, "sidebyside": sidebyside, "mixed": mixed, "idle": idle, "table": table}.get(
        cmd, lambda _: (print(__doc__, file=sys.stderr), sys.exit(2)))(argv)


if __name__ == "__main__":
    main()
