"""Invariant monitors, sampled from the lab host every 25 ms without starting a process on a node:
which nodes hold the VIP (the node's own routing table, /proc/PID/net/fib_trie of its init),
which are drbd-lite Primary (drbdlited's control socket, reached through /proc/PID/root), which
run smtpd (the processes of the node's cgroup). A powered-off node holds nothing; a frozen
node keeps what it last held (its kernel still answers for the VIP, its Primary is still
Primary when it wakes up). Invariants: never two VIP holders, two Primaries, two smtpd."""

import json
import multiprocessing
import os
import socket
import threading
import time
from dataclasses import dataclass, field

PERIOD_S = 0.025
CONTROL_TIMEOUT_S = 0.02   # drbdlited answers in about a millisecond; both nodes are waited for at once


def local_address_in_fib_trie(trie, address):
    """Whether /proc/net/fib_trie's text lists ADDRESS as a local (configured) address."""
    lines = [line.strip() for line in trie.splitlines()]
    for i, line in enumerate(lines):
        if line == f"|-- {address}":
            j = i + 1
            while j < len(lines) and lines[j].startswith("/"):  # the prefix's entries
                if lines[j].startswith("/32 host LOCAL"):
                    return True
                j += 1
    return False


@dataclass
class NodeState:
    powered: bool = False
    frozen: bool = False
    vip: bool = False
    primary: bool = False
    smtpd: bool = False
    role_known: bool = True  # False: drbdlited did not answer in time (last answer kept)


class NodeProbe:
    """Reads one lab node's state from the host."""

    def __init__(self, lab, node, vip):
        self.lab, self.node, self.vip = lab, node, vip
        self.sock = None
        self.sock_pid = None
        self.last_primary = False
        v1 = "/sys/fs/cgroup/freezer"
        self.cgroup = f"{v1}/{lab.name}-{node}" if os.path.isdir(v1) else f"/sys/fs/cgroup/{lab.name}-{node}"

    def close(self):
        if self.sock:
            self.sock.close()
        self.sock = None

    def _read(self, path):
        try:
            with open(path) as f:
                return f.read()
        except OSError:
            return None

    def _frozen(self):
        state = self._read(f"{self.cgroup}/freezer.state")  # being frozen counts (halab freeze)
        if state is not None:
            return state.strip() in ("FROZEN", "FREEZING")
        return (self._read(f"{self.cgroup}/cgroup.freeze") or "").strip() == "1"

    def _holds_vip(self, pid):
        return local_address_in_fib_trie(self._read(f"/proc/{pid}/net/fib_trie") or "", self.vip)

    def _runs_smtpd(self):
        for pid in (self._read(f"{self.cgroup}/cgroup.procs") or "").split():
            if (self._read(f"/proc/{pid}/comm") or "").strip() == "smtpd":
                return True
        return False

    def _ask_role(self, pid):
        """Sends drbdlited a status request; False when it cannot be asked now."""
        try:
            if self.sock is None or self.sock_pid != pid:
                self.close()
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.settimeout(CONTROL_TIMEOUT_S)
                self.sock.connect(f"/proc/{pid}/root/run/drbd-lite/control.sock")
                self.sock_pid = pid
                self.buf = b""
            self.sock.sendall(b'{"cmd":"status"}\n')
            return True
        except OSError:
            self.close()
            return False

    def _read_role(self, deadline):
        """drbdlited's answer (True: a volume is Primary), or None when none came by DEADLINE."""
        try:
            while b"\n" not in self.buf:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no answer in time")
                self.sock.settimeout(left)
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise OSError("drbdlited closed the control connection")
                self.buf += chunk
            line, _, self.buf = self.buf.partition(b"\n")
            reply = json.loads(line)
            return any(v.get("role") == "Primary" for v in reply.get("volumes", []))
        except (OSError, ValueError):
            self.close()  # a late answer must not be read as the next one
            return None

    def begin(self):
        """The first half of a sample: what the host can read at once; the role is asked."""
        pid = self.lab.init_pid(self.node)
        if pid is None or not os.path.exists(f"/proc/{pid}"):
            self.close()
            self.last_primary = False
            self.asked = False
            return NodeState()
        s = NodeState(powered=True, frozen=self._frozen())
        s.vip = self._holds_vip(pid)
        s.smtpd = self._runs_smtpd()
        self.asked = not s.frozen and self._ask_role(pid)
        return s

    def finish(self, s, deadline):
        """The second half: the role as drbdlited answers it by DEADLINE, else the last one known."""
        if not s.powered:
            return s
        primary = self._read_role(deadline) if self.asked else None
        if primary is None:
            s.role_known = False
            primary = self.last_primary
        s.primary = self.last_primary = primary
        return s


@dataclass
class Violation:
    what: str
    first: float
    last: float
    samples: int = 1


@dataclass
class MonitorReport:
    samples: int = 0
    longest_gap_ms: float = 0.0
    slowest_sample_ms: float = 0.0  # reading both nodes (a long gap with a short sample: the sampler waited for a CPU)
    violations: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # (host time, "node2 +vip")


class InvariantMonitor:
    """Samples both nodes back to back every PERIOD_S; the invariants are checked on each pair
    of samples (the two reads are a millisecond apart; a handover takes longer). The sampler
    is a forked process of its own at a higher priority (nice -10), so the suite's other
    threads and a loaded machine delay it less; it sends each change of the nodes' states and,
    at the end, its report through a pipe."""

    CHECKS = (("vip", "two nodes hold the VIP"), ("primary", "two drbd-lite Primaries"),
              ("smtpd", "smtpd runs on two nodes"))

    def __init__(self, lab, nodes, vip):
        self.lab, self.nodes, self.vip = lab, nodes, vip
        self.report = MonitorReport()
        self.last = {}
        self.open = {}

    def start(self):
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe(duplex=False)
        self.stop_event = ctx.Event()
        self.proc = ctx.Process(target=self._sampler, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.reader = threading.Thread(target=self._receive, daemon=True)
        self.reader.start()
        return self

    def stop(self):
        self.stop_event.set()
        self.reader.join(15)
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
            self.report.violations.append(Violation("the monitor did not stop (its report is lost)", 0, 0))
        return self.report

    def holders(self, what):
        return [n for n in self.nodes if getattr(self.last.get(n, NodeState()), what)]

    def _receive(self):
        """The parent's side: the latest states (for holders()) and the final report."""
        while True:
            try:
                kind, value = self.conn.recv()
            except (EOFError, OSError):
                return
            if kind == "states":
                self.last = value
            else:
                self.report = value
                return

    def _sampler(self, conn):
        """The child: samples until stop_event, then sends the report."""
        try:
            os.nice(-10)
        except OSError:
            pass  # not root: sampled at the default priority
        probes = [NodeProbe(self.lab, n, self.vip) for n in self.nodes]
        prev = None
        while not self.stop_event.is_set():
            t = time.monotonic()
            begun = [(p, p.begin()) for p in probes]
            deadline = time.monotonic() + CONTROL_TIMEOUT_S
            states = {p.node: p.finish(st, deadline) for p, st in begun}
            self.report.slowest_sample_ms = max(self.report.slowest_sample_ms, (time.monotonic() - t) * 1000)
            self._check(t, states)
            if states != self.last:
                conn.send(("states", states))
            self.last = states
            if prev is not None:
                self.report.longest_gap_ms = max(self.report.longest_gap_ms, (t - prev) * 1000)
            prev = t
            self.report.samples += 1
            self.stop_event.wait(max(0.0, PERIOD_S - (time.monotonic() - t)))
        for p in probes:
            p.close()
        conn.send(("report", self.report))
        conn.close()

    def _check(self, t, states):
        for what, text in self.CHECKS:
            both = all(getattr(s, what) for s in states.values())
            if both:
                v = self.open.get(what)
                if v is None:
                    v = self.open[what] = Violation(text, t, t, 0)
                    self.report.violations.append(v)
                v.last, v.samples = t, v.samples + 1
            else:
                self.open.pop(what, None)
            for node, s in states.items():
                before = getattr(self.last.get(node), what, None)
                if before is not None and before != getattr(s, what):
                    self.report.changes.append((t, f"{node} {'+' if getattr(s, what) else '-'}{what}"))
