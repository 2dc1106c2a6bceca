#!/bin/bash
# Runs a test binary that writes a daemon's /metrics text to $HAMAIL_METRICS_OUT, then
# `promtool check metrics` on that text (format and Prometheus naming lint).
# Usage: promtool_check.sh COMMAND [ARGS...]. Exit 77 (ctest: skipped) only when promtool
# is neither on PATH nor where scripts/fetch-promtool puts it.
set -u
promtool=$(command -v promtool || true)
[ -n "$promtool" ] || promtool=${HAMAIL_PROMTOOL_DIR:-/var/cache/hamail/promtool}/promtool
if [ ! -x "$promtool" ]; then
  echo "SKIPPED: promtool not found on PATH nor at $promtool (run scripts/setup as root: scripts/fetch-promtool)"
  exit 77
fi
out=$(mktemp "${TMPDIR:-/tmp}/metrics.XXXXXX")
trap 'rm -f "$out"' EXIT
if ! HAMAIL_METRICS_OUT=$out "$@" >"$out.log" 2>&1; then
  cat "$out.log"; rm -f "$out.log"
  echo "FAIL: $* failed"
  exit 1
fi
rm -f "$out.log"
if [ ! -s "$out" ]; then
  echo "FAIL: $* wrote no metrics text"
  exit 1
fi
echo "$(grep -c '^# TYPE' "$out") families, $(grep -vc '^#' "$out") series lines"
if ! "$promtool" check metrics <"$out"; then
  cat "$out"
  echo "FAIL: promtool check metrics"
  exit 1
fi
echo "ok: promtool check metrics"
