#!/usr/bin/env python3
"""Test double for ssh, set as HAMAIL_SSH="python3 fake_ssh.py": `fake_ssh.py root@ADDR hactl
ARGS...` runs this build's hactl (env HACTL) as the peer node, on this machine, without any
network: `--node FAKE_PEER_NODE` is added (the peer's host name), and for receive-files
`--root FAKE_PEER_ROOT` (the peer's disk). stdin passes through as ssh's does.
Records each argv as a JSON line in FAKE_SSH_LOG. Fails the way ssh fails: when ADDR is in
FAKE_SSH_DOWN (comma-separated), exit 255 with ssh's message; a remote program other than
hactl exits 127 like a remote shell."""
import json
import os
import subprocess
import sys


def main():
    argv = sys.argv[1:]
    with open(os.environ["FAKE_SSH_LOG"], "a") as log:
        log.write(json.dumps(argv) + "\n")
    if len(argv) < 2 or "@" not in argv[0]:
        print("usage: ssh [options] destination command", file=sys.stderr)
        return 255
    address = argv[0].split("@", 1)[1]
    if address in os.environ.get("FAKE_SSH_DOWN", "").split(","):
        print(f"ssh: connect to host {address} port 22: Connection refused", file=sys.stderr)
        return 255
    if argv[1] != "hactl":
        print(f"bash: line 1: {argv[1]}: command not found", file=sys.stderr)
        return 127
    remote = [os.environ["HACTL"]] + argv[2:] + ["--node", os.environ["FAKE_PEER_NODE"]]
    if argv[2:4] == ["cluster", "receive-files"]:
        remote += ["--root", os.environ["FAKE_PEER_ROOT"]]
    env = dict(os.environ, FAKE_NODE=os.environ["FAKE_PEER_NODE"])
    return subprocess.run(remote, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
