#!/usr/bin/python3
"""httpd against curl, Python's http.client and raw sockets on loopback: one case per run
(argv[1]), each with its own document root and httpd on free ports (plaintext, TLS and a
plaintext redirect listener); every wait has a deadline."""
import gzip
import hashlib
import http.client
import os
import re
import socket
import ssl
import subprocess
import sys
import time

HTTPD = os.environ["HTTPD_BIN"]
TIMEOUT = 10
RUN_AS = "nobody"

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
from mail_test_util import LoggedDaemon, expect_runs_as, free_port, run_case, unverified_tls_ctx, wait_until  # noqa: E402


class Env(LoggedDaemon):
    def __init__(self, tmp):
        self.tmp = tmp
        self.root = os.path.join(tmp, "www")
        os.makedirs(self.root)
        os.makedirs(os.path.join(tmp, "outside"))
        with open(os.path.join(tmp, "outside", "secret.txt"), "w") as f:
            f.write("top secret")
        self.plain_port, self.tls_port, self.redirect_port = free_port(), free_port(), free_port()
        self.config_path = os.path.join(tmp, "httpd.yaml")
        self.log_path = os.path.join(tmp, "httpd.log")
        self.use_tls = False  # the tls_* cases: the same checks through the TLS listener

    def write(self, rel, data, mode="w"):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, mode) as f:
            f.write(data)

    def start(self, limits=""):
        with open(self.config_path, "w") as f:
            f.write(f"""user: {RUN_AS}
hostname: localhost
document_root: {self.root}
listeners:
  - {{tls: none, address: 127.0.0.1, port: {self.plain_port}}}
  - {{tls: implicit, address: 127.0.0.1, port: {self.tls_port}}}
  - {{tls: none, address: 127.0.0.1, port: {self.redirect_port}, redirect_to_https: true}}
tls: {{cert: {self.tmp}/tls/cert.pem, key: {self.tmp}/tls/key.pem}}
hsts_max_age: 365d
{limits}""")
        self.launch(HTTPD, self.config_path)

    def conn(self):
        if self.use_tls:
            return self.tls_conn()
        return http.client.HTTPConnection("127.0.0.1", self.plain_port, timeout=TIMEOUT)

    def url(self, path):
        return f"https://127.0.0.1:{self.tls_port}{path}" if self.use_tls else f"http://127.0.0.1:{self.plain_port}{path}"

    def tls_conn(self):
        return http.client.HTTPSConnection("127.0.0.1", self.tls_port, timeout=TIMEOUT, context=unverified_tls_ctx())

    def raw(self, data, port=None):
        """Sends `data` on a new connection and returns all the server sends until it closes."""
        tls = self.use_tls and port is None
        with socket.create_connection(("127.0.0.1", self.tls_port if tls else port or self.plain_port),
                                      timeout=TIMEOUT) as plain:
            s = unverified_tls_ctx().wrap_socket(plain) if tls else plain
            s.sendall(data)
            out = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except ssl.SSLError:  # the server closed without close_notify after its answer
                    chunk = b""
                if not chunk:
                    return out
                out += chunk

    def curl(self, *args):
        r = subprocess.run(["curl", "-sS", "-k", "--max-time", str(TIMEOUT), *args], capture_output=True,
                           timeout=TIMEOUT * 2)
        assert r.returncode == 0, r.stderr
        return r.stdout


def get(conn, target, headers=None, method="GET"):
    conn.request(method, target, headers=headers or {})
    r = conn.getresponse()
    return r, r.read()


def statuses(raw):
    """The status of every response in `raw` (bodies here never hold "HTTP/1.1 NNN ")."""
    return [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3}) ", raw)]


def case_plain_get(env):
    env.write("index.html", "<h1>home</h1>")
    env.write("docs/a.css", "body{}")
    env.start()
    c = env.conn()
    r, body = get(c, "/")
    assert r.status == 200 and body == b"<h1>home</h1>", (r.status, body)
    assert r.getheader("Content-Type") == "text/html; charset=utf-8"
    assert r.getheader("Content-Length") == "13" and r.getheader("Date", "").endswith(" GMT")
    hsts = r.getheader("Strict-Transport-Security")
    assert hsts == ("max-age=31536000" if env.use_tls else None), hsts  # HSTS on TLS answers only
    r, body = get(c, "/docs/a.css")  # the same connection: keep-alive
    assert r.status == 200 and body == b"body{}" and r.getheader("Content-Type").startswith("text/css")
    r, body = get(c, "/docs/a.css", method="HEAD")
    assert r.status == 200 and body == b"" and r.getheader("Content-Length") == "6"
    r, body = get(c, "/missing")
    assert r.status == 404 and body == b"404 Not Found\n", (r.status, body)
    r, _ = get(c, "/docs")
    assert r.status == 301 and r.getheader("Location") == "/docs/"
    r, _ = get(c, "/", method="DELETE")
    assert r.status == 405 and r.getheader("Allow") == "GET, HEAD"
    r, _ = get(c, "/")
    assert r.status == 200  # still open after the 405
    assert env.curl(env.url("/docs/a.css")) == b"body{}"
    # HTTP/1.0 closes unless it asks for keep-alive.
    out = env.raw(b"GET / HTTP/1.0\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 200 OK\r\n") and b"Connection: close\r\n" in out, out


def case_pipelining(env):
    for i in range(3):
        env.write(f"{i}.txt", f"file {i}")
    env.start()
    reqs = b"".join(f"GET /{i}.txt HTTP/1.1\r\nHost: h\r\n\r\n".encode() for i in range(3))
    out = env.raw(reqs + b"GET /0.txt HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
    assert statuses(out) == [200, 200, 200, 200], out
    assert out.index(b"file 0") < out.index(b"file 1") < out.index(b"file 2"), out
    # A chunked request body is read (bounded) and the connection goes on after the 405.
    out = env.raw(b"POST /0.txt HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"5\r\nhello\r\n0\r\n\r\nGET /1.txt HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
    assert statuses(out) == [405, 200] and out.endswith(b"file 1"), out


def case_errors(env):
    env.start(limits="limits: {max_target_bytes: 100, max_header_bytes: 1024, max_header_count: 10, max_body_bytes: 100}\n")
    cases = [
        (b"NONSENSE\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\n\r\n", 400),  # no Host
        (b"GET /" + b"a" * 200 + b" HTTP/1.1\r\nHost: h\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: h\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(20)) + b"\r\n", 431),
        (b"GET / HTTP/1.1\r\nHost: h\r\nX: " + b"y" * 2000 + b"\r\n\r\n", 431),
        (b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n", 413),
        (b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + b"40\r\n" + b"x" * 64 + b"\r\n" * 1
         + b"40\r\n" + b"x" * 64 + b"\r\n0\r\n\r\n", 413),
        (b"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        (b"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
    ]
    for req, status in cases:
        out = env.raw(req)
        assert statuses(out) == [status], (req[:60], out)
        assert b"Connection: close\r\n" in out and out.endswith(b"\n"), out
        body = out.split(b"\r\n\r\n", 1)[1]
        assert body.startswith(str(status).encode()) and len(body) < 64, body
    # http.client sees the same for a long target.
    r, _ = get(env.conn(), "/" + "b" * 300)
    assert r.status == 414


def case_conditional_range(env):
    env.write("data.bin", "0123456789" * 100)
    env.start()
    c = env.conn()
    r, body = get(c, "/data.bin")
    etag, lm = r.getheader("ETag"), r.getheader("Last-Modified")
    assert r.status == 200 and etag and lm and r.getheader("Accept-Ranges") == "bytes"
    r, body = get(c, "/data.bin", {"If-None-Match": etag})
    assert r.status == 304 and body == b"" and r.getheader("ETag") == etag
    r, body = get(c, "/data.bin", {"If-Modified-Since": lm})
    assert r.status == 304
    r, body = get(c, "/data.bin", {"If-None-Match": '"other"'})
    assert r.status == 200 and len(body) == 1000
    r, body = get(c, "/data.bin", {"Range": "bytes=10-19"})
    assert r.status == 206 and body == b"0123456789" and r.getheader("Content-Range") == "bytes 10-19/1000"
    r, body = get(c, "/data.bin", {"Range": "bytes=-5"})
    assert r.status == 206 and body == b"56789"
    r, body = get(c, "/data.bin", {"Range": "bytes=5000-"})
    assert r.status == 416 and r.getheader("Content-Range") == "bytes */1000"
    r, body = get(c, "/data.bin", {"Range": "bytes=0-1", "If-Range": '"stale"'})
    assert r.status == 200 and len(body) == 1000
    assert env.curl("-r", "990-", env.url("/data.bin")) == b"0123456789"


def case_gzip(env):
    text = "hello gzip " * 1000
    env.write("page.html", text)
    env.write("app.js", "ignored")
    env.write("app.js.gz", gzip.compress(b"from the sibling"), mode="wb")
    env.write("logo.png", "x" * 5000)
    env.start()
    c = env.conn()
    r, body = get(c, "/page.html", {"Accept-Encoding": "gzip"})
    assert r.getheader("Content-Encoding") == "gzip" and r.getheader("Vary") == "Accept-Encoding"
    assert len(body) < 500 and gzip.decompress(body) == text.encode()
    r, body = get(c, "/page.html")
    assert r.getheader("Content-Encoding") is None and body == text.encode()
    r, body = get(c, "/app.js", {"Accept-Encoding": "gzip, deflate"})
    assert gzip.decompress(body) == b"from the sibling"
    r, body = get(c, "/logo.png", {"Accept-Encoding": "gzip"})
    assert r.getheader("Content-Encoding") is None and len(body) == 5000
    assert env.curl("--compressed", env.url("/page.html")) == text.encode()


def case_path_escape(env):
    env.write("ok.txt", "fine")
    os.symlink(os.path.join(env.tmp, "outside", "secret.txt"), os.path.join(env.root, "link.txt"))
    os.symlink("../outside", os.path.join(env.root, "outdir"))
    env.start()
    for target in [b"/../outside/secret.txt", b"/%2e%2e/outside/secret.txt", b"/..%2Foutside%2Fsecret.txt",
                   b"/ok.txt%00", b"/link.txt", b"/outdir/secret.txt", b"/./ok.txt", b"//../outside/secret.txt"]:
        out = env.raw(b"GET " + target + b" HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        assert b"top secret" not in out and statuses(out) in ([404], [400]), (target, out)
    out = env.raw(b"GET /ok.txt HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
    assert out.endswith(b"fine"), out
    r = subprocess.run(["curl", "-sS", "-k", "--path-as-is", env.url("/../outside/secret.txt")],
                       capture_output=True, timeout=TIMEOUT)
    assert b"top secret" not in r.stdout, r.stdout


def case_tls(env):
    env.write("index.html", "secure home")
    big = os.urandom(3 << 20)
    env.write("big.bin", big, mode="wb")
    env.start()
    c = env.tls_conn()
    r, body = get(c, "/")
    assert r.status == 200 and body == b"secure home"
    assert r.getheader("Strict-Transport-Security") == "max-age=31536000"
    r, body = get(c, "/big.bin")  # bounded pieces through TLS
    assert hashlib.sha256(body).digest() == hashlib.sha256(big).digest() and len(body) == len(big)
    r, body = get(c, "/big.bin", {"Range": "bytes=1048576-1048585"})
    assert r.status == 206 and body == big[1048576:1048586]
    r, body = get(env.conn(), "/big.bin")  # and plaintext
    assert body == big
    assert env.curl("-k", f"https://127.0.0.1:{env.tls_port}/") == b"secure home"
    # The redirect listener: 301 to https on the TLS port, target kept.
    rc = http.client.HTTPConnection("127.0.0.1", env.redirect_port, timeout=TIMEOUT)
    r, _ = get(rc, "/a/b?c=1", {"Host": "www.example.org"})
    assert r.status == 301 and r.getheader("Location") == f"https://www.example.org:{env.tls_port}/a/b?c=1"
    assert env.curl("-k", "-L", "-H", "Host: localhost", f"http://127.0.0.1:{env.redirect_port}/") in (b"secure home", b"")
    log = env.log_text()
    assert "event=request" in log and "request_id=" in log and "status=301" in log, log
    # One line per request, as nginx: routine connection starts and ends only under --debug.
    assert "event=connection_start" not in log and "reason=peer_closed" not in log, log


def case_slowloris(env):
    env.write("index.html", "x")
    env.start(limits="limits: {header_timeout: 3s, idle_timeout: 30s}\n")
    with socket.create_connection(("127.0.0.1", env.plain_port), timeout=TIMEOUT) as s:
        request = b"GET / HTTP/1.1\r\nHost: h\r\nX-Slow: " + b"a" * 100
        start = time.monotonic()
        out = b""
        for byte in request:  # one header byte per second (the timeout is 3 s from the first, not per byte)
            try:
                s.sendall(bytes([byte]))
            except OSError:
                break
            s.settimeout(1.0)
            try:
                chunk = s.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        elapsed = time.monotonic() - start
    assert 2.5 < elapsed < 7, elapsed
    assert out.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), out
    assert "event=header_timeout" in env.log_text()


def case_per_ip_limit(env):
    env.write("index.html", "x")
    env.start(limits="limits: {max_connections_per_ip: 2}\n")
    a, b = env.conn(), env.conn()
    assert get(a, "/")[0].status == 200 and get(b, "/")[0].status == 200
    out = env.raw(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    assert statuses(out) == [503], out
    a.close()
    def served():  # once the first connection's end is seen, a new one gets its slot
        c = env.conn()
        try:
            return get(c, "/")[0].status == 200
        except (OSError, http.client.HTTPException):
            return False
        finally:
            c.close()
    wait_until(served, "a connection served after the first one ended")
    assert "event=too_many_connections_from_address" in env.log_text()


def case_runs_as_user(env):
    env.write("index.html", "x")
    env.start()
    expect_runs_as(env.proc.pid, RUN_AS, "httpd")
    assert "event=privileges_dropped" in env.log_text()
    env.proc.send_signal(15)
    assert env.proc.wait(timeout=TIMEOUT) == 0
    env.proc = None
    env.log.close()
    assert "event=stopped" in env.log_text()


def case_bad_config(env):
    with open(env.config_path, "w") as f:
        f.write("document_root: relative\nlisteners:\n  - {tls: starttls, port: 80}\n")
    r = subprocess.run([HTTPD, "--config", env.config_path, "--check"], capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 1, r
    assert "httpd.yaml:3:" in r.stderr and "listeners[0].tls" in r.stderr and "document_root" in r.stderr, r.stderr
    with open(env.config_path, "w") as f:
        f.write(f"user: {RUN_AS}\ndocument_root: {env.root}\nlisteners: [{{tls: none, port: 80}}]\n")
    r = subprocess.run([HTTPD, "--config", env.config_path, "--check"], capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0 and r.stdout.strip().endswith(": ok"), r


def case_idle_timeout(env):
    env.write("index.html", "x")
    env.start(limits="limits: {idle_timeout: 1s}\n")
    with socket.create_connection(("127.0.0.1", env.plain_port), timeout=TIMEOUT) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        start, out = time.monotonic(), b""
        while True:  # the answer, then the close about 1 s later
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
        elapsed = time.monotonic() - start
    assert statuses(out) == [200] and 0.5 < elapsed < 5, (out, elapsed)
    wait_until(lambda: "reason=idle_timeout" in env.log_text(), "the idle close to be logged")


def case_slow_reader(env):
    env.write("big.bin", b"\0" * (32 << 20), mode="wb")
    env.start(limits="limits: {idle_timeout: 1s}\n")
    for port, tls in ((env.plain_port, False), (env.tls_port, True)):
        plain = socket.socket()
        plain.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        plain.settimeout(TIMEOUT)
        plain.connect(("127.0.0.1", port))
        s = unverified_tls_ctx().wrap_socket(plain) if tls else plain
        s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: h\r\n\r\n")
        before = env.log_text().count("reason=send_timeout")
        # Reads nothing: the file cannot go out, the server gives up after idle_timeout.
        wait_until(lambda: env.log_text().count("reason=send_timeout") > before, "the send timeout", timeout=TIMEOUT)
        s.close()


def case_max_connections(env):
    env.write("index.html", "x")
    env.start(limits="limits: {max_connections: 2}\n")
    a, b = env.conn(), env.conn()
    assert get(a, "/")[0].status == 200 and get(b, "/")[0].status == 200
    # The refusal is written at accept and the connection closed: this client sends nothing, since
    # a request still unread at that close would make the kernel reset the connection (and the
    # reset may overtake the 503).
    out = env.raw(b"")
    assert out.startswith(b"HTTP/1.1 503 Service Unavailable\r\n"), out
    # The TLS listener's client expects a handshake: no plaintext 503 there, only the close.
    out = env.raw(b"", port=env.tls_port)
    assert out == b"", out
    assert env.log_text().count("event=too_many_connections ") == 2, env.log_text()


def case_close_frees_slot(env):
    # A file big enough for sendfile (reading pauses while its head goes out): after
    # "Connection: close" and the client's close, the slot is free at once, not after the
    # 5 s close grace: a third, fourth, ... client one after the other is served, not 503.
    env.write("big.bin", "b" * 100_000)
    env.start(limits="limits: {max_connections: 2}\n")
    for _ in range(6):
        out = env.raw(b"GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert statuses(out) == [200] and out.endswith(b"b" * 1000), out[:200]


def stream_text(n):
    """Text that compresses, but not to nothing (a gzip stream of many chunks)."""
    out, size, i = [], 0, 0
    while size < n:
        out.append(f"line {i * 7919 % 100003} of a large text file\n")
        size += len(out[-1])
        i += 1
    return "".join(out)[:n]


def case_gzip_stream(env):
    # Over gzip_max_bytes: compressed while sent, chunked (HTTP/1.1) or EOF-framed (1.0).
    text = stream_text(3 << 20)
    env.write("big.txt", text)
    env.write("small.txt", "small")
    env.start(limits="gzip_max_bytes: 64K\nlimits: {max_connections: 2}\n")
    c = env.conn()
    r, body = get(c, "/big.txt", {"Accept-Encoding": "gzip"})
    assert r.status == 200 and r.getheader("Transfer-Encoding") == "chunked", r.getheaders()
    assert r.getheader("Content-Length") is None and r.getheader("Content-Encoding") == "gzip"
    assert len(body) < len(text) // 2 and gzip.decompress(body) == text.encode()
    # HEAD: the same head, no body; the connection goes on.
    r, body = get(c, "/big.txt", {"Accept-Encoding": "gzip"}, method="HEAD")
    assert r.status == 200 and r.getheader("Transfer-Encoding") == "chunked" and body == b""
    r, body = get(c, "/small.txt")
    assert r.status == 200 and body == b"small"
    c.close()
    # A request pipelined behind the stream is answered after its last-chunk.
    out = env.raw(b"GET /big.txt HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n"
                  b"GET /small.txt HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
    assert statuses(out) == [200, 200] and out.endswith(b"small"), out[-200:]
    assert b"0\r\n\r\nHTTP/1.1 200 OK\r\n" in out
    # curl: chunked and decompressed; --http1.0: no chunks, no length, the close ends it.
    headers = os.path.join(env.tmp, "headers")
    assert env.curl("--compressed", "-D", headers, env.url("/big.txt")) == text.encode()
    with open(headers) as f:
        h = f.read().lower()
    assert "transfer-encoding: chunked" in h and "content-encoding: gzip" in h, h
    assert env.curl("--http1.0", "--compressed", "-D", headers, env.url("/big.txt")) == text.encode()
    with open(headers) as f:
        h = f.read().lower()
    assert h.startswith("http/1.1 200") and "transfer-encoding" not in h and "content-length" not in h, h
    assert "connection: close" in h, h
    # Clients that leave mid-stream: no crash, no connection left behind (max_connections 2:
    # a slot still taken would make the two connections below get 503).
    port = env.tls_port if env.use_tls else env.plain_port
    for _ in range(8):
        plain = socket.socket()
        plain.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        plain.settimeout(TIMEOUT)
        plain.connect(("127.0.0.1", port))
        s = unverified_tls_ctx().wrap_socket(plain) if env.use_tls else plain
        s.sendall(b"GET /big.txt HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n")
        got = s.recv(4096)
        assert got.startswith(b"HTTP/1.1 200 OK"), got
        s.close()

    def both_served():
        a, b = env.conn(), env.conn()
        try:
            return get(a, "/small.txt")[0].status == 200 and get(b, "/small.txt")[0].status == 200
        except (ConnectionError, http.client.HTTPException, ssl.SSLError, OSError):
            return False
        finally:
            a.close()
            b.close()
    wait_until(both_served, "both connection slots free again")
    assert env.proc.poll() is None


def over_tls(case):
    def run(env):
        env.use_tls = True
        case(env)
    return run


for _name in ("plain_get", "pipelining", "errors", "conditional_range", "gzip", "path_escape", "gzip_stream"):
    globals()["case_tls_" + _name] = over_tls(globals()["case_" + _name])

CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    run_case(CASES, Env, "httpd")
