#!/usr/bin/python3
"""imapd against Python's imaplib (and curl, and a raw socket for COMPRESS) on loopback:
one case per run (argv[1]), each with its own mail root and imapd on free ports; every
wait has a deadline."""
import imaplib
import os
import re
import socket
import subprocess
import sys
import time
import zlib

IMAPD = os.environ["IMAPD_BIN"]
ADMIN = os.environ["MAILSVC_ADMIN_BIN"]
USER, PASSWORD = "alice@example.org", "correct horse battery"
TIMEOUT = 10
RUN_AS = "nobody"  # an existing unprivileged account (imapd's default is mail)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
from mail_test_util import MailboxDaemonEnv, run_case, unverified_tls_ctx as tls_ctx  # noqa: E402


class Env(MailboxDaemonEnv):
    def __init__(self, tmp):
        super().__init__(tmp, "imapd", IMAPD, ADMIN, USER, PASSWORD, RUN_AS, TIMEOUT)

    def plain(self):
        return imaplib.IMAP4("127.0.0.1", self.plain_port, timeout=TIMEOUT)

    def login(self):
        m = self.plain()
        m.starttls(ssl_context=tls_ctx())
        m.login(USER, PASSWORD)
        return m

    def raw(self):
        s = socket.create_connection(("127.0.0.1", self.plain_port), timeout=TIMEOUT)
        return s, s.makefile("rb")


def ok(result):
    typ, data = result
    assert typ == "OK", (typ, data)
    return data


def expect_error(kind, fn, *args):
    try:
        r = fn(*args)
    except kind as e:
        return str(e)
    raise AssertionError(f"{fn.__name__}{args}: expected {kind.__name__}, got {r}")


def flat(data):
    """A FETCH answer as one byte string (imaplib splits it at literals)."""
    return b"".join(x if isinstance(x, bytes) else x[0] + x[1] for x in data if x is not None)


def read_tagged(f, tag):
    """Lines up to and including the tagged one (bytes)."""
    lines = []
    while True:
        line = f.readline()
        assert line, f"connection closed before {tag}: {lines}"
        lines.append(line)
        if line.startswith(tag + b" "):
            return lines


MESSAGES = [
    "From: Bob <bob@example.org>\r\nTo: alice@example.org\r\nSubject: one\r\n"
    "Date: Mon, 6 Nov 2023 10:00:00 +0000\r\nMessage-ID: <one@example.org>\r\n\r\nhello world\r\n",
    "From: carol@example.org\r\nSubject: two\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\npart one\r\n"
    "--b1\r\nContent-Type: text/html\r\n\r\n<p>part two</p>\r\n--b1--\r\n",
    "From: dave@example.org\r\nSubject: three\r\n\r\nbody a\r\nbody b\r\nneedle here\r\n",
]


def case_login_plaintext_refused(env):
    env.start()
    m = env.plain()
    assert "LOGINDISABLED" in m.capabilities and "STARTTLS" in m.capabilities, m.capabilities
    m.logout()
    s, f = env.raw()
    assert f.readline().startswith(b"* OK")
    s.sendall(f"a LOGIN {USER} \"{PASSWORD}\"\r\n".encode())
    assert read_tagged(f, b"a")[-1].startswith(b"a NO [PRIVACYREQUIRED]")
    s.sendall(b"b AUTHENTICATE PLAIN AGFsaWNlQGV4YW1wbGUub3JnAHg=\r\n")
    assert read_tagged(f, b"b")[-1].startswith(b"b NO [PRIVACYREQUIRED]")
    s.close()


def case_login_plaintext_allowed(env):
    env.configure("allow_plaintext_auth: true\n")
    env.deliver(MESSAGES[0])
    env.start()
    m = env.plain()
    assert "LOGINDISABLED" not in m.capabilities, m.capabilities
    ok(m.login(USER, PASSWORD))
    assert ok(m.select("INBOX")) == [b"1"]
    m.logout()


def case_starttls(env):
    env.deliver(MESSAGES[0])
    env.start()
    m = env.plain()
    ok(m.starttls(ssl_context=tls_ctx()))
    caps = ok(m.capability())[0].decode().split()
    assert "STARTTLS" not in caps and "LOGINDISABLED" not in caps and "AUTH=PLAIN" in caps, caps
    ok(m.login(USER, PASSWORD))
    assert ok(m.select("INBOX")) == [b"1"]
    assert m.logout()[0] == "BYE"
    log = env.log_text()
    assert "event=tls_started" in log and f"event=login" in log and f"user={USER}" in log, log


def case_implicit_tls(env):
    env.deliver(MESSAGES[0])
    env.start()
    m = imaplib.IMAP4_SSL("127.0.0.1", env.tls_port, ssl_context=tls_ctx(), timeout=TIMEOUT)
    assert "STARTTLS" not in m.capabilities, m.capabilities
    ok(m.authenticate("PLAIN", lambda _: f"\0{USER}\0{PASSWORD}".encode()))
    assert ok(m.select("INBOX", readonly=True)) == [b"1"]
    m.logout()


def case_bad_credentials(env):
    env.start()
    errs = []
    for user, pw in ((USER, "wrong"), ("nobody@example.org", PASSWORD)):
        m = env.plain()
        m.starttls(ssl_context=tls_ctx())
        t0 = time.monotonic()
        errs.append(expect_error(imaplib.IMAP4.error, m.login, user, pw))
        assert time.monotonic() - t0 >= 0.3, "a failed login is answered after auth_failure_delay"
        m.logout()
    assert errs[0] == errs[1] and "AUTHENTICATIONFAILED" in errs[0], errs
    assert "reason=bad_credentials" in env.log_text()


def case_mailbox_commands(env):
    env.start()
    m = env.login()
    names = [l.decode() for l in ok(m.list())]
    assert any(n.endswith('"INBOX"') or n.endswith(" INBOX") for n in names), names
    ok(m.create("Archive"))
    ok(m.create("Archive.2024"))
    typ, _ = m.create("Archive")
    assert typ == "NO", typ
    listed = " ".join(l.decode() for l in ok(m.list('""', "Archive*")))
    assert "Archive.2024" in listed and "\\HasChildren" in listed, listed
    ok(m.append("Archive", "(\\Seen)", None, MESSAGES[0].encode()))
    assert ok(m.select("Archive")) == [b"1"]
    status = ok(m.status("INBOX", "(MESSAGES UIDNEXT)"))[0].decode()
    assert "MESSAGES 0" in status, status
    ok(m.append("INBOX", None, None, MESSAGES[2].encode()))
    ok(m.rename("Archive.2024", "Old"))
    assert "Old" in " ".join(l.decode() for l in ok(m.list()))
    ok(m.close())
    ok(m.delete("Old"))
    typ, _ = m.select("NoSuchBox")
    assert typ == "NO"
    assert ok(m.select("INBOX")) == [b"1"]
    m.logout()
    assert len(os.listdir(os.path.join(env.maildir, ".Archive", "cur"))) == 1


def case_fetch_items(env):
    for msg in MESSAGES:
        env.deliver(msg)
    env.start()
    m = env.login()
    assert ok(m.select("INBOX")) == [b"3"]
    data = ok(m.fetch("1", "(BODY.PEEK[] RFC822.SIZE FLAGS)"))
    assert data[0][1] == MESSAGES[0].encode(), data
    assert f"RFC822.SIZE {len(MESSAGES[0])}".encode() in flat(data), data
    env_data = flat(ok(m.fetch("1", "(ENVELOPE)")))
    assert b'"one"' in env_data and b'"Bob"' in env_data and b"<one@example.org>" in env_data, env_data
    bs = flat(ok(m.fetch("2", "(BODYSTRUCTURE)"))).decode().upper()
    assert '"TEXT" "PLAIN"' in bs and '"TEXT" "HTML"' in bs and '"MIXED"' in bs, bs
    part = ok(m.fetch("2", "(BODY.PEEK[2])"))
    assert part[0][1] == b"<p>part two</p>", part
    partial = ok(m.fetch("1", "(BODY.PEEK[]<0.10>)"))
    assert partial[0][1] == MESSAGES[0].encode()[:10] and b"<0>" in partial[0][0], partial
    hdr = ok(m.fetch("3", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
    assert hdr[0][1] == b"Subject: three\r\n\r\n", hdr
    flags = flat(ok(m.fetch("1", "(FLAGS)")))
    assert b"\\Seen" not in flags, flags
    ok(m.fetch("1", "(BODY[TEXT])"))
    flags = flat(ok(m.fetch("1", "(FLAGS)")))
    assert b"\\Seen" in flags, flags
    m.logout()


def case_store_search(env):
    for msg in MESSAGES:
        env.deliver(msg)
    env.start()
    m = env.login()
    ok(m.select("INBOX"))
    ok(m.store("2", "+FLAGS", "(\\Flagged $Work)"))
    assert ok(m.search(None, "FLAGGED")) == [b"2"]
    assert ok(m.search(None, "KEYWORD", "$Work")) == [b"2"]
    assert ok(m.search(None, "FROM", "dave")) == [b"3"]
    assert ok(m.search(None, "BODY", "needle")) == [b"3"]
    assert ok(m.search(None, "OR", "SUBJECT", "one", "SUBJECT", "three")) == [b"1 3"]
    assert ok(m.search(None, "UNSEEN")) == [b"1 2 3"]
    ok(m.store("1:2", "+FLAGS.SILENT", "(\\Seen)"))
    assert ok(m.search(None, "UNSEEN")) == [b"3"]
    ok(m.store("2", "-FLAGS", "(\\Flagged)"))
    assert ok(m.search(None, "FLAGGED")) in ([b""], [None])
    m.logout()
    # The flags live in the file names (Maildir cur/ ":2,FLAGS").
    cur = os.listdir(os.path.join(env.maildir, "cur"))
    flags = [n.split(":2,")[1] for n in cur if ":2," in n]
    assert sum(1 for f in flags if "S" in f) == 2, cur


def uid_of(m, seq):
    data = flat(ok(m.fetch(str(seq), "(UID)"))).decode()
    return int(re.search(r"UID (\d+)", data).group(1))


def case_uid_commands(env):
    for msg in MESSAGES:
        env.deliver(msg)
    env.start()
    m = env.login()
    ok(m.select("INBOX"))
    uids = [uid_of(m, i) for i in (1, 2, 3)]
    assert uids == sorted(uids) and len(set(uids)) == 3, uids
    assert ok(m.uid("SEARCH", None, "ALL"))[0].split() == [str(u).encode() for u in uids]
    data = ok(m.uid("FETCH", str(uids[2]), "(BODY.PEEK[])"))
    assert data[0][1] == MESSAGES[2].encode(), data
    ok(m.uid("STORE", str(uids[0]), "+FLAGS", "(\\Deleted)"))
    ok(m.uid("STORE", str(uids[1]), "+FLAGS", "(\\Deleted)"))
    ok(m.create("Kept"))
    ok(m.uid("COPY", str(uids[2]), "Kept"))
    assert ok(m.uid("EXPUNGE", str(uids[0]))) is not None
    assert ok(m.uid("SEARCH", None, "ALL"))[0].split() == [str(u).encode() for u in uids[1:]]
    ok(m.uid("MOVE", str(uids[2]), "Kept"))
    assert ok(m.uid("SEARCH", None, "ALL"))[0].split() == [str(uids[1]).encode()]
    assert ok(m.select("Kept")) == [b"2"]
    m.logout()


def case_copy_move_expunge(env):
    for msg in MESSAGES:
        env.deliver(msg)
    env.start()
    m = env.login()
    ok(m.select("INBOX"))
    ok(m.create("Folder"))
    typ, data = m.copy("1:2", "Folder")
    assert typ == "OK", data
    typ, data = m._simple_command("MOVE", "3", "Folder")
    assert typ == "OK", data
    assert m.response("EXPUNGE")[1] == [b"3"], "MOVE expunges from the source"
    ok(m.store("1", "+FLAGS", "(\\Deleted)"))
    expunged = ok(m.expunge())
    assert expunged == [b"1"], expunged
    assert ok(m.search(None, "ALL")) == [b"1"]
    typ, data = m.copy("1", "Missing")
    assert typ == "NO" and b"TRYCREATE" in data[0], data
    assert ok(m.select("Folder")) == [b"3"]
    m.logout()
    assert len(os.listdir(os.path.join(env.maildir, "cur"))) + len(os.listdir(os.path.join(env.maildir, "new"))) == 1


def start_idle(m):
    tag = m._new_tag()
    m.send(tag + b" IDLE\r\n")
    line = m.readline()
    assert line.startswith(b"+"), line
    return tag


def end_idle(m, tag):
    m.send(b"DONE\r\n")
    lines = []
    while True:
        line = m.readline()
        lines.append(line)
        if line.startswith(tag + b" "):
            assert line.startswith(tag + b" OK"), lines
            m.tagged_commands.pop(tag, None)
            return lines


def case_idle_delivery(env):
    env.deliver(MESSAGES[0])
    env.start()
    m = env.login()
    assert ok(m.select("INBOX")) == [b"1"]
    tag = start_idle(m)
    m.sock.settimeout(2.5)
    t0 = time.monotonic()
    env.deliver(MESSAGES[1])
    line = m.readline()
    assert line == b"* 2 EXISTS\r\n", line
    assert time.monotonic() - t0 < 2.0, "IDLE told the delivery within 2 s"
    # The folder is watched (inotify): no poll storm while nothing changes (its own polls
    # touch nothing it watches), a second delivery told as the first.
    cpu0 = process_cpu_seconds(env.proc.pid)
    time.sleep(1.0)
    assert process_cpu_seconds(env.proc.pid) - cpu0 < 0.3, "imapd idles while nothing changes"
    env.deliver(MESSAGES[2])
    line = m.readline()
    assert line == b"* 3 EXISTS\r\n", line
    m.sock.settimeout(TIMEOUT)
    end_idle(m, tag)
    data = ok(m.fetch("2", "(BODY.PEEK[])"))
    assert data[0][1] == MESSAGES[1].encode()
    m.logout()
    assert "idle_watch_failed" not in env.log_text()


def process_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def case_two_sessions(env):
    for msg in MESSAGES:
        env.deliver(msg)
    env.start()
    a, b = env.login(), env.login()
    ok(a.select("INBOX"))
    ok(b.select("INBOX"))
    ok(a.store("2", "+FLAGS", "(\\Flagged)"))
    ok(b.noop())
    fetch = b.response("FETCH")[1]
    assert fetch and b"\\Flagged" in fetch[0], fetch
    ok(a.store("1", "+FLAGS", "(\\Deleted)"))
    ok(a.expunge())
    ok(b.noop())
    assert b.response("EXPUNGE")[1] == [b"1"]
    assert ok(b.search(None, "ALL")) == [b"1 2"]
    # b's flag change reaches a idling.
    tag = start_idle(a)
    ok(b.store("1", "+FLAGS", "(\\Answered)"))
    a.sock.settimeout(3)
    line = a.readline()
    assert line.startswith(b"* 1 FETCH") and b"\\Answered" in line, line
    a.sock.settimeout(TIMEOUT)
    end_idle(a, tag)
    a.logout()
    b.logout()


def case_idle_mailbox_deleted(env):
    # The selected folder is deleted by another session while idling: the poll's "* BYE"
    # is sent and the connection closed; imapd serves on.
    env.start()
    a, b = env.login(), env.login()
    ok(a.create("Gone"))
    ok(a.select("Gone"))
    tag = start_idle(a)
    ok(b.delete("Gone"))
    a.sock.settimeout(3)
    line = a.readline()
    assert line.startswith(b"* BYE"), line
    assert a.readline() == b"", "closed after the BYE"
    a.sock.settimeout(TIMEOUT)
    a.tagged_commands.pop(tag, None)
    assert ok(b.select("INBOX")) == [b"0"]
    b.logout()
    assert "event=mailbox_gone" in env.log_text()


def case_disconnect_mid_command(env):
    # Clients that vanish during a login, an APPEND literal or a command on the pool do
    # not disturb the daemon or the next session.
    env.configure("allow_plaintext_auth: true\n")
    for msg in MESSAGES:
        env.deliver(msg)
    env.start()
    for script in (f'a LOGIN {USER} "{PASSWORD}"\r\n'.encode(),
                   f'a LOGIN {USER} "{PASSWORD}"\r\nb APPEND INBOX {{100}}\r\nSubject: x'.encode(),
                   f'a LOGIN {USER} "{PASSWORD}"\r\nb SELECT INBOX\r\nc SEARCH BODY needle\r\n'
                   'd FETCH 1:* (BODY[] BODYSTRUCTURE)\r\n'.encode()):
        s, f = env.raw()
        assert f.readline().startswith(b"* OK")
        s.sendall(script)
        s.close()
    m = env.plain()
    ok(m.login(USER, PASSWORD))
    assert ok(m.select("INBOX")) == [b"3"], "the cut APPEND stored nothing"
    assert ok(m.search(None, "BODY", "needle")) == [b"3"]
    m.logout()
    assert env.proc.poll() is None


def uid_map(m):
    typ, data = m.select("INBOX", readonly=True)
    validity = m.response("UIDVALIDITY")[1][0]
    uids = ok(m.uid("SEARCH", None, "ALL"))[0]
    return validity, uids


def case_uids_restart(env):
    for msg in MESSAGES:
        env.deliver(msg)
    env.start()
    m = env.login()
    before = uid_map(m)
    m.logout()
    env.stop()
    env.deliver("Subject: four\r\n\r\nfour\r\n")
    env.start()
    m = env.login()
    validity, uids = uid_map(m)
    assert validity == before[0], (validity, before)
    assert uids.split()[:3] == before[1].split() and len(uids.split()) == 4, (uids, before)
    m.logout()


def case_byte_identical(env):
    body = (b"From: x@example.org\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n" + "caf\u00e9 \u2603\r\n".encode() + b"x" * 5000 + b"\r\n"
            + bytes(range(32, 127)) + b"\r\n.\r\n..dots\r\n")
    env.deliver(body)
    env.start()
    m = env.login()
    ok(m.select("INBOX"))
    data = ok(m.fetch("1", "(BODY.PEEK[] RFC822.SIZE)"))
    assert data[0][1] == body, "BODY[] is the delivered file, byte for byte"
    assert f"RFC822.SIZE {len(body)}".encode() in flat(data), flat(data)[:200]
    m.logout()


def case_literal_too_big(env):
    env.configure("allow_plaintext_auth: true\nmax_literal_bytes: 4KiB\nmax_message_bytes: 8KiB\n")
    env.start()
    s, f = env.raw()
    assert f.readline().startswith(b"* OK")
    s.sendall(f"a LOGIN {USER} {{{len(PASSWORD)}}}\r\n".encode())
    assert f.readline().startswith(b"+")
    s.sendall(PASSWORD.encode() + b"\r\n")
    assert read_tagged(f, b"a")[-1].startswith(b"a OK")
    s.sendall(b"b APPEND INBOX {20000}\r\n")
    assert read_tagged(f, b"b")[-1].startswith(b"b NO [TOOBIG]")
    s.sendall(b"c SELECT INBOX\r\nd SEARCH TEXT {5000}\r\n")
    read_tagged(f, b"c")
    assert read_tagged(f, b"d")[-1].startswith(b"d NO [TOOBIG]")
    small = b"Subject: small\r\n\r\nfits\r\n"
    s.sendall(b"e APPEND INBOX {%d}\r\n" % len(small))
    assert f.readline().startswith(b"+")
    s.sendall(small + b"\r\n")
    assert read_tagged(f, b"e")[-1].startswith(b"e OK")
    s.close()


def case_bad_commands(env):
    env.configure("allow_plaintext_auth: true\n")
    env.start()
    s, f = env.raw()
    assert f.readline().startswith(b"* OK")
    s.sendall(b"a FROBNICATE\r\n")
    assert read_tagged(f, b"a")[-1].startswith(b"a BAD")
    s.sendall(b"b SELECT INBOX\r\n")
    assert read_tagged(f, b"b")[-1].startswith(b"b BAD")  # before login
    s.sendall(f'c LOGIN {USER} "{PASSWORD}"\r\n'.encode())
    assert read_tagged(f, b"c")[-1].startswith(b"c OK")
    s.sendall(b"d FETCH 1 (FLAGS)\r\n")
    assert read_tagged(f, b"d")[-1].startswith(b"d BAD")  # no mailbox selected
    s.sendall(b"e SELECT INBOX\r\nf FETCH 1 (BODDY)\r\n")
    read_tagged(f, b"e")
    assert read_tagged(f, b"f")[-1].startswith(b"f BAD")
    s.sendall(b"g LOGOUT\r\n")
    lines = read_tagged(f, b"g")
    assert lines[0].startswith(b"* BYE") and lines[-1].startswith(b"g OK"), lines
    assert f.readline() == b"", "closed after LOGOUT"
    s.close()


def case_autologout(env):
    # login_timeout before login; the client's silence ends with "* BYE" and the close.
    env.configure("login_timeout: 400ms\n")
    env.start()
    s, f = env.raw()
    assert f.readline().startswith(b"* OK")
    t0 = time.monotonic()
    line = f.readline()
    assert line.startswith(b"* BYE") and b"Autologout" in line, line
    assert 0.3 <= time.monotonic() - t0 < 5, time.monotonic() - t0
    assert f.readline() == b"", "closed after the BYE"
    s.close()
    assert "event=autologout" in env.log_text()


def case_compress(env):
    env.configure("allow_plaintext_auth: true\n")
    env.deliver(MESSAGES[0])
    env.start()
    s, f = env.raw()
    assert f.readline().startswith(b"* OK")
    s.sendall(f'a LOGIN {USER} "{PASSWORD}"\r\n'.encode())
    lines = read_tagged(f, b"a")
    assert b"COMPRESS=DEFLATE" in lines[-1], lines
    s.sendall(b"b COMPRESS DEFLATE\r\n")
    assert f.readline().startswith(b"b OK")
    out = zlib.compressobj(wbits=-15)
    inf = zlib.decompressobj(wbits=-15)

    def command(text, tag):
        s.sendall(out.compress(text) + out.flush(zlib.Z_SYNC_FLUSH))
        got = b""
        s.settimeout(TIMEOUT)
        while re.search(rb"(^|\r\n)" + tag + rb" [A-Z]+ [^\r\n]*\r\n$", got) is None:
            chunk = s.recv(65536)
            assert chunk, ("closed", got)
            got += inf.decompress(chunk)
        return got

    assert b"c OK" in command(b"c SELECT INBOX\r\n", b"c")
    got = command(b"d FETCH 1 (BODY.PEEK[])\r\n", b"d")
    assert MESSAGES[0].encode() in got and b"d OK" in got, got
    got = command(b"e COMPRESS DEFLATE\r\n", b"e")
    assert b"e NO [COMPRESSIONACTIVE]" in got, got
    s.close()
    assert "event=compress_started" in env.log_text()


def case_curl(env):
    env.deliver(MESSAGES[0])
    env.deliver(MESSAGES[2])
    env.start()
    m = env.login()
    ok(m.create("Projects"))
    ok(m.select("INBOX"))
    uid = uid_of(m, 2)
    m.logout()
    base = ["curl", "--silent", "--show-error", "--insecure", "--ssl-reqd", "--max-time", str(TIMEOUT),
            "--user", f"{USER}:{PASSWORD}"]
    r = subprocess.run(base + [f"imap://127.0.0.1:{env.plain_port}/"], capture_output=True, timeout=TIMEOUT * 2)
    assert r.returncode == 0, r.stderr
    assert b"INBOX" in r.stdout and b"Projects" in r.stdout and b"Sent" in r.stdout, r.stdout
    r = subprocess.run(base + [f"imap://127.0.0.1:{env.plain_port}/INBOX;UID={uid}"], capture_output=True,
                       timeout=TIMEOUT * 2)
    assert r.returncode == 0, r.stderr
    assert r.stdout == MESSAGES[2].encode(), r.stdout
    r = subprocess.run(base[:-2] + ["--user", f"{USER}:{PASSWORD}", f"imaps://127.0.0.1:{env.tls_port}/INBOX;UID={uid}"],
                       capture_output=True, timeout=TIMEOUT * 2)
    assert r.returncode == 0 and r.stdout == MESSAGES[2].encode(), (r.stderr, r.stdout)


def case_bad_config(env):
    env.configure("alow_plaintext_auth: true\nidle_timeout: 5m\n")
    r = subprocess.run([IMAPD, "--config", env.config, "--check"], capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 1 and "alow_plaintext_auth" in r.stderr and "allow_plaintext_auth" in r.stderr, r.stderr
    assert "idle_timeout" in r.stderr and "30m" in r.stderr, r.stderr
    r = subprocess.run([IMAPD, "--help"], capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0 and "--config" in r.stdout and "IMAP" in r.stdout, r


CASES = {n[len("case_"):]: f for n, f in globals().items() if n.startswith("case_")}


def main():
    run_case(CASES, Env, "imapd")


if __name__ == "__main__":
    main()
