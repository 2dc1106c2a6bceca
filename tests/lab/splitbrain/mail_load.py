"""The no-lost-mail checker: a client in the lab's client namespace sends numbered messages
by SMTP to the VIP at a steady rate, retrying what was not acknowledged the way an MTA does,
and every 250 is recorded here with the host's time. After the fault and the heal, every
message is read back through IMAP and then through POP3 (and deleted, so each scenario starts
from an empty maildrop). Pass: every acknowledged message is there, seen by both; a message
is there more than once only if the client sent it more than once (it never saw the first
250); IMAP's UIDs are unique."""

import json
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

from halab import HALAB

CLIENT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "mail_client.py")
RATE = 10  # messages per second
MAX_MESSAGES = 20000  # bounds the sender; each scenario stops it long before


@dataclass
class MailVerdict:
    acked: int = 0
    missing: list = field(default_factory=list)   # acknowledged, not in the maildrop
    duplicates: int = 0                            # extra copies of messages sent more than once
    bad_duplicates: list = field(default_factory=list)  # more copies than transactions
    retries: int = 0
    read_error: str = ""                           # why the POP3 read-back failed, if it did
    imap_error: str = ""                           # what IMAP did not see (or why it could not be read)


class MailLoad:
    def __init__(self, lab, vip, user, password, tag):
        self.lab, self.vip, self.user, self.password, self.tag = lab, vip, user, password, tag
        self.acks = []  # (n, host monotonic time, attempts)
        self.fetch_error = ""
        self.summary = {}
        self.proc = subprocess.Popen(
            [HALAB, "exec", "client", "/usr/bin/python3", CLIENT, "send", vip, user, tag, str(MAX_MESSAGES), str(RATE),
             "900"], env=lab.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if "n" in rec:
                self.acks.append((rec["n"], time.monotonic(), rec.get("attempts", 1)))
            else:
                self.summary = rec

    def count(self):
        return len(self.acks)

    def wait_more(self, n, timeout, what):
        start = self.count()
        self.lab.wait_for(f"{n} more acknowledged messages ({what})", lambda: self.count() >= start + n, timeout)

    def stop(self):
        """Stops the sender after the transaction in progress."""
        self.proc.send_signal(signal.SIGTERM)  # the client itself (halab exec execs into it)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.thread.join(10)
        self.proc.stdout.close()

    def outage(self, fault_at, healed_at):
        """The client-visible outage of a fault at host time FAULT_AT, healed by HEALED_AT: the
        longest wait between two 250s from the last one before the fault to the first one after
        the heal (seconds; None when nothing was acknowledged after the heal)."""
        times = [t for _, t, _ in self.acks]
        before = [t for t in times if t <= fault_at]
        after = [t for t in times if t > healed_at]
        if not after:
            return None
        window = [t for t in times if (before[-1] if before else fault_at) <= t <= after[0]]
        if not before:
            window.insert(0, fault_at)
        return max(b - a for a, b in zip(window, window[1:]))

    def fetch(self, delete):
        """The maildrop's messages, or None; self.fetch_error says why not."""
        args = ["fetch", self.vip, self.user, self.password] + (["--delete"] if delete else [])
        try:
            p = self.lab.exec("client", "/usr/bin/python3", CLIENT, *args, check=False, timeout=60)
        except subprocess.TimeoutExpired:
            self.fetch_error = "the POP3 read-back took over 60 s"
            return None
        if p.returncode == 0:
            return json.loads(p.stdout)["messages"]
        self.fetch_error = (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1][:200]
        return None

    def fetch_retrying(self, delete, seconds=30):
        """fetch(), again every half second while it fails (the maildrop is locked by a session
        still committing its deletions, say), for at most SECONDS."""
        deadline = time.monotonic() + seconds
        while True:
            msgs = self.fetch(delete)
            if msgs is not None or time.monotonic() >= deadline:
                return msgs
            time.sleep(0.5)

    def imap_read(self):
        """INBOX's messages ({"uid", "subject", ...}) as IMAP sees them, or an error text."""
        args = ["imap", self.vip, self.user, self.password]
        try:
            p = self.lab.exec("client", "/usr/bin/python3", CLIENT, *args, check=False, timeout=60)
        except subprocess.TimeoutExpired:
            return "the IMAP read-back took over 60 s"
        if p.returncode != 0:
            return "the IMAP read-back failed: " + (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1][:200]
        return json.loads(p.stdout)["messages"]

    def numbers(self, msgs):
        prefix = f"{self.tag}-"
        return [int(m["subject"][len(prefix):]) for m in msgs if m["subject"].startswith(prefix)]

    def check(self, timeout=60):
        """Waits until every acknowledged message is in the maildrop (delivery after a queue
        recovery takes a moment), reads them through IMAP and POP3, then deletes them all;
        returns the verdict. The verdict is taken from reads that delete nothing: a deleting
        session whose client gave up at QUIT may still have deleted everything."""
        want = {n for n, _, _ in self.acks}
        numbers = self.numbers

        def all_there():
            msgs = self.fetch(delete=False)
            return msgs is not None and want <= set(numbers(msgs))
        try:
            self.lab.wait_for("every acknowledged message in the maildrop", all_there, timeout)
        except AssertionError:
            pass  # the verdict names what is missing
        imap = self.imap_read()
        msgs = self.fetch_retrying(delete=False)
        v = MailVerdict(acked=len(want), retries=self.summary.get("retries", 0))
        if msgs is None:  # nothing read: nothing known missing, nothing checked either
            v.read_error = (f"the {len(want)} acknowledged messages were not checked: the POP3 read-back "
                            f"through {self.vip} failed: {self.fetch_error}")
            return v
        if self.fetch_retrying(delete=True) is None:
            v.read_error = f"the POP3 clean-up (DELE and QUIT) through {self.vip} failed: {self.fetch_error}"
        got = numbers(msgs)
        attempts = {n: a for n, _, a in self.acks}
        v.missing = sorted(want - set(got))
        if isinstance(imap, str):
            v.imap_error = imap
        elif len({m["uid"] for m in imap}) != len(imap):
            v.imap_error = "IMAP showed two messages with one UID"
        else:
            seen = set(numbers(imap))
            if not seen <= set(got) or not (want & set(got)) <= seen:
                v.imap_error = (f"IMAP and POP3 disagree: only IMAP {sorted(seen - set(got))[:10]}, "
                                f"acknowledged, only POP3 {sorted((want & set(got)) - seen)[:10]}")
        for n in sorted(set(got)):
            copies = got.count(n)
            if copies > 1:
                v.duplicates += copies - 1
                # An unacknowledged last message may also have been sent more than once.
                if copies > attempts.get(n, copies):
                    v.bad_duplicates.append(n)
        return v
