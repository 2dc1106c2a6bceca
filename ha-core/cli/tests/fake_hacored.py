"""A fake hacored for hactl's process tests: a unix-socket server speaking the control
protocol (JSON lines), recording every request. Replies come from per-command handlers;
`emit()` appends an event to the history and sends it to every `events --follow` client."""
import json
import os
import socket
import threading
import time


def iso(ts_ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts_ms / 1000)) + ".%03dZ" % (ts_ms % 1000)


class FakeHacored:
    def __init__(self, path, status=None):
        self.path = path
        self.status = status or {}
        self.requests = []           # every request line, parsed, in arrival order
        self.history = []            # events kept for `events`
        self.handlers = {}           # cmd -> fn(request) -> reply dict (default {"ok": true})
        self.after = {}              # cmd -> fn(request, reply), run on a thread after replying
        self._followers = []
        self._lock = threading.Lock()
        self._sock = None
        self._threads = []

    def start(self):
        if os.path.exists(self.path):
            os.unlink(self.path)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(self.path)
        self._sock.listen(16)
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        return self

    def stop(self):
        if self._sock:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()
            self._sock = None
        with self._lock:
            for c in self._followers:
                self._close(c)
            self._followers = []
        if os.path.exists(self.path):
            os.unlink(self.path)

    def emit(self, name, **fields):
        ts_ms = fields.pop("ts_ms", int(time.time() * 1000))
        ev = {"ts": iso(ts_ms), "ts_ms": ts_ms, "event": name}
        ev.update(fields)
        line = (json.dumps(ev) + "\n").encode()
        with self._lock:
            self.history.append(ev)
            for c in list(self._followers):
                try:
                    c.sendall(line)
                except OSError:
                    self._followers.remove(c)
        return ev

    def wait_for_requests(self, n, timeout=5):
        end = time.time() + timeout
        while time.time() < end:
            with self._lock:
                if len(self.requests) >= n:
                    return list(self.requests)
            time.sleep(0.01)
        return list(self.requests)

    @staticmethod
    def _close(c):
        try:
            c.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        c.close()

    def _accept(self):
        while True:
            try:
                conn, _ = self._sock.accept()
            except (OSError, AttributeError):
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        buf = b""
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                conn.close()
                return
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                req = json.loads(line)
                with self._lock:
                    self.requests.append(req)
                if req.get("cmd") == "events":
                    self._events(conn, req)
                    if not req.get("follow"):
                        self._close(conn)
                        return
                    continue
                handler = self.handlers.get(req.get("cmd"))
                if handler:
                    reply = handler(req)
                elif req.get("cmd") == "status":
                    reply = {"ok": True, "status": self.status}
                else:
                    reply = {"ok": True}
                conn.sendall((json.dumps(reply) + "\n").encode())
                after = self.after.get(req.get("cmd"))
                if after:
                    threading.Thread(target=after, args=(req, reply), daemon=True).start()

    def _events(self, conn, req):
        since = req.get("since_ms", 0)
        with self._lock:
            lines = [json.dumps(e) + "\n" for e in self.history if e["ts_ms"] >= since]
            conn.sendall((json.dumps({"ok": True}) + "\n" + "".join(lines)).encode())
            if req.get("follow"):
                self._followers.append(conn)
