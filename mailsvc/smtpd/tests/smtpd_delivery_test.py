#!/usr/bin/python3
"""Remote delivery between two smtpd instances on 127.0.0.1 (A: example.org, B: remote.test),
with real clients (smtplib, swaks). One case per run: python3 smtpd_delivery_test.py CASE.
  relay_retry        B down: A defers and retries; B up: delivered once, A's queue empty
  bounce_permanent   B refuses the recipient (550): the sender gets a DSN, once
  bounce_expired     B never comes: after the queue lifetime the sender gets a 4.4.7 DSN
  mx_lookup          (own network namespace) A finds B through a fake DNS server's MX record
  submissions        implicit TLS on the submissions port (465 role) with smtplib.SMTP_SSL
  swaks              swaks: mx delivery, STARTTLS + AUTH submission, relay refused on mx
  queue_limits       452 4.3.1 when the queue is full (max_queued) or the disk is (queue_min_free)
  tls_fallback       a relay whose TLS handshake breaks: tls=may resends in clear, encrypt never
  queue_tool_flush   mailsvc-queue lists deferred mail and deletes one; SIGUSR1 (postqueue -f) delivers the rest
  bad_config         smtpd --check: a typo in the delivery section named with file:line:column
"""
import glob, json, os, shutil, signal, smtplib, socket, ssl, struct, subprocess, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
import mail_test_util as util  # noqa: E402
from mail_test_util import can_connect, free_port, wait_until  # noqa: E402

SMTPD = os.environ["SMTPD_BIN"]
ADMIN = os.environ["MAILSVC_ADMIN_BIN"]
DEADLINE = 15
PASSWORD = "s3cret-pw"








class Smtpd:
    """One smtpd with its own mail_root, users and ports."""

    def __init__(self, top, name, domain, users, delivery="", mx_port=None, limits=""):
        self.root = os.path.join(top, name)
        self.domain = domain
        self.mx = mx_port or free_port()
        self.sub, self.subs = free_port(), free_port()
        etc = os.path.join(self.root, "mail", "etc")
        os.makedirs(etc)
        admin(etc, "domain", "add", domain)
        for u in users:
            admin(etc, "user", "add", f"{u}@{domain}", "--password-stdin", stdin=PASSWORD + "\n")
        self.conf = os.path.join(self.root, "smtpd.yaml")
        with open(self.conf, "w") as f:
            f.write(f"mail_root: {self.root}/mail\nhostname: mx.{domain}\nlisteners:\n"
                    f"  - {{role: mx, address: 127.0.0.1, port: {self.mx}}}\n"
                    f"  - {{role: submission, address: 127.0.0.1, port: {self.sub}}}\n"
                    f"  - {{role: submissions, address: 127.0.0.1, port: {self.subs}}}\n"
                    f"limits:\n  max_errors: 50\n{limits}"
                    f"delivery:\n{delivery}")
        self.logpath = os.path.join(self.root, "smtpd.log")
        self.log = open(self.logpath, "ab")
        self.proc = None

    def start(self):
        # The ports are bound before the queue is recovered; event=started comes after it.
        before = self.logtext().count(" event=started ")
        self.proc = subprocess.Popen([SMTPD, "--config", self.conf, "--debug"], stdout=self.log, stderr=self.log)
        wait_until(lambda: self.logtext().count(" event=started ") > before, self.domain + " smtpd started")
        wait_until(lambda: can_connect(self.mx) and can_connect(self.sub), self.domain + " smtpd listening")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=DEADLINE)

    def messages(self, user):
        d = f"{self.root}/mail/maildirs/{self.domain}/{user}/Maildir"
        return sorted(glob.glob(d + "/new/*") + glob.glob(d + "/cur/*"))

    def queue(self):
        return sorted(glob.glob(f"{self.root}/mail/queue/*.msg"))

    def logtext(self):
        return open(self.logpath, errors="replace").read()

    def submit(self, to, subject, body="hello"):
        ctx = ssl._create_unverified_context()
        with smtplib.SMTP("127.0.0.1", self.sub, timeout=DEADLINE) as c:
            c.starttls(context=ctx)
            c.login(f"alice@{self.domain}", PASSWORD)
            c.sendmail(f"alice@{self.domain}", to,
                       f"From: alice@{self.domain}\r\nTo: {', '.join(to)}\r\nSubject: {subject}\r\n\r\n{body}\r\n")


def admin(etc, *args, stdin=None):
    util.admin(ADMIN, etc, *args, stdin=stdin, timeout=DEADLINE)


def read(path):
    return open(path, "rb").read()


def fast_retry(relay, lifetime="1h"):
    return (f"  relay_host: '{relay}'\n  min_backoff: 1s\n  max_backoff: 1s\n  queue_lifetime: {lifetime}\n"
            "  connect_timeout: 2s\n  command_timeout: 5s\n")


def case_relay_retry(top):
    b_port = free_port()
    a = Smtpd(top, "a", "example.org", ["alice"], fast_retry(f"[127.0.0.1]:{b_port}"))
    b = Smtpd(top, "b", "remote.test", ["bob"], mx_port=b_port, delivery="  min_backoff: 1h\n")
    servers = [a, b]
    try:
        a.start()
        a.submit(["bob@remote.test", "alice@example.org"], "across")
        wait_until(lambda: "status=deferred" in a.logtext(), "A deferring (B is down)")
        wait_until(lambda: a.logtext().count("status=deferred") >= 2, "A retrying")
        assert len(a.queue()) == 1, a.queue()
        assert len(a.messages("alice")) == 1, "the local copy went out at once"
        b.start()
        wait_until(lambda: len(b.messages("bob")) == 1, "delivery to B after it came up")
        wait_until(lambda: a.queue() == [], "A's queue emptied")
        time.sleep(1.5)  # one more retry period: nothing is sent twice
        assert len(b.messages("bob")) == 1, b.messages("bob")
        m = read(b.messages("bob")[0])
        assert b"Subject: across" in m and b"by mx.example.org" in m, m[:600]
        assert b"with ESMTPS" in m, "A used STARTTLS towards B (tls: may)"
        assert "relay=127.0.0.1[127.0.0.1]:%d" % b_port in a.logtext()
        print("ok: deferred while B was down, delivered once over STARTTLS when it came up")
    finally:
        for s in servers:
            s.stop()


def case_bounce_permanent(top):
    b_port = free_port()
    a = Smtpd(top, "a", "example.org", ["alice"], fast_retry(f"[127.0.0.1]:{b_port}"))
    b = Smtpd(top, "b", "remote.test", ["bob"], mx_port=b_port, delivery="  min_backoff: 1h\n")
    try:
        b.start()
        a.start()
        a.submit(["nobody@remote.test", "bob@remote.test"], "half wrong", "secret body")
        wait_until(lambda: len(b.messages("bob")) == 1, "bob's copy")
        wait_until(lambda: len(a.messages("alice")) == 1, "the bounce to alice")
        dsn = read(a.messages("alice")[0])
        for want in (b"Content-Type: multipart/report", b"report-type=delivery-status", b"Final-Recipient: rfc822; nobody@remote.test",
                     b"Action: failed", b"Status: 5.1.1", b"550 5.1.1", b"Subject: half wrong", b"MAILER-DAEMON@mx.example.org"):
            assert want in dsn, (want, dsn[:3000])
        assert b"secret body" not in dsn, "only the original headers are returned"
        assert dsn.count(b"Final-Recipient:") == 1, "delivered recipients are not reported"
        wait_until(lambda: a.queue() == [], "A's queue emptied")
        time.sleep(1.5)
        assert len(a.messages("alice")) == 1, "one bounce only"
        assert "status=bounced" in a.logtext()
        print("ok: 550 from the relay -> one DSN to the sender with the original headers only")
    finally:
        a.stop()
        b.stop()


def case_bounce_expired(top):
    a = Smtpd(top, "a", "example.org", ["alice"], fast_retry(f"[127.0.0.1]:{free_port()}", lifetime="3s"))
    try:
        a.start()
        a.submit(["bob@remote.test"], "never arrives")
        wait_until(lambda: len(a.messages("alice")) == 1, "the 4.4.7 bounce")
        dsn = read(a.messages("alice")[0])
        assert b"Status: 4.4.7" in dsn and b"queue lifetime" in dsn, dsn[:3000]
        assert b"Subject: never arrives" in dsn
        wait_until(lambda: a.queue() == [], "A's queue emptied")
        assert "status=expired" in a.logtext()
        print("ok: relay down past the queue lifetime -> 4.4.7 DSN, queue empty")
    finally:
        a.stop()


class FakeDns(threading.Thread):
    """Answers MX and A queries from a table, on 127.0.0.1 only."""

    def __init__(self, records):
        super().__init__(daemon=True)
        self.records = records  # (name, qtype) -> list of rdata bytes
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.queries = []

    @staticmethod
    def name(n):
        return b"".join(bytes([len(p)]) + p.encode() for p in n.rstrip(".").split(".") if p) + b"\0"

    def run(self):
        while not self.stopping:
            try:
                q, peer = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            qid, = struct.unpack("!H", q[:2])
            pos, labels = 12, []
            while q[pos]:
                labels.append(q[pos + 1:pos + 1 + q[pos]].decode())
                pos += 1 + q[pos]
            qtype, = struct.unpack("!H", q[pos + 1:pos + 3])
            question = q[12:pos + 5]
            qname = ".".join(labels).lower()
            self.queries.append((qname, qtype))
            answers = self.records.get((qname, qtype), [])
            known = any(k[0] == qname for k in self.records)
            rcode = 0 if known else 3
            out = struct.pack("!HHHHHH", qid, 0x8400 | rcode, 1, len(answers), 0, 0) + question
            for rdata in answers:
                out += b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 60, len(rdata)) + rdata
            self.sock.sendto(out, peer)


def case_mx_lookup(top):
    # Run inside a fresh network namespace (only its loopback): B can own port 25 there.
    if os.environ.get("HAMAIL_IN_NETNS") != "1":
        env = dict(os.environ, HAMAIL_IN_NETNS="1")
        r = subprocess.run(["unshare", "--net", "--", sys.executable, __file__, "mx_lookup"], env=env, timeout=60)
        if r.returncode != 0:
            raise AssertionError("mx_lookup in its namespace failed")
        return
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    dns = FakeDns({
        ("remote.test", 15): [struct.pack("!H", 20) + FakeDns.name("backup.remote.test"),
                              struct.pack("!H", 10) + FakeDns.name("mx1.remote.test"),
                              struct.pack("!H", 5) + FakeDns.name("dead.remote.test")],
        ("dead.remote.test", 1): [socket.inet_aton("127.0.0.3")],  # nothing listens there
        ("mx1.remote.test", 1): [socket.inet_aton("127.0.0.1")],
        ("backup.remote.test", 1): [socket.inet_aton("127.0.0.2")],
    })
    dns.start()
    a = Smtpd(top, "a", "example.org", ["alice"],
              f"  dns_server: 127.0.0.1:{dns.port}\n  min_backoff: 1s\n  max_backoff: 1s\n  connect_timeout: 2s\n")
    b = Smtpd(top, "b", "remote.test", ["bob"], mx_port=25, delivery="  min_backoff: 1h\n")
    try:
        b.start()
        a.start()
        a.submit(["bob@remote.test"], "via mx")
        wait_until(lambda: len(b.messages("bob")) == 1, "delivery through the MX record")
        wait_until(lambda: a.queue() == [], "A's queue emptied")
        assert ("remote.test", 15) in dns.queries and ("mx1.remote.test", 1) in dns.queries, dns.queries
        log = a.logtext()
        assert "relay=dead.remote.test[127.0.0.3]:25" in log and "retry_next_host=true" in log, "tried first"
        assert "event=delivered" in log and "relay=mx1.remote.test[127.0.0.1]:25" in log, "then the next MX"
        assert "backup.remote.test[" not in log, "not the backup once delivered"
        print("ok: MX lookup in preference order: dead MX 5 refused, delivered to MX 10 on port 25")
    finally:
        dns.stopping = True
        a.stop()
        b.stop()
        dns.join(timeout=5)


def case_submissions(top):
    a = Smtpd(top, "a", "example.org", ["alice", "carol"], "  relay_host: '[127.0.0.1]:1'\n")
    try:
        a.start()
        ctx = ssl._create_unverified_context()
        with smtplib.SMTP_SSL("127.0.0.1", a.subs, context=ctx, timeout=DEADLINE) as c:
            assert c.sock.version() in ("TLSv1.2", "TLSv1.3"), c.sock.version()
            ehlo = c.ehlo()[1].decode()
            assert "STARTTLS" not in ehlo and "AUTH PLAIN LOGIN" in ehlo, ehlo
            try:
                c.sendmail("alice@example.org", ["carol@example.org"], "Subject: x\r\n\r\nx\r\n")
                raise AssertionError("mail accepted without AUTH on submissions")
            except smtplib.SMTPSenderRefused as e:
                assert e.smtp_code == 530, e
            c.login("alice@example.org", PASSWORD)
            c.sendmail("alice@example.org", ["carol@example.org"], "Subject: over 465\r\n\r\nimplicit\r\n")
        wait_until(lambda: len(a.messages("carol")) == 1, "delivery to carol")
        m = read(a.messages("carol")[0])
        assert b"Subject: over 465" in m and b"ESMTPSA" in m and b"Message-ID: <" in m, m[:600]
        print("ok: implicit TLS submission: AUTH required, then delivered with Message-ID added")
    finally:
        a.stop()


def swaks(*args):
    return subprocess.run(["swaks", "--timeout", "10", *args], capture_output=True, text=True, timeout=30)


def case_swaks(top):
    a = Smtpd(top, "a", "example.org", ["alice", "carol"], "  relay_host: '[127.0.0.1]:1'\n")
    try:
        a.start()
        r = swaks("--server", "127.0.0.1", "--port", str(a.mx), "--from", "bob@other.net", "--to", "carol@example.org",
                  "--header", "Subject: from swaks", "--body", "plain mx")
        assert r.returncode == 0, r.stdout + r.stderr
        r = swaks("--server", "127.0.0.1", "--port", str(a.sub), "-tls", "--auth", "PLAIN",
                  "--auth-user", "alice@example.org", "--auth-password", PASSWORD,  # a test password, not a secret
                  "--from", "alice@example.org", "--to", "carol@example.org", "--header", "Subject: swaks submission")
        assert r.returncode == 0, r.stdout + r.stderr
        assert "235 2.7.0" in r.stdout, r.stdout
        r = swaks("--server", "127.0.0.1", "--port", str(a.mx), "--from", "bob@other.net", "--to", "eve@gmail.com")
        assert r.returncode != 0 and "554 5.7.1" in r.stdout, r.stdout  # no open relay
        r = swaks("--server", "127.0.0.1", "--port", str(a.sub), "--from", "alice@example.org", "--to", "carol@example.org")
        assert r.returncode != 0 and "530 5.7.0" in r.stdout, r.stdout  # submission needs AUTH
        wait_until(lambda: len(a.messages("carol")) == 2, "both swaks messages")
        subjects = sorted(l for p in a.messages("carol") for l in read(p).split(b"\r\n") if l.startswith(b"Subject:"))
        assert subjects == [b"Subject: from swaks", b"Subject: swaks submission"], subjects
        print("ok: swaks: mx delivery, STARTTLS + AUTH PLAIN submission, relay refused, AUTH required")
    finally:
        a.stop()


def case_bad_config(top):
    conf = os.path.join(top, "smtpd.yaml")
    with open(conf, "w") as f:
        f.write("mail_root: /srv/mail\nlisteners:\n  - {role: mx, address: 127.0.0.1, port: 25}\n"
                "delivery:\n  relay_host: '[10.0.0.1]:587'\n  max_paralel: 4\n")
    r = subprocess.run([SMTPD, "--config", conf, "--check"], capture_output=True, text=True, timeout=DEADLINE)
    assert r.returncode == 1, r
    assert "smtpd.yaml:6:3: delivery.max_paralel" in r.stderr and "max_parallel" in r.stderr, r.stderr
    with open(conf, "w") as f:
        f.write("mail_root: /srv/mail\nlisteners:\n  - {role: mx, address: 127.0.0.1, port: 25}\n")
    r = subprocess.run([SMTPD, "--config", conf, "--check"], capture_output=True, text=True, timeout=DEADLINE)
    assert r.returncode == 0 and r.stdout.strip().endswith(": ok"), r
    print("ok: --check names file:line:column, the key and a suggestion")


def case_queue_limits(top):
    # max_queued 1: a message waiting for a relay that is down fills the queue.
    a = Smtpd(top, "a", "example.org", ["alice"], fast_retry(f"[127.0.0.1]:{free_port()}"), limits="  max_queued: 1\n")
    b = Smtpd(top, "b", "example.org", ["alice"], "  min_backoff: 1h\n", limits="  queue_min_free: 1000T\n")
    c_srv = Smtpd(top, "c", "example.org", ["alice"], "  min_backoff: 1h\n")
    try:
        a.start()
        a.submit(["bob@remote.test"], "waits")
        wait_until(lambda: "status=deferred" in a.logtext(), "the first message deferred")
        try:
            a.submit(["bob@remote.test"], "one too many")
            raise AssertionError("accepted beyond max_queued")
        except smtplib.SMTPDataError as e:
            assert e.smtp_code == 452 and b"4.3.1" in e.smtp_error, e
        assert len(a.queue()) == 1, a.queue()
        b.start()
        with smtplib.SMTP("127.0.0.1", b.mx, timeout=DEADLINE) as c:
            try:
                c.sendmail("x@other.net", ["alice@example.org"], "Subject: no room\r\n\r\nx\r\n")
                raise AssertionError("accepted without free space")
            except smtplib.SMTPDataError as e:
                assert e.smtp_code == 452 and b"4.3.1" in e.smtp_error, e
            assert c.noop()[0] == 250, "the session goes on"
        assert b.queue() == [] and b.messages("alice") == []
        hops = "".join(f"Received: from hop{i}.test by hop{i + 1}.test; Thu, 26 Nov 2026 10:00:00 +0000\r\n"
                       for i in range(50))
        # The hop count is known at the end of the header section, after DATA's space check:
        # a server with room (c) refuses the loop, and stores nothing of it.
        c_srv.start()
        with smtplib.SMTP("127.0.0.1", c_srv.mx, timeout=DEADLINE) as c:
            try:
                c.sendmail("x@other.net", ["alice@example.org"], hops + "Subject: loop\r\n\r\nx\r\n")
                raise AssertionError("a message with 50 Received fields was accepted")
            except smtplib.SMTPDataError as e:
                assert e.smtp_code == 554 and b"5.4.6" in e.smtp_error, e
        assert "event=too_many_hops" in c_srv.logtext()
        assert c_srv.queue() == [] and os.listdir(os.path.join(c_srv.root, "mail", "queue")) == []
        assert "event=queue_full" in a.logtext() and "event=queue_full" in b.logtext()
        print("ok: 452 4.3.1 beyond max_queued and below queue_min_free, 554 5.4.6 for a loop, nothing stored")
    finally:
        a.stop()
        b.stop()
        c_srv.stop()


class BrokenTlsRelay(threading.Thread):
    """An SMTP server on 127.0.0.1 that offers STARTTLS, answers the handshake with bytes
    that are not TLS, and takes a transaction in clear. Records what it received."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.messages, self.starttls = [], 0

    def run(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            with conn:
                try:
                    self.serve(conn)
                except OSError:
                    pass

    def serve(self, conn):
        conn.settimeout(5)
        f = conn.makefile("rb")
        conn.sendall(b"220 broken.test ESMTP\r\n")
        data, lines = False, []
        for _ in range(10000):
            line = f.readline()
            if not line:
                return
            if data:
                if line == b".\r\n":
                    self.messages.append(b"".join(lines))
                    conn.sendall(b"250 2.0.0 ok\r\n")
                    data, lines = False, []
                else:
                    lines.append(line)
                continue
            cmd = line[:4].upper()
            if cmd == b"EHLO":
                conn.sendall(b"250-broken.test\r\n250-STARTTLS\r\n250 PIPELINING\r\n")
            elif cmd == b"STAR":
                self.starttls += 1
                conn.sendall(b"220 2.0.0 go ahead\r\n" + b"this is not a TLS record\r\n" * 8)
                return
            elif cmd in (b"MAIL", b"RCPT"):
                conn.sendall(b"250 2.1.0 ok\r\n")
            elif cmd == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                data = True
            elif cmd == b"QUIT":
                conn.sendall(b"221 2.0.0 bye\r\n")
                return
            else:
                conn.sendall(b"502 5.5.1 no\r\n")


def case_tls_fallback(top):
    relay = BrokenTlsRelay()
    relay.start()
    may = Smtpd(top, "may", "example.org", ["alice"], fast_retry(f"[127.0.0.1]:{relay.port}"))
    enc = Smtpd(top, "enc", "example.org", ["alice"], fast_retry(f"[127.0.0.1]:{relay.port}") + "  tls: encrypt\n")
    try:
        enc.start()
        enc.submit(["bob@remote.test"], "must be encrypted")
        wait_until(lambda: enc.logtext().count("status=deferred") >= 2, "encrypt: deferred, retried")
        assert relay.messages == [], "tls: encrypt never sends in clear"
        assert "tls_failed_retry_in_clear" not in enc.logtext()
        enc.stop()
        may.start()
        may.submit(["bob@remote.test"], "clear is fine")
        wait_until(lambda: len(relay.messages) == 1, "may: delivered in clear after the failed handshake")
        wait_until(lambda: may.queue() == [], "queue emptied")
        assert b"Subject: clear is fine" in relay.messages[0]
        assert "event=tls_failed_retry_in_clear" in may.logtext() and relay.starttls >= 3
        print("ok: STARTTLS handshake broken: tls=may retries the host in clear, tls=encrypt keeps deferring")
    finally:
        may.stop()
        enc.stop()
        relay.stopping = True
        relay.join(timeout=5)


def case_queue_tool_flush(top):
    b_port = free_port()
    # A long backoff: only the flush (SIGUSR1, postqueue -f) can make A try again soon.
    a = Smtpd(top, "a", "example.org", ["alice"],
              f"  relay_host: '[127.0.0.1]:{b_port}'\n  min_backoff: 1h\n  connect_timeout: 2s\n")
    b = Smtpd(top, "b", "remote.test", ["bob"], mx_port=b_port, delivery="  min_backoff: 1h\n")
    queue_bin = os.environ["MAILSVC_QUEUE_BIN"]

    def tool(*args):
        return subprocess.run([queue_bin, "--config", a.conf, *args], capture_output=True, text=True, timeout=DEADLINE)
    try:
        a.start()
        a.submit(["bob@remote.test", "carol@remote.test"], "flush me")
        a.submit(["bob@remote.test"], "delete me")
        wait_until(lambda: a.logtext().count("status=deferred") >= 3, "every recipient deferred")
        listed = json.loads(tool("--json").stdout)
        assert len(listed) == 2, listed
        first = next(m for m in listed if len(m["recipients"]) == 2)
        doomed = next(m for m in listed if len(m["recipients"]) == 1)
        assert first["from"] == "alice@example.org" and first["attempts"] == 1, first
        states = {x["address"]: (x["state"], x["status"], x["diagnostic"]) for x in first["recipients"]}
        assert states["bob@remote.test"][0] == "remote" and states["bob@remote.test"][1].startswith("4."), states
        assert "connect" in states["bob@remote.test"][2] or "refused" in states["bob@remote.test"][2], states
        text = tool().stdout
        assert first["id"] in text and "remote bob@remote.test" in text and "-- 2 message(s)" in text, text
        r = tool("delete", doomed["id"])
        assert r.returncode == 0 and "deleted" in r.stdout, r
        r = tool("delete", "0123ABCD")
        assert r.returncode == 1 and "no such queued message" in r.stderr, r
        assert [m["id"] for m in json.loads(tool("--json").stdout)] == [first["id"]]
        b.start()
        a.proc.send_signal(signal.SIGUSR1)
        wait_until(lambda: len(b.messages("bob")) == 1, "delivery right after the flush")
        wait_until(lambda: a.queue() == [], "A's queue emptied")
        wait_until(lambda: "event=queue_entry_gone" in a.logtext(), "A forgetting the deleted message")
        time.sleep(0.5)
        assert len(b.messages("bob")) == 1 and b"Subject: flush me" in read(b.messages("bob")[0])
        assert "event=queue_flush" in a.logtext()
        assert json.loads(tool("--json").stdout) == []
        print("ok: mailsvc-queue lists deferred mail with its last error and deletes one; SIGUSR1 delivers the rest now")
    finally:
        a.stop()
        b.stop()


CASES = {
    "queue_tool_flush": case_queue_tool_flush,
    "tls_fallback": case_tls_fallback,
    "queue_limits": case_queue_limits,
    "bad_config": case_bad_config,
    "relay_retry": case_relay_retry,
    "bounce_permanent": case_bounce_permanent,
    "bounce_expired": case_bounce_expired,
    "mx_lookup": case_mx_lookup,
    "submissions": case_submissions,
    "swaks": case_swaks,
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        sys.exit("usage: smtpd_delivery_test.py " + "|".join(CASES))
    top = util.reachable_tmpdir("smtpd-delivery-")
    ok = False
    try:
        CASES[sys.argv[1]](top)
        ok = True
    finally:
        if not ok:
            for path in sorted(glob.glob(f"{top}/*/smtpd.log")):
                sys.stdout.write(f"--- {path}\n" + open(path, errors="replace").read()[-5000:])
        shutil.rmtree(top, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
