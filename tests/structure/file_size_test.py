#!/usr/bin/env python3
"""Small files with one idea each: no C++ source or header of the project is over 600
lines (DEVELOPERS.md; the structure issue's bound). Functions over 80 lines are found with
`clang-tidy -p build/dev --checks='-*,readability-function-size'` (see tests/structure/README.md)."""
import os
import subprocess
import sys

LIMIT = 600
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))


def main():
    files = subprocess.run(["git", "-C", ROOT, "ls-files", "*.cpp", "*.h"], capture_output=True, text=True,
                           check=True).stdout.split()
    if len(files) < 100:
        print(f"only {len(files)} C++ files under {ROOT}: is it the project?")
        return 1
    over = []
    for f in files:
        with open(os.path.join(ROOT, f), errors="replace") as fh:
            n = sum(1 for _ in fh)
        if n > LIMIT:
            over.append((n, f))
    for n, f in sorted(over, reverse=True):
        print(f"{f}: {n} lines (limit {LIMIT}): split it by idea")
    print(f"{len(files)} files, {len(over)} over {LIMIT} lines")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
