"""Drives scripts/halab from Python lab tests: bring the lab up and down, run commands in
lab hosts, inject faults, and wait on conditions with deadlines (never sleep-and-hope)."""

import functools
import json
import os
import shutil
import subprocess
import sys
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HALAB = os.path.join(REPO, "scripts", "halab")


def lab_setup(set_up_class):
    """For setUpClass: when it fails, tearDownClass runs all the same (unittest skips it then),
    so a lab that came up halfway is taken down and its logs kept, never left running."""
    @functools.wraps(set_up_class)
    def run(cls):
        try:
            set_up_class(cls)
        except BaseException:
            try:
                cls.tearDownClass()
            except Exception as e:  # the set-up's own error is the one to report
                print(f"tearDownClass after a failed setUpClass: {e!r}", file=sys.stderr)
            raise
    return run


class LabError(AssertionError):
    pass


class Lab:
    def __init__(self, name="halabtest"):
        self.name = name
        self.root = f"/var/lib/{name}"
        self.env = dict(os.environ, HALAB_NAME=name)
        # HALAB_TRACE_WAITS=1: each condition met is printed with its wait (where a lab test's time goes).
        self.trace_waits = os.environ.get("HALAB_TRACE_WAITS") == "1"

    def run(self, *args, check=True, timeout=120):
        p = subprocess.run([HALAB, *args], env=self.env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise LabError(f"halab {' '.join(args)} failed ({p.returncode}):\n{p.stdout}{p.stderr}")
        return p

    def up(self, *opts):
        if os.geteuid() != 0:
            raise LabError("the lab needs root (namespaces, veth, mounts): run the tests as root")
        self.run("down", check=False)
        return self.run("up", *opts, timeout=180)

    def down(self):
        return self.run("down")

    def exec(self, host, *cmd, check=True, timeout=30):
        return self.run("exec", host, *cmd, check=check, timeout=timeout)

    def membership(self, node):
        """This node's view through the real libquorum/libcpg, or None when corosync does not answer."""
        p = self.exec(node, "corosync-membership-probe", "--timeout-ms", "1500", check=False)
        if p.returncode != 0:
            return None
        return json.loads(p.stdout)

    def wait_for(self, what, predicate, timeout):
        """Polls predicate() until it returns a true value; returns (value, seconds taken)."""
        start = time.monotonic()
        last = None
        while time.monotonic() - start < timeout:
            last = predicate()
            if last:
                took = time.monotonic() - start
                if self.trace_waits:
                    print(f"halab: waited {took:.1f}s for {what}", file=sys.stderr, flush=True)
                return last, took
            # A predicate runs programs in the nodes (an ASan hactl or drbdlite: ~0.2 s of CPU
            # each). Since `halab exec` got cheap, polling every 0.1 s loaded the nodes under
            # test about 3x as much as before; a CI-like run then saw a drbdlited stall 6 s
            # in a heal (cause not proven). 1 s keeps the load near what it was.
            time.sleep(1.0)
        raise LabError(f"timed out after {timeout}s waiting for {what} (last: {last})")

    def wait_members(self, node, members, timeout, quorate=True):
        def check():
            m = self.membership(node)
            if m and m["members"] == members and m["totem_members"] == members and m["quorate"] == quorate:
                return m
            return None
        return self.wait_for(f"{node} to see members {members} quorate={quorate}", check, timeout)

    def hactl_status(self, node):
        """hactl status --json on NODE, or None while hacored does not answer."""
        p = self.exec(node, "hactl", "status", "--json", check=False)
        return json.loads(p.stdout) if p.returncode == 0 else None

    def events(self, node, name=None):
        """hacored's events on NODE (`hactl events --json`), those called NAME if given; [] while
        hacored does not answer."""
        p = self.exec(node, "hactl", "events", "--json", check=False, timeout=60)
        ev = [json.loads(line) for line in p.stdout.splitlines() if line.strip()] if p.returncode == 0 else []
        return [e for e in ev if name is None or e["event"] == name]

    def wait_group_on(self, asker, where, timeout, want=None):
        """Waits until ASKER sees the (only) group on WHERE, no transition running, with every
        resource as in WANT (name -> "started" / "promoted"; default: all started); returns
        (status, seconds)."""
        def check():
            s = self.hactl_status(asker)
            if not s or s.get("transition") or s["groups"][0]["node"] != where:
                return None
            res = {r["name"]: r["on"].get(where) for r in s["groups"][0]["resources"]}
            ok = res == want if want is not None else all(v == "started" for v in res.values())
            return s if ok else None
        return self.wait_for(f"{asker} to see the group running on {where} as {want or 'started'}", check, timeout)

    def save_logs(self, dest):
        """A copy of the lab's files for a post-mortem; never fails the test (files come and go
        while the lab runs: the fence spool's temporaries, a rotated log)."""
        if not os.path.isdir(self.root):
            return
        try:
            shutil.copytree(self.root, dest, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("authkey", "*.sock", "root"))  # root: a bare node's own /usr /etc /var
        except shutil.Error as e:
            print(f"halab: save_logs: {len(e.args[0])} files not copied (gone meanwhile?): {e.args[0][:3]}",
                  file=sys.stderr)

    def init_pid(self, host):
        try:
            with open(f"{self.root}/{host}/init.pid") as f:
                return int(f.read())
        except OSError:
            return None


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def leftovers(name):
    """Everything a lab called `name` may leave behind; empty when it is fully gone."""
    found = []
    netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    found += [f"netns {l.split()[0]}" for l in netns.splitlines() if l.startswith(name + "-")]
    if os.path.exists(f"/var/lib/{name}"):
        found.append(f"directory /var/lib/{name}")
    for cg in ("/sys/fs/cgroup/freezer", "/sys/fs/cgroup"):
        if os.path.isdir(cg):
            found += [f"cgroup {cg}/{d}" for d in os.listdir(cg) if d.startswith(name + "-")]
    with open("/proc/self/mounts") as f:
        found += [f"mount {l.split()[1]}" for l in f if f"/var/lib/{name}" in l]
    losetup = subprocess.run(["losetup", "-n", "-O", "NAME,BACK-FILE", "-l"], capture_output=True, text=True).stdout
    found += [f"loop {l}" for l in losetup.splitlines() if f"/var/lib/{name}/" in l]
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if f"/var/lib/{name}/" in cmd or f"HALAB_NAME={name}" in cmd:
            found.append(f"process {pid}: {cmd.strip()}")
    return found
