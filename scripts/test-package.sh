#!/usr/bin/env bash
# make test-package: builds the Debian package, installs it with dpkg -i on this machine,
# starts `goldset serve` the way goldset.service does (as the goldset user, with
# /etc/goldset/goldset.env and the unit's ExecStart; systemd itself may be absent, as in
# containers), checks /healthz and a key, then removes the package and checks that the
# data in /var/lib/goldset was kept. Needs root (sudo when not root). Leaves the machine
# as it found it: a user or state directory the test created is deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
die() { echo "test-package: $*" >&2; exit 1; }

if dpkg-query -W -f='${Status}' goldset 2>/dev/null | grep -q 'ok installed'; then
  die "a goldset package is already installed on this machine; not touching it"
fi
rm -f "$BUILD_DIR"/goldset_*.deb
# Ninja reports compile errors on stdout: keep it, and show its end when the build fails.
pkg_log=$(mktemp)
cmake --build "$BUILD_DIR" --target package >"$pkg_log" 2>&1 || { tail -40 "$pkg_log" >&2; rm -f "$pkg_log"; die "building the package failed"; }
rm -f "$pkg_log"
deb=$(ls "$BUILD_DIR"/goldset_*.deb)
echo "test-package: built $deb"
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/goldset ./usr/lib/systemd/system/goldset.service ./etc/goldset/goldset.env ./usr/share/doc/goldset/README.md; do
  grep -q " $f\$" <<<"$contents" || die "$f is not in the package"
done
dpkg-deb -f "$deb" Depends | grep -q 'libpoppler-cpp' || die "Depends lacks the shared libraries: $(dpkg-deb -f "$deb" Depends)"

had_user=0; getent passwd goldset >/dev/null && had_user=1
had_state=0; [ -e /var/lib/goldset ] && had_state=1
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  $SUDO dpkg --purge goldset >/dev/null 2>&1 || true
  if [ "$had_state" = 0 ]; then $SUDO rm -rf /var/lib/goldset; fi
  if [ "$had_user" = 0 ] && getent passwd goldset >/dev/null; then $SUDO deluser --system goldset >/dev/null 2>&1 || true; fi
  $SUDO rm -rf /etc/goldset  # after the purge, which also forgets the conffile
}
trap cleanup EXIT

$SUDO dpkg -i "$deb" >/dev/null
getent passwd goldset >/dev/null || die "postinst did not create the goldset user"
[ "$(stat -c %U /var/lib/goldset)" = goldset ] || die "/var/lib/goldset is not owned by goldset"
[ "$(stat -c %a /etc/goldset/goldset.env)" = 640 ] || die "the env file is not 0640"
unit=/usr/lib/systemd/system/goldset.service
for line in 'User=goldset' 'StateDirectory=goldset' 'EnvironmentFile=/etc/goldset/goldset.env' 'ProtectSystem=strict' \
            'NoNewPrivileges=yes' 'PrivateTmp=yes'; do
  grep -qx "$line" "$unit" || die "$unit lacks $line"
done
/usr/bin/goldset serve --help | grep -q UNDESCRIBED && die "goldset serve --help leaves a flag undescribed"

# The unit's command, user and environment; only the port differs (8080 may be taken here).
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
log=$(mktemp)
$SUDO runuser -u goldset -- env -i PATH=/usr/bin:/bin bash -c \
  "set -a; . /etc/goldset/goldset.env; set +a; cd /var/lib/goldset; exec $exec_start --listen 127.0.0.1:0" >"$log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^Listening on \(http[^ ]*\)$/\1/p' "$log" | head -1)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || die "the server did not start: $(cat "$log")"
health=$(curl -fsS "$url/healthz")
grep -q '"version":"' <<<"$health" || die "/healthz: $health"
key=$($SUDO runuser -u goldset -- /usr/bin/goldset keys create --data-dir /var/lib/goldset --name package-test 2>/dev/null)
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" -H 'x-extend-api-version: 2026-02-09' "$url/files")
[ "$status" = 200 ] || die "GET /files with a key answered $status"
pgrep -u goldset -f "goldset serve" >/dev/null || die "the server does not run as the goldset user"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

$SUDO dpkg -r goldset >/dev/null
[ ! -e /usr/bin/goldset ] || die "dpkg -r left /usr/bin/goldset"
[ -f /var/lib/goldset/goldset.db ] || die "dpkg -r removed the data in /var/lib/goldset"
echo "test-package: ok ($health)"
