#!/usr/bin/python3
"""Polls an HTTP URL every INTERVAL ms for DURATION s (bounded) and prints one JSON line
per attempt: {"t": wall-clock seconds, "ok": bool, "body": str}. Run inside the lab's
client namespace by scripts/bench/failover; the target is a lab address."""
import json
import sys
import time
import urllib.request

url, duration, interval = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]) / 1000
end = time.time() + duration
while time.time() < end:
    t = time.time()
    try:
        body = urllib.request.urlopen(url, timeout=0.05).read().decode().strip()
        print(json.dumps({"t": t, "ok": True, "body": body}), flush=True)
    except Exception:
        print(json.dumps({"t": t, "ok": False, "body": ""}), flush=True)
    time.sleep(max(0.0, interval - (time.time() - t)))
