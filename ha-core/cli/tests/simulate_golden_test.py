#!/usr/bin/env python3
"""Golden tests of `hactl simulate`: each directory under simulate/ is a case with
cluster.yaml (or another file its args name), `args` (one argument per line, run in the
case's directory), maybe state.json, and expected.txt: stdout, then stderr, then the exit
code, compared byte for byte. HACTL_SIMULATE_REGEN=1 rewrites expected.txt (read every
rewritten golden before committing it: it must be right, not just what the code says)."""
import os
import subprocess
import sys

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "simulate")


def run_case(hactl, case):
    d = os.path.join(HERE, case)
    with open(os.path.join(d, "args"), encoding="utf-8") as f:
        args = [line.rstrip("\n") for line in f if line.strip()]
    p = subprocess.run([hactl, "simulate", *args], cwd=d, capture_output=True, text=True, timeout=120)
    return f"{p.stdout}--- stderr\n{p.stderr}--- exit {p.returncode}\n"


def main():
    hactl = os.environ["HACTL"]
    regen = os.environ.get("HACTL_SIMULATE_REGEN") == "1"
    failed = []
    for case in sorted(os.listdir(HERE)):
        got = run_case(hactl, case)
        path = os.path.join(HERE, case, "expected.txt")
        if regen:
            with open(path, "w", encoding="utf-8") as f:
                f.write(got)
            print(f"rewrote {case}/expected.txt")
            continue
        with open(path, encoding="utf-8") as f:
            want = f.read()
        if got != want:
            failed.append(case)
            print(f"FAIL {case}: output differs from expected.txt\n--- got\n{got}--- expected\n{want}")
        else:
            print(f"ok   {case}")
    if failed:
        print(f"{len(failed)} case(s) failed: {' '.join(failed)}; "
              f"if the change is right: HACTL_SIMULATE_REGEN=1 HACTL={hactl} {sys.argv[0]}, then read each diff")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
