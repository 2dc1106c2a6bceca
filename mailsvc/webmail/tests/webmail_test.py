#!/usr/bin/python3
"""webmail's /api/ in httpd with Python's http.client on loopback: one case per run
(argv[1]), each with its own mail_root (mailsvc-admin's user, messages delivered into the
Maildir as smtpd does) and httpd on free ports (TLS and plaintext); every wait has a
deadline."""
import http.client
import json
import os
import socket
import ssl
import subprocess
import sys
import time

HTTPD = os.environ["HTTPD_BIN"]
ADMIN = os.environ["MAILSVC_ADMIN_BIN"]
TIMEOUT = 10
RUN_AS = "nobody"
USER, PASSWORD = "alice@example.org", "webmail-secret"

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
from mail_test_util import LoggedDaemon, MailboxDaemonEnv, free_port, run_case, unverified_tls_ctx, wait_until  # noqa: E402,F401 (wait_until: for the browser test)

PLAIN = ("From: Bob <bob@example.net>\r\nTo: alice@example.org\r\nSubject: hello webmail\r\n"
         "Date: Sat, 05 Dec 2026 10:00:00 +0000\r\n\r\nplain body\r\n")
HTML = ("From: mallory@example.net\r\nTo: alice@example.org\r\nSubject: html\r\n"
        "Date: Sun, 06 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        "<p onload=\"x()\">hi</p><script>window.pwned=1</script><img src=\"http://127.0.0.1:9/x.png\">\r\n"
        "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nUERGLTEuNA==\r\n--b--\r\n")


class Env(LoggedDaemon):
    def __init__(self, tmp):
        self.tmp = tmp
        self.mail = MailboxDaemonEnv(tmp, "unused", HTTPD, ADMIN, USER, PASSWORD, RUN_AS)
        self.www = os.path.join(tmp, "www")
        os.makedirs(self.www)
        with open(os.path.join(self.www, "index.html"), "w") as f:
            f.write("<h1>webmail</h1>")
        self.plain_port, self.tls_port = free_port(), free_port()
        self.config_path = os.path.join(tmp, "httpd.yaml")
        self.log_path = os.path.join(tmp, "httpd.log")
        self.webmail_extra = ""  # more keys of the webmail: section (webmail_send_test.py)

    def start(self):
        subprocess.run(["chown", "-R", f"{RUN_AS}:", self.mail.root], check=True)
        with open(self.config_path, "w") as f:
            f.write(f"""user: {RUN_AS}
hostname: localhost
document_root: {self.www}
listeners:
  - {{tls: none, address: 127.0.0.1, port: {self.plain_port}}}
  - {{tls: implicit, address: 127.0.0.1, port: {self.tls_port}}}
tls: {{cert: {self.tmp}/tls/cert.pem, key: {self.tmp}/tls/key.pem}}
webmail:
  mail_root: {self.mail.root}
{self.webmail_extra}""")
        self.launch(HTTPD, self.config_path)

    def tls(self):
        return http.client.HTTPSConnection("127.0.0.1", self.tls_port, timeout=TIMEOUT, context=unverified_tls_ctx())

    def plain(self):
        return http.client.HTTPConnection("127.0.0.1", self.plain_port, timeout=TIMEOUT)


class Client:
    """A browser's view of the API: the cookie and the CSRF token kept after login."""

    def __init__(self, conn):
        self.conn, self.cookie, self.csrf = conn, None, None

    def call(self, method, target, body=None, token=True):
        headers = {"Host": "localhost"}
        if body is not None:
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        if self.cookie:
            headers["Cookie"] = self.cookie
        if token and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        self.conn.request(method, target, body=body, headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        return r, data

    def json(self, method, target, body=None, status=200, token=True):
        r, data = self.call(method, target, body, token)
        assert r.status == status, (method, target, r.status, data)
        return json.loads(data) if data else None

    def login(self, password=PASSWORD, status=200, user=USER):
        r, data = self.call("POST", "/api/login", {"user": user, "password": password})
        assert r.status == status, (r.status, data)
        if status == 200:
            set_cookie = r.getheader("Set-Cookie")
            for attr in ("Secure", "HttpOnly", "SameSite=Strict"):
                assert "; " + attr in set_cookie, set_cookie
            self.cookie = set_cookie.split(";", 1)[0]
            self.csrf = json.loads(data)["csrf_token"]
        return r


def case_api(env):
    env.mail.deliver(PLAIN)
    env.mail.deliver(HTML)
    env.start()
    c = Client(env.tls())
    r, _ = c.call("GET", "/api/folders")
    assert r.status == 401, r.status
    c.login()
    folders = c.json("GET", "/api/folders")["folders"]
    inbox = [f for f in folders if f["name"] == "INBOX"][0]
    assert inbox["total"] == 2 and inbox["unread"] == 2, inbox
    assert any(f["special_use"] == "\\Trash" for f in folders), folders
    page = c.json("GET", "/api/folders/INBOX/messages?sort=date&order=desc")
    assert [m["subject"] for m in page["messages"]] == ["html", "hello webmail"], page
    plain_uid = page["messages"][1]["uid"]
    html_uid = page["messages"][0]["uid"]
    m = c.json("GET", f"/api/folders/INBOX/messages/{plain_uid}")
    assert m["text"].startswith("plain body") and m["has_html"] is False and "Bob" in m["from"], m
    m = c.json("GET", f"/api/folders/INBOX/messages/{html_uid}")
    assert m["has_html"] is True and m["attachments"][0]["filename"] == "a.pdf", m
    r, body = c.call("GET", f"/api/folders/INBOX/messages/{html_uid}/html")
    assert r.status == 200 and b"<script>" in body  # served as it is, made inert by the policy:
    csp = r.getheader("Content-Security-Policy")
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp and "script-src" not in csp, csp
    part = m["attachments"][0]["part"]
    r, body = c.call("GET", f"/api/folders/INBOX/messages/{html_uid}/parts/{part}")
    assert r.status == 200 and body == b"PDF-1.4", (r.status, body)
    assert r.getheader("Content-Disposition").startswith("attachment;")
    assert r.getheader("Content-Type") == "application/octet-stream"
    # A state change without the token is refused and changes nothing.
    r, _ = c.call("POST", f"/api/folders/INBOX/messages/{plain_uid}/flags", {"seen": True}, token=False)
    assert r.status == 403, r.status
    assert c.json("GET", "/api/folders/INBOX/messages")["unread"] == 2
    c.json("POST", f"/api/folders/INBOX/messages/{plain_uid}/flags", {"seen": True, "flagged": True})
    page = c.json("GET", "/api/folders/INBOX/messages")
    assert page["unread"] == 1 and page["messages"][1]["flagged"] is True, page
    assert any(n.endswith(":2,FS") for n in env.mail.files()), env.mail.files()  # the store's flags, as imapd sees them
    c.json("POST", "/api/folders/INBOX/delete", {"uids": [html_uid]})
    assert [x["uid"] for x in c.json("GET", "/api/folders/INBOX/messages")["messages"]] == [plain_uid]
    assert c.json("GET", "/api/folders/Trash/messages")["total"] == 1
    c.json("POST", "/api/logout")
    r, _ = c.call("GET", "/api/folders")
    assert r.status == 401, r.status
    log = env.log_text()
    assert "hello webmail" not in log and "plain body" not in log and PASSWORD not in log  # no mail in the log


def case_login_rules(env):
    env.start()
    p = Client(env.plain())
    r = p.login(status=403)  # never over plaintext
    c = Client(env.tls())
    started = time.monotonic()
    c.login(password="wrong", status=401)
    assert time.monotonic() - started >= 0.9  # a failure is answered after the delay (1 s first)
    c.login()  # the delay is over when the answer comes (429 within it: unit tests)
    r, _ = c.call("POST", "/api/login", None)  # not JSON
    assert r.status == 415, r.status
    r, body = c.call("GET", "/")  # the UI's files beside the API
    assert r.status == 200 and body == b"<h1>webmail</h1>"


def case_pipelined(env):
    """Requests pipelined behind an /api/ one wait for its answer (reading paused meanwhile)
    and come back in order."""
    env.mail.deliver(PLAIN)
    env.start()
    c = Client(env.tls())
    c.login()
    one = f"GET /api/folders HTTP/1.1\r\nHost: localhost\r\nCookie: {c.cookie}\r\n\r\n"
    two = f"GET /api/folders/INBOX/messages HTTP/1.1\r\nHost: localhost\r\nCookie: {c.cookie}\r\n\r\n"
    three = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", env.tls_port), timeout=TIMEOUT) as plain:
        s = unverified_tls_ctx().wrap_socket(plain)
        s.sendall((one + two + three).encode())
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ssl.SSLError:
                chunk = b""
            if not chunk:
                break
            out += chunk
    assert out.count(b"HTTP/1.1 200 OK") == 3, out
    a, b, c3 = out.index(b'"folders"'), out.index(b'"messages"'), out.index(b"<h1>webmail</h1>")
    assert a < b < c3, out


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    run_case(CASES, Env, "webmail")
