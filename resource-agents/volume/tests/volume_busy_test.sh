#!/bin/bash
# ocf:hamail:volume against a drbdlited whose control socket is full: drbdlite says "too many
# control clients" (the request was never read). The agent asks again (every 0.2 s, at most
# 25 times) instead of failing the action; a socket that stays full gives up within the bound.
# A fake drbdlite (this test's own script) stands in for the real one; nothing else is touched.
#   volume_busy_test.sh AGENT
set -u
agent=$1
tmp=$(mktemp -d /tmp/volume-busy-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$tmp/drbdlite" <<'FAKE'
#!/bin/bash
n=$(cat "$COUNT_FILE" 2>/dev/null || echo 0)
echo $((n + 1)) >"$COUNT_FILE"
if ((n < BUSY_CALLS)); then echo "drbdlite: too many control clients" >&2; exit 1; fi
echo '[{"name":"t0","up":true,"role":"Primary","disk":"UpToDate","connection":"Connecting","peer_disk":"DUnknown","io_frozen":true,"last_error":"peer lost"}]'
FAKE
chmod +x "$tmp/drbdlite"
monitor() {  # BUSY_CALLS -> the agent's exit code; calls counted in $tmp/count
  rm -f "$tmp/count"
  COUNT_FILE=$tmp/count BUSY_CALLS=$1 OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=t0 OCF_RESKEY_volume=t0 \
    OCF_RESKEY_drbdlite="$tmp/drbdlite" "$agent" monitor >"$tmp/out" 2>&1
}

# Busy three times, then the answer: the monitor sees the volume (Primary, I/O frozen: 191).
monitor 3
rc=$?
[[ $rc -eq 191 ]] || fail "busy 3 times: monitor rc $rc, want 191 (the frozen Primary): $(cat "$tmp/out")"
[[ $(cat "$tmp/count") -eq 4 ]] || fail "busy 3 times: $(cat "$tmp/count") calls, want 4"
echo "ok: drbdlited busy 3 times: asked again, monitor 191 after 4 calls"

# Busy for good: the agent stops asking after 25 calls, within about 5 s, and does not
# report the volume it never saw.
start=$SECONDS
monitor 1000
rc=$?
took=$((SECONDS - start))
[[ $(cat "$tmp/count") -eq 25 ]] || fail "always busy: $(cat "$tmp/count") calls, want 25"
((took <= 15)) || fail "always busy: $took s, want the bound of about 5 s"
[[ $rc -ne 191 ]] || fail "always busy: monitor reported the volume it never saw"
echo "ok: drbdlited always busy: 25 calls in ${took} s, then monitor rc $rc"
