#!/usr/bin/env python3
"""Regenerates the golden FETCH answers beside each test message (NAME.eml ->
NAME.envelope, NAME.body, NAME.bodystructure, and NAME.sections: BODY[section] for each
of SECTIONS, as "SECTION <n>" lines each followed by n octets and a newline, "NIL" for
NIL) from Dovecot 2.3, the reference imapd.

Not run by ctest. Needs Debian's dovecot-imapd installed (its service need not and should
not run): each message goes alone into a private Maildir under a temporary directory, and
/usr/lib/dovecot/imap runs there as a preauthenticated process on stdin/stdout with a
private config, answering SELECT and FETCH; the item's value (everything after
"ITEM " up to the closing parenthesis of the FETCH response, literals included) is
written out. Run it as an unprivileged user or as root (it then drops to nobody).

Usage: mailsvc/mime/tests/data/regenerate_goldens.py [NAME.eml ...]"""
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
IMAP = "/usr/lib/dovecot/imap"
ITEMS = {"envelope": "ENVELOPE", "body": "BODY", "bodystructure": "BODYSTRUCTURE"}
SECTIONS = ["", "HEADER", "TEXT", "1", "1.MIME", "1.HEADER", "1.1", "2", "2.MIME", "2.HEADER", "2.TEXT",
            "2.1", "2.2", "2.1.MIME", "2.2.MIME", "3", "3.MIME", "3.1", "3.HEADER", "4", "HEADER.FIELDS (From SUBJECT)",
            "HEADER.FIELDS.NOT (Received From)", "2.HEADER.FIELDS (Subject)"]


def run_imap(eml_path, commands):
    tmp = tempfile.mkdtemp(prefix="mime-golden-")
    try:
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(tmp, "Maildir", sub))
        shutil.copy(eml_path, os.path.join(tmp, "Maildir", "cur", "1.M1P1.golden:2,"))
        conf = os.path.join(tmp, "dovecot.conf")
        with open(conf, "w") as f:
            f.write(f"mail_location = maildir:{tmp}/Maildir\nlog_path = /dev/stderr\n"
                    f"base_dir = {tmp}/run\nstate_dir = {tmp}/state\n")
        env = {"USER": "test", "HOME": tmp, "MAIL": f"maildir:{tmp}/Maildir", "PATH": "/usr/bin:/bin"}
        pre = None
        if os.getuid() == 0:
            nobody = pwd.getpwnam("nobody")
            subprocess.run(["chown", "-R", f"{nobody.pw_uid}:{nobody.pw_gid}", tmp], check=True)
            os.chmod(tmp, 0o755)

            def pre():
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)
        script = b"a SELECT INBOX\r\n" + commands + b"z LOGOUT\r\n"
        return subprocess.run([IMAP, "-c", conf], input=script, env=env, capture_output=True,
                             preexec_fn=pre, timeout=30).stdout
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fetch(eml_path, item):
    out = run_imap(eml_path, f"b FETCH 1 ({item})\r\n".encode())
    start = out.index(b"* 1 FETCH (" + item.encode() + b" ") + len(b"* 1 FETCH (" + item.encode() + b" ")
    end = out.index(b"\r\nb OK", start)
    value = out[start:end]
    if not value.endswith(b")"):
        raise SystemExit(f"{eml_path}: unexpected answer {out!r}")
    return value[:-1]


def sections(eml_path):
    commands = b"".join(f"s{i} FETCH 1 (BODY.PEEK[{sec}])\r\n".encode() for i, sec in enumerate(SECTIONS))
    out = run_imap(eml_path, commands)
    result = b""
    pos = 0
    for sec in SECTIONS:  # the answers come in the order asked
        pos = out.index(b"* 1 FETCH (BODY[", pos)
        pos = out.index(b"] ", pos) + 2
        rest = out[pos:]
        if rest.startswith(b"NIL"):
            result += f"{sec}\tNIL\n".encode()
            continue
        if rest.startswith(b'""'):
            value = b""
        elif rest.startswith(b"{"):
            close = rest.index(b"}")
            n = int(rest[1:close])
            value = rest[close + 3:close + 3 + n]
        else:
            raise SystemExit(f"{eml_path} [{sec}]: unexpected answer {rest[:80]!r}")
        result += f"{sec}\t{len(value)}\n".encode() + value + b"\n"
    return result


def main():
    names = sys.argv[1:] or sorted(glob.glob(os.path.join(HERE, "*.eml")))
    for eml in names:
        base = os.path.splitext(eml)[0]
        for suffix, item in ITEMS.items():
            with open(f"{base}.{suffix}", "wb") as f:
                f.write(fetch(eml, item) + b"\n")
        with open(f"{base}.sections", "wb") as f:
            f.write(sections(eml))
        print(f"{os.path.basename(eml)}: {', '.join(ITEMS.values())}, {len(SECTIONS)} sections")


if __name__ == "__main__":
    main()
