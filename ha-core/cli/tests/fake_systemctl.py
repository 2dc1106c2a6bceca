#!/usr/bin/env python3
"""Test double for systemctl, set as HAMAIL_SYSTEMCTL="python3 fake_systemctl.py". Records
"NODE VERB UNIT..." lines in FAKE_SYSTEMCTL_LOG (NODE: env FAKE_NODE, else "local").
`is-active UNIT...` prints each unit's state from FAKE_UNIT_STATES (JSON, default inactive)
and exits 0 only when all are active, as systemctl does; FAKE_NO_SYSTEMD makes it fail as
on a host without systemd. `start|stop|restart UNIT` exits 0, or fails like systemctl
when "VERB UNIT" is FAKE_SYSTEMCTL_FAIL."""
import json
import os
import sys


def main():
    args = sys.argv[1:]
    node = os.environ.get("FAKE_NODE", "local")
    with open(os.environ["FAKE_SYSTEMCTL_LOG"], "a") as log:
        log.write(" ".join([node] + args) + "\n")
    if os.environ.get("FAKE_NO_SYSTEMD"):
        print("System has not been booted with systemd as init system (PID 1). Can't operate.", file=sys.stderr)
        return 1
    if args and args[0] == "is-active":
        states = json.loads(os.environ.get("FAKE_UNIT_STATES", "{}"))
        answers = [states.get(u, "inactive") for u in args[1:]]
        print("\n".join(answers))
        return 0 if all(a == "active" for a in answers) else 3
    if " ".join(args) == os.environ.get("FAKE_SYSTEMCTL_FAIL"):
        print(f"Job for {args[1]}.service failed because the control process exited with error code.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
