#!/bin/sh
# A real systemd (PID 1 of its own PID namespace, started by systemd-nspawn) for the systemd
# module tests, reached over ssh on 127.0.0.1. Run as root.
#
#   systemd-container.sh start DIR PORT   boot it; prints "port PORT" once its sshd answers
#   systemd-container.sh stop DIR         stop it (by the PID recorded at start), remove DIR
#
# DIR receives client_key (+.pub), which logs in as root or as `runnersd` (a user that exists
# only in the container, with passwordless sudo), and the container's root, DIR/root: the
# host's /usr bound read-only (Debian's merged /usr holds every program), a copy of /etc,
# empty /var, /tmp and /root. Only two units exist in its /etc/systemd/system: a target that
# starts an sshd on 127.0.0.1:PORT (the container shares the host's network namespace), after
# basic.target (so the boot-time clean-up of the container's /tmp is over before a test writes
# there), and that sshd. Nothing the tests do in it reaches the host's /etc or /var, and none
# of the host's enabled units (its /etc/systemd/system) exist in the container.
set -eu
fail() { echo "systemd-container: $*" >&2; exit 1; }

case ${1:-} in
start)
    dir=$2 port=$3
    [ "$(id -u)" = 0 ] || fail "must run as root"
    command -v systemd-nspawn >/dev/null || fail "systemd-nspawn not found (apt-get install systemd-container)"
    [ -x /lib/systemd/systemd ] || fail "/lib/systemd/systemd not found (apt-get install systemd)"
    [ -x /usr/sbin/sshd ] || fail "/usr/sbin/sshd not found (apt-get install openssh-server)"
    [ -L /bin ] || fail "the host's /bin is not a link into /usr (a merged /usr is needed)"
    root=$dir/root
    mkdir -p "$root"
    for d in usr var tmp run home root dev proc sys; do mkdir -p "$root/$d"; done
    chmod 1777 "$root/tmp"
    chmod 0700 "$root/root"
    for l in bin lib lib64 sbin; do [ -e "/$l" ] && ln -sfn "usr/$l" "$root/$l"; done
    cp -a /etc "$root/"
    # systemd-nspawn checks for an os-release file before /usr is bound.
    rm -f "$root/etc/os-release"
    cp /usr/lib/os-release "$root/etc/os-release"
    : > "$root/etc/machine-id"
    rm -rf "$root/etc/systemd/system"
    mkdir -p "$root/etc/systemd/system" "$root/etc/runner-sshd" "$root/etc/sudoers.d"
    ssh-keygen -q -t ed25519 -N '' -C runner-systemd-host -f "$root/etc/runner-sshd/host_key"
    ssh-keygen -q -t ed25519 -N '' -C runner-systemd-client -f "$dir/client_key"
    # The login user, in the container's copies of the account files only.
    grep -q '^runnersd:' "$root/etc/passwd" || {
        echo 'runnersd:x:1990:1990::/home/runnersd:/bin/sh' >> "$root/etc/passwd"
        echo 'runnersd:*:20000:0:99999:7:::' >> "$root/etc/shadow"
        echo 'runnersd:x:1990:' >> "$root/etc/group"
    }
    echo 'runnersd ALL=(ALL) NOPASSWD: ALL' > "$root/etc/sudoers.d/runnersd"
    chmod 0440 "$root/etc/sudoers.d/runnersd"
    for home in "$root/root" "$root/home/runnersd"; do
        mkdir -p "$home/.ssh"
        cp "$dir/client_key.pub" "$home/.ssh/authorized_keys"
    done
    chown -R 1990:1990 "$root/home/runnersd"
    cat > "$root/etc/runner-sshd/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey /etc/runner-sshd/host_key
PidFile /run/runner-sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
Subsystem sftp internal-sftp
AllowUsers runnersd root
CONF
    cat > "$root/etc/systemd/system/runner-test.target" <<'UNIT'
[Unit]
Description=runner's systemd test target
Requires=runner-sshd.service basic.target
After=runner-sshd.service basic.target
AllowIsolate=yes
UNIT
    cat > "$root/etc/systemd/system/runner-sshd.service" <<'UNIT'
[Unit]
Description=sshd for runner's systemd tests
DefaultDependencies=no

[Service]
ExecStartPre=/bin/mkdir -p /run/sshd
ExecStart=/usr/sbin/sshd -D -e -f /etc/runner-sshd/sshd_config
UNIT
    # --keep-unit and --register=no: the host has no systemd or D-Bus to ask for a scope.
    # bash closes every descriptor above 2 first: systemd-nspawn keeps what it inherits, and a
    # caller's descriptor held by the container (Foundation's Process gives each child a socket
    # whose closing tells it the child has ended) would make the caller wait for the container.
    bash -c 'for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$@"' nspawn \
        setsid systemd-nspawn --quiet --keep-unit --register=no --link-journal=no \
        --directory="$root" --bind-ro=/usr --machine="runner-sd-$port" --boot \
        -- systemd.unit=runner-test.target >"$dir/console.log" 2>&1 </dev/null &
    echo $! > "$dir/nspawn.pid"
    i=0
    while [ $i -lt 100 ]; do
        if ssh-keyscan -p "$port" 127.0.0.1 >/dev/null 2>&1; then
            # The container's init, as the host sees it: stopping kills it if it outlives
            # nspawn (a systemd that has re-executed itself may not halt when asked).
            pgrep -P "$(cat "$dir/nspawn.pid")" > "$dir/init.pid" || true
            echo "port $port"
            exit 0
        fi
        kill -0 "$(cat "$dir/nspawn.pid")" 2>/dev/null || break
        sleep 0.1; i=$((i + 1))
    done
    fail "the container's sshd did not answer on port $port: $(tail -20 "$dir/console.log" 2>/dev/null)"
    ;;
stop)
    dir=$2
    if [ -s "$dir/nspawn.pid" ]; then
        pid=$(cat "$dir/nspawn.pid")
        # SIGTERM asks systemd-nspawn to power the container off; it unmounts everything.
        kill "$pid" 2>/dev/null || true
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        # Killing the init of a PID namespace ends every process in it.
        if [ -s "$dir/init.pid" ]; then kill -9 "$(cat "$dir/init.pid")" 2>/dev/null || true; fi
        kill -9 "$pid" 2>/dev/null || true
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    fi
    # The container's mounts live in its own mount namespace; refuse to delete anything if one
    # is visible here all the same (DIR/root/usr would be the host's /usr).
    if [ -d "$dir/root/usr" ] && ! rmdir "$dir/root/usr" 2>/dev/null; then
        fail "$dir/root/usr is not empty (still mounted?); not removing $dir"
    fi
    if grep -q " $dir/" /proc/self/mounts; then fail "something is mounted under $dir; not removing it"; fi
    rm -rf "$dir"
    ;;
*)
    fail "usage: systemd-container.sh start DIR PORT | stop DIR"
    ;;
esac
