"""Lab: the mail cluster (conf/lab/cluster-mail.yaml through HALAB_CONFIG). Group mail = VIP
+ drbd-lite r0 + ext4 + smtpd + pop3d + imapd, mail_root on the replicated filesystem, + dnsd
for lab.test on the VIP. The client resolves the mail domain at the VIP, sends through the VIP
and reads with POP3 and IMAP through the VIP (the same bytes both ways). A switchover keeps
the mail, its POP3 UIDLs and its IMAP UIDVALIDITY, UIDs and flags; a power-off of the active
node in the middle of a stream of messages loses none that got a 250: the other node
recovers the queue from the volume and delivers it, and IMAP sees them under new UIDs above
the old ones. DNS keeps answering, only right answers, through both (the gap is measured);
httpd serves https (http redirects) with the same certificate on either node, and the webmail: a
session does not survive a switchover (sessions are in httpd's memory), a new login sees the same mail."""

import json
import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from halab import HALAB, Lab, lab_setup  # noqa: E402
import mail_lab  # noqa: E402
from mail_lab import DOMAIN, PASSWORD, SITE_INDEX, USER, VIP, WANT  # noqa: E402
from storage import MNT, say  # noqa: E402

CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mail_client.py")
PROMTOOL = os.path.join(os.environ.get("HAMAIL_PROMTOOL_DIR", "/var/cache/hamail/promtool"), "promtool")  # scripts/setup
SERIES = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
MAIL_A = f"mail.{DOMAIN}. 300 IN A {VIP}"  # what the DNS probe must get for mail.lab.test A


class DnsProbe:
    """mail_client.py dnsprobe in the lab's client: asks the VIP for mail.lab.test A every 50 ms
    until stop(), which returns its summary (right/wrong answers, timeouts, the longest gap)."""

    def __init__(self, lab):
        self.proc = subprocess.Popen([HALAB, "exec", "client", "/usr/bin/python3", CLIENT, "dnsprobe", VIP,
                                      f"mail.{DOMAIN}", "A", MAIL_A], env=lab.env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        first = json.loads(self.proc.stdout.readline() or "{}")  # bounded: the probe gives up after 30 s
        if not first.get("ready"):
            self.__exit__()
            raise AssertionError(f"the DNS probe got no right answer to start from: {first}")

    def stop(self):
        out, _ = self.proc.communicate("", timeout=30)  # closing its stdin ends it
        return json.loads(out.splitlines()[-1])

    def __enter__(self):
        return self

    def __exit__(self, *_):
        if self.proc.poll() is None:  # a failure before stop(): end it, then let the failure show
            self.proc.communicate("", timeout=30)


class LabMailFailover(unittest.TestCase):
    lab = Lab("halabtestmail")
    uidls = {}  # subject -> UIDL, as first seen
    imap_state = {}  # uidvalidity and subject -> (uid, flags), as left by test 1
    cert = None  # httpd's certificate (sha256) as test 0 saw it
    web_cookie = None  # the webmail session test 1 opened on node1

    @classmethod

    @lab_setup
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise AssertionError("lab_mail_failover_test needs root: run it as root; it is labelled `lab`")
        mail_lab.up(cls.lab)

    @classmethod
    def tearDownClass(cls):
        cls.lab.save_logs(os.environ.get("HALAB_TEST_LOGS", "/tmp/halabtestmail-logs"))
        cls.lab.down()

    def group_on(self, asker, where, timeout):
        return self.lab.wait_group_on(asker, where, timeout, WANT)

    def client(self, *args, timeout=60):
        return self.lab.exec("client", "/usr/bin/python3", CLIENT, *args, timeout=timeout)

    def fetch(self, *opts):
        """Subjects and UIDLs in bob's maildrop, read by the client over POP3 through the VIP."""
        def attempt():
            p = self.lab.exec("client", "/usr/bin/python3", CLIENT, "fetch", VIP, USER, PASSWORD, *opts, check=False)
            return json.loads(p.stdout)["messages"] if p.returncode == 0 else None
        msgs, _ = self.lab.wait_for("POP3 through the VIP", attempt, 30)
        return msgs

    def imap(self, *flags):
        """bob's INBOX over IMAP (STARTTLS) through the VIP, after `--flag UID FLAG` stores."""
        def attempt():
            p = self.lab.exec("client", "/usr/bin/python3", CLIENT, "imap", VIP, USER, PASSWORD, *flags, check=False)
            return json.loads(p.stdout) if p.returncode == 0 else None
        box, _ = self.lab.wait_for("IMAP through the VIP", attempt, 30)
        return box

    def dns(self, name, rdtype, *opts):
        return json.loads(self.client("dns", VIP, name, rdtype, *opts).stdout)

    def dns_answers_on(self, where):
        """Waits until the VIP answers mail.lab.test A again (dnsd started on WHERE)."""
        def right():
            p = self.lab.exec("client", "/usr/bin/python3", CLIENT, "dns", VIP, f"mail.{DOMAIN}", "A", check=False)
            return p.returncode == 0 and json.loads(p.stdout)["answer"] == [MAIL_A]
        self.lab.wait_for(f"DNS answers through the VIP on {where}", right, 30)

    def check_probe(self, probe, what):
        got = probe.stop()
        say(f"DNS during the {what}: {got['right']} right answers of {got['sent']} queries, {got['timeouts']} "
            f"timeouts, longest gap between right answers {got['max_gap']}s")
        self.assertEqual(got["wrong"], [], f"only right answers (or none) during the {what}")
        self.assertGreater(got["right"], 0, got)
        self.assertIsNotNone(got["max_gap"], got)

    def web(self):
        """GET / through the VIP over http (a redirect) and https (the site), checked."""
        def attempt():
            p = self.lab.exec("client", "/usr/bin/python3", CLIENT, "web", VIP, "/", check=False)
            return json.loads(p.stdout) if p.returncode == 0 else None
        got, _ = self.lab.wait_for("http and https through the VIP", attempt, 30)
        self.assertEqual((got["http"]["status"], got["http"]["location"]), (301, f"https://mail.{DOMAIN}/"), got)
        self.assertEqual((got["https"]["status"], got["https"]["body"]), (200, SITE_INDEX), got)
        self.assertTrue(got["https"]["hsts"], "HSTS on https answers")
        return got["https"]["cert_sha256"]

    def webmail(self, *cookie):
        """The webmail API through the VIP: a login, the folders and INBOX (and first, COOKIE's old session)."""
        p = self.lab.exec("client", "/usr/bin/python3", CLIENT, "webmail", VIP, USER, PASSWORD,
                          *(("--cookie", *cookie) if cookie else ()))
        got = json.loads(p.stdout)
        self.assertEqual(got["login_status"], 200, got)
        return got

    @staticmethod
    def by_subject(box):
        return {m["subject"]: (m["uid"], m["flags"]) for m in box["messages"]}

    def test_0_dns_answers_for_the_mail_domain_at_the_vip(self):
        self.group_on("node1", "node1", timeout=90)
        for opts in ((), ("--tcp",)):
            mx = self.dns(DOMAIN, "MX", *opts)
            self.assertEqual((mx["rcode"], mx["aa"]), ("NOERROR", True), mx)
            self.assertEqual(mx["answer"], [f"{DOMAIN}. 300 IN MX 10 mail.{DOMAIN}."], mx)
            self.assertIn(MAIL_A, mx["additional"], "the MX target's address in the additional section")
        self.assertEqual(self.dns(f"imap.{DOMAIN}", "A")["answer"], [f"imap.{DOMAIN}. 300 IN CNAME mail.{DOMAIN}.", MAIL_A])
        self.assertEqual(self.dns("50.1.201.10.in-addr.arpa", "PTR")["answer"],
                         [f"50.1.201.10.in-addr.arpa. 300 IN PTR mail.{DOMAIN}."])
        nx = self.dns(f"nosuch.{DOMAIN}", "A")
        self.assertEqual((nx["rcode"], nx["answer"]), ("NXDOMAIN", []), nx)
        self.assertEqual(self.dns("example.com", "A")["rcode"], "REFUSED", "no recursion: not our zone")
        say(f"node1: dnsd at the VIP answers MX {DOMAIN} -> mail.{DOMAIN} ({VIP}), PTR, NXDOMAIN, REFUSED")
        type(self).cert = self.web()
        say("node1: httpd at the VIP: http redirects to https, which serves the site with HSTS")

    def test_1_mail_flows_through_the_vip(self):
        self.group_on("node1", "node1", timeout=90)
        out = self.client("send", VIP, USER, "first", "3", "20", "30").stdout.splitlines()
        self.assertTrue(json.loads(out[-1])["done"], out)
        subjects = [m["subject"] for m in self.fetch()]
        self.assertEqual(sorted(subjects), ["first-0", "first-1", "first-2"])
        type(self).uidls = {m["subject"]: m["uidl"] for m in self.fetch()}
        say(f"node1: 3 messages in through the VIP on port 25, read back over POP3: {self.uidls}")
        box = self.imap()
        pop3 = {m["subject"]: m["sha256"] for m in self.fetch("--digest")}
        self.assertEqual({m["subject"]: m["sha256"] for m in box["messages"]}, pop3,
                         "IMAP BODY[] and POP3 RETR give the same bytes for each message")
        uids = sorted(m["uid"] for m in box["messages"])
        self.assertEqual(len(set(uids)), 3)
        box = self.imap("--flag", str(uids[0]), "\\Flagged", "--flag", str(uids[1]), "$Important")
        state = self.by_subject(box)
        flags = {m["uid"]: m["flags"] for m in box["messages"]}
        self.assertIn("\\Flagged", flags[uids[0]])
        self.assertIn("$Important", flags[uids[1]])
        type(self).imap_state = {"uidvalidity": box["uidvalidity"], "messages": state}
        say(f"node1: the same 3 over IMAP, same bytes as POP3; UIDVALIDITY {box['uidvalidity']}, {state}")
        web = self.webmail()
        self.assertEqual(web["inbox"], ["first-0", "first-1", "first-2"], web)
        self.assertEqual(web["folders"]["INBOX"], 3, web)
        type(self).web_cookie = web["cookie"]
        say(f"node1: the webmail at the VIP: logged in, folders {web['folders']}")

    def test_2_switchover_keeps_mail_and_uidls(self):
        self.group_on("node1", "node1", timeout=30)
        with DnsProbe(self.lab) as probe:
            start = time.monotonic()
            self.lab.exec("node1", "hactl", "switchover", "mail", "--to", "node2", "--wait", "--timeout", "90",
                          timeout=120)
            self.group_on("node1", "node2", timeout=30)
            say(f"switchover of group mail to node2: {time.monotonic() - start:.1f}s")
            self.dns_answers_on("node2")
            self.check_probe(probe, "switchover")
        got = {m["subject"]: m["uidl"] for m in self.fetch()}
        self.assertEqual(got, self.uidls, "the same messages with the same UIDLs on node2")
        self.assertEqual(self.web(), self.cert, "node2's httpd shows the same certificate (it is on the volume)")
        web = self.webmail(self.web_cookie)
        self.assertEqual(web["old_session_status"], 401, "webmail sessions live in httpd's memory: log in again")
        self.assertEqual(web["inbox"], ["first-0", "first-1", "first-2"], web)
        say("node2: the webmail session of node1 is gone (401), a new login sees the same INBOX")
        box = self.imap()
        self.assertEqual(box["uidvalidity"], self.imap_state["uidvalidity"], "UIDVALIDITY kept across the switchover")
        self.assertEqual(self.by_subject(box), self.imap_state["messages"], "IMAP UIDs and flags kept on node2")
        self.check_metrics_after_the_switchover()
        self.check_trace_across_the_switchover()

    def check_trace_across_the_switchover(self):
        """The mail trace (mail-trace: each node's follower reads that node's own mail logs into
        the index on the volume): test_1's 3 messages were received, delivered and read on
        node1, and read again on node2 after the switchover; each timeline shows it in order."""
        def traced():
            p = self.lab.exec("node2", "mailsvc-trace", "--db", f"{MNT}/trace/trace.db", "search", "--to", USER,
                              check=False)
            if p.returncode != 0:
                return None
            whole = []
            for block in p.stdout.split("queue_id ")[1:]:
                at = [block.find(step) for step in ("node1  received", "node1  delivered", "node2  retrieved")]
                if -1 not in at and at == sorted(at):
                    whole.append(block)
            return whole if len(whole) >= 3 else None
        whole, took = self.lab.wait_for("3 timelines: received and delivered on node1, retrieved on node2", traced, 30)
        say(f"mail trace: {len(whole)} messages received and delivered on node1, read on node2 after the "
            f"switchover, in the index on the volume ({took:.1f}s); the first:\n  queue_id {whole[0].rstrip()}")

    def metrics(self, node, port):
        """NODE's /metrics at its own 127.0.0.1:PORT (conf/lab/cluster-mail.yaml), checked by
        promtool; returns {(name, frozenset of label pairs): value}."""
        text = self.lab.exec(node, "curl", "-sSf", "--max-time", "10", f"http://127.0.0.1:{port}/metrics").stdout
        check = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
        self.assertEqual(check.returncode, 0, f"promtool check metrics on {node}:{port}: {check.stdout}{check.stderr}")
        series = {}
        for line in text.splitlines():
            m = SERIES.match(line)
            if m:
                labels = frozenset(LABEL.findall(m.group(2) or ""))
                series[(m.group(1), labels)] = float(m.group(3))
        return series

    def check_metrics_after_the_switchover(self):
        cluster = {n: self.metrics(n, 9664) for n in ("node1", "node2")}
        for n in ("node1", "node2"):  # each node's view: the group on node2, quorum
            self.assertEqual(cluster[n].get(("hamail_group_placement", frozenset({("group", "mail"), ("node", "node2")}))),
                             1.0, f"{n}: group mail placed on node2")
            self.assertEqual(cluster[n].get(("hamail_cluster_quorate", frozenset())), 1.0, f"{n}: quorate")
        done = ("hamail_switchovers_total", frozenset({("group", "mail"), ("result", "done")}))
        self.assertGreaterEqual(sum(cluster[n].get(done, 0) for n in cluster), 1.0, "the switchover was counted")
        roles = {n: self.metrics(n, 9665) for n in ("node1", "node2")}
        for n, role in (("node2", "Primary"), ("node1", "Secondary")):
            self.assertEqual(roles[n].get(("hamail_drbd_role", frozenset({("volume", "r0"), ("role", role)}))), 1.0,
                             f"{n}: r0 {role}")
        say("metrics: both hacoreds place mail on node2 (quorate, switchover counted); r0 Primary on node2")
        # The mail daemons' endpoints move with the group (tests/lab/mail_lab.py: 9666-9668 on the
        # active node); this test's POP3 and IMAP reads on node2 since the switchover are counted.
        mail = {d: self.metrics("node2", port) for d, port in (("smtpd", 9666), ("pop3d", 9667), ("imapd", 9668))}
        for d in ("pop3d", "imapd"):
            ok = mail[d].get((f"hamail_{d}_logins_total", frozenset({("result", "ok")})), 0)
            self.assertGreaterEqual(ok, 1.0, f"node2's {d}: the logins since the switchover")
        self.assertIn(("hamail_smtpd_queue_messages", frozenset()), mail["smtpd"])
        say("metrics: node2's smtpd, pop3d and imapd answer /metrics (promtool clean), logins counted")

    def test_3_power_off_in_a_stream_loses_no_acknowledged_message(self):
        self.group_on("node1", "node2", timeout=30)
        before = len(self.fetch())
        count, rate = 150, 25
        probe = DnsProbe(self.lab)
        self.addCleanup(probe.__exit__)  # ends it on a failure before check_probe
        sender = subprocess.Popen([HALAB, "exec", "client", "/usr/bin/python3", CLIENT, "send", VIP, USER, "stream", str(count),
                                   str(rate), "120"], env=self.lab.env, stdout=subprocess.PIPE, text=True)
        acks, cut, summary = [], None, {}
        try:
            for line in sender.stdout:  # bounded: the sender stops at its own deadline
                rec = json.loads(line)
                if "n" in rec:
                    acks.append(rec)
                    if len(acks) == 40:
                        cut = rec["t"]
                        self.lab.run("poweroff", "node2")
                        say(f"node2 powered off after {len(acks)} acknowledged messages")
                else:
                    summary = rec
        finally:
            sender.stdout.close()
            sender.wait(timeout=150)
        self.assertIsNotNone(cut, f"the power-off never happened: {len(acks)} acknowledged")
        self.assertTrue(summary.get("done"), summary)
        self.group_on("node1", "node1", timeout=90)
        self.dns_answers_on("node1")
        self.check_probe(probe, "power-off")
        # How long mail was refused: the longest time between two 250s from the power-off on (a few
        # messages may still be acknowledged by node2 while the power-off command runs).
        times = [a["t"] for a in acks if a["t"] >= cut]
        outage = max((b - a for a, b in zip(times, times[1:])), default=0.0)
        want = {f"stream-{a['n']}" for a in acks}

        def all_there():
            subjects = [m["subject"] for m in self.fetch()]
            return subjects if want <= set(subjects) else None
        subjects, _ = self.lab.wait_for("every acknowledged message in bob's maildrop on node1", all_there, 60)
        stream = [s for s in subjects if s.startswith("stream-")]
        self.assertEqual(len(subjects) - len(stream), before, "the earlier messages are all still there")
        extra = len(stream) - len(want)
        dups = sorted({s for s in stream if stream.count(s) > 1})
        log = ""
        for n in ("node1", "node2"):  # each node's own
            if os.path.exists(f"{self.lab.root}/{n}/log/smtpd.log"):
                with open(f"{self.lab.root}/{n}/log/smtpd.log", errors="replace") as f:
                    log += f.read()
        recovered = log.count("event=queue_recovered")
        say(f"power-off of node2 during {count} messages at {rate}/s: {len(want)} acknowledged, all delivered on "
            f"node1; longest time without a 250 after the power-off {outage:.2f}s; client retries {summary['retries']}; "
            f"duplicates {dups or 'none'}; queue entries recovered at smtpd starts: {recovered}")
        self.assertLessEqual(extra, 2, f"at most the copies in flight at the power-off are delivered twice: {dups}")
        box = self.imap()
        state = self.by_subject(box)
        self.assertEqual(box["uidvalidity"], self.imap_state["uidvalidity"], "UIDVALIDITY kept across the power-off")
        for subject, (uid, flags) in self.imap_state["messages"].items():
            self.assertEqual(state[subject], (uid, flags), f"{subject}: its UID and flags kept across the power-off")
        old_max = max(uid for uid, _ in self.imap_state["messages"].values())
        new = [uid for subject, (uid, _) in state.items() if subject.startswith("stream-")]
        self.assertTrue(want <= set(state), "IMAP sees every acknowledged message")
        self.assertGreater(min(new), old_max, "new messages get UIDs above the old ones")
        self.assertEqual(len(set(m["uid"] for m in box["messages"])), len(box["messages"]), "UIDs are unique")


if __name__ == "__main__":
    unittest.main(verbosity=2)
