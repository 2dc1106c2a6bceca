"""The mail cluster the scenarios run on: its baseline (both nodes up and joined, links and
fence device healthy, r0 Connected and UpToDate on both, the group on node1), what hacored
logged since a mark (who fenced whom), and the replica comparison after a heal."""

import os
import re
import sys
import shlex
import time

import mail_lab
import storage
from mail_lab import WANT

NODES = ("node1", "node2")


class MailCluster:
    def __init__(self, lab, qnetd=False):
        self.lab, self.qnetd = lab, qnetd

    # --- state -------------------------------------------------------------------------
    def powered(self, host):
        pid = self.lab.init_pid(host)
        return pid is not None and os.path.exists(f"/proc/{pid}")

    def status(self, node):
        return self.lab.hactl_status(node) if self.powered(node) else None

    def group_node(self, asker):
        """Where ASKER says the group runs with every resource up, no transition running."""
        s = self.status(asker)
        if not s or s.get("transition"):
            return None
        g = s["groups"][0]
        where = g.get("node")
        if not where:
            return None
        res = {r["name"]: r["on"].get(where) for r in g["resources"]}
        return where if res == WANT else None

    def wait_group_running(self, timeout):
        """The node the group runs on (asked of every powered node), within TIMEOUT."""
        def check():
            for n in NODES:
                if self.powered(n):
                    where = self.group_node(n)
                    if where:
                        return where
            return None
        where, _ = self.lab.wait_for("the group mail running on a node", check, timeout)
        return where

    def drbd(self, node):
        return storage.drbd_status(self.lab, node)

    # --- the baseline ------------------------------------------------------------------
    def restore(self, timeout=150):
        """Heals everything a scenario may have left: links, fence device, frozen or powered-off
        machines; waits for both nodes joined and the group running somewhere."""
        lab = self.lab
        lab.run("fence-device", "ok")
        lab.run("heal")
        for n in NODES:
            p = lab.run("status").stdout
            if re.search(rf"^{n}\s+frozen", p, re.M):
                lab.run("thaw", n)
        for h in NODES + (("qnetd",) if self.qnetd else ()):
            if not self.powered(h):
                # A fence of it still under way would power it off again, whatever we boot (a
                # CI-like run, freeze-active: the restore powered node1 on 1 s after the peer's
                # fence had, the fence's status check found it on and failed, and the fence
                # retried killed node1 again after it had rejoined).
                # Bounded and not fatal: at worst the power-on comes as early as it used to.
                if h in NODES:
                    try:
                        lab.wait_for(f"no fence of {h} under way", lambda h=h: not self.fence_under_way(h), 60)
                    except AssertionError as e:
                        print(f"splitbrain: restore: {e}; powering {h} on all the same", file=sys.stderr)
                lab.run("poweron", h)
        for n in NODES:
            lab.wait_members(n, [1, 2], timeout=60)
        lab.wait_for("both hacored online", lambda: all(
            (self.status(n) or {}).get("nodes") and all(x.get("status") == "online" for x in self.status(n)["nodes"])
            for n in NODES), 60)
        return self.wait_group_running(timeout)

    def fence_under_way(self, target):
        """True while a running node's hacored has begun a fence of TARGET and not ended it."""
        for n in NODES:
            if n == target or not self.powered(n):
                continue
            # An operator's `hactl fence NODE --confirm-off` (fence_confirmed) ends every fence of it.
            mine = [e for e in self.lab.events(n)
                    if (e.get("event") in ("fence_begin", "fence_end") and e.get("target") == target and e.get("by") == n)
                    or (e.get("event") == "fence_confirmed" and e.get("node") == target)]
            if mine and mine[-1]["event"] == "fence_begin":
                return True
        return False

    def wait_synced(self, timeout=120):
        """r0 Connected, both UpToDate, nothing out of sync, no cluster-level outdate left."""
        def check():
            try:
                a, b = self.drbd("node1"), self.drbd("node2")
            except AssertionError:
                return None
            ok = (a["connection"] == "Connected" and a["disk"] == "UpToDate" and b["disk"] == "UpToDate"
                  and a["out_of_sync_kib"] == 0 and b["out_of_sync_kib"] == 0)
            s = self.status("node1") or {}
            return ok and not s.get("fencing", {}).get("outdated")
        self.lab.wait_for("r0 Connected and UpToDate on both, no outdate left", check, timeout)

    def baseline(self):
        """restore(), failures cleaned up, r0 in sync; returns the group's node (the active one)."""
        self.restore()
        self.lab.exec("node1", "hactl", "resource", "cleanup", check=False)
        self.wait_synced()
        return self.wait_group_running(90)

    # --- what happened ------------------------------------------------------------------
    def log_marks(self):
        return {n: self._log_size(n) for n in NODES}

    def _log_size(self, node):
        try:
            return os.path.getsize(f"{self.lab.root}/{node}/log/hacored.log")
        except OSError:
            return 0

    def events_since(self, marks, name):
        """hacored's NAME events logged on either node since MARKS, as dicts, in time order."""
        out = []
        for n in NODES:
            try:
                with open(f"{self.lab.root}/{n}/log/hacored.log", errors="replace") as f:
                    f.seek(marks.get(n, 0))
                    lines = f.read().splitlines()
            except OSError:
                continue
            for line in lines:
                if f" event={name} " not in line:
                    continue
                try:
                    fields = dict(w.split("=", 1) for w in shlex.split(line) if "=" in w)
                except ValueError:
                    continue
                fields["logged_by"] = n
                out.append(fields)
        return sorted(out, key=lambda e: e.get("ts", ""))

    def fences(self, marks):
        """["node1 fenced node2 (off)", "node2 failed to fence node1", ...]."""
        text = []
        for e in self.events_since(marks, "fence_end"):
            if e.get("ok") == "true":
                text.append(f"{e.get('by')} fenced {e.get('target')} ({e.get('action')})")
            else:
                text.append(f"{e.get('by')} failed to fence {e.get('target')}")
        return text

    # --- the replicas -------------------------------------------------------------------
    def replicas_identical(self, attempts=5):
        """Both lower devices' data areas (r0's first size_bytes bytes), read on the host and
        compared, once r0 is in sync. The filesystem on the Primary is frozen meanwhile
        (fsfreeze flushes it through the loop device and nbdfuse to drbd-lite, which acks a
        write only once both disks have it), so no write is in flight: a difference is real.
        Returns (same, why); WHY names the differing 4 KiB blocks."""
        size = self.drbd("node1")["size_bytes"]
        paths = [f"{self.lab.root}/disks/r0-{n}.img" for n in NODES]
        where = self.wait_group_running(60)
        frozen = self.lab.exec(where, "fsfreeze", "-f", MOUNT, check=False, timeout=30).returncode == 0
        try:
            differ = _differing_chunks(paths, 0, size)
            for _ in range(attempts):  # unfrozen: a write in flight differs for a moment
                if not differ:
                    return True, ""
                time.sleep(0.5)
                differ = [c for c in differ if _differing_chunks(paths, c, CHUNK)]
        finally:
            if frozen:
                self.lab.exec(where, "fsfreeze", "-u", MOUNT, check=False, timeout=30)
        blocks = [b for c in differ[:4] for b in _differing_blocks(paths, c, min(CHUNK, size - c))]
        return False, (f"data areas differ{'' if frozen else ' (filesystem not frozen)'}: "
                       f"{len(differ)} MiB chunks, blocks at {', '.join(hex(b) for b in blocks[:8])}")


MOUNT = "/run/hamail/mnt/r0"
CHUNK = 1 << 20


def _read(path, offset, length):
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read(length)


def _differing_chunks(paths, offset, length):
    """Offsets of the CHUNK-sized chunks in [OFFSET, OFFSET+LENGTH) that differ between PATHS."""
    out = []
    for c in range(offset, offset + length, CHUNK):
        n = min(CHUNK, offset + length - c)
        if _read(paths[0], c, n) != _read(paths[1], c, n):
            out.append(c)
    return out


def _differing_blocks(paths, offset, length):
    a, b = _read(paths[0], offset, length), _read(paths[1], offset, length)
    return [offset + i for i in range(0, length, 4096) if a[i:i + 4096] != b[i:i + 4096]]


def up(lab, config, qnetd=False):
    """The lab up with CONFIG (the mail cluster), the group on node1, bob added."""
    mail_lab.up(lab, *(["--qnetd"] if qnetd else []), config=config)
    return MailCluster(lab, qnetd)
