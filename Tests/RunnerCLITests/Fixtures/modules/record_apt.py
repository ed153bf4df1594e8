#!/usr/bin/env python3
"""Record what the real ansible-playbook (ansible-core 2.21) returns for the apt and package
modules, as goldens for Tests/RunnerCLITests/AptModuleTests.swift.

    sudo /tmp/oracle/bin/python Tests/RunnerCLITests/Fixtures/modules/record_apt.py
    (run as root on Debian with python3-apt: the playbooks install and remove the
     runner-test-a/-b packages; ORACLE_VENV defaults to /tmp/oracle)

A temporary directory gets Tests/Support/apt-test-repo.sh's throw-away repository in {dir}/apt
(the playbooks point APT_CONFIG at it, so nothing reaches a Debian mirror); apt.yml runs first,
then apt_check.yml with --check on the same cache. The module runs under /usr/bin/python3,
which has python3-apt.

Writes apt_expected.json: {playbook: {"exit_code": n, "tasks": [result, ...]}} where a result
is the task's json-callback result without "action", "exception", "invocation" and
"_ansible*" keys; cache_update_time is replaced by its type name, the temporary directory by
{dir}, and dpkg's "N files and directories currently installed" count by N.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", "..", "Support", "apt-test-repo.sh"))
VENV = os.environ.get("ORACLE_VENV", "/tmp/oracle")
TOOL = os.path.join(VENV, "bin", "ansible-playbook")
PLAYBOOKS = [("apt.yml", []), ("apt_check.yml", ["--check"])]
VOLATILE = {"cache_update_time"}
DROPPED = {"action", "exception", "invocation"}
COUNT = re.compile(r"\d+ files and directories currently installed")


def normalize(value, work):
    if isinstance(value, str):
        return COUNT.sub("N files and directories currently installed", value.replace(work, "{dir}"))
    if isinstance(value, list):
        return [normalize(v, work) for v in value]
    if isinstance(value, dict):
        return {k: normalize(v, work) for k, v in value.items()}
    return value


def clean(result, work):
    out = {}
    for key, value in sorted(result.items()):
        if key in DROPPED or key.startswith("_ansible"):
            continue
        out[key] = type(value).__name__ if key in VOLATILE else normalize(value, work)
    return out


def run(work, playbook, extra):
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_NOCOLOR="1")
    argv = [TOOL, "-i", "hosts", playbook, "-e", json.dumps({"apt_dir": work + "/apt"})] + extra
    proc = subprocess.run(argv, cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    doc = json.loads(proc.stdout[proc.stdout.index("{"):])
    tasks = [t["hosts"]["h1"] for play in doc["plays"] for t in play["tasks"]]
    return {"exit_code": proc.returncode, "tasks": [clean(r, work) for r in tasks]}


def main():
    if os.geteuid() != 0:
        sys.exit("run as root")
    recorded = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = os.path.realpath(tmp)
            subprocess.run(["sh", REPO, work + "/apt"], check=True)
            for name, _ in PLAYBOOKS:
                with open(os.path.join(HERE, name)) as src, open(os.path.join(work, name), "w") as dst:
                    dst.write(src.read())
            with open(os.path.join(work, "hosts"), "w") as f:
                f.write("h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")
            for name, extra in PLAYBOOKS:
                recorded[name] = run(work, name, extra)
    finally:
        subprocess.run(["dpkg", "--purge", "runner-test-a", "runner-test-b"], capture_output=True)
    with open(os.path.join(HERE, "apt_expected.json"), "w") as f:
        json.dump(recorded, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
