"""Storage helpers for lab tests: prepare drbd-lite volume r0 in a running lab, run the
build's OCF agents (ocf:hamail:volume / filesystem) by hand inside a node with the OCF
environment set, and read or write files on a node's mounted filesystem."""

import hashlib
import json
import subprocess
import sys
import time

from halab import HALAB

VOL = "r0"
LINK = "/run/hamail/dev/r0"
MNT = "/run/hamail/mnt/r0"
VOLUME_PARAMS = {"volume": VOL}
FS_PARAMS = {"device": LINK, "directory": MNT, "fstype": "ext4"}


def say(msg):
    print(msg, file=sys.stderr, flush=True)


class Agents:
    """Runs OCF agents in lab nodes the way an OCF executor does (OCF_* variables only)."""

    def __init__(self, lab):
        self.lab = lab
        self.durations = {}  # (agent, action) -> [ms, ...]

    def path(self, agent):
        return f"{self.lab.root}/ocf/resource.d/hamail/{agent}"

    def run(self, node, agent, action, params, timeout=120):
        env = [f"OCF_ROOT={self.lab.root}/ocf", "OCF_RA_VERSION_MAJOR=1", "OCF_RA_VERSION_MINOR=1",
               f"OCF_RESOURCE_INSTANCE=test-{agent}", f"OCF_RESOURCE_TYPE={agent}", "OCF_RESOURCE_PROVIDER=hamail",
               "OCF_RESKEY_CRM_meta_timeout=60000", "OCF_RESKEY_CRM_meta_interval=0"]
        env += [f"OCF_RESKEY_{k}={v}" for k, v in params.items()]
        # The executor's fixed PATH: the agent must find drbdlite without the lab's bin/ on PATH.
        env += ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
        start = time.monotonic()
        p = self.lab.exec(node, "env", "-i", *env, self.path(agent), action, check=False, timeout=timeout)
        ms = int((time.monotonic() - start) * 1000)
        if action not in ("monitor", "meta-data", "validate-all"):
            self.durations.setdefault((agent, action), []).append(ms)
        reasons = [line for line in p.stderr.splitlines() if line.startswith("ocf-exit-reason:")]
        say(f"  {node} {agent} {action}: rc {p.returncode} in {ms} ms" + (f" | {reasons[-1]}" if reasons else ""))
        return p

    def expect(self, rc, node, agent, action, params, timeout=120):
        p = self.run(node, agent, action, params, timeout)
        if p.returncode != rc:
            raise AssertionError(f"{agent} {action} on {node}: rc {p.returncode}, expected {rc}\n"
                                 f"stdout: {p.stdout}\nstderr: {p.stderr}")
        return p

    def report(self):
        for (agent, action), ms in sorted(self.durations.items()):
            say(f"duration {agent} {action}: median {sorted(ms)[len(ms) // 2]} ms, max {max(ms)} ms, n={len(ms)}")


def drbd_status(lab, node):
    p = lab.exec(node, "drbdlite", "status", VOL, "--json")
    return json.loads(p.stdout)[0]


def prepare_volume(lab):
    """create-md + up on both nodes, node1 forced Primary, full sync, node1 Secondary again:
    both disks UpToDate and Connected, no Primary."""
    for n in ("node1", "node2"):
        lab.exec(n, "drbdlite", "create-md", VOL)
        lab.exec(n, "drbdlite", "up", VOL)
    lab.exec("node1", "drbdlite", "primary", VOL, "--force")

    def synced():
        a, b = drbd_status(lab, "node1"), drbd_status(lab, "node2")
        ok = (a["connection"] == "Connected" and a["disk"] == "UpToDate" and a["peer_disk"] == "UpToDate"
              and b["disk"] == "UpToDate" and a["out_of_sync_kib"] == 0)
        return (a, b) if ok else None
    _, t = lab.wait_for("r0 full sync node1 -> node2", synced, 60)
    lab.exec("node1", "drbdlite", "secondary", VOL)
    say(f"r0 prepared: full sync in {t:.1f}s, both UpToDate, both Secondary")


def mkfs_through_agent(lab, agents, node="node1"):
    """Promotes r0 on NODE through the agent, makes ext4 on the device link, demotes and stops."""
    agents.expect(0, node, "volume", "promote", VOLUME_PARAMS)
    lab.exec(node, "mkfs.ext4", "-q", "-F", LINK, timeout=120)
    agents.expect(0, node, "volume", "demote", VOLUME_PARAMS)
    agents.expect(0, node, "volume", "stop", VOLUME_PARAMS)


def sample_files(tag, n=12):
    """Deterministic content: name -> bytes."""
    files = {}
    for i in range(n):
        seed = hashlib.sha256(f"{tag}-{i}".encode()).digest()
        files[f"{tag}/msg{i}.eml"] = (f"Subject: {tag} {i}\r\n\r\n".encode() + seed * (40 + 97 * i))
    return files


def write_files(lab, node, base, files):
    """Writes FILES under BASE inside NODE (through a shell in the node), then syncs."""
    for rel, data in files.items():
        path = f"{base}/{rel}"
        p = subprocess.run([HALAB, "exec", node, "sh", "-c", f'mkdir -p "$(dirname "{path}")" && cat > "{path}"'],
                           env=lab.env, input=data, capture_output=True, timeout=30)
        if p.returncode != 0:
            raise AssertionError(f"writing {path} on {node} failed: {p.stderr.decode(errors='replace')}")
    lab.exec(node, "sync")


def checksums(lab, node, base, names):
    """sha256 of each file under BASE inside NODE: name -> hex (missing files are absent)."""
    p = lab.exec(node, "sh", "-c", f"cd {base} && sha256sum " + " ".join(names), check=False)
    out = {}
    for line in p.stdout.splitlines():
        digest, name = line.split(maxsplit=1)
        out[name.lstrip("*")] = digest
    return out


def expected_sums(files):
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


def start_group_on_fresh_volume(lab, agents):
    """hacored tries the group at once and fails (no metadata yet, nothing is started):
    maintenance stops it while r0 is prepared and mkfs'd through the agents; cleanup and
    maintenance off then start the group."""
    lab.wait_for("hacored to accept maintenance on",
                 lambda: lab.exec("node1", "hactl", "maintenance", "on", check=False).returncode == 0, 30)

    def quiet():
        s = lab.hactl_status("node1")
        return s and s["maintenance"] and not s.get("transition")
    lab.wait_for("maintenance on and no transition running", quiet, 60)
    prepare_volume(lab)
    mkfs_through_agent(lab, agents, "node1")
    lab.exec("node1", "hactl", "resource", "cleanup")
    lab.exec("node1", "hactl", "maintenance", "off")
