#!/bin/sh
# An sshd on 127.0.0.1 that takes passwords, for the -k/-K tests. Run as root.
#
#   RUNNER_PW_PASSWORD=... sshd-password.sh start DIR PORT   start it; prints "port PORT"
#   sshd-password.sh stop DIR                                 stop it (by its PID file), remove
#                                                             DIR and the sudoers file
#
# The user `runnerpw` (created when missing) gets RUNNER_PW_PASSWORD as its password (through
# chpasswd's stdin, never argv) and sudo that asks for it every time
# (/etc/sudoers.d/runnerpw, timestamp_timeout=0). The sshd allows only that user and only
# password logins (no keys), with its own host key in DIR.
set -eu
fail() { echo "sshd-password: $*" >&2; exit 1; }
user=runnerpw

case ${1:-} in
start)
    dir=$2 port=$3
    [ "$(id -u)" = 0 ] || fail "must run as root"
    [ -x /usr/sbin/sshd ] || fail "/usr/sbin/sshd not found (apt-get install openssh-server)"
    [ -n "${RUNNER_PW_PASSWORD:-}" ] || fail "RUNNER_PW_PASSWORD is not set"
    mkdir -p "$dir" /run/sshd
    chmod 0755 /run/sshd
    id $user >/dev/null 2>&1 || useradd --create-home --home-dir /home/$user --shell /bin/sh $user
    home=$(getent passwd $user | cut -d: -f6)
    rm -f "$home/.bashrc" "$home/.profile" "$home/.bash_logout"
    printf '%s:%s\n' $user "$RUNNER_PW_PASSWORD" | chpasswd
    mkdir -p /etc/sudoers.d
    printf 'Defaults:%s timestamp_timeout=0, lecture=never\n%s ALL=(ALL) ALL\n' $user $user > /etc/sudoers.d/$user
    chmod 0440 /etc/sudoers.d/$user
    [ -f "$dir/host_key" ] || ssh-keygen -q -t ed25519 -N '' -C runner-test-host -f "$dir/host_key"
    cat > "$dir/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $dir/host_key
PidFile $dir/sshd.pid
UsePAM no
PasswordAuthentication yes
PermitEmptyPasswords no
KbdInteractiveAuthentication no
PubkeyAuthentication no
StrictModes no
AllowUsers $user
CONF
    /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
    i=0
    while [ ! -s "$dir/sshd.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    [ -s "$dir/sshd.pid" ] || fail "sshd did not start: $(cat "$dir/sshd.log" 2>/dev/null)"
    echo "port $port"
    ;;
stop)
    dir=$2
    [ -s "$dir/sshd.pid" ] && kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
    rm -rf "$dir"
    rm -f /etc/sudoers.d/$user
    ;;
*)
    fail "usage: sshd-password.sh start DIR PORT | stop DIR"
    ;;
esac
