#!/usr/bin/python3
"""The mail trace end to end: a real smtpd, pop3d and imapd on one mail_root (loopback, free
ports), 3 messages sent with smtplib (one over STARTTLS + AUTH), one retrieved with poplib,
one read and expunged with imaplib; mailsvc-trace indexes smtpd's log as node1's and
pop3d's and imapd's as node2's, and each message's timeline must read received ->
delivered (-> retrieved -> removed); --user hides other users' mail;
indexing again adds nothing; `follow` picks up what is appended while it runs."""
import imaplib
import os
import poplib
import re
import signal
import smtplib
import ssl
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
import mail_test_util as util  # noqa: E402
from mail_test_util import can_connect, free_port, wait_until  # noqa: E402

SMTPD, POP3D, IMAPD = os.environ["SMTPD_BIN"], os.environ["POP3D_BIN"], os.environ["IMAPD_BIN"]
ADMIN, TRACE = os.environ["MAILSVC_ADMIN_BIN"], os.environ["TRACE_BIN"]
PASSWORD = "s3cret-pw"
TIMEOUT = 15


def message(mid, sender, to, subject):
    return f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{mid}>\r\n\r\nhello\r\n"


def trace(db, *args, expect=0):
    r = subprocess.run([TRACE, "--db", db, *args], capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == expect, (args, r.returncode, r.stdout, r.stderr)
    return r.stdout, r.stderr


def steps(out):
    """The timeline's (node, kind, recipient) triples, in order."""
    rows = []
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 3 and f[0][:4].isdigit() and "T" in f[0]:
            rows.append((f[1], f[2], f[3] if len(f) > 3 and f[3].startswith("<") else ""))
    return rows


def start(binary, config, log_path, ports):
    log = open(log_path, "ab")
    proc = subprocess.Popen([binary, "--config", config], stdout=log, stderr=log)
    for port in ports:
        wait_until(lambda: can_connect(port) or proc.poll() is not None, f"{binary} listening on {port}", TIMEOUT)
        assert proc.poll() is None, open(log_path, errors="replace").read()
    return proc


def main():
    with tempfile.TemporaryDirectory(prefix="trace-test-") as top:
        os.chmod(top, 0o755)
        root = os.path.join(top, "mail")
        etc = os.path.join(root, "etc")
        os.makedirs(etc)
        util.admin(ADMIN, etc, "domain", "add", "example.org", timeout=TIMEOUT)
        for u in ("alice", "bob", "carol"):
            util.admin(ADMIN, etc, "user", "add", f"{u}@example.org", "--password-stdin", stdin=PASSWORD + "\n",
                       timeout=TIMEOUT)
        mx, sub, pop, imap = free_port(), free_port(), free_port(), free_port()
        with open(os.path.join(top, "smtpd.yaml"), "w") as f:
            f.write(f"mail_root: {root}\nhostname: mx.example.org\nlisteners:\n"
                    f"  - {{role: mx, address: 127.0.0.1, port: {mx}}}\n"
                    f"  - {{role: submission, address: 127.0.0.1, port: {sub}}}\n")
        with open(os.path.join(top, "pop3d.yaml"), "w") as f:
            f.write(f"mail_root: {root}\nhostname: mx.example.org\nlisteners:\n"
                    f"  - {{tls: starttls, address: 127.0.0.1, port: {pop}}}\nauth_failure_delay: 100ms\n")
        with open(os.path.join(top, "imapd.yaml"), "w") as f:
            f.write(f"mail_root: {root}\nhostname: mx.example.org\nlisteners:\n"
                    f"  - {{tls: starttls, address: 127.0.0.1, port: {imap}}}\nauth_failure_delay: 100ms\n")
        smtpd_log, pop3d_log = os.path.join(top, "smtpd.log"), os.path.join(top, "pop3d.log")
        imapd_log = os.path.join(top, "imapd.log")
        procs = []
        try:
            procs.append(start(SMTPD, os.path.join(top, "smtpd.yaml"), smtpd_log, [mx, sub]))
            procs.append(start(POP3D, os.path.join(top, "pop3d.yaml"), pop3d_log, [pop]))
            procs.append(start(IMAPD, os.path.join(top, "imapd.yaml"), imapd_log, [imap]))
            smtpd_text = lambda: open(smtpd_log, errors="replace").read()  # noqa: E731

            # 1: alice -> bob over submission (STARTTLS + AUTH); delivered before the others, so it is bob's message 1.
            with smtplib.SMTP("127.0.0.1", sub, timeout=TIMEOUT) as c:
                c.starttls(context=ssl._create_unverified_context())
                c.login("alice@example.org", PASSWORD)
                c.sendmail("alice@example.org", ["bob@example.org"],
                           message("m1.trace@test", "alice@example.org", "bob@example.org", "one"))
            wait_until(lambda: smtpd_text().count("event=delivered") == 1, "message 1 delivered", TIMEOUT)
            # 2: dave -> bob and 3: dave -> carol, from outside over the mx port (no TLS).
            with smtplib.SMTP("127.0.0.1", mx, timeout=TIMEOUT) as c:
                c.sendmail("dave@other.net", ["bob@example.org"],
                           message("m2.trace@test", "dave@other.net", "bob@example.org", "two"))
                c.sendmail("dave@other.net", ["carol@example.org"],
                           message("m3.trace@test", "dave@other.net", "carol@example.org", "three"))
            wait_until(lambda: smtpd_text().count("event=delivered") == 3, "messages 2 and 3 delivered", TIMEOUT)

            # bob reads message 1 over POP3.
            p = poplib.POP3("127.0.0.1", pop, timeout=TIMEOUT)
            p.stls(context=ssl._create_unverified_context())
            p.user("bob@example.org")
            p.pass_(PASSWORD)
            _, lines, _ = p.retr(1)
            assert b"Message-ID: <m1.trace@test>" in lines, lines
            p.quit()
            wait_until(lambda: "event=message_read" in open(pop3d_log, errors="replace").read(), "pop3d's log")

            # carol reads message 3 over IMAP, then deletes it.
            m = imaplib.IMAP4("127.0.0.1", imap, timeout=TIMEOUT)
            m.starttls(ssl_context=ssl._create_unverified_context())
            m.login("carol@example.org", PASSWORD)
            m.select("INBOX")
            typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")  # not the whole message: not logged
            assert typ == "OK", data
            typ, data = m.fetch("1", "(BODY[])")
            assert typ == "OK" and b"Message-ID: <m3.trace@test>" in data[0][1], data
            m.store("1", "+FLAGS", "\\Deleted")
            assert m.expunge()[0] == "OK"
            m.logout()
            imapd_text = lambda: open(imapd_log, errors="replace").read()  # noqa: E731
            wait_until(lambda: "event=message_deleted" in imapd_text(), "imapd's log")
            assert imapd_text().count("event=message_read") == 1, imapd_text()

            db = os.path.join(top, "trace.db")
            out, err = trace(db, "index", "node1=" + smtpd_log, "node2=" + pop3d_log, "node2=" + imapd_log)
            # smtpd: 3 queued + 3 delivered; pop3d: 1 message_read; every line a log record.
            assert re.search(r"smtpd\.log: \d+ lines, 6 trace records, 6 new, 0 bad", out), (out, err)
            assert re.search(r"pop3d\.log: \d+ lines, 1 trace records, 1 new, 0 bad", out), (out, err)
            assert re.search(r"imapd\.log: \d+ lines, 2 trace records, 2 new, 0 bad", out), (out, err)

            out, _ = trace(db, "show", "<m1.trace@test>")
            print(out, end="")
            s = steps(out)
            assert [k for _, k, _ in s] == ["received", "delivered", "retrieved"], out
            assert s[1] == ("node1", "delivered", "<bob@example.org>") and s[2] == ("node2", "retrieved", "<bob@example.org>"), out
            received = next(line for line in out.splitlines() if " received " in line)
            assert "tls=true" in received and "auth_user=alice@example.org" in received, received
            assert "status delivered" in out and "from <alice@example.org>" in out, out
            qid = out.split()[1]
            assert trace(db, "show", qid)[0] == out  # by queue id: the same

            out, _ = trace(db, "show", "m2.trace@test")
            assert [k for _, k, _ in steps(out)] == ["received", "delivered"], out
            received = next(line for line in out.splitlines() if " received " in line)
            assert "tls=false" in received and "client=127.0.0.1" in received, received

            out, _ = trace(db, "show", "m3.trace@test")
            assert steps(out) == [("node1", "received", "<carol@example.org>"), ("node1", "delivered", "<carol@example.org>"),
                                  ("node2", "retrieved", "<carol@example.org>"), ("node2", "removed", "<carol@example.org>")], out

            # The access rule: carol sees only her message, bob his two, alice the one she sent.
            _, err = trace(db, "--user", "carol@example.org", "show", "<m1.trace@test>", expect=1)
            assert "no such message" in err, err
            def visible(user):
                out, _ = trace(db, "--user", user, "search")
                return sorted(line.split()[3] for line in out.splitlines() if line.startswith("queue_id "))
            assert visible("carol@example.org") == ["<m3.trace@test>"], visible("carol@example.org")
            assert visible("bob@example.org") == ["<m1.trace@test>", "<m2.trace@test>"], visible("bob@example.org")
            assert visible("alice@example.org") == ["<m1.trace@test>"]
            out, _ = trace(db, "search", "--from", "dave@other.net", "--status", "delivered")
            assert out.count("queue_id ") == 2, out

            # Indexing again adds nothing.
            out, _ = trace(db, "index", "node1=" + smtpd_log, "node2=" + pop3d_log, "node2=" + imapd_log)
            assert out.count(" 0 new") == 3, out

            # From a pipe (as from journalctl -o cat): the same timeline.
            db3 = os.path.join(top, "stdin.db")
            with open(smtpd_log, "rb") as f:
                r = subprocess.run([TRACE, "--db", db3, "index", "node1=-", "node2=" + pop3d_log], stdin=f,
                                   capture_output=True, text=True, timeout=TIMEOUT)
            assert r.returncode == 0 and "stdin: " not in r.stderr, (r.stdout, r.stderr)
            out, _ = trace(db3, "show", "<m1.trace@test>")
            assert [k for _, k, _ in steps(out)] == ["received", "delivered", "retrieved"], out

            # follow: a second index, kept up to date while mail flows.
            db2 = os.path.join(top, "follow.db")
            follower = subprocess.Popen([TRACE, "--db", db2, "follow", "node1=" + smtpd_log],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            try:
                wait_until(lambda: subprocess.run([TRACE, "--db", db2, "show", "m3.trace@test"],
                                                  capture_output=True).returncode == 0, "follow indexing the log")
                with smtplib.SMTP("127.0.0.1", mx, timeout=TIMEOUT) as c:
                    c.sendmail("dave@other.net", ["carol@example.org"],
                               message("m4.trace@test", "dave@other.net", "carol@example.org", "four"))
                wait_until(lambda: "delivered" in subprocess.run(
                    [TRACE, "--db", db2, "show", "m4.trace@test"], capture_output=True, text=True).stdout,
                    "follow picking up a new message")
            finally:
                follower.send_signal(signal.SIGTERM)
                rc = follower.wait(timeout=TIMEOUT)
            assert rc == 0, (rc, follower.stderr.read())
            print("ok: timelines across both logs, access rule, idempotent re-index, follow")
        except BaseException:
            for path in (smtpd_log, pop3d_log, imapd_log):
                if os.path.exists(path):
                    sys.stderr.write(f"--- {path}\n" + open(path, errors="replace").read())
            raise
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.terminate()
                    proc.wait(timeout=TIMEOUT)


if __name__ == "__main__":
    main()
