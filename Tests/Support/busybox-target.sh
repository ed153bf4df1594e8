#!/bin/sh
# A BusyBox-only target for runner's ssh tests: an sshd on 127.0.0.1 that puts its users in a
# chroot holding nothing but a static busybox (its sh and applets), a few device nodes and
# the account files. No Python, no GNU coreutils, no bash. Run as root.
#
#   busybox-target.sh start DIR PORT FLEETDIR   start it; prints "port PORT"
#   busybox-target.sh stop DIR                  stop it (by its PID file) and remove DIR
#
# FLEETDIR is a started sshd-fleet.sh directory: its host key, and its client key (already
# authorised for `runnertest`, whose keys sshd reads before entering the chroot), are used.
# DIR must lie on a path of root-owned directories that others cannot write (sshd's rule for
# ChrootDirectory), such as /run/NAME; DIR/root is the chroot.
set -eu
fail() { echo "busybox-target: $*" >&2; exit 1; }
user=runnertest

case ${1:-} in
start)
    dir=$2 port=$3 fleet=$4
    [ "$(id -u)" = 0 ] || fail "must run as root"
    busybox=$(command -v busybox) || fail "busybox not found (apt-get install busybox-static)"
    ldd "$busybox" 2>&1 | grep -q 'not a dynamic executable' || fail "$busybox is not statically linked (apt-get install busybox-static)"
    [ -s "$fleet/host_key" ] || fail "$fleet has no host_key (start sshd-fleet.sh first)"
    id $user >/dev/null 2>&1 || fail "user $user does not exist (sshd-fleet.sh creates it)"
    root=$dir/root
    mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" "$root/tmp" "$root/dev" "$root/root"
    chmod 0755 "$dir" "$root"
    chmod 1777 "$root/tmp"
    cp "$busybox" "$root/bin/busybox"
    chroot "$root" /bin/busybox --install -s
    for node in "null c 1 3" "zero c 1 5" "random c 1 8" "urandom c 1 9"; do
        set -- $node
        [ -e "$root/dev/$1" ] || mknod -m 0666 "$root/dev/$1" "$2" "$3" "$4"
    done
    grep -E "^(root|$user):" /etc/passwd > "$root/etc/passwd"
    grep -E "^(root|$user):" /etc/group > "$root/etc/group"
    home=$(getent passwd $user | cut -d: -f6)
    mkdir -p "$root$home"
    chown $user:$user "$root$home"
    cat > "$dir/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $fleet/host_key
PidFile $dir/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
StrictModes no
AllowUsers $user
ChrootDirectory $root
CONF
    /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
    i=0
    while [ ! -s "$dir/sshd.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    [ -s "$dir/sshd.pid" ] || fail "sshd did not start: $(tail -3 "$dir/sshd.log" 2>/dev/null)"
    echo "port $port"
    ;;
stop)
    dir=$2
    [ -s "$dir/sshd.pid" ] && kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
    rm -rf "$dir"
    ;;
*)
    fail "usage: busybox-target.sh start DIR PORT FLEETDIR | stop DIR"
    ;;
esac
