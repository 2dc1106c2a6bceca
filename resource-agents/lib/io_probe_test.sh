#!/bin/bash
# Unit test of io_probe (resource-agents/lib/io_probe.sh): a stuck probe is reported as
# stalled (2) without being waited for, is not started twice, does not keep the caller's
# lock; a failing one returns 1 with its stderr; a good one 0.
set -u
. "$(dirname "$0")/io_probe.sh"
IO_PROBE_STATE=$(mktemp -d)
lock=$IO_PROBE_STATE/agent.lock
fails=0
check() { if [[ $2 == "$3" ]]; then echo "ok: $1"; else echo "FAIL: $1: got '$2', want '$3'"; fails=$((fails + 1)); fi; }

exec 9>"$lock"
flock 9
t0=$SECONDS
io_probe stuck 1 sleep 30; check "a stuck probe is stalled" $? 2
first=$(cut -d' ' -f1 "$IO_PROBE_STATE/stuck.pid")
io_probe stuck 1 sleep 30; check "a stuck probe is not started twice" $? 2
check "the second call names the first probe" "$(cut -d' ' -f1 "$IO_PROBE_STATE/stuck.pid")" "$first"
[[ $PROBE_ERR == *"earlier monitor"* ]]; check "it says an earlier monitor started it" $? 0
check "the caller did not wait for it" $((SECONDS - t0 < 10)) 1
exec 9>&-
flock -n "$lock" true; check "the probe does not hold the caller's lock" $? 0
kill "$first"

io_probe failing 5 sh -c 'echo "read error on the device" >&2; exit 3'; check "a failing probe fails" $? 1
[[ $PROBE_ERR == *"read error on the device"* ]]; check "its stderr is the reason" $? 0
io_probe good 5 true; check "a good probe succeeds" $? 0
[[ ! -e $IO_PROBE_STATE/good.pid ]]; check "a finished probe leaves no pid file" $? 0
rm -rf "$IO_PROBE_STATE"
exit $((fails > 0))
