#!/usr/bin/python3
"""ocf:hamail:mailsvc against the real smtpd, pop3d, imapd, dnsd and httpd on loopback (ctest ocf_mailsvc_agent).

For each daemon: Debian's ocf-tester passes; then by hand: monitor 7, start 0, monitor 0, the
port accepts, the daemon runs as `mail` (smtpd: a mail sent with smtplib lands in the Maildir;
pop3d: that mail is seen over POP3 after STLS + login; imapd: the same over IMAP; dnsd: dig
over UDP and TCP; httpd: a page over HTTP), start again = same PID, stop 0, monitor 7, the process is gone,
stop again 0; a stale pidfile naming the test's own `sleep` gives monitor 7, stop 0, start 0
and the sleep survives all of it; validate-all on a config with an unknown key gives 6 and a
reason naming file:line. Then: a busy port (start 1 with the daemon's startup error, nothing
left running), a missing config / binary (5), an unknown service (6), and a fake daemon that
ignores SIGTERM (stop SIGKILLs it after kill_grace) or never logs event=started (start gives 1
within its timeout and leaves nothing running).

Everything lives under one /tmp directory removed at the end; ports are free loopback ports;
every wait has a deadline; only processes this test started are ended, by PID.
"""
import os
import http.client
import imaplib
import poplib
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import shutil

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "mailsvc", "tests"))
from mail_test_util import can_connect, expect_runs_as, free_port, wait_until  # noqa: E402

SMTPD = os.environ["SMTPD_BIN"]
POP3D = os.environ["POP3D_BIN"]
IMAPD = os.environ["IMAPD_BIN"]
DNSD = os.environ["DNSD_BIN"]
HTTPD = os.environ["HTTPD_BIN"]
TRACE = os.environ["MAILSVC_TRACE_BIN"]
DNSD_ZONES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "mailsvc", "dnsd", "tests", "zones")
ADMIN = os.environ["MAILSVC_ADMIN_BIN"]
AGENT = os.environ["MAILSVC_AGENT"]
USER, PASSWORD = "alice@example.org", "correct horse battery"
DEADLINE = 15       # seconds for any wait in this test
ACTION_MS = 20000   # OCF_RESKEY_CRM_meta_timeout given to each agent action (ocf-tester's value)


def gone(pid):
    """True when pid has exited (a zombie counts as exited: its parent may not reap it at once)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


class Agent:
    """One resource: runs the agent's actions with OCF_RESKEY_* from params."""

    def __init__(self, name, **params):
        self.name, self.params = name, params

    def env(self, timeout_ms=ACTION_MS, **override):
        env = {k: v for k, v in os.environ.items() if not k.startswith("OCF_")}
        env.update(OCF_ROOT="/usr/lib/ocf", OCF_RESOURCE_INSTANCE=self.name,
                   OCF_RESKEY_CRM_meta_timeout=str(timeout_ms))
        for k, v in {**self.params, **override}.items():
            if v is not None:
                env["OCF_RESKEY_" + k] = str(v)
        return env

    def run(self, action, timeout_ms=ACTION_MS, extra_env=None, pass_fds=(), **override):
        env = self.env(timeout_ms, **override)
        env.update(extra_env or {})
        t0 = time.monotonic()
        # capture_output: if the daemon kept the agent's stdout/stderr pipes, this would hang.
        r = subprocess.run([AGENT, action], env=env, capture_output=True, text=True, pass_fds=pass_fds,
                           timeout=timeout_ms / 1000 + 10, stdin=subprocess.DEVNULL)
        r.elapsed = time.monotonic() - t0
        return r

    def expect(self, action, rc, what="", **kw):
        r = self.run(action, **kw)
        assert r.returncode == rc, (f"{self.name} {action} {what}: rc {r.returncode}, want {rc}\n"
                                    f"stdout: {r.stdout}\nstderr: {r.stderr}")
        return r

    def pid(self):
        with open(self.params["pidfile"]) as f:
            return int(f.read().split()[0])


def reason_of(r):
    lines = [l for l in r.stderr.splitlines() if l.startswith("ocf-exit-reason:")]
    assert lines, "no ocf-exit-reason line in: " + r.stderr
    return lines[-1][len("ocf-exit-reason:"):]


def admin(etc, *args, stdin=""):
    r = subprocess.run([ADMIN, "--dir", etc, *args], input=stdin, text=True, capture_output=True,
                       timeout=DEADLINE)
    assert r.returncode == 0, f"mailsvc-admin {args}: {r.stderr}"


def maildir_files(root):
    d = f"{root}/maildirs/example.org/alice/Maildir"
    return [os.path.join(d, s, n) for s in ("new", "cur") if os.path.isdir(os.path.join(d, s))
            for n in os.listdir(os.path.join(d, s))]


def run_ocf_tester(agent):
    args = ["ocf-tester", "-n", agent.name]
    for k, v in agent.params.items():
        args += ["-o", f"{k}={v}"]
    r = subprocess.run(args + [AGENT], env=agent.env(), capture_output=True, text=True, timeout=90,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0 and "passed all tests" in r.stdout, \
        f"ocf-tester for {agent.name}: rc {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"


def check_service(t, agent, port, use_service):
    service = agent.params["service"]
    run_ocf_tester(agent)
    print(f"ok: {service}: ocf-tester passes")

    agent.expect("monitor", 7, "after ocf-tester")
    assert not os.path.exists(agent.params["pidfile"]), "the pidfile is removed by stop"
    marker = os.path.join(t.tmp, "inherited-fd-marker")
    with open(marker, "w") as extra:   # an fd of the agent's caller must not reach the daemon
        r = agent.expect("start", 0, pass_fds=(extra.fileno(),))
    pid = agent.pid()
    t.started.append(pid)
    argv = cmdline(pid)
    assert os.path.basename(argv[0]) == service and agent.params["config"] in argv, argv
    assert os.getsid(pid) == pid, "the daemon runs in its own session"
    with open(f"/proc/{pid}/status") as f:
        sigign = int([l for l in f if l.startswith("SigIgn:")][0].split()[1], 16)
    if service != "dnsd":  # dnsd handles SIGHUP itself: it reloads its zones
        assert sigign & (1 << (signal.SIGHUP - 1)), "SIGHUP is ignored"
    fds = {fd: os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
    assert marker not in fds.values(), f"the caller's fd leaked into the daemon: {fds}"
    assert os.readlink(f"/proc/{pid}/fd/0") == "/dev/null"
    assert os.readlink(f"/proc/{pid}/fd/2") == agent.params["logfile"]
    expect_runs_as(pid, "mail", service)  # ports bound as root, then the default account
    agent.expect("monitor", 0, "while running")
    assert can_connect(port), f"{service} accepts on 127.0.0.1:{port}"
    use_service()
    again = agent.expect("start", 0, "when already running")
    assert agent.pid() == pid and "already running" in again.stderr, again.stderr
    print(f"ok: {service}: monitor 7, start 0 ({r.elapsed * 1000:.0f} ms), monitor 0, port accepts, "
          f"own session, {'SIGHUP handled (reload)' if service == 'dnsd' else 'SIGHUP ignored'}, "
          "stdio on /dev/null + log, start again = same PID")

    r = agent.expect("stop", 0)
    assert gone(pid), f"{service} PID {pid} is gone after stop"
    agent.expect("monitor", 7, "after stop")
    assert not os.path.exists(agent.params["pidfile"]), "the pidfile is removed by stop"
    assert not can_connect(port), "nothing listens after stop"
    agent.expect("stop", 0, "when stopped")
    print(f"ok: {service}: stop 0 ({r.elapsed * 1000:.0f} ms), process gone, monitor 7, stop again 0")

    # A stale pidfile whose PID belongs to another program (our own sleep) is never signalled.
    sleeper = subprocess.Popen(["sleep", "60"])
    t.sleepers.append(sleeper)
    try:
        with open(agent.params["pidfile"], "w") as f:
            f.write(f"{sleeper.pid}\n")
        agent.expect("monitor", 7, "with a stale pidfile")
        agent.expect("stop", 0, "with a stale pidfile")
        assert sleeper.poll() is None, "stop left the unrelated sleep alone"
        assert not os.path.exists(agent.params["pidfile"]), "stop removed the stale pidfile"
        with open(agent.params["pidfile"], "w") as f:
            f.write(f"{sleeper.pid}\n")
        agent.expect("start", 0, "over a stale pidfile")
        pid = agent.pid()
        t.started.append(pid)
        assert pid != sleeper.pid
        agent.expect("monitor", 0)
        agent.expect("stop", 0)
        assert gone(pid) and sleeper.poll() is None, "the daemon stopped, the sleep still runs"
    finally:
        sleeper.kill()
        sleeper.wait(timeout=DEADLINE)
    print(f"ok: {service}: stale pidfile (PID of an unrelated sleep): monitor 7, stop 0, start 0, "
          "the sleep untouched")

    # validate-all on a config with an unknown key: 6, the reason names file:line.
    bad = os.path.join(t.tmp, f"{service}-bad.yaml")
    with open(agent.params["config"]) as f:
        text = f.read()
    with open(bad, "w") as f:
        f.write(text + "unknwon_key: 1\n")
    line = text.count("\n") + 1
    r = agent.expect("validate-all", 6, "with an unknown key", config=bad)
    assert reason_of(r).startswith(f"{bad}:{line}:") and reason_of(r).count(bad) == 1, reason_of(r)
    r = agent.expect("start", 6, "with an unknown key", config=bad)
    assert f"{bad}:{line}" in reason_of(r), reason_of(r)
    print(f"ok: {service}: validate-all / start with an unknown key: 6, {reason_of(r)!r}")


class Test:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="mailsvc-agent-test-", dir="/tmp")
        os.chmod(self.tmp, 0o755)  # the daemons give up root for `mail`, which must reach mail_root
        self.started = []   # daemon PIDs (from the pidfiles) of agents this test started
        self.sleepers = []
        self.sockets = []

    def cleanup(self):
        # Only what this test started: our sleeps, and processes whose command line names a file
        # in our temp directory (the daemons and fakes started through the agent).
        for s in self.sleepers:
            if s.poll() is None:
                s.kill()
                s.wait(timeout=DEADLINE)
        for s in self.sockets:
            s.close()
        pids = set(self.started)
        for d in os.listdir("/proc"):
            if d.isdigit() and any(self.tmp in a for a in cmdline(int(d))):
                pids.add(int(d))
        for pid in pids:
            if not gone(pid) and any(self.tmp in a for a in cmdline(pid)):
                print(f"cleanup: SIGKILL to leftover PID {pid}: {cmdline(pid)}")
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def dump_logs(self):
        log_dir = os.path.join(self.tmp, "log")
        for name in sorted(os.listdir(log_dir)) if os.path.isdir(log_dir) else []:
            with open(os.path.join(log_dir, name), errors="replace") as f:
                print(f"--- {name} (last 30 lines)\n" + "".join(f.readlines()[-30:]))

    def agent(self, name, service, config, binary, **kw):
        params = dict(service=service, config=config, binary=binary,
                      pidfile=f"{self.tmp}/run/{name}.pid", logfile=f"{self.tmp}/log/{name}.log")
        params.update(kw)
        return Agent(name, **params)

    def run(self):
        root = os.path.join(self.tmp, "mail")
        etc = os.path.join(root, "etc")
        os.makedirs(etc)
        admin(etc, "domain", "add", "example.org")
        admin(etc, "user", "add", USER, "--password-stdin", stdin=PASSWORD + "\n")

        smtp_port, sub_port, pop_port, imap_port = free_port(), free_port(), free_port(), free_port()
        smtpd_conf = os.path.join(self.tmp, "smtpd.yaml")
        with open(smtpd_conf, "w") as f:   # flow style; the monitor checks the first listener
            f.write(f"# smtpd for the agent test\nmail_root: {root}\nhostname: mx.example.org\n"
                    f"listeners:\n"
                    f"  - {{role: mx, address: 127.0.0.1, port: {smtp_port}}}   # checked by monitor\n"
                    f"  - {{role: submission, address: 127.0.0.1, port: {sub_port}}}\n"
                    # nothing leaves loopback: remote mail would go to a closed local port
                    "delivery: {relay_host: '[127.0.0.1]:1'}\n")
        pop3d_conf = os.path.join(self.tmp, "pop3d.yaml")
        with open(pop3d_conf, "w") as f:   # block style
            f.write(f"mail_root: {root}\nhostname: localhost\n"
                    f"tls:\n  cert: {self.tmp}/pop3d-cert.pem\n  key: {self.tmp}/pop3d-key.pem\n"
                    f"listeners:\n  - tls: starttls\n    address: '127.0.0.1'\n    port: {pop_port}\n")
        imapd_conf = os.path.join(self.tmp, "imapd.yaml")
        with open(imapd_conf, "w") as f:
            f.write(f"mail_root: {root}\nhostname: localhost\n"
                    f"tls:\n  cert: {self.tmp}/imapd-cert.pem\n  key: {self.tmp}/imapd-key.pem\n"
                    f"listeners:\n  - {{tls: starttls, address: 127.0.0.1, port: {imap_port}}}\n")

        def send_mail():
            before = len(maildir_files(root))
            with smtplib.SMTP("127.0.0.1", smtp_port, timeout=DEADLINE) as c:
                c.sendmail("bob@other.net", [USER],
                           "From: bob@other.net\r\nTo: alice@example.org\r\nSubject: via the agent\r\n\r\nhello\r\n")
            wait_until(lambda: len(maildir_files(root)) == before + 1, "delivery into alice's Maildir")
            print("ok: smtpd: a mail through the agent's smtpd is in the Maildir")

        def read_mail():
            ctx = ssl.create_default_context()
            ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
            p = poplib.POP3("127.0.0.1", pop_port, timeout=DEADLINE)
            try:
                p.stls(context=ctx)
                p.user(USER)
                p.pass_(PASSWORD)
                count, _ = p.stat()
                assert count >= 1, "the mail delivered by smtpd is in the maildrop"
                assert b"Subject: via the agent" in b"\r\n".join(p.retr(1)[1])
            finally:
                p.quit()
            print(f"ok: pop3d: STLS + login through the agent's pop3d, {count} message(s), RETR")

        check_service(self, self.agent("smtpd", "smtpd", smtpd_conf, SMTPD), smtp_port, send_mail)
        def read_mail_imap():
            ctx = ssl.create_default_context()
            ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
            m = imaplib.IMAP4("127.0.0.1", imap_port, timeout=DEADLINE)
            try:
                m.starttls(ssl_context=ctx)
                m.login(USER, PASSWORD)
                typ, data = m.select("INBOX", readonly=True)
                assert typ == "OK" and int(data[0]) >= 1, "the mail delivered by smtpd is in INBOX"
                typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                assert typ == "OK" and b"Subject: via the agent" in data[0][1], data
            finally:
                m.logout()
            print("ok: imapd: STARTTLS + login through the agent's imapd, FETCH")

        check_service(self, self.agent("pop3d", "pop3d", pop3d_conf, POP3D), pop_port, read_mail)
        check_service(self, self.agent("imapd", "imapd", imapd_conf, IMAPD), imap_port, read_mail_imap)

        dns_port = free_port()
        zones = os.path.join(self.tmp, "zones")
        shutil.copytree(DNSD_ZONES, zones)
        dnsd_conf = os.path.join(self.tmp, "dnsd.yaml")
        with open(dnsd_conf, "w") as f:
            f.write(f"user: mail\nlisteners:\n  - {{address: 127.0.0.1, port: {dns_port}}}\n"
                    f"zones:\n  - {{name: example.org, file: {zones}/example.org.zone}}\n")

        def ask_dns():
            for transport in ("+notcp", "+tcp"):
                out = subprocess.run(["dig", "+short", transport, "@127.0.0.1", "-p", str(dns_port), "mail.example.org", "A"],
                                     capture_output=True, text=True, timeout=DEADLINE).stdout
                assert out.strip() == "192.0.2.50", (transport, out)
            print("ok: dnsd: mail.example.org A over UDP and TCP through the agent's dnsd")

        check_service(self, self.agent("dnsd", "dnsd", dnsd_conf, DNSD), dns_port, ask_dns)

        http_port = free_port()
        www = os.path.join(self.tmp, "www")
        os.makedirs(www)
        with open(os.path.join(www, "index.html"), "w") as f:
            f.write("served through the agent")
        httpd_conf = os.path.join(self.tmp, "httpd.yaml")
        with open(httpd_conf, "w") as f:
            f.write(f"user: mail\ndocument_root: {www}\nlisteners:\n  - {{tls: none, address: 127.0.0.1, port: {http_port}}}\n")

        def get_page():
            c = http.client.HTTPConnection("127.0.0.1", http_port, timeout=DEADLINE)
            try:
                c.request("GET", "/")
                r = c.getresponse()
                assert r.status == 200 and r.read() == b"served through the agent", r.status
            finally:
                c.close()
            print("ok: httpd: GET / through the agent's httpd")

        check_service(self, self.agent("httpd", "httpd", httpd_conf, HTTPD), http_port, get_page)
        self.trace()
        self.start_failures(root)
        self.fake_daemon()

    def trace(self):
        """service=trace: mailsvc-trace --config follows the logs of the daemons above (smtpd
        delivered a mail that pop3d and imapd read) into an index in a directory it makes."""
        db = os.path.join(self.tmp, "trace", "trace.db")
        conf = os.path.join(self.tmp, "trace.yaml")
        with open(conf, "w") as f:
            f.write(f"db: {db}\nuser: mail\nlogs: [{self.tmp}/log/smtpd.log, {self.tmp}/log/pop3d.log]\n")
        a = self.agent("trace", "trace", conf, TRACE)
        run_ocf_tester(a)
        a.expect("monitor", 7, "after ocf-tester")
        a.expect("start", 0)
        pid = a.pid()
        self.started.append(pid)
        argv = cmdline(pid)
        assert os.path.basename(argv[0]) == "mailsvc-trace" and conf in argv, argv
        expect_runs_as(pid, "mail", "the trace's follower")
        a.expect("monitor", 0, "while running (no listener to connect to)")

        def traced():
            r = subprocess.run([TRACE, "--db", db, "search", "--to", USER], capture_output=True, text=True,
                               timeout=DEADLINE)
            return r.returncode == 0 and " delivered " in r.stdout and " retrieved " in r.stdout
        wait_until(traced, "the mail of smtpd and pop3d above in the trace (delivered, retrieved)", DEADLINE)
        a.expect("stop", 0)
        assert gone(pid), f"mailsvc-trace PID {pid} is gone after stop"
        a.expect("monitor", 7, "after stop")
        with open(a.params["logfile"]) as f:
            log = f.read()
        assert "component=trace event=started" in log and "component=trace event=stopped" in log, log
        bad = os.path.join(self.tmp, "trace-bad.yaml")
        with open(bad, "w") as f:
            f.write(f"db: {db}\nlogs: [smtpd.log]\n")
        r = a.expect("validate-all", 6, "with a relative log path", config=bad)
        assert reason_of(r).startswith(f"{bad}:2:") and "not an absolute path" in reason_of(r), reason_of(r)
        print("ok: trace: ocf-tester passes; start 0, runs as mail, monitor 0 without a listener, the mail "
              "indexed (delivered, retrieved), stop 0 (logged started/stopped), a relative log path 6 with file:line")

    def start_failures(self, root):
        # The port is taken: smtpd exits at startup; start says 1 with its error, leaves nothing.
        busy = socket.socket()
        self.sockets.append(busy)
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        conf = os.path.join(self.tmp, "smtpd-busy.yaml")
        with open(conf, "w") as f:
            f.write(f"mail_root: {root}\nlisteners:\n  - {{role: mx, address: 127.0.0.1, "
                    f"port: {busy.getsockname()[1]}}}\ndelivery: {{relay_host: '[127.0.0.1]:1'}}\n")
        a = self.agent("busy", "smtpd", conf, SMTPD)
        r = a.expect("start", 1, "on a busy port")
        reason = reason_of(r)
        assert "exited (status 1)" in reason and "startup_failed" in reason, reason
        assert not os.path.exists(a.params["pidfile"])
        assert not [d for d in os.listdir("/proc") if d.isdigit() and conf in cmdline(int(d))], \
            "no smtpd left with the busy config"
        a.expect("monitor", 7, "after the failed start")
        a.expect("stop", 0, "after the failed start")
        print(f"ok: start on a busy port: 1 in {r.elapsed * 1000:.0f} ms, {reason!r}")

        # Missing config (5), missing binary (5), unknown service (6), relative config (6);
        # monitor and stop still answer 7 / 0 where the binary or the config is missing.
        missing = self.agent("missing", "smtpd", os.path.join(self.tmp, "nope.yaml"), SMTPD)
        r = missing.expect("validate-all", 5, "with a missing config")
        assert "does not exist" in reason_of(r), reason_of(r)
        missing.expect("monitor", 7, "with a missing config")
        missing.expect("stop", 0, "with a missing config")
        r = missing.expect("start", 5, "with a missing binary", binary=os.path.join(self.tmp, "no-smtpd"))
        assert "no-smtpd" in reason_of(r), reason_of(r)
        missing.expect("monitor", 7, "with a missing binary", binary=os.path.join(self.tmp, "no-smtpd"))
        r = missing.expect("validate-all", 5, "with a binary name found nowhere", binary="no-such-maild")
        assert "no-such-maild not found" in reason_of(r), reason_of(r)
        r = missing.expect("validate-all", 6, "with service=ftpd", service="ftpd")
        assert "ftpd" in reason_of(r) and "httpd" in reason_of(r), reason_of(r)
        missing.expect("monitor", 6, "with service=ftpd", service="ftpd")
        missing.expect("validate-all", 6, "with a relative config", config="smtpd.yaml")
        missing.expect("validate-all", 6, "with kill_grace=soon", kill_grace="soon")
        print("ok: missing config / binary -> 5 (monitor 7, stop 0), unknown service / relative config / "
              "bad kill_grace -> 6")

    def fake_daemon(self):
        # A stand-in "smtpd" (a bash script, so bash is argv[0] and the script argv[1]) that
        # ignores SIGTERM; FAKE_MODE (inherited through the agent) chooses whether it logs
        # event=started. The monitor's connect goes to a socket this test listens on.
        fake_dir = os.path.join(self.tmp, "fake")
        os.makedirs(fake_dir)
        fake = os.path.join(fake_dir, "smtpd")
        with open(fake, "w") as f:
            f.write("#!/bin/bash\n"
                    "for a; do [[ $a == --check ]] && exit 0; done\n"
                    "trap '' TERM\n"
                    "[[ $FAKE_MODE == silent ]] || echo 'ts=x level=info component=smtpd event=started' >&2\n"
                    "while :; do sleep 0.2; done\n")
        os.chmod(fake, 0o755)
        lsock = socket.socket()
        self.sockets.append(lsock)
        lsock.bind(("127.0.0.1", 0))
        lsock.listen()
        conf = os.path.join(self.tmp, "fake.yaml")
        with open(conf, "w") as f:
            f.write(f"listeners:\n  - {{role: mx, address: 0.0.0.0, port: {lsock.getsockname()[1]}}}\n")
        a = self.agent("fake", "smtpd", conf, fake, kill_grace=1)

        a.expect("start", 0, "of the fake")
        pid = a.pid()
        self.started.append(pid)
        a.expect("monitor", 0, "of the fake (0.0.0.0 -> 127.0.0.1)")
        r = a.expect("stop", 0, "of a daemon ignoring SIGTERM")
        assert gone(pid), "SIGKILL ended it"
        assert 0.9 < r.elapsed < 6, f"SIGKILL after kill_grace=1 s: stop took {r.elapsed:.1f} s"
        with open(a.params["logfile"]) as f:
            assert f"event=sigkill pid={pid}" in f.read()
        print(f"ok: a daemon ignoring SIGTERM: stop 0 in {r.elapsed:.1f} s (SIGKILL after kill_grace=1)")

        r = a.expect("start", 1, "of a daemon that never logs event=started", timeout_ms=8000,
                     extra_env={"FAKE_MODE": "silent"})
        assert "did not log event=started" in reason_of(r), reason_of(r)
        assert r.elapsed < 8, f"start returned within its 8 s timeout ({r.elapsed:.1f} s)"
        assert not os.path.exists(a.params["pidfile"])
        assert not [d for d in os.listdir("/proc") if d.isdigit() and not gone(int(d))
                    and conf in cmdline(int(d))], "the silent fake was ended"
        print(f"ok: a daemon that never logs event=started: start 1 after {r.elapsed:.1f} s "
              f"(timeout 8 s), ended, {reason_of(r)!r}")


def main():
    t = Test()
    ok = False
    try:
        t.run()
        ok = True
    finally:
        if not ok:
            t.dump_logs()
        t.cleanup()
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
