#!/usr/bin/python3
"""webmail's compose in a real browser (headless chromium, python3-selenium) against httpd +
a real smtpd (webmail_send_test.SendEnv) + a real imapd on the same mail_root: alice opens
a message from bob, replies with a file attached through the page's file picker, and bob
finds the reply with the file through imaplib; alice's original is \\Answered and the copy
is in her Sent. The compose form at a phone's width. Screenshots to WEBMAIL_SCREENSHOT_DIR."""
import email
import email.policy
import imaplib
import os
import shutil
import subprocess
import sys

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webmail_browser_test as wb  # noqa: E402
import webmail_send_test as ws  # noqa: E402
import webmail_test as wt  # noqa: E402
from mail_test_util import can_connect, free_port, wait_until  # noqa: E402

IMAPD = os.environ["IMAPD_BIN"]
FROM_BOB = ("From: Bob <bob@example.org>\r\nTo: alice@example.org\r\nSubject: lunch?\r\n"
            "Message-ID: <lunch-1@example.org>\r\nDate: Sat, 05 Dec 2026 10:00:00 +0000\r\n\r\n"
            "Shall we have lunch?\r\n")


class ComposeEnv(ws.SendEnv):
    def __init__(self, tmp):
        super().__init__(tmp)
        self.imap_port = free_port()
        self.imapd_conf = os.path.join(tmp, "imapd.yaml")
        self.imapd = None
        with open(self.imapd_conf, "w") as f:
            f.write(f"mail_root: {self.mail.root}\nhostname: localhost\nuser: {wt.RUN_AS}\n"
                    f"tls: {{cert: {tmp}/imap-tls/cert.pem, key: {tmp}/imap-tls/key.pem}}\n"
                    f"listeners:\n  - {{tls: starttls, address: 127.0.0.1, port: {self.imap_port}}}\n"
                    "allow_plaintext_auth: true\n")

    def start(self):
        super().start()
        self.imapd_log = open(os.path.join(self.tmp, "imapd.log"), "ab")
        self.imapd = subprocess.Popen([IMAPD, "--config", self.imapd_conf], stdout=self.imapd_log,
                                      stderr=self.imapd_log)
        wait_until(lambda: can_connect(self.imap_port) or self.imapd.poll() is not None, "imapd listening")
        assert self.imapd.poll() is None, open(os.path.join(self.tmp, "imapd.log")).read()

    def stop(self):
        if self.imapd and self.imapd.poll() is None:
            self.imapd.terminate()
            self.imapd.wait(timeout=15)
            self.imapd_log.close()
        super().stop()


def bob_inbox(env):
    """The messages in bob's INBOX, through imapd."""
    imap = imaplib.IMAP4("127.0.0.1", env.imap_port, timeout=wt.TIMEOUT)
    try:
        imap.login(ws.BOB, ws.BOB_PASSWORD)
        typ, data = imap.select("INBOX")
        assert typ == "OK", data
        out = []
        for n in range(1, int(data[0]) + 1):
            typ, fetched = imap.fetch(str(n), "(BODY.PEEK[])")
            assert typ == "OK", fetched
            out.append(email.message_from_bytes(fetched[0][1], policy=email.policy.default))
        return out
    finally:
        imap.logout()


def case_compose(env):
    os.makedirs(wb.SHOTS, exist_ok=True)
    shutil.rmtree(env.www)
    shutil.copytree(wb.WWW, env.www)
    env.mail.deliver(FROM_BOB)
    attachment = os.path.join(env.tmp, "notes.txt")
    with open(attachment, "w") as f:
        f.write("bring the notes\n")
    env.start()
    d = wb.browser(env.tmp)
    try:
        d.set_script_timeout(wb.WAIT)
        d.get(f"https://127.0.0.1:{env.tls_port}/")
        wb.until(d, "the login form", lambda d: d.find_element(By.ID, "login-form").is_displayed())
        d.find_element(By.ID, "user").send_keys(wt.USER)
        d.find_element(By.ID, "password").send_keys(wt.PASSWORD)
        d.find_element(By.ID, "login-button").click()
        wb.until(d, "bob's message", lambda d: wb.row_with(d, "lunch?") is not None)
        wb.row_with(d, "lunch?").click()
        wb.until(d, "the message", lambda d: d.find_element(By.ID, "subject").text == "lunch?")
        d.find_element(By.ID, "reply-button").click()
        wb.until(d, "the compose form", lambda d: d.find_element(By.ID, "compose-view").is_displayed())
        assert "bob@example.org" in d.find_element(By.ID, "compose-to").get_attribute("value")
        assert d.find_element(By.ID, "compose-subject").get_attribute("value") == "Re: lunch?"
        assert "> Shall we have lunch?" in d.find_element(By.ID, "compose-text").get_attribute("value")
        d.find_element(By.ID, "compose-text").send_keys("Yes, at noon.")
        d.find_element(By.ID, "compose-files").send_keys(attachment)
        wb.until(d, "the file listed", lambda d: "notes.txt" in d.find_element(By.ID, "compose-attachments").text)
        d.save_screenshot(os.path.join(wb.SHOTS, "6-compose-reply.png"))
        d.set_window_size(390, 800)
        d.save_screenshot(os.path.join(wb.SHOTS, "7-phone-compose.png"))
        assert d.find_element(By.ID, "compose-send").is_displayed()
        d.set_window_size(1200, 800)
        d.find_element(By.ID, "compose-send").click()
        wb.until(d, "the form closed", lambda d: not d.find_element(By.ID, "compose-view").is_displayed())
        assert not d.find_element(By.ID, "error").is_displayed(), d.find_element(By.ID, "error").text

        wait_until(lambda: len(bob_inbox(env)) == 1, "the reply in bob's INBOX (imapd)")
        reply = bob_inbox(env)[0]
        assert reply["Subject"] == "Re: lunch?" and reply["In-Reply-To"] == "<lunch-1@example.org>", reply
        files = {p.get_filename(): p.get_content() for p in reply.iter_attachments()}
        assert files == {"notes.txt": "bring the notes\n"}, files
        assert "Yes, at noon." in reply.get_body(("plain",)).get_content()
        assert any(n.split(":2,")[1].find("R") >= 0 for n in env.mail.files()), env.mail.files()  # \Answered
        assert len(env.maildir(wt.USER, ".Sent")) == 1

        # A draft: saved, discarded from the form, opened again from Drafts, sent.
        d.find_element(By.ID, "compose-button").click()
        wb.until(d, "an empty form", lambda d: d.find_element(By.ID, "compose-view").is_displayed())
        d.find_element(By.ID, "compose-to").send_keys(ws.BOB)
        d.find_element(By.ID, "compose-subject").send_keys("later")
        d.find_element(By.ID, "compose-text").send_keys("a draft first")
        d.find_element(By.ID, "compose-save").click()
        wait_until(lambda: len(env.maildir(wt.USER, ".Drafts")) == 1, "the draft saved")
        d.find_element(By.ID, "compose-discard").click()
        folder = [li for li in d.find_elements(By.CSS_SELECTOR, "#folders li") if li.text.startswith("Drafts")][0]
        folder.click()
        wb.until(d, "the draft listed", lambda d: wb.row_with(d, "later") is not None)
        wb.row_with(d, "later").click()
        wb.until(d, "the edit button", lambda d: d.find_element(By.ID, "edit-draft-button").is_displayed())
        d.find_element(By.ID, "edit-draft-button").click()
        wb.until(d, "the draft in the form",
                 lambda d: d.find_element(By.ID, "compose-subject").get_attribute("value") == "later")
        assert ws.BOB in d.find_element(By.ID, "compose-to").get_attribute("value")
        d.find_element(By.ID, "compose-send").click()
        wb.until(d, "the form closed", lambda d: not d.find_element(By.ID, "compose-view").is_displayed())
        wait_until(lambda: len(bob_inbox(env)) == 2, "the draft sent to bob")
        assert env.maildir(wt.USER, ".Drafts") == [], "a sent draft leaves Drafts"
    finally:
        d.quit()


CASES = {"compose": case_compose}

if __name__ == "__main__":
    wt.run_case(CASES, ComposeEnv, "webmail-compose-browser")
