#!/usr/bin/env python3
"""unit_runner: `systemctl start|stop|restart|is-active UNIT...` for a bare lab node, which
has no systemd (halab up --bare): it runs the installed unit files' commands the way systemd
would, so the install test starts the daemons as their units do. hactl reaches it through
HAMAIL_SYSTEMCTL (set by the node's sshd).

What it honours: [Unit] ConditionPathExists (a failed condition: the unit stays inactive and
the start succeeds, as systemd does); [Service] EnvironmentFile (a leading '-': optional),
Environment, ExecStartPre, ExecStart, ExecStop, KillMode (process, or the whole process
group for the others), TimeoutStopSec. What it does not: dependencies (After, BindsTo,
Requires: hactl starts the units in order), Type=notify readiness (a started process that is
still alive after a moment counts as active), the sandboxing directives, User.
State: /run/halab-units/UNIT.pid, the output in /run/halab-units/UNIT.log.
"""
import os
import re
import shlex
import signal
import subprocess
import sys
import time

STATE = "/run/halab-units"
UNIT_DIRS = ["/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"]
MAX_STOP_S = 180           # bound on any TimeoutStopSec
SETTLE_S = 0.5             # a started process alive this long counts as active


class UnitError(Exception):
    pass


def parse_unit(name):
    for d in UNIT_DIRS:
        path = os.path.join(d, name + ".service")
        if os.path.exists(path):
            break
    else:
        raise UnitError(f"Unit {name}.service not found.")
    sections, current = {}, None
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("[") and line.endswith("]"):
                current = sections.setdefault(line[1:-1], {})
                continue
            if "=" not in line or current is None:
                raise UnitError(f"{path}:{lineno}: not a KEY=VALUE line: {line}")
            key, value = line.split("=", 1)
            current.setdefault(key.strip(), []).append(value.strip())
    return sections


def environment(service):
    env = dict(os.environ)
    for spec in service.get("EnvironmentFile", []):
        optional = spec.startswith("-")
        path = spec.lstrip("-")
        if not os.path.exists(path):
            if optional:
                continue
            raise UnitError(f"EnvironmentFile {path} not found")
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#") and "=" in line:
                    k, v = line.split("=", 1)
                    env[k.strip()] = v.strip().strip('"')
    for spec in service.get("Environment", []):
        for word in shlex.split(spec):
            if "=" in word:
                k, v = word.split("=", 1)
                env[k] = v
    return env


def command(line, env):
    line = line.lstrip("-@+!:")
    # systemd expands $VAR as separate words and ${VAR} inside a word.
    words = []
    for w in shlex.split(line):
        if re.fullmatch(r"\$[A-Za-z_][A-Za-z0-9_]*", w):
            words.extend(env.get(w[1:], "").split())
        else:
            words.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: env.get(m.group(1), ""), w))
    return words


def pid_file(name):
    return os.path.join(STATE, name + ".pid")


def running_pid(name):
    try:
        with open(pid_file(name)) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    # A zombie child of ours (it died) is not running.
    try:
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                return None
    except OSError:
        return None
    return pid


def state(name):
    if running_pid(name):
        return "active"
    return "failed" if os.path.exists(pid_file(name)) else "inactive"


def conditions_hold(unit):
    for spec in unit.get("Unit", {}).get("ConditionPathExists", []):
        negate = spec.startswith("!")
        if os.path.exists(spec.lstrip("!")) == negate:
            return False
    return True


def start(name):
    if running_pid(name):
        return
    unit = parse_unit(name)
    if not conditions_hold(unit):
        return
    service = unit.get("Service", {})
    env = environment(service)
    os.makedirs(STATE, exist_ok=True)
    log = open(os.path.join(STATE, name + ".log"), "ab")
    for pre in service.get("ExecStartPre", []):
        rc = subprocess.run(command(pre, env), env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            timeout=90).returncode
        if rc != 0 and not pre.startswith("-"):
            raise UnitError(f"{name}: ExecStartPre {pre} exited {rc}")
    starts = service.get("ExecStart", [])
    if len(starts) != 1:
        raise UnitError(f"{name}: expected one ExecStart, found {len(starts)}")
    proc = subprocess.Popen(command(starts[0], env), env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            start_new_session=True, close_fds=True)
    with open(pid_file(name), "w") as f:
        f.write(f"{proc.pid}\n")
    time.sleep(SETTLE_S)
    if proc.poll() is not None:
        raise UnitError(f"{name}: {starts[0]} exited {proc.returncode} at once (see {STATE}/{name}.log)")


def stop_timeout(service):
    spec = (service.get("TimeoutStopSec") or ["90"])[-1]
    m = re.fullmatch(r"(\d+)\s*(ms|s|min)?", spec)
    if not m:
        return 90
    n, unit = int(m.group(1)), m.group(2) or "s"
    return min(MAX_STOP_S, n / 1000 if unit == "ms" else n * 60 if unit == "min" else n)


def stop(name):
    pid = running_pid(name)
    if not pid:
        if os.path.exists(pid_file(name)):
            os.unlink(pid_file(name))
        return
    service = parse_unit(name).get("Service", {})
    env = environment(service)
    for cmd in service.get("ExecStop", []):
        subprocess.run(command(cmd, env), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30)
    whole_group = (service.get("KillMode") or ["control-group"])[-1] != "process"
    try:
        os.killpg(pid, signal.SIGTERM) if whole_group else os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + stop_timeout(service)
    while running_pid(name) and time.monotonic() < deadline:
        time.sleep(0.1)
    if running_pid(name):
        try:
            os.killpg(pid, signal.SIGKILL) if whole_group else os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    os.unlink(pid_file(name))


def main(argv):
    if len(argv) < 2:
        print("usage: unit_runner.py start|stop|restart|is-active UNIT...", file=sys.stderr)
        return 2
    verb, units = argv[0], [u.removesuffix(".service") for u in argv[1:]]
    try:
        if verb == "is-active":
            states = [state(u) for u in units]
            print("\n".join(states))
            return 0 if all(s == "active" for s in states) else 3
        for u in units:
            if verb in ("stop", "restart"):
                stop(u)
            if verb in ("start", "restart"):
                start(u)
            elif verb != "stop":
                print(f"unit_runner: unknown command {verb}", file=sys.stderr)
                return 2
    except (UnitError, OSError, subprocess.SubprocessError) as e:
        print(f"unit_runner: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
