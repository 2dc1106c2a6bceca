#!/usr/bin/python3
"""dnsd on loopback against dig, kdig and dnspython: one case per run (argv[1]), each with its
own copy of zones/, its own config and dnsd on a free port; every wait has a deadline."""
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype

DNSD = os.environ["DNSD_BIN"]
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from nsd_compare import free_port  # noqa: E402  (a port free for both UDP and TCP)
TIMEOUT = 5


def wait_for(what, cond, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Env:
    def __init__(self, tmp, allow_transfer=("127.0.0.1",), notify=(), rrl=None, extra=""):
        self.tmp = tmp
        self.zones = os.path.join(tmp, "zones")
        shutil.copytree(os.path.join(HERE, "zones"), self.zones)
        os.chmod(tmp, 0o755)
        self.port = free_port()
        self.control = os.path.join(tmp, "dnsd.sock")
        self.conf = os.path.join(tmp, "dnsd.yaml")
        acl = ", ".join(allow_transfer)
        targets = ", ".join(f'"{t}"' for t in notify)
        with open(self.conf, "w") as f:
            f.write(f"user: nobody\nlisteners:\n  - {{address: 127.0.0.1, port: {self.port}}}\n"
                    f"control_socket: {self.control}\ntcp_idle_timeout: 2s\n"
                    f"zones:\n  - {{name: example.org, file: zones/example.org.zone, allow_transfer: [{acl}], notify: [{targets}]}}\n"
                    f"  - {{name: 2.0.192.in-addr.arpa, file: zones/2.0.192.in-addr.arpa.zone}}\n")
            if rrl:
                f.write(f"rrl: {rrl}\n")
            f.write(extra)
        self.log = os.path.join(tmp, "dnsd.log")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([DNSD, "--config", self.conf], stdout=open(self.log, "w"), stderr=subprocess.STDOUT)
        wait_for("event=started", lambda: self.proc.poll() is not None or "event=started" in self.log_text())
        assert self.proc.poll() is None, self.log_text()
        return self

    def log_text(self):
        with open(self.log) as f:
            return f.read()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def alive(self):
        assert self.proc.poll() is None, "dnsd exited:\n" + self.log_text()[-2000:]

    def udp(self, name, rtype, **kw):
        return dns.query.udp(make(name, rtype, **kw), "127.0.0.1", port=self.port, timeout=TIMEOUT)

    def tcp(self, name, rtype, **kw):
        return dns.query.tcp(make(name, rtype, **kw), "127.0.0.1", port=self.port, timeout=TIMEOUT)

    def ctl(self, cmd):
        return subprocess.run([DNSD, "--control", self.control, cmd], capture_output=True, text=True, timeout=20)

    def zone_path(self):
        return os.path.join(self.zones, "example.org.zone")

    def bump_zone(self, serial, extra_record):
        path = self.zone_path()
        text = open(path).read().replace("2026120501 ; serial", f"{serial} ; serial") + extra_record + "\n"
        tmp = path + ".new"
        with open(tmp, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.rename(tmp, path)


def make(name, rtype, edns=True, bufsize=1232):
    q = dns.message.make_query(name, dns.rdatatype.from_text(rtype), use_edns=False)
    q.flags &= ~dns.flags.RD
    if edns:
        q.use_edns(0, 0, bufsize)
    return q


def rcode(r):
    return dns.rcode.to_text(r.rcode())


def texts(section):
    return sorted(f"{rr.name} {dns.rdatatype.to_text(rr.rdtype)} {rd}" for rr in section for rd in rr)


# Every type of the zone with one name to ask and a fragment of the answer.
TYPES = [("example.org", "SOA", "2026120501"), ("example.org", "NS", "ns1.example.org."),
         ("example.org", "A", "192.0.2.50"), ("example.org", "AAAA", "2001:db8::50"),
         ("example.org", "MX", "10 mail.example.org."), ("example.org", "TXT", "v=spf1"),
         ("www.example.org", "CNAME", "mail.example.org."), ("_submission._tcp.example.org", "SRV", "587"),
         ("example.org", "CAA", "letsencrypt.org"), ("ptrname.example.org", "PTR", "mail.example.org."),
         ("50.2.0.192.in-addr.arpa", "PTR", "mail.example.org."), ("x.dname.example.org", "DNAME", None),
         ("unk.example.org", "TYPE65534", "0a000001"), ("multi.example.org", "TXT", '"one" "two" "three"')]


def run_dig(env, tool, name, rtype, tcp):
    if tool == "dig":
        cmd = ["dig", "+norec", "+time=3", "+tries=1", f"@127.0.0.1", "-p", str(env.port), name, rtype]
        cmd += ["+tcp"] if tcp else ["+notcp"]
    else:
        cmd = ["kdig", "+norec", "+time=3", "+retry=0", f"@127.0.0.1", "-p", str(env.port), name, rtype]
        cmd += ["+tcp"] if tcp else ["+notcp"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout


def check_types(env, tcp):
    for tool in ("dig", "kdig"):
        for name, rtype, want in TYPES:
            out = run_dig(env, tool, name, rtype, tcp)
            assert "NOERROR" in out, (tool, name, rtype, out)
            assert re.search(r"flags: qr aa", out, re.IGNORECASE), (tool, name, rtype, out)
            assert ("(TCP)" if tcp else "(UDP)") in out, (tool, name, rtype, out)
            if want:
                assert want.lower() in out.lower(), (tool, name, rtype, want, out)
    out = run_dig(env, "dig", "nope.example.org", "A", tcp)
    assert "NXDOMAIN" in out and "SOA" in out, out
    out = run_dig(env, "kdig", "example.net", "A", tcp)
    assert "REFUSED" in out, out
    env.alive()


def case_udp_types(env):
    env.start()
    check_types(env, tcp=False)


def case_tcp_types(env):
    env.start()
    check_types(env, tcp=True)


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise AssertionError(f"connection closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def recv_message(s):
    (length,) = struct.unpack("!H", recv_exact(s, 2))
    return dns.message.from_wire(recv_exact(s, length))


def case_tcp_pipelined(env):
    env.start()
    names = ["example.org", "mail.example.org", "nope.example.org", "www.example.org", "big.example.org", "ns1.example.org"]
    with socket.create_connection(("127.0.0.1", env.port), timeout=TIMEOUT) as s:
        wire = b""
        for i, n in enumerate(names):
            q = make(n, "TXT" if n.startswith("big") else "A")
            q.id = 1000 + i
            w = q.to_wire()
            wire += struct.pack("!H", len(w)) + w
        # All at once, the last split across two writes.
        s.sendall(wire[:-5])
        s.sendall(wire[-5:])
        answers = [recv_message(s) for _ in names]
        assert [a.id for a in answers] == [1000 + i for i in range(len(names))], [a.id for a in answers]
        assert rcode(answers[2]) == "NXDOMAIN"
        assert len(answers[4].answer[0]) == 4 and not answers[4].flags & dns.flags.TC  # big TXT whole over TCP
        # The same connection serves later queries too.
        q = make("mail.example.org", "AAAA")
        w = q.to_wire()
        s.sendall(struct.pack("!H", len(w)) + w)
        assert "2001:db8::50" in str(recv_message(s).answer[0])
    # An idle connection is closed (tcp_idle_timeout: 2s).
    with socket.create_connection(("127.0.0.1", env.port), timeout=TIMEOUT) as s:
        assert s.recv(1) == b""
    env.alive()


def case_axfr_allowed(env):
    # A zone larger than a TCP connection's usual write queue (256 KiB): streamed whole.
    with open(env.zone_path(), "a") as f:
        for i in range(12000):
            f.write(f"host{i} IN A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}\n")
    env.start()
    out = subprocess.run(["dig", f"@127.0.0.1", "-p", str(env.port), "example.org", "AXFR"], capture_output=True,
                         text=True, timeout=20).stdout
    lines = [l for l in out.splitlines() if l and not l.startswith(";")]
    assert "SOA" in lines[0] and "SOA" in lines[-1], out
    assert any("big.example.org." in l for l in lines) and any("included" in l or "Mixed.Case" in l for l in lines), out
    size = re.search(r"XFR size: (\d+) records \(messages (\d+), bytes (\d+)\)", out)
    assert size and int(size.group(1)) > 12000 and int(size.group(2)) > 10 and int(size.group(3)) > 300000, size and size.group(0)
    # dnspython's transfer reads every message and checks the closing SOA.
    import dns.zone
    z = dns.zone.from_xfr(dns.query.xfr("127.0.0.1", "example.org", port=env.port, timeout=TIMEOUT))
    assert z.get_rdataset("mail", "A") is not None
    assert "event=axfr " in env.log_text()
    # Over UDP: AXFR is NOTIMP (as NSD); IXFR gets the current SOA (RFC 1995 4), NOTAUTH below an apex.
    r = dns.query.udp(make("example.org", "AXFR"), "127.0.0.1", port=env.port, timeout=TIMEOUT)
    assert rcode(r) == "NOTIMP", r
    r = dns.query.udp(make("example.org", "IXFR"), "127.0.0.1", port=env.port, timeout=TIMEOUT)
    assert rcode(r) == "NOERROR" and texts(r.answer) == [texts(env.udp("example.org", "SOA").answer)[0]], r
    r = dns.query.tcp(make("www.example.org", "AXFR"), "127.0.0.1", port=env.port, timeout=TIMEOUT)
    assert rcode(r) == "NOTAUTH", r
    env.alive()


def case_axfr_refused(env):
    env.start()
    r = dns.query.tcp(make("example.org", "AXFR"), "127.0.0.1", port=env.port, timeout=TIMEOUT)
    assert rcode(r) == "REFUSED" and not r.answer, r
    out = subprocess.run(["dig", f"@127.0.0.1", "-p", str(env.port), "example.org", "AXFR"], capture_output=True,
                         text=True, timeout=20).stdout
    assert "Transfer failed" in out, out
    r = dns.query.udp(make("example.org", "IXFR"), "127.0.0.1", port=env.port, timeout=TIMEOUT)
    assert rcode(r) == "REFUSED" and not r.answer, r
    # The reverse zone has no allow_transfer at all.
    r = dns.query.tcp(make("2.0.192.in-addr.arpa", "AXFR"), "127.0.0.1", port=env.port, timeout=TIMEOUT)
    assert rcode(r) == "REFUSED", r
    assert "event=axfr_refused" in env.log_text()
    env.alive()


def case_truncation_tcp_retry(env):
    env.start()
    r = env.udp("big.example.org", "TXT", edns=False)
    assert r.flags & dns.flags.TC and not r.answer, r
    out = subprocess.run(["dig", "+norec", "+noedns", f"@127.0.0.1", "-p", str(env.port), "big.example.org", "TXT"],
                         capture_output=True, text=True, timeout=20).stdout
    assert "Truncated, retrying in TCP mode" in out and out.count("big.example.org.\t") >= 4, out
    out = subprocess.run(["kdig", "+norec", "+noedns", f"@127.0.0.1", "-p", str(env.port), "big.example.org", "TXT"],
                         capture_output=True, text=True, timeout=20).stdout
    assert "TC" in out or "tc" in out, out
    env.alive()


def header(id_, flags, qd, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", id_, flags, qd, an, ns, ar)


QUESTION = b"\x07example\x03org\x00\x00\x01\x00\x01"


def udp_raw(env, packet, wait=0.5):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(wait)
        s.sendto(packet, ("127.0.0.1", env.port))
        try:
            return s.recv(65535)
        except socket.timeout:
            return None


def case_malformed(env):
    env.start()
    cases = {
        "empty": (b"", None),
        "short": (b"\x12\x34\x00", None),
        "header_only": (header(1, 0, 1), "FORMERR"),
        "counts_too_big": (header(2, 0, 1, 5, 5, 5) + QUESTION, "FORMERR"),
        "compression_loop": (header(3, 0, 1) + b"\xc0\x0c\x00\x01\x00\x01", "FORMERR"),
        "forward_pointer": (header(4, 0, 1) + b"\xc0\x20\x00\x01\x00\x01" + b"\x00" * 30, "FORMERR"),
        "qdcount_2": (header(5, 0, 2) + QUESTION + QUESTION, "FORMERR"),
        "qdcount_0": (header(6, 0, 0), "FORMERR"),
        "opcode_5": (header(7, 5 << 11, 1) + QUESTION, "NOTIMP"),
        "response": (header(8, 0x8000, 1) + QUESTION, None),
        "trailing": (header(9, 0, 1) + QUESTION + b"junk", "FORMERR"),
        "long_label": (header(10, 0, 1) + b"\x50" + b"a" * 80 + b"\x00\x00\x01\x00\x01", "FORMERR"),
        "garbage": (bytes(range(256)) * 3, None),
    }
    for what, (packet, want) in cases.items():
        got = udp_raw(env, packet, wait=0.3 if want is None else TIMEOUT)
        if want is None:
            if got is not None:
                r = dns.message.from_wire(got, question_only=True) if len(got) >= 12 else None
                assert r is None or r.rcode() in (dns.rcode.FORMERR, dns.rcode.NOTIMP), (what, got)
        else:
            assert got is not None, what
            rc = struct.unpack("!H", got[2:4])[0] & 0xF
            assert dns.rcode.to_text(rc) == want, (what, rc)
        # Still answering after each.
        assert rcode(env.udp("example.org", "SOA")) == "NOERROR", what
    # The same over TCP: garbage in one frame, then a good query on the same connection.
    with socket.create_connection(("127.0.0.1", env.port), timeout=TIMEOUT) as s:
        bad = header(11, 0, 2) + QUESTION + QUESTION
        good = make("example.org", "A").to_wire()
        s.sendall(struct.pack("!H", len(bad)) + bad + struct.pack("!H", len(good)) + good)
        assert recv_message_raw_rcode(s) == 1
        assert rcode(recv_message(s)) == "NOERROR"
    env.alive()


def recv_message_raw_rcode(s):
    (length,) = struct.unpack("!H", recv_exact(s, 2))
    data = recv_exact(s, length)
    return struct.unpack("!H", data[2:4])[0] & 0xF


class Querier(threading.Thread):
    """Asks for mail.example.org A in a loop (bounded), counting answers and losses."""

    def __init__(self, env, seconds=20):
        super().__init__(daemon=True)
        self.env, self.deadline = env, time.monotonic() + seconds
        self.answered, self.lost, self.stop_flag = 0, 0, False

    def run(self):
        while not self.stop_flag and time.monotonic() < self.deadline:
            try:
                r = dns.query.udp(make("mail.example.org", "A"), "127.0.0.1", port=self.env.port, timeout=2)
                if rcode(r) == "NOERROR" and r.answer:
                    self.answered += 1
                else:
                    self.lost += 1
            except Exception:
                self.lost += 1


def reload_case(env, trigger):
    env.start()
    assert rcode(env.udp("new.example.org", "A")) == "NXDOMAIN"
    q = Querier(env)
    q.start()
    wait_for("queries before the reload", lambda: q.answered >= 20)
    env.bump_zone(2026120502, "new IN A 192.0.2.123")
    trigger()
    wait_for("the new record", lambda: env.udp("new.example.org", "A").answer)
    before = q.answered
    wait_for("queries after the reload", lambda: q.answered >= before + 20)
    q.stop_flag = True
    q.join(10)
    assert q.lost == 0, f"{q.lost} queries lost during the reload ({q.answered} answered)"
    soa = env.udp("example.org", "SOA")
    assert "2026120502" in str(soa.answer[0])
    assert "event=reloaded" in env.log_text()
    env.alive()


def case_sighup_reload(env):
    reload_case(env, lambda: env.proc.send_signal(signal.SIGHUP))


def case_control_reload(env):
    def trigger():
        r = env.ctl("reload")
        assert r.returncode == 0, r.stderr
    reload_case(env, trigger)
    st = env.ctl("status")
    assert st.returncode == 0 and '"serial": 2026120502' in st.stdout, st.stdout
    assert '"reloads": 1' in st.stdout, st.stdout


def case_broken_zone(env):
    path = os.path.join(env.zones, "2.0.192.in-addr.arpa.zone")
    with open(path, "a") as f:
        f.write("60  PTR\n61  BOGUSTYPE x\n")
    env.start()
    log = env.log_text()
    assert "event=zone_failed" in log and "2.0.192.in-addr.arpa.zone:" in log, log
    assert rcode(env.udp("50.2.0.192.in-addr.arpa", "PTR")) == "REFUSED"
    assert rcode(env.udp("mail.example.org", "A")) == "NOERROR"
    st = env.ctl("status")
    assert '"served": false' in st.stdout and '"served": true' in st.stdout, st.stdout
    # A reload with the zone fixed serves it; one that breaks example.org keeps the other.
    shutil.copy(os.path.join(HERE, "zones", "2.0.192.in-addr.arpa.zone"), path)
    env.proc.send_signal(signal.SIGHUP)
    wait_for("the fixed zone", lambda: rcode(env.udp("50.2.0.192.in-addr.arpa", "PTR")) == "NOERROR")
    # A broken edit of a served zone: the reload logs it and keeps serving the old copy.
    with open(env.zone_path(), "a") as f:
        f.write("broken IN A not-an-address\n")
    env.proc.send_signal(signal.SIGHUP)
    wait_for("the failed reload", lambda: "kept_serial=2026120501" in env.log_text())
    assert "example.org.zone:" in env.log_text().split("kept_serial")[0].rsplit("\n", 1)[-1], env.log_text()
    assert rcode(env.udp("mail.example.org", "A")) == "NOERROR"
    assert rcode(env.udp("50.2.0.192.in-addr.arpa", "PTR")) == "NOERROR"
    st = env.ctl("status")
    assert '"kept_after_failed_reload": true' in st.stdout, st.stdout
    env.alive()


def case_notify(env):
    # env is built by main() with a notify target: the listener below.
    env.start()
    sock = env.notify_sock
    env.bump_zone(2026120503, "")
    env.proc.send_signal(signal.SIGHUP)
    sock.settimeout(10)
    data, addr = sock.recvfrom(65535)
    m = dns.message.from_wire(data)
    assert m.opcode() == dns.opcode.NOTIFY and m.flags & dns.flags.AA, m
    assert str(m.question[0].name) == "example.org." and m.question[0].rdtype == dns.rdatatype.SOA, m
    # Not acknowledged: it comes again (retry), then acknowledged.
    data2, addr2 = sock.recvfrom(65535)
    assert dns.message.from_wire(data2).id == m.id
    ack = dns.message.make_response(m)
    sock.sendto(ack.to_wire(), addr2)
    wait_for("notify_acknowledged", lambda: "event=notify_acknowledged" in env.log_text())
    st = env.ctl("status")
    assert '"notify_acknowledged": 1' in st.stdout, st.stdout
    env.alive()


def case_bad_config(env):
    with open(env.conf, "w") as f:
        f.write("listeners:\n  - {address: 127.0.0.1, port: notaport}\nzones:\n  - {name: example.org}\nudp_size: 10\nbogus: 1\n")
    r = subprocess.run([DNSD, "--config", env.conf, "--check"], capture_output=True, text=True, timeout=20)
    assert r.returncode == 1, r
    assert f"{env.conf}:2:" in r.stderr and "listeners[0].port" in r.stderr, r.stderr
    assert "zones[0].file" in r.stderr and "udp_size" in r.stderr and "bogus" in r.stderr, r.stderr
    good = os.path.join(env.tmp, "good.yaml")
    with open(good, "w") as f:
        f.write("user: nobody\nlisteners: [{address: 127.0.0.1, port: 53}]\nzones: [{name: example.org, file: /x}]\n")
    r = subprocess.run([DNSD, "--config", good, "--check"], capture_output=True, text=True, timeout=20)
    assert r.returncode == 0 and r.stdout.strip().endswith(": ok"), r


def case_rrl(env):
    env.start()
    q = make("mail.example.org", "A").to_wire()
    answered = truncated = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        for i in range(40):
            s.sendto(q, ("127.0.0.1", env.port))
        while True:
            try:
                r = dns.message.from_wire(s.recv(65535))
            except socket.timeout:
                break
            answered += 1
            truncated += bool(r.flags & dns.flags.TC)
    assert 5 <= answered < 40, answered
    assert truncated >= 1, (answered, truncated)
    # TCP is not limited.
    for _ in range(10):
        assert env.tcp("mail.example.org", "A").answer
    st = env.ctl("status")
    assert '"rrl_dropped": 0' not in st.stdout, st.stdout
    env.alive()


def case_threads(env):
    """threads: 2: a second UDP loop on the same port (SO_REUSEPORT) answers too, both
    answer from the new zones after a reload, and dnsd stops cleanly."""
    env.start()

    def ask_from_many(name, count=40):
        answers = []
        for _ in range(count):  # a socket (source port) each: the kernel spreads them
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(TIMEOUT)
                s.sendto(make(name, "A").to_wire(), ("127.0.0.1", env.port))
                answers.append(dns.message.from_wire(s.recv(65535)))
        return answers

    assert all(rcode(r) == "NOERROR" and r.answer for r in ask_from_many("mail.example.org"))
    st = json.loads(env.ctl("status").stdout)
    per_loop = st["status"]["counters"]["udp_queries_per_loop"]
    assert len(per_loop) == 2 and all(n > 0 for n in per_loop), per_loop
    env.bump_zone(2026120502, "new IN A 192.0.2.123")
    env.proc.send_signal(signal.SIGHUP)
    wait_for("the new record", lambda: env.udp("new.example.org", "A").answer)
    answers = ask_from_many("new.example.org")
    assert all(rcode(r) == "NOERROR" and "192.0.2.123" in str(r.answer[0]) for r in answers)
    env.alive()
    env.stop()
    assert env.proc.returncode == 0, env.log_text()[-2000:]


def main():
    case = sys.argv[1]
    fn = globals()[f"case_{case}"]
    tmp = tempfile.mkdtemp(prefix=f"dnsd-{case}-")
    env = None
    try:
        if case == "axfr_refused":
            env = Env(tmp, allow_transfer=("192.0.2.0/24",))
        elif case == "notify":
            ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            ns.bind(("127.0.0.1", 0))
            env = Env(tmp, notify=(f"127.0.0.1:{ns.getsockname()[1]}",))
            env.notify_sock = ns
        elif case == "threads":
            env = Env(tmp, extra="threads: 2\n")
        elif case == "rrl":
            env = Env(tmp, rrl="{responses_per_second: 5, slip: 2, window: 5s}")
        else:
            env = Env(tmp)
        fn(env)
        print(f"{case}: ok")
        return 0
    except Exception:
        if env and env.proc:
            sys.stderr.write("--- dnsd log ---\n" + env.log_text()[-4000:])
        raise
    finally:
        if env:
            env.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
