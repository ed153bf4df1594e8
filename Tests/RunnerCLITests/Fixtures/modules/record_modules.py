#!/usr/bin/env python3
"""Record what the real ansible-playbook (ansible-core 2.21) returns for the account,
wait_for, service, stat, ping, slurp, tempfile, find and file modules, as goldens for
Tests/RunnerCLITests/AccountModuleTests.swift (and its +Files extension).

    sudo /tmp/oracle/bin/python Tests/RunnerCLITests/Fixtures/modules/record_modules.py [PLAYBOOK ...]
    (run as root: the playbooks create and remove rt_* users and groups and an
     /etc/init.d/rt_runner_svc script; ORACLE_VENV defaults to /tmp/oracle)

Each playbook beside this script is copied to a temporary directory and run against one
local host with ANSIBLE_STDOUT_CALLBACK=json; `account_check.yml` is run with --check.
wait_for.yml gets `open_port` (a port this script listens on, 127.0.0.1) and `closed_port`
(one nothing listens on); they are written as {open_port} and {closed_port} in messages.

Writes modules_expected.json: {playbook: {"exit_code": n, "tasks": [result, ...]}} where a
result is the task's json-callback result without "action", "exception", "invocation"
and "_ansible*" keys; values that differ from one machine or run to the next (uid, gid,
group, elapsed, status, delta, start, end; inside `stat`: times, inode, dev, nlink and the
lsattr version; the same in each of find's `files`, which are sorted by path) are replaced by their type name, the temporary
directory by {dir}; copy and file tasks (set-up) keep only "changed", except file tasks in
the playbooks FULL_FILE_RESULTS names, which test file itself, and copy tasks in those
FULL_COPY_RESULTS names (where a backup_file's pid and time become {pid} and {time}).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.environ.get("ORACLE_VENV", "/tmp/oracle")
TOOL = os.path.join(VENV, "bin", "ansible-playbook")
PLAYBOOKS = [("group.yml", []), ("user.yml", []), ("account_check.yml", ["--check"]),
             ("wait_for.yml", []), ("service.yml", []), ("systemd.yml", []), ("stat.yml", []),
             ("ping.yml", []), ("slurp.yml", []), ("tempfile.yml", []),
             ("find.yml", []), ("file_recurse.yml", []), ("file_results.yml", []), ("copy_remote.yml", [])]
FULL_FILE_RESULTS = {"file_results.yml"}
# Playbooks testing copy itself, whose copy results are kept whole.
FULL_COPY_RESULTS = {"copy_remote.yml"}
# A backup's name carries the module's pid and the time: kept as its shape.
BACKUP_SUFFIX = re.compile(r"\.[0-9]+\.[0-9]{4}-[0-9]{2}-[0-9]{2}@[0-9]{2}:[0-9]{2}:[0-9]{2}~$")
VOLATILE = {"uid", "gid", "group", "elapsed", "status", "delta", "start", "end"}
# Inside a stat result: what changes from one file or run to the next.
STAT_VOLATILE = {"atime", "mtime", "ctime", "inode", "dev", "nlink", "version"}
DROPPED = {"action", "exception", "invocation"}


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def normalize(value, ports, work):
    if isinstance(value, str):
        value = value.replace(work, "{dir}")
        for name, port in ports.items():
            value = value.replace("127.0.0.1:%d" % port, "127.0.0.1:{%s}" % name)
        return value
    if isinstance(value, list):
        return [normalize(v, ports, work) for v in value]
    if isinstance(value, dict):
        return {normalize(k, ports, work): normalize(v, ports, work) for k, v in value.items()}
    return value


def clean(result, ports, work, playbook):
    if (result.get("action") == "copy" and playbook not in FULL_COPY_RESULTS) or \
            (result.get("action") == "file" and playbook not in FULL_FILE_RESULTS):
        return {"changed": result.get("changed")}
    out = {}
    for key, value in sorted(result.items()):
        if key in DROPPED or key.startswith("_ansible"):
            continue
        if key == "stat" and isinstance(value, dict):
            value = {k: type(v).__name__ if k in STAT_VOLATILE else normalize(v, ports, work) for k, v in value.items()}
        elif key == "files" and isinstance(value, list) and result.get("action") == "find":
            # find lists in readdir order, which on ext4 follows a per-filesystem hash seed:
            # compared by path instead (runner walks in the same order on the same machine).
            value = sorted(({k: type(v).__name__ if k in STAT_VOLATILE else normalize(v, ports, work) for k, v in f.items()}
                            for f in value), key=lambda f: f["path"])
        elif key == "backup_file" and isinstance(value, str):
            value = BACKUP_SUFFIX.sub(".{pid}.{time}~", value)
        elif key == "port" and value in ports.values():
            value = "{%s}" % next(k for k, v in ports.items() if v == value)
        out[key] = type(value).__name__ if key in VOLATILE else normalize(value, ports, work)
    return out


def run(playbook, extra):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    ports = {"open_port": listener.getsockname()[1], "closed_port": free_port()}
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.realpath(tmp)
        shutil.copy(os.path.join(HERE, playbook), work)
        with open(os.path.join(work, "hosts"), "w") as f:
            f.write("h1 ansible_connection=local ansible_python_interpreter=%s\n" % os.path.join(VENV, "bin", "python"))
        env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_NOCOLOR="1")
        argv = [TOOL, "-i", "hosts", playbook, "-e", json.dumps(ports)] + extra
        proc = subprocess.run(argv, cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        listener.close()
        doc = json.loads(proc.stdout[proc.stdout.index("{"):])
        tasks = [t["hosts"]["h1"] for play in doc["plays"] for t in play["tasks"]]
        return {"exit_code": proc.returncode, "tasks": [clean(r, ports, work, playbook) for r in tasks]}


def main():
    if os.geteuid() != 0:
        sys.exit("run as root")
    # Playbook names as arguments re-record only those; the others keep their goldens.
    chosen = sys.argv[1:] or [name for name, _ in PLAYBOOKS]
    target = os.path.join(HERE, "modules_expected.json")
    recorded = {}
    if sys.argv[1:] and os.path.exists(target):
        with open(target) as f:
            recorded = json.load(f)
    recorded.update({name: run(name, extra) for name, extra in PLAYBOOKS if name in chosen})
    with open(target, "w") as f:
        json.dump(recorded, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
