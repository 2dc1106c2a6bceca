"""A fake control socket for the dashboard's integration test, speaking the JSON-lines
protocol of hacored and drbdlited (one request line, one reply line; `events` without
follow: an acceptance line, the history, then the close). Replies come from fixture
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

    def _accept(self):
        while True:
            try:
                conn, _ = self._sock.accept()
            except (OSError, AttributeError):
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        buf = b""
        with conn:
            while b"\n" not in buf:
                data = conn.recv(65536)
                if not data:
                    return
                buf += data
            req = json.loads(buf.split(b"\n", 1)[0])
            with self._lock:
                self.requests.append(req)
            if self.mode == "stall":
                conn.recv(1)  # until httpd gives up and closes
                return
            if self.mode == "close":
                return
            if self.mode == "garbage":
                conn.sendall(b"<html>not json\n")
                return
            cmd = req.get("cmd")
            if cmd == "events":
                lines = [json.dumps({"ok": True})] + [json.dumps(e) for e in self.events]
                conn.sendall(("\n".join(lines) + "\n").encode())
                return
            reply = self.replies.get(cmd, {"ok": False, "error": f"unknown command '{cmd}'"})
            conn.sendall((json.dumps(reply) + "\n").encode())
