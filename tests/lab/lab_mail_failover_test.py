"""Lab: the mail cluster (conf/lab/cluster-mail.yaml through HALAB_CONFIG). Group mail = VIP
+ drbd-lite r0 + ext4 + smtpd + pop3d, mail_root on the replicated filesystem. The client
sends through the VIP and reads with POP3 through the VIP. A switchover keeps the mail and
its POP3 UIDLs; a power-off of the active node in the middle of a stream of messages loses
none that got a 250: the other node recovers the queue from the volume and delivers it."""

import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from halab import HALAB, Lab  # noqa: E402
import mail_lab  # noqa: E402
from mail_lab import PASSWORD, USER, VIP, WANT  # noqa: E402
from storage import say  # noqa: E402

CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mail_client.py")


class LabMailFailover(unittest.TestCase):
    lab = Lab("halabtestmail")
    uidls = {}  # subject -> UIDL, as first seen

    @classmethod
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

    def fetch(self):
        """Subjects and UIDLs in bob's maildrop, read by the client over POP3 through the VIP."""
        def attempt():
            p = self.lab.exec("client", "/usr/bin/python3", CLIENT, "fetch", VIP, USER, PASSWORD, check=False)
            return json.loads(p.stdout)["messages"] if p.returncode == 0 else None
        msgs, _ = self.lab.wait_for("POP3 through the VIP", attempt, 30)
        return msgs

    def test_1_mail_flows_through_the_vip(self):
        self.group_on("node1", "node1", timeout=90)
        out = self.client("send", VIP, USER, "first", "3", "20", "30").stdout.splitlines()
        self.assertTrue(json.loads(out[-1])["done"], out)
        subjects = [m["subject"] for m in self.fetch()]
        self.assertEqual(sorted(subjects), ["first-0", "first-1", "first-2"])
        type(self).uidls = {m["subject"]: m["uidl"] for m in self.fetch()}
        say(f"node1: 3 messages in through the VIP on port 25, read back over POP3: {self.uidls}")

    def test_2_switchover_keeps_mail_and_uidls(self):
        self.group_on("node1", "node1", timeout=30)
        start = time.monotonic()
        self.lab.exec("node1", "hactl", "switchover", "mail", "--to", "node2", "--wait", "--timeout", "90", timeout=120)
        self.group_on("node1", "node2", timeout=30)
        say(f"switchover of group mail to node2: {time.monotonic() - start:.1f}s")
        got = {m["subject"]: m["uidl"] for m in self.fetch()}
        self.assertEqual(got, self.uidls, "the same messages with the same UIDLs on node2")

    def test_3_power_off_in_a_stream_loses_no_acknowledged_message(self):
        self.group_on("node1", "node2", timeout=30)
        before = len(self.fetch())
        count, rate = 150, 25
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
        # After the power-off: the first 250 from node1, i.e. how long mail was refused.
        after = [a for a in acks if a["t"] > cut]
        outage = after[0]["t"] - cut if after else None
        want = {f"stream-{a['n']}" for a in acks}

        def all_there():
            subjects = [m["subject"] for m in self.fetch()]
            return subjects if want <= set(subjects) else None
        subjects, _ = self.lab.wait_for("every acknowledged message in bob's maildrop on node1", all_there, 60)
        stream = [s for s in subjects if s.startswith("stream-")]
        self.assertEqual(len(subjects) - len(stream), before, "the earlier messages are all still there")
        extra = len(stream) - len(want)
        dups = sorted({s for s in stream if stream.count(s) > 1})
        log = open(f"{self.lab.root}/mail/smtpd.log", errors="replace").read()  # both nodes append to it
        recovered = log.count("event=queue_recovered")
        say(f"power-off of node2 during {count} messages at {rate}/s: {len(want)} acknowledged, all delivered on "
            f"node1; SMTP refused for {outage:.2f}s after the power-off; client retries {summary['retries']}; "
            f"duplicates {dups or 'none'}; queue entries recovered at smtpd starts: {recovered}")
        self.assertLessEqual(extra, 2, f"at most the copies in flight at the power-off are delivered twice: {dups}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
