#!/usr/bin/env bash
# Memory against task count: 1,000, 5,000, 10,000 and 20,000 `debug` tasks on 20 local hosts.
# Prints the peak resident memory of each run, of just loading the same playbook, and the
# difference (what executing holds): a figure that stops growing means memory does not grow
# with the tasks.
# Usage: bench/debug-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runner=$PWD/.build/release/runner
[ -x "$runner" ] || swift build -c release >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  echo "[bench]"
  for i in $(seq -w 1 20); do echo "h$i ansible_connection=local"; done
} > "$work/hosts"
for n in 1000 5000 10000 20000; do
  python3 - "$work/site-$n.yml" "$n" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("- hosts: bench\n  gather_facts: false\n  vars:\n    greeting: hello\n  tasks:\n")
    for i in range(n):
        f.write(f"    - name: task {i}\n      debug:\n        msg: \"{{{{ greeting }}}} {i} from {{{{ inventory_hostname }}}}\"\n")
PY
done
# "load only" is --syntax-check on the same playbook: the memory the parsed playbook itself
# takes. The run's peak minus that is what executing the tasks holds on to.
printf '%-8s %10s %14s %16s %10s\n' tasks seconds run_peak_MiB load_only_MiB held_MiB
for n in 1000 5000 10000 20000; do
  run=$( { /usr/bin/time -f '%e %M' "$runner" -i "$work/hosts" "$work/site-$n.yml" >/dev/null; } 2>&1 | tail -1)
  load=$( { /usr/bin/time -f '%M' "$runner" -i "$work/hosts" "$work/site-$n.yml" --syntax-check >/dev/null; } 2>&1 | tail -1)
  printf '%-8s %10s %14.1f %16.1f %10.1f\n' "$n" "${run% *}" "$(echo "${run#* } / 1024" | bc -l)" "$(echo "$load / 1024" | bc -l)" \
    "$(echo "(${run#* } - $load) / 1024" | bc -l)"
done
