#!/usr/bin/python3
"""imapd against Debian's fetchmail, a second real IMAP client, on loopback: one case per
run (argv[1]: starttls or implicit_tls). fetchmail reads a private rcfile (0600, the
password in it, never in argv), checks the server's certificate (a wrong name fails
before the login), and hands each message to an MDA that writes it to a file. Runs with `keep` (fetched once: the second run finds
nothing new), then without it over all messages (each flagged \\Deleted and expunged)."""
import glob
import imaplib
import os
import pwd
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imapd_test import PASSWORD, TIMEOUT, USER, Env, ok  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
from mail_test_util import run_case  # noqa: E402

FETCHMAIL = os.environ.get("FETCHMAIL_BIN", "")
FETCHMAIL_NO_MAIL = 1  # fetchmail's exit code when the server had nothing new

MESSAGES = [
    b"From: bob@example.org\r\nTo: alice@example.org\r\nSubject: one\r\n\r\nhello\r\n",
    b"From: carol@example.org\r\nSubject: two\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n\r\n" + "caf\u00e9 \u2603\r\n".encode() + b".leading dot\r\n"
    + b"y" * 3000 + b"\r\n",
    b"From: dave@example.org\r\nSubject: three\r\n\r\n" + b"line\r\n" * 2000,
]

# The MDA: the message on stdin into a new file of the directory $1.
MDA = """#!/bin/sh
set -e
exec cat > "$(mktemp "$1/msg.XXXXXX")"
"""


class Fetchmail:
    """fetchmail with its own HOME, rcfile, idfile and pid file below `tmp`; messages go
    to tmp/fetched/run-N/."""

    def __init__(self, env, tmp, mode):
        assert os.path.isfile(FETCHMAIL), "fetchmail is not installed (FETCHMAIL_BIN): run scripts/setup"
        self.env, self.mode, self.runs = env, mode, 0
        self.home = os.path.join(tmp, "fetchmail-home")
        os.makedirs(self.home)
        self.rcfile = os.path.join(self.home, "fetchmailrc")
        self.mda = os.path.join(self.home, "mda.sh")
        with open(self.mda, "w") as f:
            f.write(MDA)
        self.cert = os.path.join(tmp, "cert.pem")

    def write_rcfile(self, keep, outdir, common_name):
        port = self.env.plain_port if self.mode == "starttls" else self.env.tls_port
        tls = "sslproto TLS1.2+" if self.mode == "starttls" else "ssl sslproto TLS1.2+"
        # keep: fetch what is unseen, leave it there; else everything, deleted after.
        retention = "keep" if keep else "no keep fetchall"
        text = f"""set no syslog
set invisible
set idfile "{self.home}/idfile"
set pidfile "{self.home}/fetchmail.pid"
poll 127.0.0.1 service {port} protocol IMAP auth password timeout {TIMEOUT}
  user "{USER}" there with password "{PASSWORD}" is "{pwd.getpwuid(os.getuid()).pw_name}" here
  {tls} sslcertck sslcertfile "{self.cert}" sslcommonname {common_name}
  {retention} no rewrite no stripcr no mimedecode
  mda "/bin/sh {self.mda} {outdir}"
"""
        fd = os.open(self.rcfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(self.rcfile, 0o600)  # fetchmail refuses an rcfile others can read

    def run(self, keep, expect_rc=0, common_name="localhost"):
        """One poll; returns the fetched messages' bytes (sorted) and fetchmail's output.
        expect_rc None: any failure (not 0, not FETCHMAIL_NO_MAIL)."""
        self.runs += 1
        outdir = os.path.join(self.home, f"run-{self.runs}")
        os.makedirs(outdir)
        self.write_rcfile(keep, outdir, common_name)
        user = pwd.getpwuid(os.getuid()).pw_name
        environ = {"PATH": "/usr/bin:/bin", "HOME": self.home, "FETCHMAILUSER": user, "LC_ALL": "C"}
        argv = [FETCHMAIL, "--fetchmailrc", self.rcfile, "--nodetach", "--verbose"]
        assert PASSWORD not in " ".join(argv)
        r = subprocess.run(argv, env=environ, capture_output=True, text=True, timeout=TIMEOUT * 3)
        if expect_rc is None:
            assert r.returncode not in (0, FETCHMAIL_NO_MAIL), f"fetchmail exited {r.returncode}:\n{r.stdout}{r.stderr}"
        else:
            assert r.returncode == expect_rc, f"fetchmail exited {r.returncode}, not {expect_rc}:\n{r.stdout}{r.stderr}"
        assert PASSWORD not in r.stdout + r.stderr, "fetchmail printed the password"
        fetched = []
        for path in glob.glob(os.path.join(outdir, "msg.*")):
            with open(path, "rb") as f:
                fetched.append(f.read())
        return sorted(fetched), r.stdout + r.stderr


def bodies_over_imap(env):
    """Every message's BODY[] as imaplib gets it (PEEK: flags untouched), sorted."""
    m = env.login()
    count = int(ok(m.select("INBOX"))[0])
    bodies = []
    if count:
        data = ok(m.fetch(f"1:{count}", "(BODY.PEEK[])"))
        bodies = [part[1] for part in data if isinstance(part, tuple)]
    m.logout()
    return sorted(bodies)


def flags_over_imap(env):
    """Every message's FLAGS, in sequence order."""
    m = env.login()
    count = int(ok(m.select("INBOX"))[0])
    flags = [imaplib.ParseFlags(line) for line in ok(m.fetch(f"1:{count}", "(FLAGS)"))] if count else []
    m.logout()
    return flags


def maildir_bodies(env):
    out = []
    for sub in ("new", "cur"):
        d = os.path.join(env.maildir, sub)
        for name in os.listdir(d):
            with open(os.path.join(d, name), "rb") as f:
                out.append(f.read())
    return sorted(out)


def fetch_keep_then_delete(env, mode):
    for m in MESSAGES:
        env.deliver(m)
    env.start()
    delivered = sorted(MESSAGES)
    n = len(MESSAGES)
    assert bodies_over_imap(env) == delivered
    fm = Fetchmail(env, os.path.dirname(env.config), mode)

    # The certificate is checked: a name it does not carry fails before the login.
    fetched, out = fm.run(keep=True, expect_rc=None, common_name="mismatch.invalid")
    assert fetched == [] and 'LOGIN "' not in out, out
    assert all(b"\\Seen" not in f for f in flags_over_imap(env))

    fetched, out = fm.run(keep=True)
    if mode == "starttls":
        assert "IMAP> A0001 STARTTLS" in out and "upgrade to TLS succeeded" in out, out
    else:
        assert "IMAP> A0001 STARTTLS" not in out and "SSL/TLS: using protocol" in out, out
    assert len(fetched) == n, out
    assert fetched == delivered, "fetchmail's copies are the delivered files, byte for byte"
    assert maildir_bodies(env) == delivered, "keep: every message is still on the server"
    assert flags_over_imap(env) == [(b"\\Seen",)] * n, "fetched once: each one \\Seen"

    # Fetched once: the kept messages are \Seen now, so the next poll finds nothing new.
    fetched, out = fm.run(keep=True, expect_rc=FETCHMAIL_NO_MAIL)
    assert fetched == [] and f"{n} messages ({n} seen)" in out, out
    assert bodies_over_imap(env) == delivered

    # Without keep: all fetched again, then flagged \Deleted and expunged by the server.
    fetched, out = fm.run(keep=False)
    assert fetched == delivered, out
    assert "\\Deleted" in out and "EXPUNGE" in out, out
    assert env.files() == [], "the mailbox is empty after the run without keep"
    assert bodies_over_imap(env) == []


def case_starttls(env):
    fetch_keep_then_delete(env, "starttls")


def case_implicit_tls(env):
    fetch_keep_then_delete(env, "implicit")


CASES = {n[len("case_"):]: f for n, f in globals().items() if n.startswith("case_")}


def main():
    run_case(CASES, Env, "imapd")


if __name__ == "__main__":
    main()
