"""Unit tests (no lab, no root) of the split-brain suite's own logic: the VIP reading of a
node's fib_trie, the invariant checks on sample pairs, the outage and the no-lost-mail
verdict. They prove the checkers can fail, so a PASS from the suite means something."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from splitbrain.mail_load import MailLoad  # noqa: E402
from splitbrain.monitor import InvariantMonitor, MonitorReport, NodeState, local_address_in_fib_trie  # noqa: E402

TRIE = """Main:
  +-- 0.0.0.0/0 3 0 5
     +-- 10.201.1.0/24 2 0 2
        |-- 10.201.1.0
           /24 link UNICAST
        |-- 10.201.1.11
           /32 host LOCAL
        |-- 10.201.1.50
           /32 host LOCAL
        |-- 10.201.1.255
           /32 link BROADCAST
"""


class FibTrie(unittest.TestCase):
    def test_a_configured_address_is_local(self):
        self.assertTrue(local_address_in_fib_trie(TRIE, "10.201.1.50"))
        self.assertTrue(local_address_in_fib_trie(TRIE, "10.201.1.11"))

    def test_other_entries_are_not(self):
        self.assertFalse(local_address_in_fib_trie(TRIE, "10.201.1.12"))     # absent
        self.assertFalse(local_address_in_fib_trie(TRIE, "10.201.1.255"))    # broadcast
        self.assertFalse(local_address_in_fib_trie(TRIE, "10.201.1.0"))      # the network
        self.assertFalse(local_address_in_fib_trie(TRIE, "10.201.1.5"))      # a prefix of .50
        self.assertFalse(local_address_in_fib_trie("", "10.201.1.50"))


class Checks(unittest.TestCase):
    def monitor(self):
        m = InvariantMonitor.__new__(InvariantMonitor)  # no lab, no thread: only the checks
        m.report = MonitorReport()
        m.last, m.open = {}, {}
        return m

    def step(self, m, t, a, b):
        m._check(t, {"node1": a, "node2": b})
        m.last = {"node1": a, "node2": b}

    def test_a_handover_is_no_violation(self):
        m = self.monitor()
        self.step(m, 0.0, NodeState(True, vip=True, primary=True, smtpd=True), NodeState(True))
        self.step(m, 0.1, NodeState(True), NodeState(True))
        self.step(m, 0.2, NodeState(True), NodeState(True, vip=True, primary=True, smtpd=True))
        self.assertEqual(m.report.violations, [])
        self.assertIn((0.2, "node2 +vip"), m.report.changes)

    def test_two_holders_are_one_violation_per_stretch(self):
        m = self.monitor()
        both = NodeState(True, primary=True)
        self.step(m, 0.0, both, both)
        self.step(m, 0.025, both, both)
        self.step(m, 0.05, NodeState(True), both)
        self.step(m, 0.075, both, both)
        self.assertEqual([(v.what, v.samples) for v in m.report.violations],
                         [("two drbd-lite Primaries", 2), ("two drbd-lite Primaries", 1)])
        self.assertAlmostEqual(m.report.violations[0].last - m.report.violations[0].first, 0.025)


class FakeMail(MailLoad):
    def __init__(self, acks, maildrop, imap=None, quit_times_out=False):
        self.tag, self.acks, self.summary, self.maildrop = "t", acks, {}, list(maildrop)
        self.quit_times_out, self.fetch_error = quit_times_out, ""
        self.imap = imap if imap is not None else [{"uid": i + 1, "subject": s} for i, s in enumerate(maildrop)]
        self.lab = type("L", (), {"wait_for": staticmethod(lambda what, pred, timeout: (pred(), 0))})()

    def fetch(self, delete):
        msgs = [{"subject": s} for s in self.maildrop]
        if delete:
            self.maildrop = []
            if self.quit_times_out:  # the server deleted everything; the client gave up waiting for +OK
                self.quit_times_out = False
                self.fetch_error = "TimeoutError: timed out"
                return None
        return msgs

    def imap_read(self):
        return self.imap


class Mail(unittest.TestCase):
    def test_every_acknowledged_message_must_be_there(self):
        v = FakeMail([(0, 1.0, 1), (1, 1.1, 1), (2, 1.2, 1)], ["t-0", "t-2", "other-1"]).check()
        self.assertEqual((v.acked, v.missing), (3, [1]))

    def test_a_copy_per_transaction_is_allowed_more_is_not(self):
        v = FakeMail([(0, 1.0, 2), (1, 1.1, 1)], ["t-0", "t-0", "t-1", "t-1"]).check()
        self.assertEqual((v.missing, v.duplicates, v.bad_duplicates), ([], 2, [1]))

    def test_imap_must_see_what_pop3_sees_with_unique_uids(self):
        acks = [(0, 1.0, 1), (1, 1.1, 1)]
        self.assertEqual(FakeMail(acks, ["t-0", "t-1"]).check().imap_error, "")
        v = FakeMail(acks, ["t-0", "t-1"], imap=[{"uid": 1, "subject": "t-0"}]).check()
        self.assertIn("only POP3 [1]", v.imap_error)
        v = FakeMail(acks, ["t-0", "t-1"], imap=[{"uid": 1, "subject": "t-0"}, {"uid": 1, "subject": "t-1"}]).check()
        self.assertIn("one UID", v.imap_error)
        self.assertIn("failed", FakeMail(acks, ["t-0", "t-1"], imap="the IMAP read-back failed: x").check().imap_error)

    def test_a_deleting_session_that_timed_out_at_quit_loses_nothing(self):
        # CI, flapping-link: 346 deletions took 16 s to commit, the client's QUIT timed out,
        # its retry found an empty maildrop, and every message was reported missing.
        m = FakeMail([(0, 1.0, 1), (1, 1.1, 1)], ["t-0", "t-1"], quit_times_out=True)
        v = m.check()
        self.assertEqual((v.missing, v.read_error, v.imap_error), ([], "", ""))
        self.assertEqual(m.maildrop, [])

    def test_outage_is_the_longest_wait_across_the_fault(self):
        m = FakeMail([(i, t, 1) for i, t in enumerate([1.0, 1.1, 1.2, 4.0, 4.1, 9.0, 9.1])], [])
        self.assertAlmostEqual(m.outage(fault_at=1.15, healed_at=5.0), 4.9)   # 4.1 -> 9.0
        self.assertAlmostEqual(m.outage(fault_at=1.15, healed_at=3.0), 2.8)   # 1.2 -> 4.0
        self.assertIsNone(m.outage(fault_at=1.15, healed_at=9.5))


if __name__ == "__main__":
    unittest.main(verbosity=2)
