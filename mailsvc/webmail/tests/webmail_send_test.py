#!/usr/bin/python3
"""webmail's compose against a real smtpd (issue 19): httpd's webmail: section names smtpd's
submission port on loopback; alice sends bob (another local user) a message with an
attachment through /api/send: it is delivered into bob's Maildir with the attachment, and a
copy with \\Seen is in alice's Sent; a refused recipient is a JSON error with smtpd's reply
and no Sent copy; a draft is saved, then removed when sent. One case per run (argv[1])."""
import base64
import email
import email.policy
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webmail_test as wt  # noqa: E402
from mail_test_util import can_connect, free_port, run_case, wait_until  # noqa: E402

SMTPD = os.environ["SMTPD_BIN"]
BOB, BOB_PASSWORD = "bob@example.org", "bob-password-1"
ATTACHMENT = bytes(range(256)) * 40  # binary, 10 KiB


class SendEnv(wt.Env):
    """httpd with webmail (wt.Env) plus smtpd on the same mail_root, both as nobody."""

    def __init__(self, tmp):
        super().__init__(tmp)
        self.mail.admin("user", "add", BOB, "--password-stdin", stdin=BOB_PASSWORD + "\n")
        self.mx, self.sub = free_port(), free_port()
        self.smtpd_conf = os.path.join(tmp, "smtpd.yaml")
        self.smtpd_log_path = os.path.join(tmp, "smtpd.log")
        self.smtpd = None
        self.with_smtpd_log = False
        with open(self.smtpd_conf, "w") as f:
            f.write(f"mail_root: {self.mail.root}\nhostname: localhost\nuser: {wt.RUN_AS}\nlisteners:\n"
                    f"  - {{role: mx, address: 127.0.0.1, port: {self.mx}}}\n"
                    f"  - {{role: submission, address: 127.0.0.1, port: {self.sub}}}\n"
                    "limits: {allow_plaintext_auth: true}\n"
                    f"delivery: {{relay_host: '[127.0.0.1]:{free_port()}', min_backoff: 1h}}\n")
        self.webmail_extra = f"  submission: 127.0.0.1:{self.sub}\n  submission_timeout: 10s\n"

    def start(self):
        subprocess.run(["chown", "-R", f"{wt.RUN_AS}:", self.mail.root], check=True)
        self.smtpd_log = open(self.smtpd_log_path, "ab")
        self.smtpd = subprocess.Popen([SMTPD, "--config", self.smtpd_conf], stdout=self.smtpd_log,
                                      stderr=self.smtpd_log)
        wait_until(lambda: " event=started " in self.smtpd_text() or self.smtpd.poll() is not None, "smtpd started")
        assert self.smtpd.poll() is None, self.smtpd_text()
        wait_until(lambda: can_connect(self.sub), "smtpd listening")
        super().start()  # waits for httpd's own event=started: log_text() is httpd's until then
        self.with_smtpd_log = True

    def stop(self):
        super().stop()
        if self.smtpd and self.smtpd.poll() is None:
            self.smtpd.terminate()
            self.smtpd.wait(timeout=15)
            self.smtpd_log.close()

    def smtpd_text(self):
        with open(self.smtpd_log_path, errors="replace") as f:
            return f.read()

    def log_text(self):
        if not self.with_smtpd_log:
            return super().log_text()
        return super().log_text() + "\n--- smtpd ---\n" + self.smtpd_text()

    def maildir(self, user, folder=""):
        local, domain = user.split("@")
        d = os.path.join(self.mail.root, "maildirs", domain, local, "Maildir", folder)
        return sorted(glob.glob(d + "/new/*") + glob.glob(d + "/cur/*"))


def login(env):
    c = wt.Client(env.tls())
    c.login()
    return c


def case_send(env):
    env.start()
    c = login(env)
    sent = c.json("POST", "/api/send", {
        "to": [f"Bob <{BOB}>"], "subject": "Gr\u00fc\u00dfe with a file", "text": "Hello Bob,\nsee the file.\n",
        "attachments": [{"filename": "data.bin", "content_type": "application/octet-stream",
                         "data": base64.b64encode(ATTACHMENT).decode()}]})
    assert sent["ok"] is True and sent["saved_to_sent"] is True, sent
    assert sent["message_id"].endswith("@localhost>"), sent
    wait_until(lambda: len(env.maildir(BOB)) == 1, "delivery to bob")
    with open(env.maildir(BOB)[0], "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    assert msg["Subject"] == "Gr\u00fc\u00dfe with a file", msg["Subject"]
    assert msg["From"] == wt.USER and msg["Message-ID"] == sent["message_id"], (msg["From"], msg["Message-ID"])
    parts = list(msg.iter_attachments())
    assert len(parts) == 1 and parts[0].get_filename() == "data.bin", parts
    assert parts[0].get_content() == ATTACHMENT
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == "Hello Bob,\nsee the file.\n", repr(text)
    copies = env.maildir(wt.USER, ".Sent")
    assert len(copies) == 1 and copies[0].endswith(":2,S"), copies  # \Seen
    listed = c.json("GET", "/api/folders/Sent/messages")["messages"]
    assert [m["subject"] for m in listed] == ["Gr\u00fc\u00dfe with a file"], listed
    assert wt.PASSWORD not in env.log_text()


def case_refused(env):
    env.start()
    c = login(env)
    r, body = c.call("POST", "/api/send", {"to": "nobody@example.org", "subject": "x", "text": "y"})
    assert r.status == 422, (r.status, body)
    answer = wt.json.loads(body)
    assert answer["smtp_code"] == 550 and "550" in answer["error"], answer
    assert env.maildir(wt.USER, ".Sent") == [], "no Sent copy"
    r, body = c.call("POST", "/api/send", {"to": BOB, "subject": "x\r\nBcc: evil@example.net"})
    assert r.status == 400 and b"subject" in body, (r.status, body)
    assert env.maildir(BOB) == []


def case_draft(env):
    env.start()
    c = login(env)
    d = c.json("POST", "/api/drafts", {"to": BOB, "subject": "draft", "text": "not yet"})
    drafts = env.maildir(wt.USER, ".Drafts")
    assert len(drafts) == 1 and drafts[0].endswith(":2,DS"), drafts
    d2 = c.json("POST", "/api/drafts", {"to": BOB, "subject": "draft 2", "text": "nearly", "draft_uid": d["uid"]})
    assert len(env.maildir(wt.USER, ".Drafts")) == 1 and d2["uid"] != d["uid"]
    c.json("POST", "/api/send", {"to": BOB, "subject": "draft 2", "text": "now", "draft_uid": d2["uid"]})
    assert env.maildir(wt.USER, ".Drafts") == []
    wait_until(lambda: len(env.maildir(BOB)) == 1, "delivery to bob")


WITH_FILE = ("From: Bob <bob@example.org>\r\nTo: alice@example.org\r\nCc: carol@example.org\r\n"
             "Subject: plans\r\nMessage-ID: <plans-1@example.org>\r\nDate: Sat, 05 Dec 2026 10:00:00 +0000\r\n"
             "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
             "--b\r\nContent-Type: text/plain\r\n\r\nthe plan\r\n"
             "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"plan.pdf\"\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\nUERGLTEuNA==\r\n--b--\r\n")


def case_reply_forward(env):
    """The prefill from the real store; a forward carries the original's file by reference."""
    env.mail.deliver(WITH_FILE)
    env.start()
    c = login(env)
    uid = c.json("GET", "/api/folders/INBOX/messages")["messages"][0]["uid"]
    p = c.json("GET", f"/api/folders/INBOX/messages/{uid}/reply?mode=all")
    assert p["to"] == ['"Bob" <bob@example.org>'] and p["cc"] == ["carol@example.org"], p
    assert p["subject"] == "Re: plans" and p["in_reply_to"] == "<plans-1@example.org>", p
    assert "> the plan" in p["text"], p
    f = c.json("GET", f"/api/folders/INBOX/messages/{uid}/reply?mode=forward")
    assert f["subject"] == "Fwd: plans" and [a["filename"] for a in f["attachments"]] == ["plan.pdf"], f
    f["to"] = [BOB]
    assert c.json("POST", "/api/send", f)["ok"] is True
    wait_until(lambda: len(env.maildir(BOB)) == 1, "the forward at bob")
    with open(env.maildir(BOB)[0], "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    files = {a.get_filename(): a.get_content() for a in msg.iter_attachments()}
    assert files == {"plan.pdf": b"PDF-1.4"}, files
    name = env.mail.files()[0]
    assert any(ch.islower() for ch in name.split(":2,")[1]), name  # $Forwarded: a keyword letter


def case_draft_reply(env):
    """A reply saved as a draft keeps its Bcc, In-Reply-To/References and the original it
    answers (X-Hamail-Draft-Of, in the Drafts copy only), gives them back for editing, and
    sent from there the original gets \\Answered; Bcc and X-Hamail-Draft-Of never reach bob."""
    env.mail.deliver(WITH_FILE)
    env.start()
    c = login(env)
    uid = c.json("GET", "/api/folders/INBOX/messages")["messages"][0]["uid"]
    p = c.json("GET", f"/api/folders/INBOX/messages/{uid}/reply?mode=reply")
    p["bcc"] = BOB
    p["text"] = "a reply, not finished\n" + p["text"]
    d = c.json("POST", "/api/drafts", p)
    drafts = env.maildir(wt.USER, ".Drafts")
    with open(drafts[0], "rb") as fh:
        raw = fh.read()
    assert b"\r\nBcc: bob@example.org\r\n" in raw and b"\r\nX-Hamail-Draft-Of: answer %d INBOX\r\n" % uid in raw, raw[:600]
    v = c.json("GET", f"/api/folders/Drafts/messages/{d['uid']}")
    assert v["bcc"] == BOB and v["in_reply_to"] == "<plans-1@example.org>", v
    assert "<plans-1@example.org>" in v["references"], v
    assert v["reply_to_message"] == {"folder": "INBOX", "uid": uid, "forward": False}, v
    # Sent as the UI's "Edit draft" does: the fields read back, the draft replaced.
    sent = c.json("POST", "/api/send", {"to": v["to"], "bcc": v["bcc"], "subject": v["subject"], "text": v["text"],
                                        "in_reply_to": v["in_reply_to"], "references": v["references"],
                                        "reply_to_message": v["reply_to_message"], "draft_uid": d["uid"]})
    assert sent["ok"] is True, sent
    assert env.maildir(wt.USER, ".Drafts") == []
    wait_until(lambda: len(env.maildir(BOB)) == 1, "delivery to bob")
    with open(env.maildir(BOB)[0], "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    assert msg["In-Reply-To"] == "<plans-1@example.org>" and msg["Bcc"] is None, msg
    assert msg["X-Hamail-Draft-Of"] is None, msg
    name = env.mail.files()[0]
    assert "R" in name.split(":2,")[1], name  # \Answered


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    run_case(CASES, SendEnv, "webmail_send")
