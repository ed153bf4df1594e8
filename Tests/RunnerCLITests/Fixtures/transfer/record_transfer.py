#!/usr/bin/env python3
"""Record what the real ansible-playbook (ansible-core 2.21) returns for raw, script, fetch,
find, get_url and uri, as goldens for Tests/RunnerCLITests/TransferModuleTests.swift.

    sudo /tmp/oracle/bin/python Tests/RunnerCLITests/Fixtures/transfer/record_transfer.py
    (ORACLE_VENV defaults to /tmp/oracle; everything happens in a temporary directory)

Each playbook beside this script is copied to a temporary directory and run against one
local host with ANSIBLE_STDOUT_CALLBACK=json (transfer_check.yml with --check) and `-e {"http_port": N}`, N being the port of
http_echo.py (started here for each playbook and killed by its PID afterwards).

Writes transfer_expected.json: {playbook: {"exit_code": n, "tasks": [result, ...]}} where a
result is the task's json-callback result without "action", "exception", "invocation",
"_ansible*" keys; at any depth, values of VOLATILE keys become their type name, in keys and
values the temporary directory becomes {dir}, the port {http_port}, a path through an Ansible temporary
file {tmp}; find's `files` are sorted by path; copy, file and command tasks (set-up) keep
only "changed". The Swift test normalises runner's results the same way.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.environ.get("ORACLE_VENV", "/tmp/oracle")
TOOL = os.path.join(VENV, "bin", "ansible-playbook")
PLAYBOOKS = [("raw.yml", []), ("script.yml", []), ("fetch.yml", []), ("find.yml", []),
             ("get_url.yml", []), ("uri.yml", []), ("transfer_check.yml", ["--check"])]
VOLATILE = {"atime", "mtime", "ctime", "inode", "dev", "uid", "gid", "elapsed", "delta", "start", "end",
            "blocks", "disk_usage_bytes"}
DROPPED = {"action", "exception", "invocation"}
SETUP = {"copy", "file", "command"}
TMP = re.compile(r"[^\s'\"]*ansible-tmp-[^\s'\"]*")


def normalize(value, port, work):
    if isinstance(value, str):
        value = value.replace(work, "{dir}").replace("127.0.0.1:%d" % port, "127.0.0.1:{http_port}")
        return TMP.sub("{tmp}", value)
    if isinstance(value, list):
        return [normalize(v, port, work) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out[normalize(k, port, work)] = type(v).__name__ if k in VOLATILE else normalize(v, port, work)
        if isinstance(out.get("files"), list):
            out["files"] = sorted(out["files"], key=lambda f: f.get("path", "") if isinstance(f, dict) else "")
        return out
    return value


def clean(result, port, work):
    if result.get("action") in SETUP:
        return {"changed": result.get("changed")}
    kept = {k: v for k, v in result.items() if k not in DROPPED and not k.startswith("_ansible")}
    return normalize(kept, port, work)


def run(playbook, extra):
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "http_echo.py")], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        with tempfile.TemporaryDirectory() as tmp:
            work = os.path.realpath(tmp)
            shutil.copy(os.path.join(HERE, playbook), work)
            with open(os.path.join(work, "hosts"), "w") as f:
                f.write("h1 ansible_connection=local ansible_python_interpreter=%s\n" % os.path.join(VENV, "bin", "python"))
            env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_NOCOLOR="1")
            argv = [TOOL, "-i", "hosts", playbook, "-e", json.dumps({"http_port": port})] + extra
            proc = subprocess.run(argv, cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
            doc = json.loads(proc.stdout[proc.stdout.index("{"):])
            tasks = [t["hosts"]["h1"] for play in doc["plays"] for t in play["tasks"]]
            return {"exit_code": proc.returncode, "tasks": [clean(r, port, work) for r in tasks]}
    finally:
        server.kill()
        server.wait()


def main():
    only = sys.argv[1:]
    path = os.path.join(HERE, "transfer_expected.json")
    recorded = {}
    if only and os.path.exists(path):
        with open(path) as f:
            recorded = json.load(f)
    for name, extra in PLAYBOOKS:
        if not only or name in only:
            recorded[name] = run(name, extra)
    with open(path, "w") as f:
        json.dump(recorded, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
