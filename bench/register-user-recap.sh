#!/usr/bin/env bash
# The register-user job under runner and under the real ansible-playbook, on the same demo
# target, in one go: each registers a user of its own (a change), then the same user again
# (ok), then calls with admin=maybe (the role's failure, exit 2). Prints both recaps, exit codes
# and wall times side by side, and whether the recaps agree. Not run by CI (needs ansible-core).
# Usage: bench/register-user-recap.sh [ANSIBLE_PLAYBOOK_BIN]   (default /tmp/oracle/bin/ansible-playbook)
# Needs the demo homeserver up (`just demo`). Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
ansible_playbook=${1:-/tmp/oracle/bin/ansible-playbook}
[ -x "$ansible_playbook" ] || { echo "no ansible-playbook at $ansible_playbook (python3.13 -m venv /tmp/oracle && /tmp/oracle/bin/pip install ansible)" >&2; exit 1; }
swift build -c release --product runner --quiet
runner=.build/release/runner
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
suffix=$(date +%s)

run() { # run TOOL NAME USER ADMIN -> prints "code seconds recap"
    local tool=$1 name=$2 bin
    if [ "$tool" = runner ]; then bin=$runner; else bin=$ansible_playbook; fi
    local s e code
    s=$(date +%s.%N)
    set +e
    MATRIX_USERNAME=$3 MATRIX_PASSWORD="pw-$suffix" MATRIX_ADMIN=$4 ANSIBLE_NOCOLOR=1 \
        "$bin" -i inventory/hosts setup.yml --tags=register-user \
        --extra-vars=@playbooks/extra-vars/user-from-environment.yml >"$work/$tool-$name.out" 2>&1
    code=$?
    set -e
    e=$(date +%s.%N)
    printf '%s %.2f %s\n' "$code" "$(echo "$e - $s" | bc)" \
        "$(grep -E '^matrix\.demo\.localhost +:' "$work/$tool-$name.out" | sed 's/^[^:]*: *//; s/  */ /g')"
}

same=0; differ=0
printf '%-10s %-8s %4s %7s  %s\n' step tool exit seconds recap
for step in "new:$suffix:yes" "again:$suffix:yes" "maybe:$suffix:maybe"; do
    IFS=: read -r name id admin <<<"$step"
    r=$(run runner "$name" "r$id" "$admin")
    a=$(run ansible "$name" "a$id" "$admin")
    printf '%-10s %-8s %4s %7s  %s\n' "$name" runner ${r%% *} $(echo "$r" | cut -d' ' -f2) "$(echo "$r" | cut -d' ' -f3-)"
    printf '%-10s %-8s %4s %7s  %s\n' "$name" ansible ${a%% *} $(echo "$a" | cut -d' ' -f2) "$(echo "$a" | cut -d' ' -f3-)"
    if [ "$(echo "$r" | cut -d' ' -f1,3-)" = "$(echo "$a" | cut -d' ' -f1,3-)" ]; then same=$((same + 1)); else differ=$((differ + 1)); fi
done
echo "recaps and exit codes: $same steps agree, $differ differ"
[ "$differ" = 0 ]
