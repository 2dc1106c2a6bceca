#!/usr/bin/env python3
"""Regenerates the golden FETCH answers beside each test message (NAME.eml ->
NAME.envelope, NAME.body, NAME.bodystructure) from Dovecot 2.3, the reference imapd.

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


def fetch(eml_path, item):
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
        script = f"a SELECT INBOX\r\nb FETCH 1 ({item})\r\nc LOGOUT\r\n".encode()
        out = subprocess.run([IMAP, "-c", conf], input=script, env=env, capture_output=True,
                             preexec_fn=pre, timeout=30).stdout
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    start = out.index(b"* 1 FETCH (" + item.encode() + b" ") + len(b"* 1 FETCH (" + item.encode() + b" ")
    end = out.index(b"\r\nb OK", start)
    value = out[start:end]
    if not value.endswith(b")"):
        raise SystemExit(f"{eml_path}: unexpected answer {out!r}")
    return value[:-1]


def main():
    names = sys.argv[1:] or sorted(glob.glob(os.path.join(HERE, "*.eml")))
    for eml in names:
        base = os.path.splitext(eml)[0]
        for suffix, item in ITEMS.items():
            with open(f"{base}.{suffix}", "wb") as f:
                f.write(fetch(eml, item) + b"\n")
        print(f"{os.path.basename(eml)}: {', '.join(ITEMS.values())}")


if __name__ == "__main__":
    main()
