#!/usr/bin/python3
"""pop3d and imapd on one mail_root (as in the cluster's mail group): a message reads the
same through both; a POP3 deletion reaches an IMAP session that has the mailbox selected
(EXPUNGE at its next command); IMAP's flag changes (file renames) leave POP3's UIDLs as
they were; an IMAP expunge is gone for POP3. Loopback only; both daemons end by PID."""
import imaplib
import os
import poplib
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mail_test_util import MailboxDaemonEnv, free_port, run_case, unverified_tls_ctx  # noqa: E402

IMAPD, POP3D = os.environ["IMAPD_BIN"], os.environ["POP3D_BIN"]
ADMIN = os.environ["MAILSVC_ADMIN_BIN"]
USER, PASSWORD = "alice@example.org", "correct horse battery"
TIMEOUT = 10
MESSAGES = [f"From: bob@example.org\r\nSubject: m{i}\r\n\r\nbody {i}\r\n" + "line\r\n" * (i * 40) for i in range(3)]


class Env(MailboxDaemonEnv):
    """imapd as the env's daemon, and pop3d (self.pop3) on the same mail_root."""

    def __init__(self, tmp):
        super().__init__(tmp, "imapd", IMAPD, ADMIN, USER, PASSWORD, "nobody", TIMEOUT)
        self.pop3 = PeerDaemon(self, tmp, "pop3d", POP3D)

    def imap(self):
        m = imaplib.IMAP4("127.0.0.1", self.plain_port, timeout=TIMEOUT)
        m.starttls(ssl_context=unverified_tls_ctx())
        m.login(USER, PASSWORD)
        return m

    def pop(self):
        p = poplib.POP3("127.0.0.1", self.pop3.plain_port, timeout=TIMEOUT)
        p.stls(context=unverified_tls_ctx())
        p.user(USER)
        p.pass_(PASSWORD)
        return p

    def stop(self):
        self.pop3.stop()
        super().stop()


class PeerDaemon(MailboxDaemonEnv):
    """A second daemon with the first one's config (mail_root, certificate) on ports of its own."""

    def __init__(self, first, tmp, name, binary):  # noqa: super().__init__ would make a second mail_root
        self.name, self.binary, self.admin_bin, self.timeout, self.run_as = name, binary, ADMIN, TIMEOUT, "nobody"
        self.root, self.etc, self.maildir = first.root, first.etc, first.maildir
        self.plain_port, self.tls_port = free_port(), free_port()
        self.config = os.path.join(tmp, name + ".yaml")
        self.log_path = os.path.join(tmp, name + ".log")
        self.proc = None
        with open(first.config) as f:
            text = f.read()
        text = text.replace(f"port: {first.plain_port}}}", f"port: {self.plain_port}}}")
        text = text.replace(f"port: {first.tls_port}}}", f"port: {self.tls_port}}}")
        with open(self.config, "w") as f:
            f.write(text)

    def stop(self):
        if self.proc:
            super().stop()


def ok(result):
    typ, data = result
    assert typ == "OK", (typ, data)
    return data


def uids(m):
    data = ok(m.fetch("1:*", "(UID)"))
    return [int(re.search(rb"UID (\d+)", d).group(1)) for d in data]


def case_shared_maildrop(env):
    for msg in MESSAGES:
        env.deliver(msg)
    env.start()
    env.pop3.start()
    m = env.imap()
    assert ok(m.select("INBOX")) == [b"3"]
    before = uids(m)
    imap_bodies = [ok(m.fetch(str(n), "(BODY.PEEK[])"))[0][1] for n in (1, 2, 3)]

    p = env.pop()
    uidls = [line.split()[1] for line in p.uidl()[1]]
    assert len(uidls) == 3, uidls
    for n in (1, 2, 3):
        got = b"".join(line + b"\r\n" for line in p.retr(n)[1])
        assert got == imap_bodies[n - 1] == MESSAGES[n - 1].encode(), f"message {n}: POP3 and IMAP differ"
    p.dele(1)
    p.quit()  # the deletion happens here

    # The IMAP session learns of it at its next command.
    typ, data = m.noop()
    assert typ == "OK"
    expunges = m.untagged_responses.pop("EXPUNGE", [])
    assert expunges == [b"1"], (expunges, m.untagged_responses)
    assert uids(m) == before[1:], "the others keep their UIDs"

    # IMAP renames files to set flags: POP3's UIDLs do not change.
    ok(m.store("1:2", "+FLAGS", "(\\Seen \\Flagged)"))
    p = env.pop()
    assert [line.split()[1] for line in p.uidl()[1]] == uidls[1:], "UIDLs kept across IMAP flag changes"
    p.quit()

    # An IMAP expunge is gone for POP3.
    ok(m.store("1", "+FLAGS", "(\\Deleted)"))
    ok(m.expunge())
    m.logout()
    p = env.pop()
    assert [line.split()[1] for line in p.uidl()[1]] == uidls[2:]
    got = b"".join(line + b"\r\n" for line in p.retr(1)[1])
    assert got == MESSAGES[2].encode()
    p.quit()


CASES = {n[len("case_"):]: f for n, f in globals().items() if n.startswith("case_")}

if __name__ == "__main__":
    run_case(CASES, Env, "pop3_imap")
