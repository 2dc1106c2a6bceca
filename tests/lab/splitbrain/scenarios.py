"""The split-brain scenarios. Each injects its fault into a cluster at its baseline (the group
on the active node, both nodes joined, r0 in sync) while mail and block writes flow, waits for what must
follow, and leaves the heal to the suite (links healed, fence device repaired, machines
powered on). Each returns notes for the report; a ScenarioError says what did not happen."""

import random
import time
from dataclasses import dataclass
from typing import Callable

FREEZE_S = 4.0       # longer than the token (1 s) + consensus: node2 sees node1 lost
FLAP_S = 60.0        # the flapping link's minute
FLAP_MIN_S, FLAP_MAX_S = 0.5, 3.0
PARTITIONED_HOLD_S = 5.0


class ScenarioError(AssertionError):
    pass


@dataclass
class Scenario:
    name: str
    title: str
    run: Callable
    qnetd: bool = False


def wait_powered_off(ctx, node, timeout=40):
    ctx.lab.wait_for(f"{node} to be fenced (powered off)", lambda: not ctx.cluster.powered(node), timeout)


def cut_cluster(ctx):
    a, p = ctx.active, ctx.passive
    ctx.lab.run("cut", p, "cluster")
    wait_powered_off(ctx, p)
    return [f"the ring is cut, the replication link is not: {a} (the group's node) shoots at once"]


def cut_replication(ctx):
    a, p = ctx.active, ctx.passive
    ctx.lab.run("cut", p, "replication")
    ctx.lab.wait_for(f"r0 outdated on {p} at the cluster level", lambda: any(
        o.get("node") == p for o in (ctx.cluster.status(a) or {}).get("fencing", {}).get("outdated", [])),
        40)
    ctx.mail.wait_more(10, 60, f"with r0 outdated on {p}")
    if not (ctx.cluster.powered(a) and ctx.cluster.powered(p)):
        raise ScenarioError("a replication cut powered a node off")
    return [f"r0 on {p} outdated (fence-peer -> 4), nobody fenced"]


def cut_all(ctx):
    a, p = ctx.active, ctx.passive
    ctx.lab.run("cut", a, "all")
    ctx.lab.wait_for("a node fenced", lambda: not (ctx.cluster.powered(a) and ctx.cluster.powered(p)), 40)
    ctx.hold(3.0)  # the active node keeps running, unreachable for the clients, until the heal
    return [f"every link of the active {a} cut (public too: clients cannot reach it until the heal)"]


def freeze_active(ctx):
    a, p = ctx.active, ctx.passive
    ctx.lab.run("freeze", a)
    ctx.lab.wait_for(f"{p} to see {a} lost", lambda: (ctx.lab.membership(p) or {}).get("members") == [
        int(p.removeprefix("node"))], 20)
    ctx.hold(FREEZE_S - 2.0)
    if ctx.cluster.powered(a):
        ctx.lab.run("thaw", a)
        return [f"{a} frozen {FREEZE_S:.0f} s, thawed while still powered"]
    return [f"{a} frozen, fenced before it woke up"]


def poweroff_active(ctx):
    a, p = ctx.active, ctx.passive
    ctx.lab.run("poweroff", a)
    ctx.cluster.wait_group_running(90)
    return []


def poweroff_passive(ctx):
    a, p = ctx.active, ctx.passive
    ctx.lab.run("poweroff", p)
    ctx.mail.wait_more(10, 60, f"after {p} went off")
    return []


def flapping_link(ctx):
    a, p = ctx.active, ctx.passive
    rng = random.Random(ctx.seed)
    cuts, reboots = 0, 0
    end = time.monotonic() + FLAP_S
    while time.monotonic() < end:  # bounded: a minute
        if not ctx.cluster.powered(p):  # fenced: it boots again, as with stonith action reboot
            ctx.lab.run("poweron", p)
            reboots += 1
        ctx.lab.run("cut", p, "cluster")
        cuts += 1
        ctx.hold(rng.uniform(FLAP_MIN_S, FLAP_MAX_S))
        ctx.lab.run("heal")
        ctx.hold(rng.uniform(FLAP_MIN_S, FLAP_MAX_S))
    return [f"{cuts} cuts of {p}'s ring link in {FLAP_S:.0f} s, {p} powered on again {reboots}x after fencing"]


def fence_device_fails(ctx):
    a, p = ctx.active, ctx.passive
    lab = ctx.lab
    lab.run("fence-device", "fail")
    lab.run("cut", a, "cluster")
    lab.run("cut", a, "replication")
    lab.wait_for(f"{p} to fail fencing {a}", lambda: any(
        e.get("ok") == "false" and e.get("target") == a for e in ctx.events("fence_end")), 60)
    ctx.hold(3.0)  # the group must not start on p while a's fate is unknown (the monitors watch)
    if ctx.cluster.status(p) and ctx.cluster.group_node(p) == p:
        raise ScenarioError(f"the group started on {p} although {a} was not fenced")
    lab.run("poweroff", a)  # the operator pulls a's plug...
    lab.exec(p, "hactl", "fence", a, "--confirm-off")  # ...and says so
    ctx.cluster.wait_group_running(90)
    return [f"fence device broken: {p}'s fence of {a} failed, nothing started; the operator powered {a} off "
            f"and ran `hactl fence {a} --confirm-off`"]


def boot_partitioned(ctx):
    a, p = ctx.active, ctx.passive
    lab = ctx.lab
    lab.run("poweroff", p)
    ctx.lab.wait_for(f"{a} to confirm {p} off", lambda: any(
        e.get("target") == p for e in ctx.events("fence_end")), 40)
    lab.run("poweroff", a)
    for link in ("cluster", "replication"):
        lab.run("cut", a, link)
    lab.run("poweron", a)
    lab.run("poweron", p)
    for n in (a, p):
        lab.wait_for(f"hacored up on {n}", lambda n=n: ctx.cluster.status(n), 60)
    ctx.hold(PARTITIONED_HOLD_S)
    running = sorted(set(ctx.monitor.holders("vip") + ctx.monitor.holders("primary") + ctx.monitor.holders("smtpd")))
    if running:
        raise ScenarioError(f"the group ran while both nodes booted partitioned: {running}")
    quorate = [n for n in (a, p) if (ctx.cluster.status(n) or {}).get("quorate")]
    if quorate:
        raise ScenarioError(f"quorate although it never saw its peer (wait_for_all): {quorate}")
    return [f"both booted with the ring and replication cut: neither quorate (wait_for_all), nothing ran for "
            f"{PARTITIONED_HOLD_S:.0f} s"]


def qnetd_cut_all(ctx):
    a, p = ctx.active, ctx.passive
    ctx.lab.run("cut", a, "all")

    def lost():  # inquorate, or already fenced by the quorate side
        if not ctx.cluster.powered(a):
            return "fenced"
        return "inquorate" if (ctx.cluster.status(a) or {}).get("quorate") is False else None
    how, _ = ctx.lab.wait_for(f"{a} to lose quorum or be fenced", lost, 30)
    if not ctx.cluster.powered(p):
        raise ScenarioError(f"{p}, the side with the arbitrator, was powered off")
    ctx.cluster.wait_group_running(90)
    where = ctx.cluster.group_node(p)
    if where != p:
        raise ScenarioError(f"the group runs on {where}, not on {p} (the side with the arbitrator)")
    return [f"{a} cut off from {p} and qnetd: {a} {how}, {p} (with qnetd's vote) runs the group"]


def qnetd_down_then_cut(ctx):
    a, p = ctx.active, ctx.passive
    ctx.lab.run("poweroff", "qnetd")
    ctx.hold(3.0)
    ctx.lab.run("cut", a, "cluster")
    ctx.lab.run("cut", a, "replication")

    def settled():  # a node fenced, or neither side quorate
        quorate = {n: (ctx.cluster.status(n) or {}).get("quorate") for n in (a, p)
                   if ctx.cluster.powered(n)}
        return quorate if len(quorate) < 2 or not any(quorate.values()) else None
    quorate, _ = ctx.lab.wait_for("a node fenced or both inquorate", settled, 40)
    ctx.hold(3.0)
    return [f"qnetd down, then {a}'s ring and replication links cut: " +
            ", ".join(f"{n} {'quorate' if q else 'inquorate'}" for n, q in sorted(quorate.items()))]


def switchover_during_resync(ctx):
    a, p = ctx.active, ctx.passive
    lab = ctx.lab
    lab.run("cut", p, "replication")
    lab.wait_for(f"r0 outdated on {p}", lambda: (ctx.cluster.status(a) or {}).get("fencing", {}).get(
        "outdated"), 40)
    lab.exec(a, "dd", "if=/dev/urandom", "of=/run/hamail/mnt/r0/bulk", "bs=1M", "count=32", "conv=fsync",
             "status=none", timeout=120)
    lab.run("heal")
    lab.wait_for(f"r0 resyncing {a} -> {p}", lambda: ctx.cluster.drbd(a)["connection"] == "SyncSource", 30)
    start = time.monotonic()
    r = lab.exec(a, "hactl", "switchover", "mail", "--to", p, "--wait", "--timeout", "120", check=False,
                 timeout=150)
    took = time.monotonic() - start
    lab.exec(a, "rm", "-f", "/run/hamail/mnt/r0/bulk", check=False)
    last = (r.stdout + r.stderr).strip().splitlines()[-1:] or [""]
    verb = "done" if r.returncode == 0 else "refused"
    return [f"32 MiB written while {p} was cut off; switchover to {p} during the resync: {verb} after {took:.1f} s "
            f"({last[0][:100]})"]


SCENARIOS = [
    Scenario("cut-cluster", "cut the cluster link", cut_cluster),
    Scenario("cut-replication", "cut the replication link", cut_replication),
    Scenario("cut-all", "cut every link of the active node", cut_all),
    Scenario("freeze-active", "freeze the active node past the token, then thaw", freeze_active),
    Scenario("poweroff-active", "power off the active node", poweroff_active),
    Scenario("poweroff-passive", "power off the passive node", poweroff_passive),
    Scenario("flapping-link", "flapping cluster link for a minute", flapping_link),
    Scenario("fence-device-fails", "fence device fails, then confirm-off", fence_device_fails),
    Scenario("boot-partitioned", "both nodes boot partitioned", boot_partitioned),
    Scenario("qnetd-cut-all", "with qnetd: cut every link of the active node", qnetd_cut_all, qnetd=True),
    Scenario("qnetd-down-then-cut", "qnetd down, then a link cut", qnetd_down_then_cut, qnetd=True),
    Scenario("switchover-during-resync", "switchover during a resync", switchover_during_resync),
]
BY_NAME = {s.name: s for s in SCENARIOS}
