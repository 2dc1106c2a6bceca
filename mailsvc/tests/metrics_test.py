#!/usr/bin/python3
"""The mail daemons' /metrics endpoints (metrics: {listen}), on free loopback ports, scraped
with curl. One case per run:
  smtpd_promtool, pop3d_promtool, imapd_promtool: the daemon's text passes `promtool check
    metrics` (exit 77, skipped, only when promtool is missing), after some traffic;
  smtpd_counts: one message through smtpd (smtplib) moves accepted and local delivered by
    exactly one, a RCPT to an unknown user rejected{reason="recipient"}, a RCPT to another
    domain on the mx port rejected{reason="relay"}, each as often as smtpd logged it; then a
    submission to a remote domain stays queued: queue_messages 1, queue_bytes its size;
  metrics_port_in_use: the endpoint's port taken, pop3d fails to start naming metrics.listen.
Every daemon ends by its PID (SIGTERM)."""
import imaplib
import os
import poplib
import re
import shutil
import smtplib
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mail_test_util import (LoggedDaemon, MailboxDaemonEnv, can_connect, free_port, run_case,  # noqa: E402
                            unverified_tls_ctx, wait_until)

ADMIN = os.environ["MAILSVC_ADMIN_BIN"]
USER, PASSWORD = "alice@example.org", "correct horse battery"
TIMEOUT = 10
SKIP = 77


def promtool():
    found = shutil.which("promtool")
    if found:
        return found
    cached = os.path.join(os.environ.get("HAMAIL_PROMTOOL_DIR", "/var/cache/hamail/promtool"), "promtool")
    return cached if os.access(cached, os.X_OK) else None


def scrape(port):
    r = subprocess.run(["curl", "-sS", "--fail", "--max-time", str(TIMEOUT), f"http://127.0.0.1:{port}/metrics"],
                       capture_output=True, text=True, timeout=TIMEOUT + 5)
    assert r.returncode == 0, f"curl: {r.returncode} {r.stderr}"
    return r.stdout


def samples(text):
    """{'name{labels}': value} of every series line."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            out[key] = float(value)
    return out


def check_with_promtool(text):
    tool = promtool()
    if not tool:
        print("SKIPPED: promtool not found on PATH nor in /var/cache/hamail/promtool (scripts/fetch-promtool)")
        sys.exit(SKIP)
    r = subprocess.run([tool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, f"promtool check metrics:\n{r.stdout}{r.stderr}\n--- text ---\n{text}"
    families = sum(1 for line in text.splitlines() if line.startswith("# TYPE "))
    print(f"promtool check metrics: ok ({families} families)")


# --- smtpd --------------------------------------------------------------------------------

class SmtpdEnv(LoggedDaemon):
    """smtpd with an mx and a submission listener and a metrics endpoint; remote mail goes
    to a closed loopback port (no DNS), so it stays queued."""

    def __init__(self, tmp):
        self.root = os.path.join(tmp, "mail")
        self.etc = os.path.join(self.root, "etc")
        os.makedirs(self.etc)
        self.mx, self.sub, self.metrics = free_port(), free_port(), free_port()
        self.config = os.path.join(tmp, "smtpd.yaml")
        self.log_path = os.path.join(tmp, "smtpd.log")
        with open(self.config, "w") as f:
            f.write(f"mail_root: {self.root}\nhostname: mx.example.org\nlisteners:\n"
                    f"  - {{role: mx, address: 127.0.0.1, port: {self.mx}}}\n"
                    f"  - {{role: submission, address: 127.0.0.1, port: {self.sub}}}\n"
                    f"delivery: {{relay_host: '[127.0.0.1]:{free_port()}', min_backoff: 1h}}\n"
                    f"metrics: {{listen: '127.0.0.1:{self.metrics}'}}\n")
        for args, stdin in ((("domain", "add", "example.org"), None),
                            (("user", "add", USER, "--password-stdin"), PASSWORD + "\n")):
            subprocess.run([ADMIN, "--dir", self.etc, *args], input=stdin, text=True, check=True,
                           capture_output=True, timeout=TIMEOUT)

    def start(self):
        # Bound before event=started: no probe on the mail ports (it would be a session too).
        self.launch(os.environ["SMTPD_BIN"], self.config)
        assert f"event=metrics_listening address=127.0.0.1:{self.metrics}" in self.log_text(), self.log_text()

    def value(self, series):
        return samples(scrape(self.metrics)).get(series)

    def log_count(self, event, extra=""):
        return sum(1 for line in self.log_text().splitlines() if f" event={event} " in line and extra in line)


def smtp_traffic(env):
    """One message to alice on mx (plain), one RCPT to an unknown user, one relay attempt."""
    with smtplib.SMTP("127.0.0.1", env.mx, timeout=TIMEOUT) as c:
        c.ehlo("client.example")
        assert c.mail("bob@other.net")[0] == 250
        assert c.rcpt("nobody@example.org")[0] == 550
        assert c.rcpt("carol@elsewhere.example")[0] == 554
        assert c.rcpt(USER)[0] == 250
        code, _ = c.data(b"From: bob@other.net\r\nTo: alice@example.org\r\nSubject: metrics\r\n\r\nhello\r\n")
        assert code == 250


LOCAL_DELIVERED = 'hamail_smtpd_deliveries_total{destination="local",result="delivered"}'


def case_smtpd_counts(env):
    env.start()
    before = samples(scrape(env.metrics))
    for series in ("hamail_smtpd_messages_accepted_total", LOCAL_DELIVERED,
                   'hamail_smtpd_rejected_total{reason="recipient"}', 'hamail_smtpd_rejected_total{reason="relay"}'):
        assert before[series] == 0, (series, before[series])
    smtp_traffic(env)
    # Local delivery runs after the 250, on the pool: wait until it is counted.
    wait_until(lambda: env.value(LOCAL_DELIVERED) == 1, "the local delivery counted")
    wait_until(lambda: env.value('hamail_smtpd_sessions_total{listener="mx",tls="none"}') == 1, "the session ended")
    after = samples(scrape(env.metrics))
    assert after["hamail_smtpd_messages_accepted_total"] == 1, after
    assert after[LOCAL_DELIVERED] == 1, after
    assert after['hamail_smtpd_rejected_total{reason="recipient"}'] == 1, after
    assert after['hamail_smtpd_rejected_total{reason="relay"}'] == 1, after
    assert after['hamail_smtpd_sessions_open{listener="mx"}'] == 0, after
    assert after["hamail_smtpd_queue_messages"] == 0, after
    # The logs are the reference: as many records as counts.
    assert env.log_count("queued", "client=127.0.0.1") == 1
    assert env.log_count("delivered", "relay=local") == 1
    assert env.log_count("recipient_rejected", "reason=unknown_user") == 1
    assert env.log_count("recipient_rejected", "reason=relay_denied") == 1
    # Nothing else moved.
    for key, value in after.items():
        if key.startswith(("hamail_smtpd_deliveries_total", "hamail_smtpd_rejected_total",
                           "hamail_smtpd_bounced_total", "hamail_smtpd_logins_total")) and key not in (
                LOCAL_DELIVERED, 'hamail_smtpd_rejected_total{reason="recipient"}',
                'hamail_smtpd_rejected_total{reason="relay"}'):
            assert value == 0, (key, value)

    # Submission to another domain: queued and kept (the relay's port is closed), counted
    # in the queue gauges with the size the queued record gives, its attempt deferred.
    with smtplib.SMTP("127.0.0.1", env.sub, timeout=TIMEOUT) as c:
        c.starttls(context=unverified_tls_ctx())
        c.ehlo()
        c.user, c.password = USER, PASSWORD
        c.auth("PLAIN", c.auth_plain)
        c.sendmail(USER, ["dan@elsewhere.example"], b"Subject: out\r\n\r\nto a remote domain\r\n")
    remote_deferred = 'hamail_smtpd_deliveries_total{destination="remote",result="deferred"}'
    wait_until(lambda: env.value(remote_deferred) == 1, "the remote attempt deferred")
    got = samples(scrape(env.metrics))
    sizes = [int(m) for m in re.findall(r" event=queued .* size=(\d+) client=127\.0\.0\.1 auth_user=alice", env.log_text())]
    assert len(sizes) == 1, env.log_text()
    assert got["hamail_smtpd_queue_messages"] == 1, got
    assert got["hamail_smtpd_queue_bytes"] == sizes[0], (got["hamail_smtpd_queue_bytes"], sizes)
    assert got["hamail_smtpd_messages_accepted_total"] == 2, got
    assert got['hamail_smtpd_logins_total{result="ok"}'] == 1, got
    assert env.log_count("deferred", "to=dan@elsewhere.example") == 1


def case_smtpd_promtool(env):
    env.start()
    smtp_traffic(env)
    with smtplib.SMTP("127.0.0.1", env.sub, timeout=TIMEOUT) as c:  # a STARTTLS session, a failed login
        c.starttls(context=unverified_tls_ctx())
        c.ehlo()
        c.user, c.password = USER, "wrong"
        try:
            c.auth("PLAIN", c.auth_plain)
            raise AssertionError("a wrong password was accepted")
        except smtplib.SMTPAuthenticationError:
            pass
    wait_until(lambda: env.value('hamail_smtpd_sessions_total{listener="submission",tls="starttls"}') == 1,
               "the STARTTLS session counted")
    text = scrape(env.metrics)
    assert samples(text)['hamail_smtpd_logins_total{result="failed"}'] == 1, text
    check_with_promtool(text)


# --- pop3d and imapd ----------------------------------------------------------------------

class MailboxEnv(MailboxDaemonEnv):
    def __init__(self, tmp, name):
        super().__init__(tmp, name, os.environ[name.upper() + "_BIN"], ADMIN, USER, PASSWORD, "nobody", TIMEOUT)
        self.metrics = free_port()
        self.configure(f"metrics: {{listen: '127.0.0.1:{self.metrics}'}}\n")

    def value(self, series):
        return samples(scrape(self.metrics)).get(series)


def check_mailbox_daemon(env, session):
    name = env.name
    for i in range(2):
        env.deliver(f"From: bob@example.org\r\nSubject: m{i}\r\n\r\nbody {i}\r\n")
    env.start()
    assert can_connect(env.metrics)
    before = samples(scrape(env.metrics))
    assert before[f'hamail_{name}_logins_total{{result="ok"}}'] == 0, before
    session()
    wait_until(lambda: env.value(f'hamail_{name}_sessions_total{{listener="starttls",tls="starttls"}}') == 1,
               "the session counted")
    text = scrape(env.metrics)
    got = samples(text)
    assert got[f'hamail_{name}_logins_total{{result="ok"}}'] == 1, text
    assert got[f"hamail_{name}_messages_retrieved_total"] == 1, text
    assert got[f"hamail_{name}_messages_deleted_total"] == 1, text
    assert got[f'hamail_{name}_sessions_open{{listener="starttls"}}'] == 0, text
    log = env.log_text()
    assert log.count(" event=message_read ") == 1 and log.count(" event=message_deleted ") == 1, log
    check_with_promtool(text)


def case_pop3d_promtool(env):
    def session():
        p = poplib.POP3("127.0.0.1", env.plain_port, timeout=TIMEOUT)
        p.stls(context=unverified_tls_ctx())
        p.user(USER)
        p.pass_(PASSWORD)
        p.retr(1)
        p.dele(2)
        p.quit()
    check_mailbox_daemon(env, session)


def case_imapd_promtool(env):
    def session():
        m = imaplib.IMAP4("127.0.0.1", env.plain_port, timeout=TIMEOUT)
        m.starttls(ssl_context=unverified_tls_ctx())
        m.login(USER, PASSWORD)
        assert m.select("INBOX")[0] == "OK"
        assert m.fetch("1", "(BODY[])")[0] == "OK"
        assert m.store("2", "+FLAGS", "(\\Deleted)")[0] == "OK"
        assert m.expunge()[0] == "OK"
        m.logout()
    check_mailbox_daemon(env, session)


def case_metrics_port_in_use(env):
    """The endpoint's port taken: pop3d does not start, and says which key."""
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", env.metrics))
        taken.listen()
        r = subprocess.run([env.binary, "--config", env.config], capture_output=True, text=True, timeout=TIMEOUT)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "event=startup_failed" in out and "metrics.listen: " in out and "address already in use" in out, out


CASES = {
    "smtpd_counts": (case_smtpd_counts, SmtpdEnv),
    "smtpd_promtool": (case_smtpd_promtool, SmtpdEnv),
    "pop3d_promtool": (case_pop3d_promtool, lambda tmp: MailboxEnv(tmp, "pop3d")),
    "imapd_promtool": (case_imapd_promtool, lambda tmp: MailboxEnv(tmp, "imapd")),
    "metrics_port_in_use": (case_metrics_port_in_use, lambda tmp: MailboxEnv(tmp, "pop3d")),
}

if __name__ == "__main__":
    case, make_env = CASES[sys.argv[1]]
    if sys.argv[1].endswith("_promtool") and not promtool():
        print("SKIPPED: promtool not found on PATH nor in /var/cache/hamail/promtool (scripts/fetch-promtool)")
        sys.exit(SKIP)
    run_case({sys.argv[1]: case}, make_env, sys.argv[1])
