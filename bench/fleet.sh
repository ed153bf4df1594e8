#!/usr/bin/env bash
# runner against ansible-playbook against the plain-ssh floor, on a fleet of loopback sshd
# targets (one sshd per host, own host key and config, user runnertest with sudo), in one run,
# interleaved. Prints medians (min-max), ratios and peak memory of each whole process tree.
#
#   bench/fleet.sh [-r REPEAT] [-f FORKS] [-a ANSIBLE_PLAYBOOK] [N ...]     (default: 1 10 50 100)
#   PROV_MAX=N: the provisioning playbook only up to N hosts (default 10)
#
#   1. register-user path (bench/playbooks/register-user-path.yml: become, facts, the fail
#      checks, service, a template, a copy, the register command) at each N
#   2. the 40-task provisioning playbook (bench/playbooks/provision.yml) at each N
#   3. the floor: runner's own remote work for (1), captured and replayed with one plain `ssh`
#      per task per host over a ControlMaster
#   4. --list-tasks on 100 roles with 20,000 lines of chained defaults
#   5. start-up: runner --version against ansible-playbook --version
# Run as root (it starts sshd processes and adds /etc/init.d/runner-bench-svc). ansible-core comes
# from -a, $ANSIBLE_PLAYBOOK or /tmp/oracle (python3.13 -m venv /tmp/oracle && /tmp/oracle/bin/pip
# install ansible). Not part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=3
forks=10
# ansible-playbook needs about 4 minutes for the 40-task playbook on 10 hosts; above this many
# hosts only the register-user path is measured.
prov_max=${PROV_MAX:-10}
ansible_playbook=${ANSIBLE_PLAYBOOK:-/tmp/oracle/bin/ansible-playbook}
while getopts "r:f:a:" opt; do
    case $opt in
        r) repeat=$OPTARG ;;
        f) forks=$OPTARG ;;
        a) ansible_playbook=$OPTARG ;;
        *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
sizes=("${@:-1 10 50 100}")
read -r -a sizes <<<"${sizes[*]}"
[ "$(id -u)" = 0 ] || { echo "bench/fleet.sh: run as root" >&2; exit 1; }
[ -x "$ansible_playbook" ] || { echo "bench/fleet.sh: no ansible-playbook at $ansible_playbook" >&2; exit 1; }

swift build -c release --product runner --quiet
runner=$(pwd)/.build/release/runner
max=0; for n in "${sizes[@]}"; do [ "$n" -gt "$max" ] && max=$n; done
fleet=/tmp/rfb
work=$(mktemp -d /tmp/runner-fleet.XXXXXX)
export RUNNER_SSHD_BASE_PORT=23000
cleanup() {
    Tests/Support/sshd-fleet.sh stop "$fleet" >/dev/null 2>&1 || true
    rm -f /etc/init.d/runner-bench-svc
    rm -rf "$work" /tmp/runner-bench
    for u in $(getent passwd | cut -d: -f1 | grep '^rb_t'); do userdel "$u" 2>/dev/null || true; done
    for g in $(getent group | cut -d: -f1 | grep '^rb_t'); do groupdel "$g" 2>/dev/null || true; done
}
trap cleanup EXIT
Tests/Support/sshd-fleet.sh start "$max" "$fleet" >/dev/null
printf '#!/bin/sh\n# runner bench stand-in service\ncase "$1" in start|stop|restart|status) exit 0 ;; *) exit 2 ;; esac\n' \
    > /etc/init.d/runner-bench-svc
chmod 0755 /etc/init.d/runner-bench-svc

ssh_args="-o UserKnownHostsFile=$fleet/known_hosts -o IdentitiesOnly=yes"
inventory() { # inventory N -> path
    local n=$1 f="$work/hosts-$1"
    {
        echo "[all:vars]"
        echo "ansible_user=runnertest"
        echo "ansible_ssh_private_key_file=$fleet/client_key"
        echo "ansible_ssh_common_args='$ssh_args'"
        echo "ansible_python_interpreter=/usr/bin/python3"
        echo "[fleet]"
        for ((i = 0; i < n; i++)); do printf 't%03d ansible_host=127.0.0.1 ansible_port=%d\n' "$i" $((23000 + i)); done
    } > "$f"
    echo "$f"
}

measure() { # measure LABEL CMD... -> appends "seconds kib rc" to $work/LABEL
    local label=$1; shift
    rm -rf /tmp/runner-bench
    python3 bench/tree-peak.py "$@" >> "$work/$label" 2>&1 || true
}

# The floor: exactly the remote work runner does for register-user-path.yml, captured once
# (each task's stdin stream and the fixed remote command, through a recording ssh wrapper) and
# replayed with one plain `ssh` per task per host over one ControlMaster per host, FORKS hosts
# at a time. What runner adds on top of it is its own controller-side cost.
capture_floor() {
    mkdir -p "$work/capture"
    cat > "$work/capture-ssh" <<WRAP
#!/bin/sh
n=\$(date +%s%N)
cat > "$work/capture/\$n.stream"
for last; do :; done
printf '%s' "\$last" > "$work/capture/command"
exec /usr/bin/ssh "\$@" < "$work/capture/\$n.stream"
WRAP
    chmod 0755 "$work/capture-ssh"
    "$runner" -i "$(inventory 1)" bench/playbooks/register-user-path.yml -e ansible_ssh_executable="$work/capture-ssh" >/dev/null 2>&1
    rm -rf /tmp/runner-bench
    ls "$work/capture"/*.stream >/dev/null 2>&1 || { echo "bench/fleet.sh: capturing runner's streams failed" >&2; exit 1; }
}
floor_host() { # floor_host PORT NAME
    local port=$1 name=$2 ctl="$work/ctl-$2" command
    command=$(cat "$work/capture/command")
    local ssh=(ssh -p "$port" -i "$fleet/client_key" $ssh_args -o ControlPath="$ctl" runnertest@127.0.0.1)
    ssh -MNf -p "$port" -i "$fleet/client_key" $ssh_args -o ControlMaster=yes -o ControlPath="$ctl" runnertest@127.0.0.1
    for stream in "$work/capture"/*.stream; do "${ssh[@]}" "$command" < "$stream"; done
    ssh -O exit -o ControlPath="$ctl" runnertest@127.0.0.1 2>/dev/null
}
export -f floor_host
export work fleet ssh_args
floor() { # floor N
    local n=$1
    for ((i = 0; i < n; i++)); do printf '%d t%03d\n' $((23000 + i)) "$i"; done |
        xargs -P "$forks" -L 1 bash -c 'floor_host "$0" "$1" >/dev/null 2>&1'
}
export -f floor
export forks

stats() { # stats FILE -> "median min max" of column 1, and max of column 2
    sort -n "$1" | awk '{t[NR]=$1; if ($2>m) m=$2} END {printf "%.2f %.2f %.2f %d", t[int((NR+1)/2)], t[1], t[NR], m/1024}'
}
rcs() { awk '{print $3}' "$1" | sort -u | tr '\n' ' '; }

capture_floor
env_common=(env ANSIBLE_NOCOLOR=1 ANSIBLE_FORKS="$forks")
for n in "${sizes[@]}"; do
    inv=$(inventory "$n")
    for ((r = 0; r < repeat; r++)); do
        measure "reg-runner-$n" "${env_common[@]}" "$runner" -i "$inv" -f "$forks" bench/playbooks/register-user-path.yml
        measure "reg-ansible-$n" "${env_common[@]}" "$ansible_playbook" -i "$inv" -f "$forks" bench/playbooks/register-user-path.yml
        measure "reg-floor-$n" bash -c "floor $n"
        if [ "$n" -le "$prov_max" ]; then
            measure "prov-runner-$n" "${env_common[@]}" "$runner" -i "$inv" -f "$forks" bench/playbooks/provision.yml
            measure "prov-ansible-$n" "${env_common[@]}" "$ansible_playbook" -i "$inv" -f "$forks" bench/playbooks/provision.yml
        fi
    done
done

# 4. --list-tasks on 100 roles with 20,000 lines of chained defaults.
python3 - "$work/roles-project" <<'PY'
import os, sys
root = sys.argv[1]
for r in range(100):
    d = os.path.join(root, "roles", f"role{r:03d}")
    os.makedirs(os.path.join(d, "defaults"))
    os.makedirs(os.path.join(d, "tasks"))
    with open(os.path.join(d, "defaults", "main.yml"), "w") as f:
        f.write("---\n")
        for i in range(200):
            prev = f"role{r:03d}_v{i-1}" if i else f"role{(r-1)%100:03d}_v199"
            f.write(f"role{r:03d}_v{i}: \"{{{{ {prev} | default('x') }}}}-{i}\"\n")
    with open(os.path.join(d, "tasks", "main.yml"), "w") as f:
        f.write("---\n")
        for t in range(5):
            f.write(f"- name: role {r} task {t}\n  ansible.builtin.debug:\n    msg: \"{{{{ role{r:03d}_v{t} }}}}\"\n  tags: [r{r}, t{t}]\n")
with open(os.path.join(root, "site.yml"), "w") as f:
    f.write("- hosts: all\n  gather_facts: false\n  roles:\n" + "".join(f"    - role{r:03d}\n" for r in range(100)))
with open(os.path.join(root, "hosts"), "w") as f:
    f.write("h1 ansible_connection=local\n")
PY
for ((r = 0; r < repeat; r++)); do
    measure list-runner "$runner" -i "$work/roles-project/hosts" "$work/roles-project/site.yml" --list-tasks
    measure list-ansible "$ansible_playbook" -i "$work/roles-project/hosts" "$work/roles-project/site.yml" --list-tasks
    measure version-runner "$runner" --version
    measure version-ansible "$ansible_playbook" --version
done

ratio() { echo "$1 $2" | awk '{ if ($1 > 0) printf "%.1fx", $2 / $1; else print "-" }'; }
printf '\nforks %d, %d runs each (median, min-max seconds; peak MiB of the process tree; exit codes)\n' "$forks" "$repeat"
printf '%-26s %6s %-22s %-22s %-22s %9s %9s\n' case hosts runner ansible-playbook floor ansible/run run/floor
for n in "${sizes[@]}"; do
    for kind in reg prov; do
        [ -s "$work/$kind-runner-$n" ] || continue
        read -r rm rmin rmax rmem <<<"$(stats "$work/$kind-runner-$n")"
        read -r am amin amax amem <<<"$(stats "$work/$kind-ansible-$n")"
        fcell=-; fratio=-
        if [ "$kind" = reg ]; then
            read -r fm fmin fmax fmem <<<"$(stats "$work/reg-floor-$n")"
            fcell="$fm ($fmin-$fmax)"; fratio=$(ratio "$fm" "$rm")
        fi
        name=$([ "$kind" = reg ] && echo register-user-path || echo provision-40-tasks)
        printf '%-26s %6d %-22s %-22s %-22s %9s %9s\n' "$name" "$n" \
            "$rm ($rmin-$rmax) ${rmem}M" "$am ($amin-$amax) ${amem}M" "$fcell" "$(ratio "$rm" "$am")" "$fratio"
        printf '%-26s %6s exit codes: runner %s ansible %s\n' "" "" "$(rcs "$work/$kind-runner-$n")" "$(rcs "$work/$kind-ansible-$n")"
    done
done
for kind in list version; do
    read -r rm rmin rmax rmem <<<"$(stats "$work/$kind-runner")"
    read -r am amin amax amem <<<"$(stats "$work/$kind-ansible")"
    name=$([ "$kind" = list ] && echo "list-tasks-100-roles" || echo "start-up (--version)")
    printf '%-26s %6s %-22s %-22s %-22s %9s\n' "$name" - "$rm ($rmin-$rmax) ${rmem}M" "$am ($amin-$amax) ${amem}M" - "$(ratio "$rm" "$am")"
done
