#!/usr/bin/python3
"""imapd against Debian's mutt, a third real IMAP client, on loopback: one case per run
(argv[1]: starttls or implicit_tls). mutt runs on a pty (it is a full-screen program)
with a private muttrc (0600, the password in it, never in argv) that trusts the test's
certificate; a folder-hook tags every message of INBOX, pipes each one (raw, not
decoded) to a script that writes it to a file, and quits. mutt writes messages with LF
line ends, so the files are compared with the delivered messages' CRLF turned into LF."""
import os
import pty
import re
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imapd_test import PASSWORD, TIMEOUT, USER, Env  # noqa: E402
from imapd_fetchmail_test import MESSAGES, bodies_over_imap  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
from mail_test_util import run_case  # noqa: E402

MUTT = os.environ.get("MUTT_BIN", "")
assert os.path.isfile(MUTT), "mutt is not installed (MUTT_BIN): run scripts/setup"

SAVE = 'exec cat > "$(mktemp "$1/msg.XXXXXX")"\n'  # stdin into a new file of the directory $1


def run_mutt(env, tmp, url):
    """mutt on a pty until it exits (deadline: 3 x TIMEOUT); returns the piped messages
    (sorted) and the screen text."""
    out = os.path.join(tmp, "mutt-out")
    os.makedirs(out)
    with open(os.path.join(tmp, "save.sh"), "w") as f:
        f.write(SAVE)
    rc = os.path.join(tmp, "muttrc")
    fd = os.open(rc, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"""set imap_user="{USER}"
set imap_pass="{PASSWORD}"
set ssl_force_tls=yes
set ssl_starttls=yes
set certificate_file="{tmp}/cert.pem"
set ssl_verify_host=yes
set folder="{tmp}" spoolfile="" record="" postponed=""
set header_cache="" message_cachedir=""
set quit=yes move=no wait_key=no sort=mailbox-order
set pipe_split=yes pipe_decode=no pipe_sep=""
folder-hook . 'push "<tag-pattern>~A<enter><tag-prefix><pipe-message>/bin/sh {tmp}/save.sh {out}<enter><quit>"'
""")
    argv = [MUTT, "-n", "-F", rc, "-f", url]
    assert PASSWORD not in " ".join(argv)
    pid, master = pty.fork()
    if pid == 0:
        os.execve(MUTT, argv, {"PATH": "/usr/bin:/bin", "HOME": tmp, "TERM": "xterm", "LC_ALL": "C.UTF-8"})
    screen = b""
    status = None
    deadline = time.monotonic() + 3 * TIMEOUT
    try:
        while status is None:
            assert time.monotonic() < deadline, "mutt did not quit:\n" + screen.decode(errors="replace")[-2000:]
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    screen += os.read(master, 65536)
                except OSError:  # the pty closed: mutt is gone
                    pass
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
    finally:
        if status is None:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(master)
    text = re.sub(r"\x1b(\[[0-9;?]*[A-Za-z]|[()][0-9A-Za-z]|[=>])", "", screen.decode(errors="replace"))
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"mutt exit status {status}:\n{text[-2000:]}"
    got = []
    for name in os.listdir(out):
        with open(os.path.join(out, name), "rb") as f:
            got.append(f.read())
    return sorted(got), text


def mutt_session_records(env):
    """imapd's log records of the session in which mutt logged in (AUTHENTICATE PLAIN;
    imaplib's checks use LOGIN)."""
    lines = env.log_text().splitlines()
    logins = [re.search(r"session=(\S+)", line).group(1) for line in lines
              if "event=login " in line and "mechanism=PLAIN" in line]
    assert len(logins) == 1, "\n".join(lines)
    return [line for line in lines if f"session={logins[0]} " in line]


def read_all_with_mutt(env, url):
    for m in MESSAGES:
        env.deliver(m)
    env.start()
    got, screen = run_mutt(env, os.path.dirname(env.config), url)
    assert f"Msgs:{len(MESSAGES)}" in screen and f"Tag:{len(MESSAGES)}" in screen, screen[-2000:]
    assert "Authenticating" in screen and "SSL/TLS connection using" in screen, screen[-2000:]
    assert got == sorted(m.replace(b"\r\n", b"\n") for m in MESSAGES), "mutt's copies are the delivered messages"
    assert bodies_over_imap(env) == sorted(MESSAGES), "mutt left the mailbox as it was"


def case_starttls(env):
    read_all_with_mutt(env, f"imap://localhost:{env.plain_port}/INBOX")
    records = mutt_session_records(env)
    assert any("event=session_start" in r and "tls=starttls" in r for r in records), records
    assert any("event=tls_started" in r for r in records), records


def case_implicit_tls(env):
    read_all_with_mutt(env, f"imaps://localhost:{env.tls_port}/INBOX")
    records = mutt_session_records(env)
    assert any("event=session_start" in r and "tls=implicit" in r for r in records), records


CASES = {n[len("case_"):]: f for n, f in globals().items() if n.startswith("case_")}


def main():
    run_case(CASES, Env, "imapd")


if __name__ == "__main__":
    main()
