#!/usr/bin/python3
"""The cluster dashboard in httpd (/dashboard/api/) against fake hacored and drbdlited
control sockets (fake_control.py, answering from tests/fixtures): one case per run
(argv[1]); httpd on free loopback ports as nobody, logins with mail passwords made by
mailsvc-admin; every wait has a deadline."""
import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HTTPD = os.environ["HTTPD_BIN"]
ADMIN = os.environ["MAILSVC_ADMIN_BIN"]
TIMEOUT = 15
RUN_AS = "nobody"
ADMIN_USER, VIEWER, OTHER = "alice@example.org", "bob@example.org", "carol@example.org"
PASSWORD = "dash-secret"

sys.path.insert(0, os.path.join(HERE, "..", "..", "tests"))
from mail_test_util import LoggedDaemon, MailboxDaemonEnv, free_port, run_case, unverified_tls_ctx, wait_until  # noqa: E402
from fake_control import FakeControl  # noqa: E402
sys.path.insert(0, os.path.join(HERE, "..", "..", "webmail", "tests"))
import webmail_test as wm  # noqa: E402


def fixture(name):
    with open(os.path.join(HERE, "fixtures", name)) as f:
        return f.read()


class Env(LoggedDaemon):
    def __init__(self, tmp):
        self.tmp = tmp
        self.mail = MailboxDaemonEnv(tmp, "unused", HTTPD, ADMIN, ADMIN_USER, PASSWORD, RUN_AS)
        for u in (VIEWER, OTHER):
            self.mail.admin("user", "add", u, "--password-stdin", stdin=PASSWORD + "\n")
        self.www = os.path.join(tmp, "www")
        # The page as installed: beneath webmail's document root, as /dashboard/.
        shutil.copytree(os.path.join(HERE, "..", "www"), os.path.join(self.www, "dashboard"))
        self.tls_port = free_port()
        self.config_path = os.path.join(tmp, "httpd.yaml")
        self.log_path = os.path.join(tmp, "httpd.log")
        events = [json.loads(line) for line in fixture("hacored_events.jsonl").splitlines() if line]
        self.hacored = FakeControl(os.path.join(tmp, "hacored.sock"),
                                   {"status": {"ok": True, "status": json.loads(fixture("hacored_status.json"))},
                                    "switchover": {"ok": True, "id": 12},
                                    "standby": {"ok": False, "error": "unknown node 'node9'"}},
                                   events).start()
        self.drbdlited = FakeControl(os.path.join(tmp, "drbdlited.sock"),
                                     {"status": json.loads(fixture("drbdlited_status.json"))}).start()

    def start(self):
        subprocess.run(["chown", "-R", f"{RUN_AS}:", self.mail.root], check=True)
        with open(self.config_path, "w") as f:
            f.write(f"""user: {RUN_AS}
hostname: localhost
document_root: {self.www}
listeners:
  - {{tls: implicit, address: 127.0.0.1, port: {self.tls_port}}}
tls: {{cert: {self.tmp}/tls/cert.pem, key: {self.tmp}/tls/key.pem}}
webmail:
  mail_root: {self.mail.root}
dashboard:
  hacored_socket: {self.hacored.path}
  drbdlited_socket: {self.drbdlited.path}
  admins: [{ADMIN_USER}]
  viewers: [{VIEWER}]
  request_timeout: 1s
""")
        self.launch(HTTPD, self.config_path)

    def client(self, user=None):
        c = Client(http.client.HTTPSConnection("127.0.0.1", self.tls_port, timeout=TIMEOUT,
                                               context=unverified_tls_ctx()))
        if user:
            c.login(PASSWORD, user=user)
        return c


Client = wm.Client  # the webmail API's client: the dashboard logs in through webmail


def case_roles(env):
    env.start()
    anon = env.client()
    r, _ = anon.call("GET", "/dashboard/api/state")
    assert r.status == 401, r.status
    admin = env.client(ADMIN_USER)
    assert admin.json("GET", "/dashboard/api/session")["role"] == "admin"
    viewer = env.client(VIEWER)
    assert viewer.json("GET", "/dashboard/api/session")["role"] == "viewer"
    other = env.client(OTHER)
    r, _ = other.call("GET", "/dashboard/api/state")
    assert r.status == 403, r.status
    r, _ = other.call("GET", "/dashboard/api/session")
    assert r.status == 403, r.status
    # The page itself is a file beneath the document root.
    r, body = anon.call("GET", "/dashboard/")
    assert r.status == 200 and b'src="dashboard.js"' in body, (r.status, body)
    r, body = anon.call("GET", "/dashboard/dashboard.js")
    assert r.status == 200 and b"/dashboard/api/state" in body, (r.status, body)


def case_state(env):
    env.start()
    c = env.client(VIEWER)
    s = c.json("GET", "/dashboard/api/state")
    assert s["sources"] == {"hacored": {"ok": True}, "drbdlited": {"ok": True}}, s["sources"]
    assert s["cluster"]["name"] == "halab" and s["cluster"]["quorate"] is True, s["cluster"]
    assert [n["state"] for n in s["nodes"]] == ["online", "standby", "off", "unclean"], s["nodes"]
    assert s["groups"][0]["resources"][1]["on"]["node1"] == "promoted", s["groups"]
    assert s["volumes"][0]["sync"]["percent"] == 75.0, s["volumes"][0]
    assert s["fencing"]["devices"] == ["fence_lab", "fence_ipmilan"], s["fencing"]
    assert [h.get("id") for h in s["history"]][:2] == [8, 7], s["history"]
    cmds = [r["cmd"] for r in env.hacored.requests]
    assert cmds == ["status", "events"], cmds
    assert env.hacored.requests[1]["follow"] is False


def case_csrf(env):
    env.start()
    c = env.client(ADMIN_USER)
    r, _ = c.call("POST", "/dashboard/api/state", {}, token=False)
    assert r.status == 403, r.status
    r, _ = c.call("POST", "/dashboard/api/state", {}, token=True)
    assert r.status == 405, r.status


def case_not_answering(env):
    env.start()
    c = env.client(VIEWER)
    env.hacored.mode = "stall"
    started = time.monotonic()
    s = c.json("GET", "/dashboard/api/state")
    took = time.monotonic() - started
    assert s["sources"]["hacored"]["ok"] is False, s["sources"]
    assert "hacored on this node not answering" in s["sources"]["hacored"]["error"], s["sources"]
    assert s["nodes"] == [] and s["cluster"] is None, s
    assert s["sources"]["drbdlited"]["ok"] is True and len(s["volumes"]) == 3, s
    assert took < 5, took  # request_timeout 1s
    env.hacored.mode = "answer"
    env.drbdlited.mode = "close"
    s = c.json("GET", "/dashboard/api/state")
    assert s["sources"]["hacored"]["ok"] is True, s["sources"]
    assert "drbdlited on this node not answering" in s["sources"]["drbdlited"]["error"], s["sources"]
    env.drbdlited.mode = "garbage"
    s = c.json("GET", "/dashboard/api/state")
    assert "drbdlited on this node answered garbage" in s["sources"]["drbdlited"]["error"], s["sources"]
    env.drbdlited.stop()
    os.unlink(env.drbdlited.path)
    s = c.json("GET", "/dashboard/api/state")
    assert "drbdlited on this node not reachable" in s["sources"]["drbdlited"]["error"], s["sources"]
    assert "dashboard_source_failed" in env.log_text()
    # The loop was never blocked: the page and the API kept answering meanwhile.
    env.hacored.mode = "stall"
    other = env.client()
    c.conn.request("GET", "/dashboard/api/state", headers={"Host": "localhost", "Cookie": c.cookie})
    started = time.monotonic()
    r, _ = other.call("GET", "/dashboard/index.html")
    assert r.status == 200 and time.monotonic() - started < 0.9, time.monotonic() - started
    c.conn.getresponse().read()


def open_events(env, user):
    c = env.client(user)
    c.conn.request("GET", "/dashboard/api/events", headers={"Host": "localhost", "Cookie": c.cookie})
    r = c.conn.getresponse()
    assert r.status == 200, r.status
    assert r.getheader("Content-Type") == "text/event-stream", r.getheaders()
    return c, r


def read_until(r, needle, timeout=10):
    """The stream's text up to and including `needle` (http.client undoes the chunks)."""
    end = time.monotonic() + timeout
    text = b""
    while needle not in text:
        assert time.monotonic() < end, ("no", needle, text[-500:])
        chunk = r.read1(65536)
        assert chunk, ("stream ended before", needle, text[-500:])
        text += chunk
    return text.decode()


def case_events(env):
    env.start()
    _, r = open_events(env, VIEWER)
    assert "retry: 5000" in read_until(r, b"retry:")
    wait_until(lambda: env.hacored.follow_requests() == 1, "httpd to follow hacored's events")
    env.hacored.emit({"ts": "2026-12-06T03:00:00.000Z", "ts_ms": 1796526000000, "event": "switchover_phase",
                      "id": 9, "group": "mail", "phase": "start vip on node2", "ok": True, "elapsed_ms": 120})
    text = read_until(r, b"start vip on node2")
    line = [l for l in text.split("\n") if "start vip on node2" in l][0]
    assert line.startswith("data: "), line
    assert json.loads(line[len("data: "):])["event"] == "switchover_phase", line
    assert "event: hacored" in text, text
    # A second browser shares the one follow connection.
    _, r2 = open_events(env, ADMIN_USER)
    read_until(r2, b"retry:")
    env.hacored.emit({"event": "node_lost", "node": "node2", "ts": "t", "ts_ms": 1})
    read_until(r, b"node_lost")
    read_until(r2, b"node_lost")
    assert env.hacored.follow_requests() == 1, env.hacored.requests
    # hacored goes away: the stream says so, and httpd follows again once it is back.
    env.hacored.drop_followers()
    text = read_until(r, b'"ok":false')
    assert "event: source" in text and "not answering" in text, text
    wait_until(lambda: env.hacored.follow_requests() == 2, "httpd to follow again")
    read_until(r, b'"hacored":{"ok":true}')
    env.hacored.emit({"event": "node_joined", "node": "node2", "ts": "t", "ts_ms": 2})
    read_until(r, b"node_joined")
    # Viewers only: someone in neither list gets 403, without a session 401.
    other = env.client(OTHER)
    r3, _ = other.call("GET", "/dashboard/api/events")
    assert r3.status == 403, r3.status


def case_events_slow_client(env):
    env.start()
    c, r = open_events(env, VIEWER)
    read_until(r, b"retry:")
    wait_until(lambda: env.hacored.follow_requests() == 1, "httpd to follow hacored's events")
    # This client reads nothing more: 400 events of 64 KiB overflow its bounded buffer
    # (256 KiB) once the sockets are full; httpd drops it and keeps following for others.
    pad = "x" * 65536
    for i in range(400):
        env.hacored.emit({"event": "note", "n": i, "pad": pad, "ts": "t", "ts_ms": i})
        if "dashboard_events_client_dropped" in env.log_text():
            break
    wait_until(lambda: "dashboard_events_client_dropped" in env.log_text(), "the slow client to be dropped")
    _, r2 = open_events(env, VIEWER)
    read_until(r2, b"retry:")
    # httpd may be following on a new connection (the old one let go with no subscriber
    # left): events are emitted until one arrives.
    done = threading.Event()

    def emit_until_done():
        while not done.wait(0.1):
            env.hacored.emit({"event": "after_drop", "ts": "t", "ts_ms": 1})
    t = threading.Thread(target=emit_until_done, daemon=True)
    t.start()
    try:
        read_until(r2, b"after_drop")
    finally:
        done.set()
        t.join()


def case_actions(env):
    env.start()
    admin, viewer = env.client(ADMIN_USER), env.client(VIEWER)
    ask = {"action": "switchover", "target": "mail"}
    r, _ = admin.call("POST", "/dashboard/api/actions", ask, token=False)
    assert r.status == 403, r.status  # no CSRF token
    r, _ = viewer.call("POST", "/dashboard/api/actions", ask)
    assert r.status == 403, r.status  # viewers look only
    offer = admin.json("POST", "/dashboard/api/actions", ask)
    assert "mail" in offer["will"] and len(offer["confirm_token"]) == 64, offer
    assert not [q for q in env.hacored.requests if q["cmd"] == "switchover"], "nothing sent before the confirmation"
    done = admin.json("POST", "/dashboard/api/actions", dict(ask, confirm=offer["confirm_token"]))
    assert done == {"ok": True, "reply": {"ok": True, "id": 12}}, done
    sent = [q for q in env.hacored.requests if q["cmd"] == "switchover"]
    assert sent == [{"cmd": "switchover", "group": "mail"}], sent
    assert ("event=dashboard_action user=alice@example.org action=switchover target=mail result=accepted"
            in env.log_text()), env.log_text()
    r, _ = admin.call("POST", "/dashboard/api/actions", dict(ask, confirm=offer["confirm_token"]))
    assert r.status == 403, r.status  # one time
    # Another admin session cannot use alice's token; a token for another target neither.
    offer = admin.json("POST", "/dashboard/api/actions", {"action": "cleanup", "target": "smtpd"})
    r, _ = admin.call("POST", "/dashboard/api/actions", {"action": "cleanup", "target": "imapd",
                                                           "confirm": offer["confirm_token"]})
    assert r.status == 403, r.status
    # hacored's refusal comes back with its reason, and is logged.
    offer = admin.json("POST", "/dashboard/api/actions", {"action": "standby", "target": "node9"})
    body = admin.json("POST", "/dashboard/api/actions", {"action": "standby", "target": "node9",
                                                         "confirm": offer["confirm_token"]}, status=422)
    assert "unknown node 'node9'" in body["error"], body
    assert "action=standby target=node9 result=" in env.log_text()


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    run_case(CASES, Env, "dashboard")
