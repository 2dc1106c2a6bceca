# Shared by the hamail shell agents (sourced): one I/O probe through a block device or a
# filesystem, run in the background so that a monitor never blocks on a device that holds
# its I/O (drbd-lite freezes writes while its peer is being fenced, and a process waiting on
# such I/O cannot be killed until the device answers).
#
#   io_probe KEY SECONDS COMMAND...   0 done, 1 failed (PROBE_ERR: its stderr), 2 stalled
#                                     (still running after SECONDS; PROBE_ERR says since when)
# While the probe of KEY is still blocked, no other is started: the next call says stalled.

IO_PROBE_STATE=${IO_PROBE_STATE:-/run/hamail/probe}

io_probe() {
  local key=$1 secs=$2 pid started i rc pf ef
  shift 2
  PROBE_ERR=""
  pf="$IO_PROBE_STATE/$key.pid"
  ef="$IO_PROBE_STATE/$key.err"
  mkdir -p "$IO_PROBE_STATE" || { PROBE_ERR="cannot create $IO_PROBE_STATE"; return 1; }
  if read -r pid started 2>/dev/null <"$pf" && kill -0 "$pid" 2>/dev/null &&
    [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == "$* " ]]; then
    PROBE_ERR="has not finished since an earlier monitor started it $(($(date +%s) - started)) s ago (pid $pid)"
    return 2
  fi
  # Only 0-2 go to the probe: an inherited fd (the agent's flock) would stay held while it is stuck.
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      ((fd > 2)) && { eval "exec $fd>&-"; } 2>/dev/null
    done
    exec "$@"
  ) </dev/null >/dev/null 2>"$ef" &
  pid=$!
  echo "$pid $(date +%s)" >"$pf"
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    PROBE_ERR="has not finished within ${secs}s (pid $pid)"
    return 2
  fi
  wait "$pid"
  rc=$?
  rm -f "$pf"
  ((rc == 0)) && return 0
  PROBE_ERR=$(tr '\n' ' ' <"$ef")
  return 1
}
