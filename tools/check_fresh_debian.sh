#!/usr/bin/env bash
# tools/check_fresh_debian.sh: ./run's and ./test's set-up on a fresh Debian 12 (bookworm) with only
# python3 and git, in a throw-away root file system made by debootstrap (Debian's package, installed
# when missing), so that a set-up step that relies on something this machine happens to have shows up.
#   tools/check_fresh_debian.sh            set-up only (tools/setup.sh, about 5 minutes)
#   tools/check_fresh_debian.sh test       set-up, then ./test in the fresh system
#   tools/check_fresh_debian.sh repair     set-up, then a venv left without pip by a failed run, repaired
# Needs root (debootstrap, chroot) and Debian's mirror. Not part of ./test: it takes minutes and
# downloads a Debian system. The root file system is removed at exit.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODE="${1:-setup}"
FS="$(mktemp -d /tmp/livechat_fresh_debian.XXXXXX)"
chmod 755 "$FS"  # the fresh system's root: its postgres user must be able to walk it
log() { printf '[fresh-debian] %s\n' "$*" >&2; }
cleanup() {
    # every process started in the fresh system (its PostgreSQL), then its mounts, then its files
    for pid in $(ls /proc | grep -E '^[0-9]+$'); do
        [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$FS" ] && kill "$pid" 2>/dev/null || true
    done
    sleep 2
    for mount in proc sys dev; do umount -R -l "$FS/$mount" 2>/dev/null || true; done
    rm -rf --one-file-system "$FS" "$FS.debootstrap.log"
}
[ -n "${LIVECHAT_KEEP_FS:-}" ] || trap cleanup EXIT

command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
log "debootstrap bookworm (minbase + python3, git) into $FS"
debootstrap --variant=minbase --include=python3,git,ca-certificates bookworm "$FS" http://deb.debian.org/debian \
    >"$FS.debootstrap.log" 2>&1 || { tail -n 20 "$FS.debootstrap.log" >&2; exit 1; }
rm -f "$FS.debootstrap.log"
git clone -q "$ROOT" "$FS/root/livechat"
cp /etc/resolv.conf "$FS/etc/resolv.conf"
# a network that inspects TLS gives this machine its CA bundle: the fresh system needs it to reach PyPI
cp /etc/ssl/certs/ca-certificates.crt "$FS/etc/ssl/certs/ca-certificates.crt"
mount -t proc proc "$FS/proc"; mount --rbind /sys "$FS/sys"; mount --rbind /dev "$FS/dev"
# the host's PostgreSQL may hold port 5432 (same network): the fresh one then gets the next port,
# as Debian's pg_createcluster picks it
PGPORT=5432
if pg_isready -q -h localhost -p 5432 2>/dev/null; then PGPORT=5433; fi
IN_FS=(chroot "$FS" /usr/bin/env HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin PGPORT="$PGPORT"
       PIP_CERT=/etc/ssl/certs/ca-certificates.crt /bin/bash -c)
log "tools/setup.sh in the fresh system"
"${IN_FS[@]}" "cd /root/livechat && ./tools/setup.sh"
case "$MODE" in
    test) log "./test in the fresh system"; "${IN_FS[@]}" "cd /root/livechat && ./test" ;;
    repair)
        log "a venv without pip and no stamp (a failed first run): the set-up must rebuild it"
        "${IN_FS[@]}" "cd /root/livechat && rm -rf .cache/venv/lib/python3.11/site-packages/pip .cache/venv/.stamp && ./tools/setup.sh && .cache/venv/bin/python -m pip --version" ;;
esac
log "ok"
