#!/usr/bin/python3
"""imapd's streamed FETCH replies (connection.cpp: parts of Connection::kReplyPartBytes,
the next made only while less than kWriteQueueBound waits to be sent), with a raw client
that parses every response: a mailbox many times the part and queue bounds fetched whole
(every byte, the responses in order, the tagged OK last, pipelined commands after it) in
plaintext, over TLS and under COMPRESS=DEFLATE; and a client that stops reading: imapd
stops making the reply (debug record reply_waiting), its peak RSS stays far below the
reply's size, and the client's vanishing mid-reply ends the session cleanly. One case per
run (argv[1]); every wait has a deadline."""
import os
import re
import socket
import struct
import sys
import zlib

IMAPD = os.environ["IMAPD_BIN"]
ADMIN = os.environ["MAILSVC_ADMIN_BIN"]
USER, PASSWORD = "alice@example.org", "correct horse battery"
TIMEOUT = 20
RUN_AS = "nobody"

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
from mail_test_util import MailboxDaemonEnv, run_case, unverified_tls_ctx as tls_ctx, wait_until  # noqa: E402


class Env(MailboxDaemonEnv):
    def __init__(self, tmp):
        super().__init__(tmp, "imapd", IMAPD, ADMIN, USER, PASSWORD, RUN_AS, TIMEOUT)
        self.configure("allow_plaintext_auth: true\n")
        self.extra_args = ["--debug"]


class Client:
    """A raw IMAP client: lines and literals from a socket, optionally inflating (DEFLATE)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()
        self.inflate = None
        self.deflate = None

    def send(self, data):
        if self.deflate:
            data = self.deflate.compress(data) + self.deflate.flush(zlib.Z_SYNC_FLUSH)
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        assert chunk, "connection closed"
        self.buf += self.inflate.decompress(chunk) if self.inflate else chunk

    def line(self):
        while (i := self.buf.find(b"\r\n")) < 0:
            self._fill()
        out = bytes(self.buf[:i + 2])
        del self.buf[:i + 2]
        return out

    def read(self, n):
        while len(self.buf) < n:
            self._fill()
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def tagged(self, tag):
        """Lines up to the tagged one (literals skipped); returns the tagged line."""
        while True:
            line = self.line()
            if line.startswith(tag + b" "):
                return line
            if m := re.search(rb"\{(\d+)\}\r\n$", line):
                self.read(int(m.group(1)))

    def login(self):
        assert self.line().startswith(b"* OK")
        self.send(f'a LOGIN {USER} "{PASSWORD}"\r\n'.encode())
        assert self.tagged(b"a").startswith(b"a OK")
        self.send(b"s SELECT INBOX\r\n")
        assert self.tagged(b"s").startswith(b"s OK")

    def compress(self):
        self.send(b"z COMPRESS DEFLATE\r\n")
        assert self.tagged(b"z").startswith(b"z OK")
        assert not self.buf
        self.inflate, self.deflate = zlib.decompressobj(wbits=-15), zlib.compressobj(wbits=-15)


def message(i, size):
    """Message i, about `size` bytes, CRLF lines; its number in the subject."""
    head = f"From: bob@example.org\r\nTo: {USER}\r\nSubject: message {i}\r\nMessage-ID: <{i}@example.org>\r\n\r\n"
    line = (f"line of message {i} " + "abcdefghijklmnopqrstuvwxyz0123456789" * 3)[:76] + "\r\n"
    return (head + line * max(1, (size - len(head)) // len(line))).encode()


def deliver_many(env, count, size_of):
    msgs = [message(i, size_of(i)) for i in range(count)]
    for m in msgs:
        env.deliver(m)
    return msgs


def fetch_bodies(c, tag, count, msgs):
    """Reads `* n FETCH (UID u BODY[] {len}...)` for n = 1..count, then the tagged OK."""
    last_uid = 0
    for seq in range(1, count + 1):
        line = c.line()
        m = re.match(rb"\* (\d+) FETCH \(UID (\d+) BODY\[\] \{(\d+)\}\r\n$", line)
        assert m, (seq, line[:200])
        assert int(m.group(1)) == seq, (seq, line)
        uid = int(m.group(2))
        assert uid > last_uid, (seq, uid, last_uid)
        last_uid = uid
        body = c.read(int(m.group(3)))
        i = int(re.search(rb"Subject: message (\d+)\r\n", body).group(1))
        assert body == msgs[i], f"message {i} differs at seq {seq}"
        assert c.line() == b")\r\n"
    line = c.line()
    assert line == tag + b" OK FETCH completed\r\n", line


def fetch_flags(c, tag, count):
    for seq in range(1, count + 1):
        line = c.line()
        assert re.match(rb"\* %d FETCH \(FLAGS \([^)]*\)\)\r\n$" % seq, line), (seq, line)
    line = c.line()
    assert line == tag + b" OK FETCH completed\r\n", line


def whole_mailbox(env, wrap=None, compress=False):
    # 150 messages of 4-40 KB (about 3 MB): many parts, many times the write-queue bound.
    msgs = deliver_many(env, 150, lambda i: 4000 + (i * 7919) % 36000)
    env.start()
    port = env.tls_port if wrap else env.plain_port
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    if wrap:
        sock = wrap(sock)
    c = Client(sock)
    c.login()
    if compress:
        c.compress()
    # Pipelined: the second FETCH and the NOOP are answered after the first one's OK.
    c.send(b"f FETCH 1:* (UID BODY.PEEK[])\r\ng FETCH 1:* (FLAGS)\r\nh NOOP\r\n")
    fetch_bodies(c, b"f", len(msgs), msgs)
    fetch_flags(c, b"g", len(msgs))
    assert c.line() == b"h OK NOOP completed\r\n"
    c.send(b"l LOGOUT\r\n")
    assert c.tagged(b"l").startswith(b"l OK")
    sock.close()
    assert env.proc.poll() is None


def case_plain(env):
    whole_mailbox(env)


def case_tls(env):
    whole_mailbox(env, wrap=lambda s: tls_ctx().wrap_socket(s, server_hostname="localhost"))


def case_deflate(env):
    whole_mailbox(env, compress=True)


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {key} for {pid}")


def case_slow_reader(env):
    # 320 messages of 128 KB (40 MiB): a reply far larger than the bounds, to a client
    # that does not read (its receive buffer small, so the kernel holds little of it).
    count = 320
    deliver_many(env, count, lambda i: 128 << 10)
    # An ASan build keeps freed memory in quarantine (256 MiB by default): keep it small, so
    # the peak measures what imapd holds (as smtpd_memory_test.py does).
    os.environ["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                                  ":quarantine_size_mb=8:thread_local_quarantine_size_kb=64").lstrip(":")
    env.start()
    pid = env.proc.pid
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 << 10)
    sock.settimeout(TIMEOUT)
    sock.connect(("127.0.0.1", env.plain_port))
    c = Client(sock)
    c.login()
    before = status_kib(pid, "VmRSS")
    c.send(b"f FETCH 1:* (UID BODY.PEEK[])\r\n")
    # Each time the client stops reading, imapd stops making parts (and logs reply_waiting);
    # some reading lets it go on until it waits again.
    for n in range(1, 4):
        wait_until(lambda: env.log_text().count("event=reply_waiting") >= n, "imapd waiting for the client", TIMEOUT)
        peak = status_kib(pid, "VmHWM")
        print(f"imapd VmRSS before the FETCH {before} KiB, peak now {peak} KiB (reply {count * 128} KiB)")
        assert peak - before < 16 << 10, (before, peak)
        got = 0
        while got < (4 << 20):
            got += len(sock.recv(1 << 16))
    # The client vanishes mid-reply (unread data: a reset): the session ends, nothing leaks
    # into the next one, and the daemon goes on.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    wait_until(lambda: re.search(r"event=reply_streamed .*complete=false", env.log_text()), "reply_streamed", TIMEOUT)
    wait_until(lambda: "event=session_end" in env.log_text(), "session_end", TIMEOUT)
    print(next(line for line in env.log_text().splitlines() if "event=reply_streamed" in line))
    sock = socket.create_connection(("127.0.0.1", env.plain_port), timeout=TIMEOUT)
    c = Client(sock)
    c.login()
    c.send(b"f FETCH 2 (UID BODY.PEEK[])\r\n")
    line = c.line()
    assert line.startswith(b"* 2 FETCH (UID 2 BODY[] {"), line
    assert c.tagged(b"f") == b"f OK FETCH completed\r\n"
    sock.close()
    assert env.proc.poll() is None
    assert status_kib(pid, "VmHWM") - before < 16 << 10


CASES = {n[len("case_"):]: f for n, f in globals().items() if n.startswith("case_")}


def main():
    run_case(CASES, Env, "imapd")


if __name__ == "__main__":
    main()
