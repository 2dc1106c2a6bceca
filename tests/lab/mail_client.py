#!/usr/bin/python3
"""Runs in the lab's client, against SERVER (a lab address only):
  send SERVER RCPT TAG COUNT RATE DEADLINE_S
      sends COUNT numbered messages ("Subject: TAG-N") to RCPT through SERVER:25 at about
      RATE per second, one SMTP transaction each. A message that is not acknowledged (refused
      connection, timeout, 4xx, connection lost before the 250) is sent again, bounded by the
      deadline, as an MTA retries. Prints one JSON line per acknowledged message ({"n", "t":
      seconds since the start, "attempts": transactions it took}) and a final {"done": ...}
      line. SIGTERM stops it after the transaction in progress.
  fetch SERVER USER PASSWORD [--delete] [--digest]
      POP3 with STLS on SERVER:110: prints {"messages": [{"uidl", "subject"}, ...]}; with
      --delete, deletes what it read (the next fetch starts from an empty maildrop); with
      --digest, RETRs each message and adds "sha256" of its bytes (CRLF lines, dots unstuffed).
  imap SERVER USER PASSWORD [--flag UID FLAG]...
      IMAP with STARTTLS on SERVER:143, INBOX: optionally UID STORE +FLAGS first, then prints
      {"uidvalidity", "uidnext", "messages": [{"uid", "subject", "flags", "sha256"}, ...]}
      (sha256 of BODY.PEEK[], which leaves \\Seen alone).
  dns SERVER NAME TYPE [--tcp]
      one query to SERVER:53: prints {"rcode", "aa", "answer": [...], "additional": [...]} (records
      as text, sorted).
  web SERVER PATH
      GET PATH over http (port 80, not followed) and https (443, certificate not checked): prints
      {"http": {"status", "location"}, "https": {"status", "hsts", "body", "cert_sha256"}}.
  dnsprobe SERVER NAME TYPE EXPECT
      queries SERVER:53 over UDP every 50 ms (each waits 250 ms); prints {"ready": true} at its
      first right answer (or gives up after 30 s without one), goes on until its standard input
      closes or 300 s pass, then prints {"sent", "right", "timeouts", "wrong": [first 10], "max_gap"}: a
      right answer is NOERROR with AA and exactly EXPECT (the answer's records as text, joined by
      "|"); max_gap = the longest time from a right answer to the next one (s)."""
import hashlib
import http.client
import imaplib
import json
import poplib
import re
import signal
import smtplib
import ssl
import sys
import threading
import time

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode


def lab_tls():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the lab's self-signed certificate
    return ctx


def fetch(server, user, password, delete=False, digest=False):
    c = poplib.POP3(server, 110, timeout=10)
    c.stls(context=lab_tls())
    c.user(user)
    c.pass_(password)
    out = []
    for line in c.uidl()[1]:
        num, uidl = line.decode().split()
        lines = c.top(int(num), 0)[1]
        subject = next((l.decode()[9:] for l in lines if l.lower().startswith(b"subject: ")), "")
        out.append({"uidl": uidl, "subject": subject})
        if digest:
            out[-1]["sha256"] = hashlib.sha256(b"".join(l + b"\r\n" for l in c.retr(int(num))[1])).hexdigest()
        if delete:
            c.dele(int(num))
    c.sock.settimeout(60)  # the server commits the deletions before it answers QUIT
    c.quit()  # the deletions take effect here
    print(json.dumps({"messages": out}))


def imap(server, user, password, flags):
    def ok(res):
        if res[0] != "OK":
            raise SystemExit(f"IMAP: {res}")
        return res[1]
    c = imaplib.IMAP4(server, 143, timeout=10)
    c.starttls(ssl_context=lab_tls())
    ok(c.login(user, password))
    count = int(ok(c.select("INBOX"))[0])
    for uid, flag in flags:
        ok(c.uid("STORE", uid, "+FLAGS.SILENT", f"({flag})"))
    status = ok(c.status("INBOX", "(UIDVALIDITY UIDNEXT)"))[0].decode()
    out = {"uidvalidity": int(re.search(r"UIDVALIDITY (\d+)", status)[1]),
           "uidnext": int(re.search(r"UIDNEXT (\d+)", status)[1]), "messages": []}
    data = ok(c.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")) if count else []
    for item in data:
        if not isinstance(item, tuple):
            continue
        meta, body = item[0].decode(), item[1]
        subject = next((l[9:].decode() for l in body.split(b"\r\n") if l.lower().startswith(b"subject: ")), "")
        out["messages"].append({"uid": int(re.search(r"UID (\d+)", meta)[1]), "subject": subject,
                                "flags": sorted(re.search(r"FLAGS \(([^)]*)\)", meta)[1].split()),
                                "sha256": hashlib.sha256(body).hexdigest()})
    c.logout()
    print(json.dumps(out))


def web(server, path):
    plain = http.client.HTTPConnection(server, 80, timeout=10)
    plain.request("GET", path, headers={"Host": "mail.lab.test"})
    r = plain.getresponse()
    out = {"http": {"status": r.status, "location": r.getheader("Location")}}
    plain.close()
    tls = http.client.HTTPSConnection(server, 443, timeout=10, context=lab_tls())
    tls.request("GET", path, headers={"Host": "mail.lab.test"})
    r = tls.getresponse()
    body = r.read().decode(errors="replace")
    cert = tls.sock.getpeercert(binary_form=True)
    out["https"] = {"status": r.status, "hsts": r.getheader("Strict-Transport-Security"), "body": body,
                    "cert_sha256": hashlib.sha256(cert).hexdigest()}
    tls.close()
    print(json.dumps(out))


def webmail(server, user, password, old_cookie=None):
    """The webmail API through SERVER over https: OLD_COOKIE's session tried first (its status), then a
    login, the folders and INBOX's subjects; prints them with the new session's cookie."""
    tls = http.client.HTTPSConnection(server, 443, timeout=10, context=lab_tls())
    def call(method, target, body=None, cookie=None):
        headers = {"Host": "mail.lab.test"}
        if cookie:
            headers["Cookie"] = cookie
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        tls.request(method, target, body=body, headers=headers)
        r = tls.getresponse()
        data = r.read()
        return r, (json.loads(data) if data and r.getheader("Content-Type", "").startswith("application/json") else None)
    out = {}
    if old_cookie:
        out["old_session_status"] = call("GET", "/api/folders", cookie=old_cookie)[0].status
    r, body = call("POST", "/api/login", {"user": user, "password": password})
    out["login_status"] = r.status
    if r.status == 200:
        cookie = r.getheader("Set-Cookie").split(";", 1)[0]
        out["cookie"] = cookie
        _, folders = call("GET", "/api/folders", cookie=cookie)
        out["folders"] = {f["name"]: f["total"] for f in folders["folders"]}
        _, inbox = call("GET", "/api/folders/INBOX/messages?limit=200", cookie=cookie)
        out["inbox"] = sorted(m["subject"] for m in inbox["messages"])
    tls.close()
    print(json.dumps(out))


def dns_ask(server, name, rdtype, tcp=False, timeout=2.0):
    q = dns.message.make_query(name, rdtype)
    r = (dns.query.tcp if tcp else dns.query.udp)(q, server, timeout=timeout)
    def texts(section):
        return sorted(line for rrset in section for line in rrset.to_text().splitlines())
    return {"rcode": dns.rcode.to_text(r.rcode()), "aa": bool(r.flags & dns.flags.AA),
            "answer": texts(r.answer), "additional": texts(r.additional)}


def dns_probe(server, name, rdtype, expect):
    closed = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), closed.set()), daemon=True).start()
    start = time.monotonic()
    sent = right = timeouts = 0
    wrong = []
    last_right = max_gap = None
    while not closed.is_set() and time.monotonic() - start < (300 if last_right else 30):  # bounded
        t0 = time.monotonic()
        sent += 1
        try:
            a = dns_ask(server, name, rdtype, timeout=0.25)
        except (OSError, dns.exception.DNSException):
            timeouts += 1
        else:
            if a["rcode"] == "NOERROR" and a["aa"] and "|".join(a["answer"]) == expect:
                now = time.monotonic()
                right += 1
                if last_right is not None:
                    max_gap = max(max_gap or 0.0, now - last_right)
                else:
                    print(json.dumps({"ready": True}), flush=True)
                last_right = now
            elif len(wrong) < 10:
                wrong.append(a)
        closed.wait(max(0.0, 0.05 - (time.monotonic() - t0)))
    print(json.dumps({"sent": sent, "right": right, "timeouts": timeouts, "wrong": wrong,
                      "max_gap": None if max_gap is None else round(max_gap, 3)}), flush=True)


def send(server, rcpt, tag, count, rate, deadline_s):
    start = time.monotonic()
    deadline = start + deadline_s
    retries = 0
    attempts = 0
    n = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    while n < count and time.monotonic() < deadline and not stop:
        body = (f"From: client@outside.test\r\nTo: {rcpt}\r\nSubject: {tag}-{n}\r\n\r\n"
                f"message {n} of the failover test\r\n")
        t0 = time.monotonic()
        attempts += 1
        c = None
        try:
            c = smtplib.SMTP(server, 25, timeout=3)
            c.sendmail("client@outside.test", [rcpt], body)  # returns only after the 250
        except (OSError, smtplib.SMTPException):
            retries += 1
            time.sleep(0.1)
            continue
        finally:
            if c is not None:
                try:
                    c.quit()  # the server may be gone by now: the 250 already counts
                except (OSError, smtplib.SMTPException):
                    c.close()
        print(json.dumps({"n": n, "t": round(time.monotonic() - start, 3), "latency": round(time.monotonic() - t0, 3),
                          "attempts": attempts}), flush=True)
        n += 1
        attempts = 0
        time.sleep(max(0.0, 1.0 / rate - (time.monotonic() - t0)))
    print(json.dumps({"done": n == count, "acked": n, "retries": retries,
                      "elapsed": round(time.monotonic() - start, 3)}), flush=True)


def main():
    if len(sys.argv) < 3 or not sys.argv[2].startswith("10.201."):
        sys.exit("usage: mail_client.py send|fetch SERVER ... (SERVER: a lab address, 10.201.x.x)")
    if sys.argv[1] == "send" and len(sys.argv) == 8:
        send(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]))
    elif sys.argv[1] == "fetch" and len(sys.argv) >= 5 and set(sys.argv[5:]) <= {"--delete", "--digest"}:
        fetch(sys.argv[2], sys.argv[3], sys.argv[4], delete="--delete" in sys.argv, digest="--digest" in sys.argv)
    elif sys.argv[1] == "imap" and len(sys.argv) >= 5 and len(sys.argv[5:]) % 3 == 0 and \
            all(a == "--flag" for a in sys.argv[5::3]):
        rest = sys.argv[5:]
        imap(sys.argv[2], sys.argv[3], sys.argv[4], [(rest[i + 1], rest[i + 2]) for i in range(0, len(rest), 3)])
    elif sys.argv[1] == "dns" and len(sys.argv) in (5, 6) and sys.argv[5:] in ([], ["--tcp"]):
        print(json.dumps(dns_ask(sys.argv[2], sys.argv[3], sys.argv[4], tcp=len(sys.argv) == 6)))
    elif sys.argv[1] == "web" and len(sys.argv) == 4:
        web(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "webmail" and len(sys.argv) in (5, 7) and sys.argv[5:6] in ([], ["--cookie"]):
        webmail(*sys.argv[2:5], sys.argv[6] if len(sys.argv) == 7 else None)
    elif sys.argv[1] == "dnsprobe" and len(sys.argv) == 6:
        dns_probe(*sys.argv[2:6])
    else:
        sys.exit("usage: mail_client.py send SERVER RCPT TAG COUNT RATE DEADLINE_S | fetch SERVER USER PASSWORD "
                 "[--delete] [--digest] | imap SERVER USER PASSWORD [--flag UID FLAG]... | dns SERVER NAME TYPE "
                 "[--tcp] | web SERVER PATH | webmail SERVER USER PASSWORD [--cookie C] | dnsprobe SERVER NAME TYPE EXPECT")


if __name__ == "__main__":
    main()
