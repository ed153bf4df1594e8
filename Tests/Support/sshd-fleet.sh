#!/bin/sh
# Test sshd fleet on loopback, for runner's ssh tests. Run as root.
#
#   sshd-fleet.sh start N [DIR]   start N sshd on 127.0.0.1, ports 22220.. (one per simulated host)
#   sshd-fleet.sh stop [DIR]      stop them (by the PIDs recorded at start) and remove DIR
#
# DIR (default /tmp/runner-sshd) receives: client_key (+.pub) for logging in as the test user
# (passwordless sudo) or as root (key only), the host key, sshd_config, a known_hosts file
# naming every started port, and per port sshd-PORT.pid / sshd-PORT.log. Prints "port" lines,
# one per started sshd. The user is `runnertest` unless RUNNER_SSHD_USER names another (the
# demo target uses its own); the first port is 22220 unless RUNNER_SSHD_BASE_PORT says else.
# The user gets a clean home (no .bashrc tricks), a `*` password field (sshd with
# `UsePAM no` refuses a `!` locked account) and /etc/sudoers.d/runnertest.
set -eu

cmd=${1:-}
BASE_PORT=${RUNNER_SSHD_BASE_PORT:-22220}
TEST_USER=${RUNNER_SSHD_USER:-runnertest}

fail() { echo "sshd-fleet: $*" >&2; exit 1; }

start() {
    count=$1
    dir=$2
    [ "$(id -u)" = 0 ] || fail "must run as root"
    [ -x /usr/sbin/sshd ] || fail "/usr/sbin/sshd not found (apt-get install openssh-server)"
    command -v ssh-keygen >/dev/null || fail "ssh-keygen not found (apt-get install openssh-client)"
    mkdir -p "$dir"
    chmod 0755 "$dir"
    mkdir -p /run/sshd
    chmod 0755 /run/sshd

    if ! id $TEST_USER >/dev/null 2>&1; then
        useradd --create-home --home-dir /home/$TEST_USER --shell /bin/sh $TEST_USER
    fi
    usermod -p '*' $TEST_USER
    home=$(getent passwd $TEST_USER | cut -d: -f6)
    mkdir -p "$home/.ssh"
    # A clean home: no profile scripts that slow down or print on login.
    rm -f "$home/.bashrc" "$home/.profile" "$home/.bash_logout"
    chown $TEST_USER:$TEST_USER "$home" "$home/.ssh"
    chmod 0755 "$home"
    chmod 0700 "$home/.ssh"
    if command -v visudo >/dev/null 2>&1 || [ -d /etc/sudoers.d ]; then
        mkdir -p /etc/sudoers.d
        echo "$TEST_USER ALL=(ALL) NOPASSWD: ALL" > "/etc/sudoers.d/$TEST_USER"
        chmod 0440 "/etc/sudoers.d/$TEST_USER"
    fi

    [ -f "$dir/client_key" ] || ssh-keygen -q -t ed25519 -N '' -C runner-test-client -f "$dir/client_key"
    [ -f "$dir/host_key" ] || ssh-keygen -q -t ed25519 -N '' -C runner-test-host -f "$dir/host_key"
    chmod 0600 "$dir/client_key" "$dir/host_key"
    # Appended, not replaced: fleets started by concurrent test runs share the user.
    touch "$home/.ssh/authorized_keys"
    grep -qxF "$(cat "$dir/client_key.pub")" "$home/.ssh/authorized_keys" || cat "$dir/client_key.pub" >> "$home/.ssh/authorized_keys"
    chown $TEST_USER:$TEST_USER "$home/.ssh/authorized_keys"
    chmod 0600 "$home/.ssh/authorized_keys"
    # Root logs in by key too, through its own authorized keys file kept in DIR (root's real
    # ~/.ssh is left alone).
    cp "$dir/client_key.pub" "$dir/root_authorized_keys"
    chmod 0644 "$dir/root_authorized_keys"

    cat > "$dir/sshd_config" <<EOF
ListenAddress 127.0.0.1
HostKey $dir/host_key
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
# The key files live under DIR in /tmp (world-writable parent), which StrictModes rejects.
StrictModes no
# As on a stock server: ansible copies its modules with sftp.
Subsystem sftp internal-sftp
AllowUsers $TEST_USER root
Match User root
    AuthorizedKeysFile $dir/root_authorized_keys
Match User $TEST_USER
    AuthorizedKeysFile .ssh/authorized_keys
EOF
    # MaxStartups/MaxSessions stay at their defaults: one sshd per simulated host.
    /usr/sbin/sshd -t -f "$dir/sshd_config" || fail "sshd -t rejected $dir/sshd_config"

    i=0
    while [ "$i" -lt "$count" ]; do
        port=$((BASE_PORT + i))
        pidfile="$dir/sshd-$port.pid"
        if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
            echo "port $port"
            i=$((i + 1))
            continue
        fi
        rm -f "$pidfile"
        /usr/sbin/sshd -f "$dir/sshd_config" -o "Port=$port" -o "PidFile=$pidfile" -E "$dir/sshd-$port.log"
        n=0
        while [ ! -s "$pidfile" ] && [ "$n" -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
        [ -s "$pidfile" ] || fail "sshd on port $port did not start: $(tail -3 "$dir/sshd-$port.log" 2>/dev/null)"
        echo "port $port"
        i=$((i + 1))
    done
    # Host key checking stays on for the clients: they trust exactly this host key.
    : > "$dir/known_hosts"
    i=0
    while [ "$i" -lt "$count" ]; do
        echo "[127.0.0.1]:$((BASE_PORT + i)) $(cut -d' ' -f1,2 "$dir/host_key.pub")" >> "$dir/known_hosts"
        i=$((i + 1))
    done
}

stop() {
    dir=$1
    [ -d "$dir" ] || exit 0
    for pidfile in "$dir"/sshd-*.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
        rm -f "$pidfile"
    done
    rm -rf "$dir"
}

case "$cmd" in
    start) [ $# -ge 2 ] || fail "usage: $0 start N [DIR]"; start "$2" "${3:-/tmp/runner-sshd}" ;;
    stop) stop "${2:-/tmp/runner-sshd}" ;;
    *) fail "usage: $0 start N [DIR] | stop [DIR]" ;;
esac
