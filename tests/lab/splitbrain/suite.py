"""Runs one scenario on a MailCluster at its baseline: the invariant monitors, the mail load
and a block writer on the active node; the fault; the heal; then every check: invariants,
every acknowledged message and write present, both replicas identical, the group running and
mail flowing again. Returns a Row for the report."""

import time
from dataclasses import dataclass, field

from mail_lab import PASSWORD, USER, VIP
from volume_writer import Writer

from .cluster import NODES
from .mail_load import MailLoad
from .monitor import InvariantMonitor

WARMUP_MESSAGES, WARMUP_WRITES = 5, 10


@dataclass
class Row:
    scenario: str
    title: str
    run: int
    happened: list = field(default_factory=list)
    group_after: str = ""
    outage_s: float = None
    messages: int = 0
    missing_messages: list = field(default_factory=list)
    duplicates: int = 0
    writes: int = 0
    missing_writes: int = 0
    violations: list = field(default_factory=list)
    samples: int = 0
    longest_sample_gap_ms: float = 0.0
    slowest_sample_ms: float = 0.0
    errors: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self):
        return not (self.violations or self.missing_messages or self.missing_writes or self.errors)


def brief(error):
    """An error in a table cell: its first line, and its last (a failed halab command says why there)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " | ".join(dict.fromkeys([lines[0], lines[-1]])) if lines else repr(error)


class Context:
    """What a scenario gets: the lab, the cluster, the monitors and loads, the log marks."""

    def __init__(self, cluster, active, monitor, mail, seed):
        self.cluster, self.lab, self.monitor, self.mail, self.seed = cluster, cluster.lab, monitor, mail, seed
        self.active = active
        self.passive = next(n for n in NODES if n != active)
        self.marks = cluster.log_marks()

    def events(self, name):
        return self.cluster.events_since(self.marks, name)

    @staticmethod
    def hold(seconds):
        """A fault's duration (not a wait for a condition)."""
        time.sleep(seconds)


class Writers:
    """The block writer follows the group: one Writer per node it ran on."""

    def __init__(self, lab, tag):
        self.lab, self.tag, self.all = lab, tag, []

    def ensure_on(self, node):
        w = self.all[-1] if self.all else None
        if w is None or w.node != node or w.proc.poll() is not None:
            self.all.append(Writer(self.lab, node, f"{self.tag}-{len(self.all)}"))
        return self.all[-1]

    def stop(self):
        for w in self.all:
            if w.proc.poll() is None:
                w.stop()

    def acked(self):
        return sum(w.count() for w in self.all)

    def missing_on(self, node):
        return sum(len(w.missing_on(node)) for w in self.all)


def run(cluster, scenario, run_no, seed, log):
    lab = cluster.lab
    row = Row(scenario.name, scenario.title, run_no)
    start = time.monotonic()
    try:
        active = cluster.baseline()
    except Exception as e:  # the previous scenario left something no heal repairs: say so, go on
        row.errors.append(f"no healthy baseline: {brief(e)}")
        row.seconds = time.monotonic() - start
        return row
    log(f"[{scenario.name}] baseline: both nodes up, r0 in sync, group on {active}")
    tag = f"{scenario.name}-{run_no}"
    monitor = InvariantMonitor(lab, NODES, VIP).start()
    mail = MailLoad(lab, VIP, USER, PASSWORD, tag)
    writers = Writers(lab, tag)
    ctx = Context(cluster, active, monitor, mail, seed)
    try:
        # The monitors must see the baseline (else they could not see a violation either).
        lab.wait_for(f"the monitors to see the VIP, the Primary and smtpd on {active} only", lambda: all(
            monitor.holders(what) == [active] for what in ("vip", "primary", "smtpd")), 10)
        writers.ensure_on(active).wait_more(WARMUP_WRITES, 30, "before the fault")
        mail.wait_more(WARMUP_MESSAGES, 30, "before the fault")
        fault_at = time.monotonic()
        log(f"[{scenario.name}] fault: {scenario.title}")
        try:
            row.happened += scenario.run(ctx) or []
        except Exception as e:  # a ScenarioError, a deadline, a failed or hung command
            row.errors.append(brief(e))
        log(f"[{scenario.name}] heal")
        healed_at = time.monotonic()
        active = cluster.restore()
        row.group_after = active
        writers.ensure_on(active).wait_more(WARMUP_WRITES, 60, "after the heal")
        mail.wait_more(WARMUP_MESSAGES, 90, "after the heal")
        row.outage_s = mail.outage(fault_at, healed_at)
    except Exception as e:
        row.errors.append(brief(e))
        active = None
    finally:
        mail.stop()
        writers.stop()
    try:
        cluster.wait_synced()
        same, why = cluster.replicas_identical()
        if not same:
            row.errors.append(f"replicas differ after the heal: {why}")
    except Exception as e:
        row.errors.append(brief(e))
    report = monitor.stop()
    row.violations = [f"{v.what} for {(v.last - v.first) * 1000:.0f} ms ({v.samples} samples)"
                      for v in report.violations]
    row.samples, row.longest_sample_gap_ms = report.samples, report.longest_gap_ms
    row.slowest_sample_ms = report.slowest_sample_ms
    row.happened = cluster.fences(ctx.marks) + row.happened
    if active:
        row.writes = writers.acked()
        row.missing_writes = writers.missing_on(active)
    verdict = mail.check()
    row.messages, row.missing_messages, row.duplicates = verdict.acked, verdict.missing, verdict.duplicates
    if verdict.read_error:
        row.errors.append(verdict.read_error)
    if verdict.imap_error:
        row.errors.append(verdict.imap_error)
    if verdict.bad_duplicates:
        row.errors.append(f"messages delivered more often than sent: {verdict.bad_duplicates[:10]}")
    row.seconds = time.monotonic() - start
    return row
