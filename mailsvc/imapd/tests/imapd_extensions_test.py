#!/usr/bin/python3
"""imapd's extensions and the SEARCH keys, against the wire: CONDSTORE/QRESYNC, ESEARCH and
SEARCHRES, SORT and THREAD, LIST-EXTENDED/LIST-STATUS/SPECIAL-USE, NAMESPACE, ID, ENABLE,
LITERAL+ APPEND with flags and date (APPENDUID), BINARY, UNSELECT/CLOSE/EXAMINE, and every
RFC 3501 SEARCH key. One case per run (argv[1]), its own imapd (imapd_test.Env); a raw
client over STARTTLS so that every untagged response can be checked as sent."""
import os
import re
from datetime import datetime, timezone
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imapd_test import PASSWORD, TIMEOUT, USER, Env, run_case, tls_ctx  # noqa: E402


class Wire:
    """One session: STARTTLS, LOGIN, then run(command) -> (untagged lines, tagged line), with
    literals in responses joined into their line."""

    def __init__(self, env):
        import socket
        self.sock = socket.create_connection(("127.0.0.1", env.plain_port), timeout=TIMEOUT)
        self.f = self.sock.makefile("rb")
        assert self.f.readline().startswith(b"* OK")
        self.n = 0
        self.run("STARTTLS")
        self.sock = tls_ctx().wrap_socket(self.sock, server_hostname="localhost")
        self.f = self.sock.makefile("rb")
        self.ok(f'LOGIN "{USER}" "{PASSWORD}"')

    def line(self):
        out = b""
        while True:
            part = self.f.readline()
            assert part, f"connection closed after {out!r}"
            out += part
            m = re.search(rb"~?\{(\d+)\}\r\n$", part)  # a literal or a literal8 (BINARY)
            if not m:
                return out[:-2].decode("utf-8", "replace")
            out += self.f.read(int(m.group(1)))

    def send(self, data):
        self.sock.sendall(data)

    def run(self, command):
        self.n += 1
        tag = f"t{self.n}"
        self.send(f"{tag} {command}\r\n".encode())
        return self.collect(tag)

    def collect(self, tag):
        untagged = []
        while True:
            line = self.line()
            if line.startswith(tag + " "):
                return untagged, line[len(tag) + 1:]
            untagged.append(line)

    def ok(self, command):
        untagged, done = self.run(command)
        assert done.startswith("OK"), (command, untagged, done)
        return untagged, done

    def close(self):
        self.run("LOGOUT")
        self.sock.close()


def one(lines, prefix):
    hits = [l for l in lines if l.startswith(prefix)]
    assert len(hits) == 1, (prefix, lines)
    return hits[0]


def msg(subject, frm="bob@example.org", date="Mon, 6 Nov 2023 10:00:00 +0000", extra="", body="body\r\n"):
    return (f"From: {frm}\r\nTo: alice@example.org\r\nSubject: {subject}\r\nDate: {date}\r\n{extra}\r\n{body}")


def case_condstore_qresync(env):
    for i in range(3):
        env.deliver(msg(f"m{i}"))
    env.start()
    w = Wire(env)
    untagged, _ = w.ok("ENABLE CONDSTORE")
    assert "* ENABLED CONDSTORE" in untagged, untagged
    untagged, _ = w.ok("SELECT INBOX")
    highest = int(re.search(r"HIGHESTMODSEQ (\d+)", " ".join(untagged)).group(1))
    validity = int(re.search(r"UIDVALIDITY (\d+)", " ".join(untagged)).group(1))
    untagged, _ = w.ok("FETCH 1:* (UID MODSEQ)")
    modseqs = {int(re.search(r"UID (\d+)", l).group(1)): int(re.search(r"MODSEQ \((\d+)\)", l).group(1))
               for l in untagged}
    assert len(modseqs) == 3 and max(modseqs.values()) <= highest, (modseqs, highest)
    uids = sorted(modseqs)
    # A STORE raises the message's MODSEQ above every earlier one, reported with it.
    untagged, _ = w.ok(f"UID STORE {uids[0]} +FLAGS (\\Flagged)")
    new = int(re.search(r"MODSEQ \((\d+)\)", one(untagged, "* 1 FETCH")).group(1))
    assert new > highest, (new, highest)
    # UNCHANGEDSINCE older than the message's MODSEQ: not stored, named in MODIFIED.
    untagged, done = w.ok(f"UID STORE {uids[0]},{uids[1]} (UNCHANGEDSINCE {highest}) +FLAGS (\\Seen)")
    assert f"[MODIFIED {uids[0]}]" in done, done
    flags = " ".join(w.ok(f"UID FETCH {uids[0]} (FLAGS)")[0])
    assert "\\Seen" not in flags, flags
    # Message 2 was stored by the UNCHANGEDSINCE above (its MODSEQ was not newer): above `new` too.
    untagged, _ = w.ok(f"SEARCH MODSEQ {new}")
    assert re.match(r"\* SEARCH 1 2 \(MODSEQ \d+\)", one(untagged, "* SEARCH")), untagged
    untagged, _ = w.ok(f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {highest})")
    changed = sorted(int(re.search(r"UID (\d+)", l).group(1)) for l in untagged if "FETCH" in l)
    assert changed == [uids[0], uids[1]], (changed, untagged)
    # QRESYNC: a client that knew (validity, new) learns what vanished and what changed since.
    w.ok(f"UID STORE {uids[2]} +FLAGS (\\Deleted)")
    w.ok("EXPUNGE")
    w.ok("UID STORE {0} -FLAGS (\\Flagged)".format(uids[0]))
    w.close()
    w = Wire(env)
    w.ok("ENABLE QRESYNC")
    untagged, _ = w.ok(f"SELECT INBOX (QRESYNC ({validity} {new}))")
    assert one(untagged, "* VANISHED (EARLIER)") == f"* VANISHED (EARLIER) {uids[2]}", untagged
    fetched = [l for l in untagged if " FETCH " in l]
    assert len(fetched) >= 1 and f"UID {uids[0]}" in " ".join(fetched), untagged
    assert f"UID {uids[1]}" in " ".join(fetched), "changed since (its \\Seen above)"
    # A stale UIDVALIDITY: no VANISHED, a plain SELECT.
    untagged, _ = w.ok(f"SELECT INBOX (QRESYNC ({validity + 1} 1))")
    assert not [l for l in untagged if "VANISHED" in l], untagged
    # Once QRESYNC is on, EXPUNGE reports VANISHED instead of numbered EXPUNGEs.
    w.ok(f"UID STORE {uids[1]} +FLAGS.SILENT (\\Deleted)")
    untagged, _ = w.ok("EXPUNGE")
    assert f"* VANISHED {uids[1]}" in untagged and not [l for l in untagged if l.endswith("EXPUNGE")], untagged
    w.close()


def case_esearch_searchres(env):
    for i in range(5):
        env.deliver(msg(f"m{i}", body="needle\r\n" if i % 2 else "hay\r\n"))
    env.start()
    w = Wire(env)
    w.ok("SELECT INBOX")
    untagged, _ = w.ok("SEARCH RETURN (MIN MAX COUNT ALL) BODY needle")
    line = one(untagged, "* ESEARCH")
    assert re.match(r'\* ESEARCH \(TAG "t\d+"\) ', line), line
    items = line.split(") ", 1)[1].split()
    assert dict(zip(items[::2], items[1::2])) == {"MIN": "2", "MAX": "4", "COUNT": "2", "ALL": "2,4"}, line
    untagged, _ = w.ok("UID SEARCH RETURN (COUNT) ALL")
    assert re.match(r'\* ESEARCH \(TAG "t\d+"\) UID COUNT 5$', one(untagged, "* ESEARCH")), untagged
    untagged, _ = w.ok("SEARCH RETURN () BODY nothing-like-this")
    assert re.match(r'\* ESEARCH \(TAG "t\d+"\)$', one(untagged, "* ESEARCH")), untagged
    # SEARCHRES: the result saved as $ and used by the next commands.
    untagged, _ = w.ok("SEARCH RETURN (SAVE) BODY needle")
    assert not [l for l in untagged if "SEARCH" in l], untagged
    untagged, _ = w.ok("FETCH $ (FLAGS)")
    assert sorted(int(l.split()[1]) for l in untagged if "FETCH" in l) == [2, 4], untagged
    w.ok("STORE $ +FLAGS.SILENT (\\Answered)")
    untagged, _ = w.ok("SEARCH ANSWERED")
    assert one(untagged, "* SEARCH") == "* SEARCH 2 4", untagged
    w.close()


def case_sort_thread(env):
    env.deliver(msg("Zebra", frm="Carol <carol@example.org>", date="Tue, 7 Nov 2023 10:00:00 +0000",
                    extra="Message-ID: <a@x>\r\n"))
    env.deliver(msg("Re: zebra", frm="adam@example.org", date="Wed, 8 Nov 2023 10:00:00 +0000",
                    extra="Message-ID: <b@x>\r\nIn-Reply-To: <a@x>\r\nReferences: <a@x>\r\n", body="x" * 500 + "\r\n"))
    env.deliver(msg("apple", frm="Bob <bob@example.org>", date="Mon, 6 Nov 2023 10:00:00 +0000",
                    extra="Message-ID: <c@x>\r\n"))
    env.deliver(msg("Fwd: Re: Zebra", frm="dave@example.org", date="Thu, 9 Nov 2023 10:00:00 +0000",
                    extra="Message-ID: <d@x>\r\nReferences: <a@x> <b@x>\r\n"))
    env.start()
    w = Wire(env)
    w.ok("SELECT INBOX")
    # RFC 5256 base subjects: "Re:", "Fwd:" and case dropped; ties by sequence number.
    assert one(w.ok("SORT (SUBJECT) UTF-8 ALL")[0], "* SORT") == "* SORT 3 1 2 4"
    assert one(w.ok("SORT (DATE) UTF-8 ALL")[0], "* SORT") == "* SORT 3 1 2 4"
    assert one(w.ok("SORT (REVERSE DATE) UTF-8 ALL")[0], "* SORT") == "* SORT 4 2 1 3"
    assert one(w.ok("SORT (FROM) UTF-8 ALL")[0], "* SORT") == "* SORT 2 3 1 4"   # adam bob carol dave
    assert one(w.ok("SORT (SIZE) UTF-8 ALL")[0], "* SORT").endswith(" 2")
    assert one(w.ok("SORT (SUBJECT) UTF-8 FROM carol")[0], "* SORT") == "* SORT 1"
    untagged, _ = w.ok("UID SORT (SUBJECT) UTF-8 ALL")
    assert len(one(untagged, "* SORT").split()) == 6, untagged
    untagged, _ = w.ok("THREAD REFERENCES UTF-8 ALL")
    assert one(untagged, "* THREAD") == "* THREAD (3)(1 2 4)", untagged
    # ORDEREDSUBJECT: the thread's first message is the parent of all the others (RFC 5256).
    untagged, _ = w.ok("THREAD ORDEREDSUBJECT UTF-8 ALL")
    assert one(untagged, "* THREAD") == "* THREAD (3)(1 (2)(4))", untagged
    _, done = w.run("SORT (NOSUCHKEY) UTF-8 ALL")
    assert done.startswith("BAD"), done
    _, done = w.run("THREAD NOSUCHALG UTF-8 ALL")
    assert done.startswith(("BAD", "NO")), done
    w.close()


def case_list_extended(env):
    env.start()
    w = Wire(env)
    untagged, _ = w.ok('LIST "" "*"')
    uses = {l.split()[-1].strip('"'): l for l in untagged}
    for name, use in (("Sent", "\\Sent"), ("Drafts", "\\Drafts"), ("Trash", "\\Trash"), ("Junk", "\\Junk")):
        assert name in uses and use in uses[name], (name, untagged)
    w.ok("CREATE Projects")
    w.ok("CREATE Projects.2024")
    w.ok('CREATE Archive (USE (\\Archive))')
    w.ok("SUBSCRIBE Projects.2024")
    untagged, _ = w.ok('LIST (SUBSCRIBED) "" "*"')
    names = [l.split()[-1].strip('"') for l in untagged]
    assert "Projects.2024" in names and "Archive" not in names, untagged
    untagged, _ = w.ok('LIST (SPECIAL-USE) "" "*"')
    names = sorted(l.split()[-1].strip('"') for l in untagged)
    assert names == ["Archive", "Drafts", "Junk", "Sent", "Trash"], untagged
    untagged, _ = w.ok('LIST "" "Projects" RETURN (CHILDREN STATUS (MESSAGES UNSEEN))')
    assert "\\HasChildren" in one(untagged, "* LIST"), untagged
    assert re.search(r'\* STATUS "?Projects"? \(MESSAGES 0 UNSEEN 0\)', " ".join(untagged)), untagged
    untagged, _ = w.ok('LIST "" "Projects.%"')
    assert "\\HasNoChildren" in one(untagged, "* LIST"), untagged
    untagged, _ = w.ok('LIST "" ""')
    assert re.match(r'\* LIST \(\\Noselect\) "\." ""', one(untagged, "* LIST")), untagged
    untagged, _ = w.ok('LSUB "" "*"')
    assert [l for l in untagged if "Projects.2024" in l], untagged
    w.ok("UNSUBSCRIBE Projects.2024")
    untagged, _ = w.ok('LIST (SUBSCRIBED) "" "Projects*"')
    assert not untagged, untagged
    untagged, _ = w.ok("NAMESPACE")
    assert one(untagged, "* NAMESPACE") == '* NAMESPACE (("" ".")) NIL NIL', untagged
    untagged, _ = w.ok('ID ("name" "test-client" "version" "1")')
    assert one(untagged, "* ID").startswith('* ID ("name"'), untagged
    untagged, _ = w.ok("ID NIL")
    one(untagged, "* ID")
    w.close()


def case_append_binary_select(env):
    env.start()
    w = Wire(env)
    # LITERAL+: a non-synchronising literal, with flags and an internal date; UIDPLUS's APPENDUID.
    body = ("From: bob@example.org\r\nSubject: bin\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
            "boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/octet-stream"
            "\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQF\r\n--b--\r\n").encode()
    w.n += 1
    tag = f"t{w.n}"
    w.send(f'{tag} APPEND INBOX (\\Flagged $Todo) "05-Jan-2024 08:30:00 +0100" {{{len(body)}+}}\r\n'.encode() + body
           + b"\r\n")
    untagged, done = w.collect(tag)
    m = re.match(r"OK \[APPENDUID (\d+) (\d+)\]", done)
    assert m, (untagged, done)
    uid = int(m.group(2))
    _, done = w.ok("EXAMINE INBOX")
    assert "[READ-ONLY]" in done, done
    untagged, _ = w.ok(f"UID FETCH {uid} (FLAGS INTERNALDATE BINARY.SIZE[2] BINARY.PEEK[2])")
    line = one(untagged, "* 1 FETCH")
    # The same instant (a Maildir keeps it as the file's mtime, so the zone may differ).
    when = datetime.strptime(re.search(r'INTERNALDATE "([^"]+)"', line).group(1), "%d-%b-%Y %H:%M:%S %z")
    assert when == datetime(2024, 1, 5, 7, 30, tzinfo=timezone.utc), line
    assert "\\Flagged" in line and "$Todo" in line, line
    assert "BINARY.SIZE[2] 6" in line, line
    assert "\x00\x01\x02\x03\x04\x05" in line, line
    # EXAMINE is read-only: STORE refused, and \Seen is not set by a FETCH.
    _, done = w.run(f"UID STORE {uid} +FLAGS (\\Deleted)")
    assert done.startswith("NO"), done
    w.ok(f"UID FETCH {uid} (BODY[TEXT])")
    flags = one(w.ok(f"UID FETCH {uid} (FLAGS)")[0], "* 1 FETCH")
    assert "\\Seen" not in flags, flags
    # UNSELECT leaves \Deleted messages alone; CLOSE expunges them silently.
    w.ok("SELECT INBOX")
    w.ok(f"UID STORE {uid} +FLAGS.SILENT (\\Deleted)")
    w.ok("UNSELECT")
    untagged, _ = w.ok("STATUS INBOX (MESSAGES)")
    assert "MESSAGES 1" in one(untagged, "* STATUS"), untagged
    w.ok("SELECT INBOX")
    w.ok("CHECK")
    untagged, _ = w.ok("CLOSE")
    assert not [l for l in untagged if "EXPUNGE" in l], untagged
    untagged, _ = w.ok("STATUS INBOX (MESSAGES UIDNEXT)")
    assert "MESSAGES 0" in one(untagged, "* STATUS") and f"UIDNEXT {uid + 1}" in untagged[0], untagged
    _, done = w.run("FETCH 1 (FLAGS)")
    assert done.startswith("BAD"), "no mailbox selected after CLOSE: " + done
    w.close()


SEARCH_MESSAGES = [
    # 1: plain, small, early
    ("From: Bob <bob@example.org>\r\nTo: alice@example.org\r\nCc: carol@example.org\r\nSubject: lunch plans\r\n"
     "Date: Mon, 6 Nov 2023 10:00:00 +0000\r\nX-Tracker: 12345\r\n\r\nshall we meet at noon\r\n"),
    # 2: a Bcc, a large body, later, a UTF-8 subject
    ("From: dave@example.org\r\nTo: team@example.org\r\nBcc: alice@example.org\r\n"
     "Subject: =?utf-8?q?caf=C3=A9_report?=\r\nDate: Wed, 15 Nov 2023 09:00:00 +0000\r\n"
     "Content-Type: text/plain; charset=utf-8\r\n\r\n" + "quarterly numbers\r\n" * 200),
    # 3: latest
    ("From: erin@example.org\r\nTo: alice@example.org\r\nSubject: Re: lunch plans\r\n"
     "Date: Fri, 1 Dec 2023 18:00:00 +0000\r\n\r\nnoon works\r\n"),
]


def case_search_keys(env):
    for m in SEARCH_MESSAGES:
        env.deliver(m)
    env.start()
    w = Wire(env)
    w.ok("SELECT INBOX")
    w.ok("STORE 1 +FLAGS (\\Answered \\Flagged $Work)")
    w.ok("STORE 2 +FLAGS (\\Deleted \\Draft \\Seen)")
    sizes = {int(l.split()[1]): int(re.search(r"RFC822.SIZE (\d+)", l).group(1))
             for l in w.ok("FETCH 1:* (RFC822.SIZE)")[0]}
    uids = [int(re.search(r"UID (\d+)", l).group(1)) for l in w.ok("FETCH 1:* (UID)")[0]]

    def search(criteria, charset=""):
        untagged, _ = w.ok(f"SEARCH {charset}{criteria}")
        return [int(x) for x in one(untagged, "* SEARCH").split()[2:]]

    want = {
        "ALL": [1, 2, 3], "ANSWERED": [1], "UNANSWERED": [2, 3], "DELETED": [2], "UNDELETED": [1, 3],
        "DRAFT": [2], "UNDRAFT": [1, 3], "FLAGGED": [1], "UNFLAGGED": [2, 3], "SEEN": [2], "UNSEEN": [1, 3],
        "KEYWORD $Work": [1], "UNKEYWORD $Work": [2, 3], "NEW": [], "OLD": [1, 2, 3], "RECENT": [],
        "BCC alice": [2], "CC carol": [1], "FROM bob": [1], "TO team": [2], "SUBJECT lunch": [1, 3],
        "BODY noon": [1, 3], "TEXT quarterly": [2], "TEXT erin": [3], 'HEADER X-Tracker 123': [1],
        'HEADER X-Tracker ""': [1], "LARGER 1000": [2], f"SMALLER {sizes[2]}": [1, 3], f"SMALLER {min(sizes.values())}": [],
        "BEFORE 15-Nov-2023": [], "SENTBEFORE 15-Nov-2023": [1], "SENTON 15-Nov-2023": [2],
        "SENTSINCE 15-Nov-2023": [2, 3], "ON 1-Jan-2000": [], "SINCE 1-Jan-2000": [1, 2, 3],
        f"UID {uids[1]}:*": [2, 3], "2:3": [2, 3], "*": [3], "NOT FROM bob": [2, 3],
        "OR FROM bob FROM erin": [1, 3], "(FLAGGED ANSWERED) SUBJECT lunch": [1], "FROM BOB": [1],
    }
    for criteria, expected in want.items():
        assert search(criteria) == expected, (criteria, search(criteria), expected)
    # CHARSET UTF-8 with a literal: the decoded subject matches.
    w.n += 1
    tag = f"t{w.n}"
    word = "café".encode()
    w.send(f"{tag} SEARCH CHARSET UTF-8 SUBJECT {{{len(word)}+}}\r\n".encode() + word + b"\r\n")
    untagged, done = w.collect(tag)
    assert done.startswith("OK") and one(untagged, "* SEARCH") == "* SEARCH 2", (untagged, done)
    _, done = w.run("SEARCH CHARSET KOI8-R ALL")
    assert done.startswith("NO [BADCHARSET"), done
    _, done = w.run("SEARCH NOSUCHKEY")
    assert done.startswith("BAD"), done
    w.close()


CASES = {n[len("case_"):]: f for n, f in globals().items() if n.startswith("case_")}


def main():
    run_case(CASES, Env, "imapd")


if __name__ == "__main__":
    main()
