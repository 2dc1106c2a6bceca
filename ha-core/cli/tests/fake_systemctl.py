#!/usr/bin/env python3
"""Test double for systemctl, set as HAMAIL_SYSTEMCTL="python3 fake_systemctl.py". Records
"NODE VERB UNIT..." lines in FAKE_SYSTEMCTL_LOG (NODE: env FAKE_NODE, else "local") and
keeps each node's unit states in FAKE_SYSTEMCTL_LOG.NODE.json, starting from
FAKE_UNIT_STATES (JSON; a unit not named is inactive). As systemctl does: `is-active
UNIT...` prints one state a line and exits 0 only when all are active; `start|restart`
make a unit active, `stop` inactive, exit 0. Failing as systemctl fails: "VERB UNIT" equal
to FAKE_SYSTEMCTL_FAIL exits 1 with systemctl's message (the unit becomes failed); a unit
in FAKE_CONDITION_FAILS (comma-separated) "starts" with exit 0 and stays inactive, as with
an unmet ConditionPathExists; FAKE_NO_SYSTEMD fails every call as on a host without systemd."""
import json
import os
import sys


def main():
    args = sys.argv[1:]
    node = os.environ.get("FAKE_NODE", "local")
    log_path = os.environ["FAKE_SYSTEMCTL_LOG"]
    with open(log_path, "a") as log:
        log.write(" ".join([node] + args) + "\n")
    if os.environ.get("FAKE_NO_SYSTEMD"):
        print("System has not been booted with systemd as init system (PID 1). Can't operate.", file=sys.stderr)
        return 1
    state_path = f"{log_path}.{node}.json"
    states = json.loads(os.environ.get("FAKE_UNIT_STATES", "{}"))
    if os.path.exists(state_path):
        with open(state_path) as f:
            states = json.load(f)
    verb, units = (args[0], args[1:]) if args else ("", [])
    if verb == "is-active":
        answers = [states.get(u, "inactive") for u in units]
        print("\n".join(answers))
        return 0 if all(a == "active" for a in answers) else 3
    rc = 0
    for unit in units:
        if f"{verb} {unit}" == os.environ.get("FAKE_SYSTEMCTL_FAIL"):
            print(f"Job for {unit}.service failed because the control process exited with error code.",
                  file=sys.stderr)
            states[unit], rc = "failed", 1
        elif verb == "stop":
            states[unit] = "inactive"
        elif unit not in os.environ.get("FAKE_CONDITION_FAILS", "").split(","):
            states[unit] = "active"
    with open(state_path, "w") as f:
        json.dump(states, f)
    return rc


if __name__ == "__main__":
    sys.exit(main())
