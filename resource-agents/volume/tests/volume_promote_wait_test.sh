#!/bin/bash
# ocf:hamail:volume promote after a power-off of the Primary: drbd-lite still sees its peer
# Primary (its link drops only at the peer timeout) and refuses. When ha-core says the peer
# is fenced (hactl fence-peer --query: 7), the agent waits for the link to drop and promotes
# then, instead of failing; when ha-core does not say so, it fails at once as before.
# A fake drbdlite and a fake hactl (this test's own scripts) stand in; nothing else is touched.
#   volume_promote_wait_test.sh AGENT
set -u
agent=$1
tmp=$(mktemp -d /tmp/volume-promote-test-XXXXXX)
vol=promotewait$$
trap 'rm -rf "$tmp" /run/hamail/volume/$vol.*' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The fake drbdlite: the link is Connected to a Primary peer for DROP_AFTER status calls,
# then Connecting; `primary` is refused while Connected. It never exports the volume, so a
# promote that gets through still fails afterwards (the export does not appear): the test
# looks at the `primary` calls and the reasons.
cat >"$tmp/drbdlite" <<'FAKE'
#!/bin/bash
while [[ $1 == --* ]]; do shift 2; done   # --runtime-dir DIR
cmd=$1
n=$(cat "$T/status_calls" 2>/dev/null || echo 0)
conn=Connected; peer=UpToDate
((n >= DROP_AFTER)) && { conn=Connecting; peer=DUnknown; }
role=Secondary
[[ -e $T/primary ]] && role=Primary
case $cmd in
  status)
    echo $((n + 1)) >"$T/status_calls"
    echo "[{\"name\":\"$2\",\"up\":true,\"role\":\"$role\",\"disk\":\"UpToDate\",\"connection\":\"$conn\",\"peer_disk\":\"$peer\",\"fencing\":\"resource-and-stonith\"}]" ;;
  primary)
    echo primary >>"$T/calls"
    if [[ $conn == Connected ]]; then echo "drbdlite: $2: cannot promote: the peer node2 is Primary (two Primaries are never allowed)" >&2; exit 1; fi
    touch "$T/primary" ;;
  *) echo "fake drbdlite: unexpected $*" >&2; exit 1 ;;
esac
FAKE
cat >"$tmp/hactl" <<'FAKE'
#!/bin/bash
echo "peer node2: $FENCE_ANSWER"
exit "$FENCE_RC"
FAKE
chmod +x "$tmp/drbdlite" "$tmp/hactl"
promote() {  # FENCE_RC DROP_AFTER -> the agent's exit code
  rm -f "$tmp/status_calls" "$tmp/calls" "$tmp/primary"
  T=$tmp FENCE_RC=$1 FENCE_ANSWER=$([[ $1 == 7 ]] && echo fenced || echo "not fenced") DROP_AFTER=$2 \
    OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=$vol OCF_RESKEY_volume=$vol \
    OCF_RESKEY_drbdlite="$tmp/drbdlite" OCF_RESKEY_hactl="$tmp/hactl" "$agent" promote >"$tmp/out" 2>&1
}

# ha-core says fenced; the link drops after a few status reads: a second `primary` gets through.
start=$SECONDS
promote 7 8
[[ -e $tmp/primary ]] || fail "peer fenced: not promoted: $(cat "$tmp/out")"
[[ $(grep -c primary "$tmp/calls") -eq 2 ]] || fail "peer fenced: $(grep -c primary "$tmp/calls") primary calls, want 2"
grep -q "the link dropped" "$tmp/out" || fail "peer fenced: the wait is not logged: $(cat "$tmp/out")"
! grep -q "ocf-exit-reason:.*two Primaries" "$tmp/out" || fail "peer fenced: failed with the refusal: $(cat "$tmp/out")"
echo "ok: peer fenced, link still up: waited for it to drop, promoted ($((SECONDS - start)) s with the fake's missing export)"

# ha-core does not say fenced: the refusal stands at once (one `primary`, no waiting).
start=$SECONDS
promote 1 8
rc=$?
[[ $rc -ne 0 ]] || fail "peer not fenced: promote succeeded"
[[ $(grep -c primary "$tmp/calls") -eq 1 ]] || fail "peer not fenced: $(grep -c primary "$tmp/calls") primary calls, want 1"
grep -q "two Primaries" "$tmp/out" || fail "peer not fenced: the refusal is not reported: $(cat "$tmp/out")"
echo "ok: peer not fenced: promote failed at once with drbd-lite's refusal"

# Fenced, but the link never drops: the wait is bounded (10 s), then the promote fails.
start=$SECONDS
promote 7 100000
rc=$?
took=$((SECONDS - start))
[[ $rc -ne 0 ]] || fail "link never drops: promote succeeded"
((took >= 9 && took <= 30)) || fail "link never drops: $took s, want the 10 s bound"
echo "ok: link never drops: promote failed after ${took} s"
