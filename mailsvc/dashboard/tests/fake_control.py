"""A fake control socket for the dashboard's integration test, speaking the JSON-lines
protocol of hacored and drbdlited (one request line, one reply line; `events` without
follow: an acceptance line, the history, then the close; with follow: the acceptance
line, then every `emit()`ed event until `drop_followers()`). Replies come from fixture
documents; `mode` makes it fail as a real daemon can: "stall" (reads, never answers),
"close" (closes without a reply), "garbage" (a line that is not JSON)."""
import json
import os
import socket
import threading


class FakeControl:
    def __init__(self, path, replies, events=None):
        self.path = path
        self.replies = replies        # cmd -> reply dict
        self.events = events or []    # for `events`
        self.mode = "answer"
        self.requests = []
        self.followers = []
        self.follows = 0              # follow connections taken (counted once they get events)
        self._sock = None
        self._lock = threading.Lock()

    def start(self):
        if os.path.exists(self.path):
            os.unlink(self.path)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(self.path)
        os.chmod(self.path, 0o666)  # httpd runs as nobody
        self._sock.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self):
        if self._sock:
            self._sock.close()
            self._sock = None

    def emit(self, event):
        line = (json.dumps(event) + "\n").encode()
        with self._lock:
            for c in list(self.followers):
                try:
                    c.sendall(line)
                except OSError:
                    self.followers.remove(c)

    def drop_followers(self):
        with self._lock:
            for c in self.followers:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()
            self.followers = []

    def follow_requests(self):
        with self._lock:
            return self.follows

    def _accept(self):
        while True:
            try:
                conn, _ = self._sock.accept()
            except (OSError, AttributeError):
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        if not self._serve_one(conn):
            conn.close()

    def _serve_one(self, conn):
        """True when the connection stays open (a follower)."""
        buf = b""
        while b"\n" not in buf:
            data = conn.recv(65536)
            if not data:
                return False
            buf += data
        req = json.loads(buf.split(b"\n", 1)[0])
        with self._lock:
            self.requests.append(req)
        if self.mode == "stall":
            conn.recv(1)  # until httpd gives up and closes
            return False
        if self.mode == "close":
            return False
        if self.mode == "garbage":
            conn.sendall(b"<html>not json\n")
            return False
        cmd = req.get("cmd")
        if cmd == "events" and req.get("follow"):
            conn.sendall((json.dumps({"ok": True}) + "\n").encode())
            with self._lock:
                self.followers.append(conn)
                self.follows += 1
            return True
        if cmd == "events":
            lines = [json.dumps({"ok": True})] + [json.dumps(e) for e in self.events]
            conn.sendall(("\n".join(lines) + "\n").encode())
            return False
        reply = self.replies.get(cmd, {"ok": False, "error": f"unknown command '{cmd}'"})
        conn.sendall((json.dumps(reply) + "\n").encode())
        return False
