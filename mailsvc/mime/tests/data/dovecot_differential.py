#!/usr/bin/env python3
"""Differential test against Dovecot 2.3 (not run by ctest): COUNT messages made by
mutating the test messages here (lines deleted, repeated, cut, or taken from a pool of
malformed header and boundary lines), answered by Dovecot's imap (as in
regenerate_goldens.py: a private Maildir under /tmp, preauthenticated on stdin, dropped to
nobody when run as root) and by mailsvc_mime_dump; ENVELOPE and BODYSTRUCTURE are compared
as values, the BODY[section]s of SECTIONS octet for octet, and the first differences
printed.

Usage: dovecot_differential.py BUILD/bin/mailsvc_mime_dump [SEED [COUNT [SHOWN]]]"""
import glob
import os
import pwd
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SECTIONS = ["HEADER", "TEXT", "1", "1.MIME", "2", "2.MIME", "2.HEADER", "2.TEXT", "2.1", "3", "1.1"]  # as mime_dump.cpp
POOL = [b"Content-Type: multipart/mixed; boundary=zz", b"Content-Transfer-Encoding: base64", b"From: <>",
        b"To: a@b,,", b"Subject: =?utf-8?b?w6k=?=", b" folded continuation", b"Content-Type: message/rfc822",
        b"--XyZ123", b"--XyZ123--", b"", b"Content-Type: text/plain; charset*=utf-8''%C3%A9", b"--zz", b"--zz--",
        b"Cc: \"unterminated <a@b>", b"To: group: a@b", b"From: a@b (x) (y)", b"Content-Type: multipart/alternative",
        b"Content-Disposition: inline; filename", b"Content-Language: ", b"Subject:\t\t", b"From: @a:b@c", b"Date: ",
        b"Content-Type: text/html; charset=\"", b"--outer", b"--inner--", b"--b1", b"Content-Type: ;",
        b"Content-Type: text/", b"From: \"a\" <b@c>, <d@e> f", b"To: <a@b", b"Reply-To: ,"]


def mutate(lines, rnd):
    lines = list(lines)
    for _ in range(rnd.randint(1, 4)):
        op, i = rnd.randrange(5), rnd.randrange(len(lines) + 1)
        if op == 0 and lines:
            del lines[min(i, len(lines) - 1)]
        elif op == 1 and lines:
            lines.insert(i, lines[min(i, len(lines) - 1)])
        elif op == 2:
            lines.insert(i, rnd.choice(POOL))
        elif op == 3 and lines:
            lines = lines[:max(1, i)]
        else:
            lines.insert(min(i, 12), rnd.choice(POOL))
    return lines


def value(b, i):
    """The IMAP value at b[i]: a list, ("s", bytes) for a string, or an atom; and the index after it."""
    c = b[i:i + 1]
    if c == b"(":
        out, i = [], i + 1
        while b[i:i + 1] != b")":
            if b[i:i + 1] == b" ":
                i += 1
                continue
            v, i = value(b, i)
            out.append(v)
        return out, i + 1
    if c == b'"':
        s, i = b"", i + 1
        while b[i:i + 1] != b'"':
            if b[i:i + 1] == b"\\":
                i += 1
            s, i = s + b[i:i + 1], i + 1
        return ("s", s), i + 1
    if c == b"{":
        j = b.index(b"}", i)
        n = int(b[i + 1:j])
        return ("s", b[j + 3:j + 3 + n]), j + 3 + n
    m = re.match(rb"[^ ()\r\n]+", b[i:])
    return m.group(0), i + len(m.group(0))


def dovecot(tmp, count):
    conf = f"{tmp}/dovecot.conf"
    with open(conf, "w") as f:
        f.write(f"mail_location = maildir:{tmp}/Maildir\nlog_path = /dev/null\nbase_dir = {tmp}/run\nstate_dir = {tmp}/state\n")
    pre = None
    if os.getuid() == 0:
        nobody = pwd.getpwnam("nobody")
        subprocess.run(["chown", "-R", f"{nobody.pw_uid}:{nobody.pw_gid}", tmp], check=True)
        os.chmod(tmp, 0o755)

        def pre():
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
    p = subprocess.Popen(["/usr/lib/dovecot/imap", "-c", conf], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, preexec_fn=pre,
                         env={"USER": "test", "HOME": tmp, "MAIL": f"maildir:{tmp}/Maildir", "PATH": "/usr/bin:/bin"})
    sections = b" ".join(b"BODY.PEEK[%s]" % s.encode() for s in SECTIONS)
    p.stdin.write(b"a SELECT INBOX\r\nb FETCH 1:* (ENVELOPE BODYSTRUCTURE " + sections + b")\r\n")
    p.stdin.flush()
    out = b""
    while not re.search(rb"\r\nb (OK|NO|BAD)", out):  # stdin stays open until the answer is complete
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            break
        out += chunk
    p.stdin.close()
    p.wait()
    answers, pos = [], 0
    for n in range(1, count + 1):
        pos = out.index(b"* %d FETCH (" % n, pos) + len(b"* %d FETCH " % n)
        item, pos = value(out, pos)
        # ENVELOPE x BODYSTRUCTURE y BODY[...] z ...: sections as their octets (NIL as "")
        answers.append([item[1], item[3]] + [v[1] if isinstance(v, tuple) else b"" for v in item[5::2]])
    return answers


def main():
    dump = sys.argv[1]
    seed, count, shown = (int(a) for a in (sys.argv[2:] + ["1", "300", "10"][len(sys.argv) - 2:])[:3])
    rnd = random.Random(seed)
    sources = [open(f, "rb").read().replace(b"\r\n", b"\n").split(b"\n") for f in sorted(glob.glob(f"{HERE}/*.eml"))]
    tmp = tempfile.mkdtemp(prefix="mime-diff-")
    try:
        for sub in ("cur", "new", "tmp"):
            os.makedirs(f"{tmp}/Maildir/{sub}")
        files = []
        for n in range(count):
            files.append(f"{tmp}/Maildir/cur/{1000000000 + n}.M{n}P1.diff:2,")
            with open(files[-1], "wb") as f:
                f.write(b"\n".join(mutate(rnd.choice(sources), rnd)))
        ours_raw = subprocess.run([dump] + files, capture_output=True, check=True).stdout
        theirs = dovecot(tmp, count)
        ours, i = [], 0
        per_message = 2 + len(SECTIONS)
        while i < len(ours_raw):
            nl = ours_raw.index(b"\n", i)
            n = int(ours_raw[i:nl])
            text = ours_raw[nl + 1:nl + 1 + n]
            ours.append(value(text, 0)[0] if len(ours) % per_message < 2 else text)
            i = nl + 1 + n
        differences = 0
        names = ["ENVELOPE", "BODYSTRUCTURE"] + [f"BODY[{s}]" for s in SECTIONS]
        for n in range(count):
            for k, what in enumerate(names):
                if theirs[n][k] != ours[per_message * n + k]:
                    differences += 1
                    if differences <= shown:
                        print(f"message {n + 1} {what}:\n  dovecot: {theirs[n][k]}\n  ours:    {ours[per_message * n + k]}")
                        print("  message:", open(files[n], "rb").read()[:2000])
        print(f"{count} messages (seed {seed}): {differences} of {count * len(names)} answers differ")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
