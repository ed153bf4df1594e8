#!/usr/bin/env python3
"""Runs a command and prints "<seconds> <peak KiB>" to stderr's last line: the wall time and the
peak of the summed resident memory of the command's whole process tree (sampled from /proc every
100 ms, which costs little CPU; the wall time is taken the moment the command exits), so that
ansible's worker processes and runner's ssh clients both count."""
import os
import subprocess
import sys
import time


def tree_rss(root):
    children = {}
    rss = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ppid = int(fields[1])
            with open(f"/proc/{pid}/statm") as f:
                pages = int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(pid))
        rss[int(pid)] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


start = time.monotonic()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
peak = 0
while True:
    peak = max(peak, tree_rss(process.pid))
    try:
        process.wait(timeout=0.1)
        break
    except subprocess.TimeoutExpired:
        pass
elapsed = time.monotonic() - start
print(f"{elapsed:.3f} {peak} {process.returncode}")
