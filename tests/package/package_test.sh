#!/usr/bin/env bash
# The package test (ctest package_debs, label package; root): builds the three Debian
# packages from a clean copy of the tree with scripts/package, reusing BUILD_DIR's binaries
# (lintian errors fail there), then checks:
#   - every file of each package and its mode and owner (expected-files.txt),
#   - the conffiles, and maintainer scripts that never start a service;
#   - installed with dpkg into a throw-away root: an overlay whose lower layer is this
#     machine's / (so the Depends are there) and whose upper layer records every change;
#     the installed files, no unit enabled, `systemd-analyze verify` of the four units;
#   - dpkg --purge leaves nothing in the upper layer but dpkg's own records (and the
#     haclient group, which Debian packages keep).
# The packages it built are left in BUILD_DIR/packages for the lab's install test.
#   package_test.sh BUILD_DIR
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build_dir=${1:?usage: package_test.sh BUILD_DIR}

if [[ $(id -u) -ne 0 ]]; then
  echo "package_test: needs root (dpkg in an overlay root): skipped"
  exit 77
fi
fail() { echo "package_test: FAIL: $*" >&2; exit 1; }
step() { echo "package_test: $*"; }

tmp=$(mktemp -d /tmp/hamail-package-test.XXXXXX)
merged=$tmp/merged
cleanup() {
  for m in "$merged/proc" "$merged/dev" "$merged/run" "$merged"; do
    mountpoint -q "$m" && umount "$m"
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

step "building the packages (scripts/package --build-dir $build_dir)"
"$root/scripts/package" --build-dir "$build_dir" --out "$tmp/debs" --jobs 1 >/dev/null ||
  fail "scripts/package failed"
mapfile -t debs < <(ls "$tmp"/debs/hamail-{cluster,drbdlite,mail}_*.deb)
((${#debs[@]} == 3)) || fail "expected 3 packages, got: ${debs[*]}"

step "files, modes and owners"
for deb in "${debs[@]}"; do
  pkg=$(dpkg-deb -f "$deb" Package)
  dpkg-deb -c "$deb" | awk -v p="$pkg" '$1 !~ /^d/ { sub(/^\./, "", $6); print p, $1, $2, $6 }'
done | sort >"$tmp/files.txt"
diff -u "$here/expected-files.txt" "$tmp/files.txt" || fail "the packages' files differ from expected-files.txt (diff above)"

step "conffiles and maintainer scripts"
conffiles() { { dpkg-deb --ctrl-tarfile "$1" | tar -xOf - ./conffiles 2>/dev/null || true; } | sort | tr '\n' ' '; }
expect_conffiles() {
  local got; got=$(conffiles "$tmp"/debs/"$1"_*.deb)
  [[ $got == "$2" ]] || fail "$1 conffiles: expected '$2', got '$got'"
}
expect_conffiles hamail-cluster "/etc/hamail/cluster.yaml "
expect_conffiles hamail-drbdlite ""
expect_conffiles hamail-mail "/etc/hamail/dns/2.0.192.in-addr.arpa.zone /etc/hamail/dns/example.org.zone /etc/hamail/dnsd.yaml /etc/hamail/httpd.yaml /etc/hamail/imapd.yaml /etc/hamail/pop3d.yaml /etc/hamail/smtpd.yaml /etc/hamail/trace.yaml "
for deb in "${debs[@]}"; do
  for script in preinst postinst prerm postrm; do
    body=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - "./$script" 2>/dev/null || true)
    if grep -Eq 'deb-systemd-invoke +(start|restart)|invoke-rc.d .*start|systemctl .*(start|enable)' <<<"$body"; then
      fail "$(basename "$deb") $script starts or enables a service"
    fi
  done
done

step "install into an overlay root"
mkdir -p "$tmp/upper" "$tmp/work" "$merged"
mount -t overlay overlay -o "lowerdir=/,upperdir=$tmp/upper,workdir=$tmp/work" "$merged"
mount -t proc proc "$merged/proc"
mount --bind /dev "$merged/dev"  # maintainer scripts write to /dev/null
mount -t tmpfs tmpfs "$merged/run"  # as on a booted system (systemd-analyze writes there)
mkdir -p "$merged/var/tmp/hamail-debs"
cp "${debs[@]}" "$merged/var/tmp/hamail-debs/"
in_root() { chroot "$merged" "$@"; }
in_root sh -c 'dpkg -i /var/tmp/hamail-debs/*.deb' >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; fail "dpkg -i failed"; }
rm -rf "$merged/var/tmp/hamail-debs"
for p in hamail-cluster hamail-drbdlite hamail-mail; do
  [[ $(in_root dpkg-query -W -f='${db:Status-Abbrev}' "$p") == "ii " ]] || fail "$p is not installed"
done
check_mode() {
  local got; got=$(stat -c '%a %U:%G' "$merged$2")
  [[ $got == "$1" ]] || fail "$2: expected mode $1, got $got"
}
check_mode "755 root:root" /usr/sbin/hacored
check_mode "755 root:root" /usr/bin/hactl
check_mode "755 root:root" /usr/lib/ocf/resource.d/hamail/vip
check_mode "644 root:root" /etc/hamail/cluster.yaml
check_mode "644 root:root" /lib/systemd/system/hacored.service
in_root getent group haclient >/dev/null || fail "postinst did not create the haclient group"
in_root /usr/sbin/hacored --version | grep -q '^hacored (hamail) ' || fail "the installed hacored does not run"
enabled=$(find "$merged/etc/systemd/system" -lname '*hacored*' -o -lname '*drbdlited*' -o -lname '*hamail-*' 2>/dev/null || true)
[[ -z $enabled ]] || fail "installing enabled units: $enabled"
# Every file the install added or changed belongs to a package, or is dpkg's records (the
# man-db trigger's index, the haclient group, deb-systemd-helper's state until the purge).
records='^/(var/lib/dpkg/|var/log/dpkg\.log$|var/cache/man/|etc/(group|gshadow)-?$)'
allowed="$records|^/var/lib/systemd/deb-systemd-helper-"
# dpkg names /lib/... where merged /usr (Debian 12) stores /usr/lib/...
usr_merged() { if [[ -L /lib ]]; then sed -E 's#^/(lib|bin|sbin)/#/usr/\1/#'; else cat; fi; }
in_root dpkg -L hamail-cluster hamail-drbdlite hamail-mail | usr_merged | sort -u >"$tmp/owned.txt"
(cd "$tmp/upper" && find . ! -type d | sed 's/^\.//') | grep -Ev "$allowed" | sort >"$tmp/added.txt" || true
unowned=$(comm -23 "$tmp/added.txt" "$tmp/owned.txt")
[[ -z $unowned ]] || fail "the install wrote files no package owns: $unowned"

step "systemd-analyze verify"
units=(/lib/systemd/system/hacored.service /lib/systemd/system/drbdlited.service
       /lib/systemd/system/hamail-smtpd.service /lib/systemd/system/hamail-pop3d.service
       /lib/systemd/system/hamail-imapd.service)
if ! in_root systemd-analyze verify "${units[@]}" >"$tmp/verify.log" 2>&1 || [[ -s $tmp/verify.log ]]; then
  cat "$tmp/verify.log" >&2
  fail "systemd-analyze verify complained (above)"
fi

step "purge"
in_root dpkg --purge hamail-mail hamail-drbdlite hamail-cluster >"$tmp/purge.log" 2>&1 ||
  { cat "$tmp/purge.log"; fail "dpkg --purge failed"; }
# Left: any file (a whiteout too: something of the host removed) but dpkg's records, and
# any empty directory the host does not have.
left=$(cd "$tmp/upper" && find . -mindepth 1 ! -type d | sed 's/^\.//' | grep -Ev "$records" || true)
while read -r dir; do
  [[ -z $dir || -d $dir ]] || left+=" $dir"
done < <(cd "$tmp/upper" && find . -mindepth 1 -type d -empty | sed 's/^\.//')
[[ -z ${left// /} ]] || fail "the purge left: $left"
rm -rf "$build_dir/packages" && cp -r "$tmp/debs" "$build_dir/packages"
step "OK"
