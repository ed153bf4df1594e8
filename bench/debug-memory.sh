#!/usr/bin/env bash
# Memory against task count: 1,000 and 10,000 `debug` tasks on 20 local hosts. Prints the
# peak resident memory of each run; a flat figure means memory does not grow with the tasks.
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
for n in 1000 10000; do
  python3 - "$work/site-$n.yml" "$n" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("- hosts: bench\n  gather_facts: false\n  vars:\n    greeting: hello\n  tasks:\n")
    for i in range(n):
        f.write(f"    - name: task {i}\n      debug:\n        msg: \"{{{{ greeting }}}} {i} from {{{{ inventory_hostname }}}}\"\n")
PY
done
printf '%-8s %10s %12s\n' tasks seconds peak_rss_MiB
for n in 1000 10000; do
  out=$( { /usr/bin/time -f '%e %M' "$runner" -i "$work/hosts" "$work/site-$n.yml" >/dev/null; } 2>&1 | tail -1)
  printf '%-8s %10s %12.1f\n' "$n" "${out% *}" "$(echo "${out#* } / 1024" | bc -l)"
done
