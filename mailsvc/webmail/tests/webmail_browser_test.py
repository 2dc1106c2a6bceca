#!/usr/bin/python3
"""webmail in a real browser: headless chromium through chromedriver (python3-selenium),
against httpd with the UI of mailsvc/webmail/www on a mail_root made with mailsvc-admin:
log in, read a delivered message, flag it, search, read a hostile HTML mail (nothing in it runs,
nothing it names is fetched: httpd's access log and a local HTTP listener see no request),
a POST without the CSRF token refused, delete, a phone-width layout, log out. Screenshots
go to WEBMAIL_SCREENSHOT_DIR."""
import base64
import http.server
import os
import shutil
import ssl
import struct
import sys
import threading
import zlib

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webmail_test as wt  # noqa: E402
from webmail_test import PLAIN, USER, PASSWORD  # noqa: E402
from browser_util import browser  # noqa: E402,F401  (mailsvc/tests, on the path through webmail_test)

WWW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "www")
SHOTS = os.environ.get("WEBMAIL_SCREENSHOT_DIR", "webmail-screenshots")
WAIT = 15


ORIGINAL = ("From: Carol <carol@example.net>\r\nTo: alice@example.org\r\nSubject: budget\r\n"
            "Message-ID: <budget-1@example.net>\r\nDate: Mon, 07 Dec 2026 09:00:00 +0000\r\n\r\nthe numbers\r\n")
REPLY = ("From: Dan <dan@example.net>\r\nTo: carol@example.net\r\nCc: alice@example.org\r\nSubject: Re: budget\r\n"
         "Message-ID: <budget-2@example.net>\r\nIn-Reply-To: <budget-1@example.net>\r\n"
         "Date: Mon, 07 Dec 2026 10:00:00 +0000\r\n\r\nagreed\r\n")


LONG = ("From: " + "Somebody With A Very Long Name " * 4 + "<long@example.net>\r\nTo: alice@example.org\r\n"
        "Subject: " + "a subject that goes on and on " * 10 +
        "\r\nDate: Wed, 09 Dec 2026 10:00:00 +0000\r\n\r\nlong\r\n")


def hostile(tls_port, listener_port):
    probe = f"https://127.0.0.1:{tls_port}/probe"
    other = f"http://127.0.0.1:{listener_port}/probe"
    html = f"""<html><head><link rel="stylesheet" href="{probe}-link.css">
<style>@import url({other}-import.css); body {{ background: url({probe}-css.png) }}</style>
<meta http-equiv="refresh" content="0; url={probe}-refresh"></head>
<body onload="top.pwned = 1">
<p id="hello">hi there</p>
<script>top.pwned = 1; window.pwned = 1;</script>
<script src="{probe}-script.js"></script>
<img src="{probe}-img.png"><img src="{other}-img.png"><img src="x" onerror="top.pwned = 1">
<a id="jslink" href="javascript:top.pwned = 1">click me</a>
<iframe src="{probe}-frame.html"></iframe><object data="{probe}-object"></object>
<form action="{probe}-form"><button id="formbutton">go</button></form>
</body></html>"""
    return ("From: mallory@example.net\r\nTo: alice@example.org\r\nSubject: totally safe\r\n"
            "Date: Sun, 06 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/html; charset=utf-8\r\n\r\n" + html.replace("\n", "\r\n") + "\r\n")


def png_base64(size=4):
    """A small red PNG, base64 (for a cid: part)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + b"\xff\0\0" * size for _ in range(size))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)) +
           chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return base64.b64encode(png).decode()


def pictures(remote_port):
    html = (f'<p>pictures</p><img id="logo" src="cid:logo@example.net" width="40" height="40">'
            f'<img id="remote" src="https://127.0.0.1:{remote_port}/remote.png">')
    return ("From: carol@example.net\r\nTo: alice@example.org\r\nSubject: pictures\r\n"
            "Date: Tue, 08 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/related; boundary=r\r\n\r\n"
            "--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n"
            "--r\r\nContent-Type: image/png\r\nContent-ID: <logo@example.net>\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" + png_base64() + "\r\n--r--\r\n")


class Listener:
    """A local HTTP (or, given a certificate, HTTPS) server that only counts what reaches it."""

    def __init__(self, cert=None):
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.requests.append(self.path)
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*cert)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def until(driver, what, fn):
    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)) \
        .until(lambda d: fn(d), message=what)


def rows(d):
    return d.find_elements(By.CSS_SELECTOR, "#messages tr.message-row")


def row_with(d, subject):
    for r in rows(d):
        if subject in r.text:
            return r
    return None


def click_row(d, subject):
    """Click the row holding `subject`, again if the list was redrawn under the click (a stale row)."""
    def once(d):
        r = row_with(d, subject)
        if r is None:
            return False
        r.click()
        return True
    until(d, "a click on " + subject, once)


def no_sideways(d):
    return d.execute_script("""
        const s = document.scrollingElement, l = document.getElementById("list-pane");
        return s.scrollWidth <= s.clientWidth && l.scrollWidth <= l.clientWidth;""")


def fetch_status(d, method, path, body=None, token=True):
    return d.execute_async_script("""
        const [method, path, body, token, done] = arguments;
        const headers = {"Content-Type": "application/json"};
        fetch(path, {method, headers, body: body === null ? undefined : JSON.stringify(body)})
          .then(r => done(r.status), e => done(String(e)));""", method, path, body, token)


def case_browser(env):
    os.makedirs(SHOTS, exist_ok=True)
    shutil.rmtree(env.www)
    shutil.copytree(WWW, env.www)
    listener = Listener()
    env.mail.deliver(PLAIN)
    env.mail.deliver(hostile(env.tls_port, listener.port))
    env.start()
    d = browser(env.tmp)
    try:
        d.set_script_timeout(WAIT)
        d.get(f"https://127.0.0.1:{env.tls_port}/")
        until(d, "the login form", lambda d: d.find_element(By.ID, "login-form").is_displayed())
        d.save_screenshot(os.path.join(SHOTS, "1-login.png"))
        d.find_element(By.ID, "user").send_keys(USER)
        d.find_element(By.ID, "password").send_keys(PASSWORD)
        d.find_element(By.ID, "login-button").click()
        until(d, "two messages listed", lambda d: len(rows(d)) == 2)
        until(d, "INBOX 2 unread", lambda d: "2/2" in d.find_element(By.ID, "folders").text)
        d.save_screenshot(os.path.join(SHOTS, "2-list-first.png"))

        # Read the plain message: marked read; flag it.
        click_row(d, "hello webmail")
        until(d, "the message", lambda d: d.find_element(By.ID, "subject").text == "hello webmail")
        assert "plain body" in d.find_element(By.ID, "body-text").text
        until(d, "INBOX 1 unread", lambda d: "1/2" in d.find_element(By.ID, "folders").text)
        d.save_screenshot(os.path.join(SHOTS, "3-message.png"))
        d.find_element(By.ID, "flag-button").click()
        until(d, "flagged", lambda d: d.find_element(By.ID, "flag-button").text == "Unflag")
        assert any(n.endswith(":2,FS") for n in env.mail.files()), env.mail.files()

        # The hostile mail: shown in the sandboxed frame, inert.
        click_row(d, "totally safe")
        until(d, "the HTML frame", lambda d: d.find_element(By.ID, "html-frame").is_displayed())
        frame = d.find_element(By.ID, "html-frame")
        assert frame.get_attribute("sandbox") == "", frame.get_attribute("sandbox")
        d.switch_to.frame(frame)
        until(d, "the mail's HTML", lambda d: d.find_element(By.ID, "hello").text == "hi there")
        until(d, "the frame loaded", lambda d: d.execute_script("return document.readyState") == "complete")
        for target in ("jslink", "formbutton"):
            try:
                d.find_element(By.ID, target).click()
            except Exception:  # noqa: BLE001  (a blocked navigation may raise in the driver)
                pass
        d.switch_to.default_content()
        d.save_screenshot(os.path.join(SHOTS, "4-hostile-html.png"))
        assert d.execute_script("return typeof window.pwned") == "undefined", "a script of the mail ran"
        # Nothing the mail names was fetched: a request made after it is logged, the probes are not.
        assert fetch_status(d, "GET", "/api/session?after-frame") == 200
        wait_log = lambda: "after-frame" in env.log_text()  # noqa: E731
        wt.wait_until(wait_log, "the access log")
        assert "/probe" not in env.log_text(), [l for l in env.log_text().splitlines() if "/probe" in l]
        assert listener.requests == [], listener.requests

        # "Show remote images" on it: its https: images (<img>, CSS background) load now; still no
        # script runs and nothing else is fetched (stylesheets, scripts, frames, objects, http: images).
        d.find_element(By.ID, "remote-images-button").click()
        wt.wait_until(lambda: "/probe-img.png" in env.log_text(), "the remote image fetched after the click")
        d.switch_to.frame(d.find_element(By.ID, "html-frame"))
        until(d, "the frame reloaded", lambda d: d.execute_script("return document.readyState") == "complete")
        d.switch_to.default_content()
        assert fetch_status(d, "GET", "/api/session?after-remote") == 200
        wt.wait_until(lambda: "after-remote" in env.log_text(), "the access log")
        assert d.execute_script("return typeof window.pwned") == "undefined", "a script of the mail ran"
        fetched = [l for l in env.log_text().splitlines() if "/probe" in l]
        assert all("/probe-img.png" in l or "/probe-css.png" in l for l in fetched), fetched
        assert listener.requests == [], listener.requests

        # CSRF: the page's own fetch without the token is refused.
        assert fetch_status(d, "POST", "/api/folders/INBOX/delete", {"uids": [1, 2]}) == 403
        assert len(rows(d)) == 2

        # Search (a POST: the words are not in the access log).
        box = d.find_element(By.ID, "search")
        box.send_keys("hello\n")
        until(d, "one match", lambda d: len(rows(d)) == 1 and row_with(d, "hello webmail") is not None)
        box.clear()
        box.send_keys("\n")
        until(d, "both again", lambda d: len(rows(d)) == 2)
        assert "hello" not in "".join(l for l in env.log_text().splitlines() if "target=/api/folders/INBOX/search" in l)
        # A word only in a body: not found in From/Subject, found with the scope "text".
        box.send_keys("plain\n")
        until(d, "no From/Subject match",
              lambda d: len(rows(d)) == 0 and "empty" in d.find_element(By.ID, "page-info").text)
        Select(d.find_element(By.ID, "search-scope")).select_by_value("body")
        until(d, "the body match", lambda d: len(rows(d)) == 1 and row_with(d, "hello webmail") is not None)
        Select(d.find_element(By.ID, "search-scope")).select_by_value("")
        box.clear()
        box.send_keys("\n")
        until(d, "both again", lambda d: len(rows(d)) == 2)

        # Delete the plain message: to Trash.
        click_row(d, "hello webmail")
        until(d, "the message", lambda d: d.find_element(By.ID, "subject").text == "hello webmail")
        d.find_element(By.ID, "delete-button").click()
        until(d, "one message left", lambda d: len(rows(d)) == 1)
        until(d, "Trash holds it", lambda d: any(li.text.startswith("Trash") and li.text.endswith("1")
                                                 for li in d.find_elements(By.CSS_SELECTOR, "#folders li")))

        # Threads: a reply (In-Reply-To) and its original become one row; it opens to both.
        remote = Listener((f"{env.tmp}/tls/cert.pem", f"{env.tmp}/tls/key.pem"))
        env.mail.deliver(ORIGINAL)
        env.mail.deliver(REPLY)
        env.mail.deliver(pictures(remote.port))
        d.find_element(By.CSS_SELECTOR, '#folders li[data-name="INBOX"]').click()
        until(d, "four messages", lambda d: len(rows(d)) == 4)
        d.find_element(By.ID, "threads-toggle").click()
        until(d, "three conversations", lambda d: len(rows(d)) == 3 and row_with(d, "budget (2)") is not None)
        click_row(d, "budget (2)")
        until(d, "the conversation open",
              lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages tr.thread-member")) == 2)
        members = d.find_elements(By.CSS_SELECTOR, "#messages tr.thread-member")
        assert "Re: budget" in members[1].text, [m.text for m in members]
        members[1].click()
        until(d, "the reply", lambda d: d.find_element(By.ID, "subject").text == "Re: budget")
        d.save_screenshot(os.path.join(SHOTS, "6-threads.png"))
        d.find_element(By.ID, "threads-toggle").click()
        until(d, "four rows again", lambda d: len(rows(d)) == 4)

        # Inline (cid:) image shown; the remote one not fetched until "Show remote images".
        click_row(d, "pictures")
        until(d, "the HTML frame", lambda d: d.find_element(By.ID, "html-frame").is_displayed())
        d.switch_to.frame(d.find_element(By.ID, "html-frame"))
        until(d, "the frame loaded", lambda d: d.execute_script("return document.readyState") == "complete")
        until(d, "the cid: image decoded", lambda d: d.execute_script(
            "const i = document.getElementById('logo'); return i.complete && i.naturalWidth === 4"))
        assert d.execute_script("return document.getElementById('logo').src.startsWith('data:image/png')")
        assert d.execute_script("return document.getElementById('remote').naturalWidth") == 0
        d.switch_to.default_content()
        assert fetch_status(d, "GET", "/api/session?after-pictures") == 200
        wt.wait_until(lambda: "after-pictures" in env.log_text(), "the access log")
        assert remote.requests == [], remote.requests
        d.save_screenshot(os.path.join(SHOTS, "7-inline-image.png"))
        button = d.find_element(By.ID, "remote-images-button")
        assert button.is_displayed()
        button.click()
        until(d, "the remote image asked for", lambda d: "/remote.png" in remote.requests)
        assert not d.find_element(By.ID, "remote-images-button").is_displayed()
        remote.server.shutdown()

        # Layout: long From and Subject end in an ellipsis; nothing scrolls sideways on a desktop or a phone.
        env.mail.deliver(LONG)
        d.find_element(By.CSS_SELECTOR, '#folders li[data-name="INBOX"]').click()
        until(d, "five messages", lambda d: len(rows(d)) == 5)
        d.set_window_size(1280, 800)
        until(d, "no sideways scroll at 1280x800", no_sideways)
        d.save_screenshot(os.path.join(SHOTS, "2-list.png"))
        # Sort by subject ascending, then descending: the first row changes.
        Select(d.find_element(By.ID, "sort")).select_by_value("subject")
        until(d, "subject a-z", lambda d: bool(rows(d)) and "a subject that goes" in rows(d)[0].text)
        d.find_element(By.ID, "order-button").click()
        until(d, "subject z-a", lambda d: bool(rows(d)) and "totally safe" in rows(d)[0].text)
        Select(d.find_element(By.ID, "sort")).select_by_value("date")

        # A phone's width: one pane at a time.
        d.set_window_size(390, 844)
        until(d, "the list pane alone", lambda d: not d.find_element(By.ID, "folders-pane").is_displayed())
        until(d, "no sideways scroll at 390x844", no_sideways)
        d.save_screenshot(os.path.join(SHOTS, "5-phone-list.png"))
        click_row(d, "pictures")
        until(d, "the message pane alone", lambda d: not d.find_element(By.ID, "list-pane").is_displayed())
        until(d, "no sideways scroll reading on a phone", no_sideways)
        d.find_element(By.ID, "back-button").click()
        d.set_window_size(1280, 800)

        d.find_element(By.ID, "logout-button").click()
        until(d, "the login form again", lambda d: d.find_element(By.ID, "login-form").is_displayed())
        assert fetch_status(d, "GET", "/api/folders") == 401
    finally:
        d.quit()
        listener.server.shutdown()


CASES = {"browser": case_browser}

if __name__ == "__main__":
    wt.run_case(CASES, wt.Env, "webmail-browser")
