#!/usr/bin/python3
"""pop3d against Python's poplib on loopback: one case per run (argv[1]), each with
its own mail root and pop3d on free ports; every wait has a deadline."""
import os
import poplib
import pwd
import re
import socket
import subprocess
import sys
import time

POP3D = os.environ["POP3D_BIN"]
ADMIN = os.environ["MAILSVC_ADMIN_BIN"]
USER, PASSWORD = "alice@example.org", "correct horse battery"
TIMEOUT = 10
RUN_AS = "nobody"  # an existing unprivileged account (pop3d's default is mail)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
from mail_test_util import MailboxDaemonEnv, run_case, unverified_tls_ctx as tls_ctx  # noqa: E402


class Env(MailboxDaemonEnv):
    def __init__(self, tmp):
        super().__init__(tmp, "pop3d", POP3D, ADMIN, USER, PASSWORD, RUN_AS, TIMEOUT)

    def plain(self):
        return poplib.POP3("127.0.0.1", self.plain_port, timeout=TIMEOUT)

    def login_stls(self, user=USER, password=PASSWORD):
        p = self.plain()
        p.stls(context=tls_ctx())
        p.user(user)
        p.pass_(password)
        return p

    def login_retry_in_use(self):
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                return self.login_stls()
            except poplib.error_proto as e:
                assert b"[IN-USE]" in e.args[0] and time.monotonic() < deadline, e
                time.sleep(0.05)


def expect_err(fn, *args):
    try:
        fn(*args)
    except poplib.error_proto as e:
        return e.args[0]
    raise AssertionError(f"{fn.__name__}{args}: expected -ERR")


MESSAGES = [
    "From: bob@example.org\r\nSubject: one\r\n\r\nhello\r\n",
    "From: carol@example.org\nSubject: two (LF only)\n\n.leading dot\nline 2\nline 3\n",
    "From: dave@example.org\r\nSubject: three\r\n\r\nbody a\r\nbody b\r\nbody c\r\n",
]


def crlf(m):
    return m.replace("\r\n", "\n").replace("\n", "\r\n")


def case_stls_retrieve(env):
    names = [env.deliver(m) for m in MESSAGES]
    env.start()
    assert "event=tls_self_signed_generated" in env.log_text()
    p = env.login_stls()
    count, octets = p.stat()
    assert count == 3 and octets == sum(len(crlf(m)) for m in MESSAGES), (count, octets)
    _, listing, _ = p.list()
    assert [int(l.split()[1]) for l in listing] == [len(crlf(m)) for m in MESSAGES], listing
    _, uidls, _ = p.uidl()
    uids = [l.split()[1].decode() for l in uidls]
    assert len(set(uids)) == 3 and all(len(u) == 16 for u in uids), uids
    for i, m in enumerate(MESSAGES, 1):
        _, lines, _ = p.retr(i)
        assert [l.decode() for l in lines] == crlf(m).split("\r\n")[:-1], (i, lines)
    _, lines, _ = p.top(3, 1)
    assert [l.decode() for l in lines] == ["From: dave@example.org", "Subject: three", "", "body a"], lines
    p.quit()
    env.stop()
    log = env.log_text()
    assert f"event=message_read" in log and f"user={USER}" in log and f"uidl={uids[1]}" in log, log
    # The Maildir file's name (what smtpd's delivered record names): the mail trace's link.
    assert all(re.search(rf"event=message_read .*uidl={u} .*file={re.escape(n)}", log) for u, n in zip(uids, names)), log
    assert "event=session_end" in log and "reason=session_closed" in log, log


def case_plaintext_refused(env):
    env.start()
    p = env.plain()
    err = expect_err(p.user, USER)
    assert b"STLS" in err or b"TLS" in err, err
    err = expect_err(p.pass_, PASSWORD)
    p.quit()
    caps = env.plain().capa()
    assert "STLS" in caps, caps


def case_bad_credentials(env):
    env.start()
    errs = []
    for user, pw in ((USER, "wrong"), ("nobody@example.org", PASSWORD)):
        p = env.plain()
        p.stls(context=tls_ctx())
        p.user(user)
        t0 = time.monotonic()
        errs.append(expect_err(p.pass_, pw))
        assert time.monotonic() - t0 >= 0.3, "a failed login is answered after auth_failure_delay"
        p.quit()
    assert errs[0] == errs[1] and errs[0].startswith(b"-ERR"), errs



def case_dele(env):
    names = [env.deliver(m) for m in MESSAGES]
    env.start()
    p = env.login_stls()
    p.dele(1)
    p.close()  # disconnect without QUIT: nothing removed
    p = env.login_retry_in_use()
    assert p.stat()[0] == 3
    assert env.files() == sorted(names)
    p.dele(2)
    p.quit()
    assert env.files() == sorted([names[0], names[2]]), env.files()
    p = env.login_retry_in_use()
    assert p.stat()[0] == 2
    p.quit()
    assert re.search(rf"event=message_deleted .*file={re.escape(names[1])}", env.log_text()), env.log_text()


def case_uidl_restart(env):
    for m in MESSAGES:
        env.deliver(m)
    env.start()
    p = env.login_stls()
    before = p.uidl()[1]
    p.quit()
    env.stop()
    env.start()
    p = env.login_stls()
    assert p.uidl()[1] == before, (before, p.uidl()[1])
    p.quit()


def case_in_use(env):
    env.deliver(MESSAGES[0])
    env.start()
    first = env.login_stls()
    second = env.plain()
    second.stls(context=tls_ctx())
    second.user(USER)
    err = expect_err(second.pass_, PASSWORD)
    assert err.startswith(b"-ERR [IN-USE]"), err
    second.quit()
    first.close()  # lock released on disconnect too
    p = env.login_retry_in_use()
    assert p.stat()[0] == 1
    p.quit()


def case_implicit_tls(env):
    env.deliver(MESSAGES[0])
    env.start()
    p = poplib.POP3_SSL("127.0.0.1", env.tls_port, context=tls_ctx(), timeout=TIMEOUT)
    p.user(USER)
    p.pass_(PASSWORD)
    assert p.stat()[0] == 1
    assert p.retr(1)[1][-1] == b"hello"
    p.quit()


def case_runs_as_user(env):
    # Started as root: the ports bound, then the account of `user:`; the maildirs (made
    # here by root) were taken over, the certificate and key stay root's.
    env.deliver(MESSAGES[0])
    env.start()
    if os.geteuid() != 0:
        return
    who = pwd.getpwnam(RUN_AS)
    p = env.login_stls()
    assert p.stat()[0] == 1
    p.dele(1)
    p.quit()
    assert env.files() == [], "the account could delete in the maildir"
    for d in ("maildirs", "maildirs/example.org/alice/Maildir/cur"):
        assert os.stat(os.path.join(env.root, d)).st_uid == who.pw_uid, d
    assert os.stat(os.path.join(env.root, "etc", "passwd")).st_gid == who.pw_gid
    assert os.stat(os.path.dirname(env.config) + "/key.pem").st_uid == 0
    assert f"event=privileges_dropped user={RUN_AS}" in env.log_text()
    # `user:` must name an existing account other than root; --check says so.
    for user, want in (("root", "must name an unprivileged account"), ("no-such-hamail-user", "no such user")):
        with open(env.config) as f:
            text = f.read().replace(f"user: {RUN_AS}", f"user: {user}")
        bad = env.config + ".bad"
        with open(bad, "w") as f:
            f.write(text)
        r = subprocess.run([POP3D, "--config", bad, "--check"], capture_output=True, text=True, timeout=TIMEOUT)
        assert r.returncode == 1 and want in r.stderr and "user" in r.stderr, (user, r.stderr)


class Pop3From(poplib.POP3):
    """poplib.POP3 connecting from a given loopback source address."""

    def __init__(self, host, port, source):
        self.source = source
        super().__init__(host, port, timeout=TIMEOUT)

    def _create_socket(self, timeout):
        return socket.create_connection((self.host, self.port), timeout, source_address=(self.source, 0))


def case_login_limits(env):
    # auth_failures_per_ip 2: after two wrong passwords from 127.0.0.1 even the right one is
    # refused there, at once and without a password check; 127.0.0.2 still logs in.
    with open(env.config, "a") as f:
        f.write("auth_failures_per_ip: 2\nauth_failures_per_account: 0\n")
    env.start()
    for _ in range(2):
        p = env.plain()
        p.stls(context=tls_ctx())
        p.user(USER)
        try:
            p.pass_("wrong")
            raise AssertionError("a wrong password was accepted")
        except poplib.error_proto as e:
            assert b"[AUTH]" in e.args[0], e
        p.close()
    p = env.plain()
    p.stls(context=tls_ctx())
    p.user(USER)
    t0 = time.monotonic()
    try:
        p.pass_(PASSWORD)
        raise AssertionError("a login past the limit was accepted")
    except poplib.error_proto as e:
        assert e.args[0] == b"-ERR [SYS/TEMP] Too many failed logins, try again later", e
    assert time.monotonic() - t0 < 0.3, "refused at once, not after auth_failure_delay"
    p.close()
    other = Pop3From("127.0.0.1", env.plain_port, "127.0.0.2")
    other.stls(context=tls_ctx())
    other.user(USER)
    other.pass_(PASSWORD)
    other.quit()
    log = env.log_text()
    assert "event=auth_limit_reached limit=ip ip=127.0.0.1" in log and "event=auth_refused limit=ip" in log, log


def case_bad_config(env):
    with open(env.config, "a") as f:
        f.write("alow_plaintext_auth: true\n")
    r = subprocess.run([POP3D, "--config", env.config, "--check"], capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 1 and "alow_plaintext_auth" in r.stderr and "allow_plaintext_auth" in r.stderr, r.stderr


CASES = {n[len("case_"):]: f for n, f in globals().items() if n.startswith("case_")}


def main():
    run_case(CASES, Env, "pop3d")


if __name__ == "__main__":
    main()
