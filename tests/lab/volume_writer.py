"""A writer on a lab node's mounted volume that records every acknowledged (fsync'ed)
write on the host, so the record survives the node; the checks read the files back."""

import subprocess
import threading
import time

from halab import HALAB
from storage import MNT

WRITES = f"{MNT}/writes"


class Writer:
    """A bounded loop inside NODE writing numbered files on the volume, each fsync'ed; every
    acknowledged write is read from its stdout here, with the host's time, so the record
    survives the node. Stops at MAX writes, after LIMIT seconds, or when told."""
    MAX, LIMIT = 4000, 400

    def __init__(self, lab, node, tag):
        self.lab, self.node, self.tag = lab, node, tag
        self.acked = []  # (number, host monotonic time)
        # Only on the mounted volume: the bare mount point is the node's tmpfs.
        script = (f'mountpoint -q {MNT} || {{ echo "failed: {MNT} is not mounted"; exit 1; }}; mkdir -p {WRITES}; rm -f /run/writer.stop; end=$(( $(date +%s) + {self.LIMIT} )); i=0; '
                  f'while [ $i -lt {self.MAX} ] && [ ! -e /run/writer.stop ] && [ $(date +%s) -lt $end ]; do '
                  f'i=$((i+1)); printf "{tag} write %d\\n" $i | dd of={WRITES}/{tag}-$i conv=fsync status=none '
                  f'|| {{ echo "failed $i"; exit 1; }}; echo "ack $i"; sleep 0.02; done')
        self.proc = subprocess.Popen([HALAB, "exec", node, "sh", "-c", script], env=lab.env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.errors = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            parts = line.split()
            if len(parts) == 2 and parts[0] == "ack":
                self.acked.append((int(parts[1]), time.monotonic()))
            elif line.strip():
                self.errors.append(line.strip())

    def count(self):
        return len(self.acked)

    def wait_more(self, n, timeout, what):
        start = self.count()
        self.lab.wait_for(f"{n} more acknowledged writes ({what})", lambda: self.count() >= start + n, timeout)

    def stop(self):
        try:  # a frozen node does not answer; a powered-off one has no writer left
            self.lab.exec(self.node, "touch", "/run/writer.stop", check=False, timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.thread.join(10)
        self.proc.stdout.close()
        return self.acked

    def longest_gap(self, after):
        """Longest pause between two acknowledgements after host time AFTER (seconds)."""
        times = [t for _, t in self.acked if t >= after - 1]
        return max((b - a for a, b in zip(times, times[1:])), default=0.0)

    def missing_on(self, node):
        """Acknowledged writes not found, byte for byte, on NODE's mounted volume."""
        names = [f"{self.tag}-{n}" for n, _ in self.acked]
        # One grep for them all (it goes on past a missing file): "NAME:CONTENT" lines.
        p = self.lab.exec(node, "sh", "-c", f"cd {WRITES} && grep -H '' -- {' '.join(names)}", check=False, timeout=60)
        seen = {}
        for line in p.stdout.splitlines():
            name, _, content = line.partition(":")
            seen[name] = content
        return [n for n, _ in self.acked if seen.get(f"{self.tag}-{n}") != f"{self.tag} write {n}"]
