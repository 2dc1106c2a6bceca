#!/usr/bin/python3
"""The mail trace page in httpd, end to end: fixture logs of two users (alice, bob) on two
nodes are indexed with `mailsvc-trace index`, httpd serves the index with webmail's
logins; alice sees her messages' whole timelines and gets 404 for bob's (as for one that
does not exist), the admin sees all and searches by subject, the gate is webmail's
(cookie, TLS, CSRF), a bad parameter is a 400 naming it, the page is served under /trace/."""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TRACE = os.environ["TRACE_BIN"]
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "webmail", "tests"))
import webmail_test as wm  # noqa: E402  (its Env: httpd with a webmail: section; its Client)
from mail_test_util import run_case  # noqa: E402

ALICE, BOB, ROOT = "alice@example.org", "bob@example.org", "root@example.org"
PASSWORDS = {ALICE: wm.PASSWORD, BOB: "bob-secret", ROOT: "root-secret"}


class Env(wm.Env):
    def __init__(self, tmp):
        super().__init__(tmp)
        for user in (BOB, ROOT):
            self.mail.admin("user", "add", user, "--password-stdin", stdin=PASSWORDS[user] + "\n")
        trace_dir = os.path.join(tmp, "trace")
        os.makedirs(trace_dir)
        self.index = os.path.join(trace_dir, "trace.db")
        fixtures = os.path.join(HERE, "fixtures")
        r = subprocess.run([TRACE, "--db", self.index, "index", "node1=" + os.path.join(fixtures, "node1.log"),
                            "node2=" + os.path.join(fixtures, "node2.log")], capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        # httpd's account reads the index (WAL: it needs to create the -shm file beside it).
        subprocess.run(["chown", "-R", f"{wm.RUN_AS}:", trace_dir], check=True)
        shutil.copytree(os.path.join(HERE, "..", "www"), os.path.join(self.www, "trace"))
        self.webmail_extra = f"trace:\n  index: {self.index}\n  admins: [{ROOT.upper()}]\n"


def login(env, user):
    c = wm.Client(env.tls())
    r, data = c.call("POST", "/api/login", {"user": user, "password": PASSWORDS[user]})
    assert r.status == 200, (r.status, data)
    c.cookie = r.getheader("Set-Cookie").split(";", 1)[0]
    c.csrf = wm.json.loads(data)["csrf_token"]
    return c


def queue_ids(page):
    return [m["queue_id"] for m in page["messages"]]


def case_user(env):
    env.start()
    alice = login(env, ALICE)
    page = alice.json("GET", "/trace/api/messages")
    assert queue_ids(page) == ["0C2", "0A1"], page  # newest first  # bob's mail to a remote address is not hers
    assert page["truncated"] is False
    # Her message to bob, whole: received on node1 (TLS, AUTH), delivered, read by bob on node2.
    m = alice.json("GET", "/trace/api/messages/0A1")["messages"][0]
    assert m["from"] == ALICE and m["to"] == [BOB] and m["status"] == "delivered", m
    steps = [(s["node"], s["step"]) for s in m["timeline"]]
    assert steps == [("node1", "received"), ("node1", "delivered"), ("node2", "retrieved")], steps
    received = m["timeline"][0]["details"]
    assert received["tls"] == "true" and received["auth_user"] == ALICE and received["client"] == "192.0.2.7", received
    assert m["timeline"][1]["details"]["relay"] == "local"
    # By Message-ID too; bob's message to her, delivered on node2 and read on node1.
    m = alice.json("GET", "/trace/api/messages/%3Creport%40example.org%3E")["messages"][0]
    assert [(s["node"], s["step"]) for s in m["timeline"]] == [("node2", "received"), ("node2", "delivered"),
                                                                  ("node1", "retrieved")], m
    # Bob's own message (to a remote address): not found, exactly as one that does not exist.
    r1, other = alice.call("GET", "/trace/api/messages/0B3")
    r2, missing = alice.call("GET", "/trace/api/messages/0ZZ")
    assert r1.status == 404 and r2.status == 404 and other == missing, (r1.status, other, missing)
    r1, _ = alice.call("GET", "/trace/api/messages/%3Caway%40example.org%3E")
    assert r1.status == 404
    assert queue_ids(alice.json("GET", "/trace/api/messages?from=bob%40example.org")) == ["0C2"]
    # Subject search and the indicators: admins only.
    alice.json("GET", "/trace/api/messages?subject=report", status=403)
    alice.json("GET", "/trace/api/indicators", status=403)
    bob = login(env, BOB)
    assert queue_ids(bob.json("GET", "/trace/api/messages?order=oldest")) == ["0A1", "0B3", "0C2"]
    away = bob.json("GET", "/trace/api/messages/0B3")["messages"][0]
    assert [(s["node"], s["step"]) for s in away["timeline"]] == [
        ("node1", "received"), ("node1", "deferred"), ("node2", "requeued"), ("node2", "delivered")], away
    assert away["timeline"][1]["details"]["reply"] == "451 4.3.0 Try again later"


def case_admin(env):
    env.start()
    root = login(env, ROOT)
    assert queue_ids(root.json("GET", "/trace/api/messages")) == ["0C2", "0B3", "0A1"]
    assert queue_ids(root.json("GET", "/trace/api/messages?subject=REPORT")) == ["0C2"]
    assert queue_ids(root.json("GET", "/trace/api/messages?status=delivered&since=2026-12-05T11&until=2026-12-05T12")) == ["0B3"]
    page = root.json("GET", "/trace/api/messages?limit=2")
    assert queue_ids(page) == ["0C2", "0B3"] and page["truncated"] is True, page  # the latest two
    page = root.json("GET", "/trace/api/messages?limit=2&order=oldest")
    assert queue_ids(page) == ["0A1", "0B3"] and page["truncated"] is True, page
    assert root.json("GET", "/trace/api/messages/0B3")["messages"][0]["from"] == BOB
    ind = root.json("GET", "/trace/api/indicators?since=2026-12-05")
    assert ind["queue_size"] == 0, ind
    hours = {h["hour"]: h for h in ind["hours"]}
    assert hours["2026-12-05T11"]["received"] == 1 and hours["2026-12-05T11"]["deferred"] == 1, ind


def case_rules(env):
    env.start()
    anon = wm.Client(env.tls())
    r, _ = anon.call("GET", "/trace/api/messages")
    assert r.status == 401, r.status
    alice = login(env, ALICE)
    # Plaintext: refused even with the cookie (it is Secure anyway).
    plain = wm.Client(env.plain())
    plain.cookie = alice.cookie
    r, _ = plain.call("GET", "/trace/api/messages")
    assert r.status == 403, r.status
    # A state change without the CSRF token: 403; with it: the API is GET only.
    r, _ = alice.call("POST", "/trace/api/messages", body={}, token=False)
    assert r.status == 403, r.status
    r, _ = alice.call("POST", "/trace/api/messages", body={})
    assert r.status == 405, r.status
    # Bad parameters: 400 naming them.
    for target, name in (("/trace/api/messages?limit=0", "limit"), ("/trace/api/messages?status=lost", "status"),
                         ("/trace/api/messages?since=yesterday", "since"), ("/trace/api/messages?colour=red", "colour"),
                         ("/trace/api/messages/a%2Fb", "id")):
        body = alice.json("GET", target, status=400)
        assert body["error"].startswith(name + ":"), (target, body)
    # After logout the cookie opens nothing.
    alice.json("POST", "/api/logout")
    r, _ = alice.call("GET", "/trace/api/messages")
    assert r.status == 401, r.status
    # The page itself, from the document root.
    page = wm.Client(env.tls())
    r, data = page.call("GET", "/trace/")
    assert r.status == 200 and b"<title>Mail trace</title>" in data, (r.status, data[:200])
    r, data = page.call("GET", "/trace/trace.js")
    assert r.status == 200 and b"/trace/api/messages" in data, r.status


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    run_case(CASES, Env, "trace_web")
