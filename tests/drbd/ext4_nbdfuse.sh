#!/bin/sh
# One node's half of the ext4 lab test, run by ext4_lab_test.py inside a private mount
# namespace (unshare --mount --propagation private): attach the volume's NBD export with
# nbdfuse, put a loop device on the FUSE file, then
#   write DIR SOCK SRC: mkfs.ext4, mount, copy SRC's files in, sync, umount
#   read  DIR SOCK OUT: mount, copy every file out to OUT, umount
# Cleanup always runs: unmount, detach the loop device, stop nbdfuse by its pid.
set -eu
MODE=$1 DIR=$2 SOCK=$3 FILES=$4
FUSE=$DIR/fuse MNT=$DIR/mnt
LOOP= FUSEPID= MOUNTED=
mkdir -p "$FUSE" "$MNT"

cleanup() {
  rc=$?
  set +e
  [ -n "$MOUNTED" ] && umount "$MNT"
  [ -n "$LOOP" ] && losetup -d "$LOOP" && echo "detached $LOOP"
  if [ -n "$FUSEPID" ]; then
    umount "$FUSE" 2>/dev/null
    i=0
    while kill -0 "$FUSEPID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$FUSEPID" 2>/dev/null; then kill "$FUSEPID"; sleep 0.5; kill -9 "$FUSEPID" 2>/dev/null; fi
    wait "$FUSEPID" 2>/dev/null
    echo "nbdfuse $FUSEPID stopped"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 1' TERM INT HUP

nbdfuse "$FUSE" --unix "$SOCK" &
FUSEPID=$!
echo "FUSEPID=$FUSEPID"
i=0
until [ -e "$FUSE/nbd" ]; do
  kill -0 "$FUSEPID" 2>/dev/null || { echo "nbdfuse exited before $FUSE/nbd appeared" >&2; exit 1; }
  [ $i -lt 100 ] || { echo "$FUSE/nbd did not appear within 10s" >&2; exit 1; }
  sleep 0.1; i=$((i + 1))
done
LOOP=$(losetup -f --show "$FUSE/nbd")
echo "LOOP=$LOOP"

case $MODE in
  write)
    mkfs.ext4 -q -F "$LOOP"
    mount -t ext4 "$LOOP" "$MNT"; MOUNTED=1
    cp -r "$FILES"/. "$MNT"/
    sync
    umount "$MNT"; MOUNTED=
    ;;
  read)
    mount -t ext4 "$LOOP" "$MNT"; MOUNTED=1
    cp -r "$MNT"/. "$FILES"/
    umount "$MNT"; MOUNTED=
    ;;
  *) echo "unknown mode $MODE" >&2; exit 2 ;;
esac
echo "$MODE done"
