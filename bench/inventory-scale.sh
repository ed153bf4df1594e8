#!/usr/bin/env bash
# Inventory load-and-list at scale: 10,000 hosts in 500 groups (with group and host vars),
# `runner inventory --list` against `ansible-inventory --list` on the same file, in one go.
# Usage: bench/inventory-scale.sh [ANSIBLE_INVENTORY_BIN]   (default /tmp/oracle/bin/ansible-inventory)
set -euo pipefail
cd "$(dirname "$0")/.."
runner=.build/release/runner
[ -x "$runner" ] || swift build -c release >/dev/null
ansible_inventory=${1:-/tmp/oracle/bin/ansible-inventory}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/hosts" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for g in range(500):
        f.write(f"[g{g}]\n")
        for h in range(20):
            n = g * 20 + h
            f.write(f"host{n:05d}.example.com ansible_port={2000 + n % 1000} idx={n}\n")
        f.write(f"\n[g{g}:vars]\ngroup_index={g}\nrole=r{g % 7}\n\n")
    f.write("[parents:children]\n" + "".join(f"g{g}\n" for g in range(0, 500, 5)))
PY
time_of() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
r=(); a=()
for i in 1 2 3; do
  r+=("$(time_of "$runner" inventory -i "$work/hosts" --list)")
  if [ -x "$ansible_inventory" ]; then a+=("$(time_of "$ansible_inventory" -i "$work/hosts" --list)"); fi
done
rm=$(printf '%s\n' "${r[@]}" | median)
printf 'inventory 10,000 hosts / 500 groups, --list, median of 3\n'
printf '  runner            %6.3f s\n' "$rm"
if [ ${#a[@]} -gt 0 ]; then
  am=$(printf '%s\n' "${a[@]}" | median)
  printf '  ansible-inventory %6.3f s\n' "$am"
  printf '  ratio ansible/runner: %.1fx\n' "$(echo "$am / $rm" | bc -l)"
fi
