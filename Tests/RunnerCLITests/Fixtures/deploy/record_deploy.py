#!/usr/bin/env python3
"""Record what the real ansible-playbook (ansible-core 2.21) returns for the git and unarchive
modules and for `validate:` on copy, template, lineinfile, blockinfile and replace, as goldens
for Tests/RunnerCLITests/DeployModuleTests.swift.

    /tmp/oracle/bin/python Tests/RunnerCLITests/Fixtures/deploy/record_deploy.py [playbook.yml ...]
    (as root; ORACLE_VENV defaults to /tmp/oracle; everything happens in a temporary directory)

Each playbook beside this script is copied to a temporary directory and run against one local
host with ANSIBLE_STDOUT_CALLBACK=json (the *_check.yml ones with --check, *_diff.yml with
--diff; the *_url.yml ones with `-e {"http_port": N}`, N the port of ../transfer/http_echo.py,
started for the playbook and killed by its PID afterwards). Set-up tasks create their own inputs (git repositories with fixed author, committer
and dates, so commit hashes are the same on every machine with the same git; archives made with
tar and zip); their names start with "set up" and only their "changed" is kept.

Writes deploy_expected.json: {playbook: {"exit_code": n, "tasks": [result, ...]}} where a result
is the task's json-callback result without "action", "exception", "invocation", "_ansible*"
keys (and "diff" outside the *_diff.yml playbooks, as the conformance corpus drops it); at any depth, values of VOLATILE keys become their type name, and in keys and values the
temporary directory becomes {dir}, 127.0.0.1:N 127.0.0.1:{http_port}, and a path through an Ansible temporary file {tmp}; the lines
after the first of unarchive's "Failed to find handler" message are sorted (ansible joins its
reasons from a set, in no fixed order). The
Swift test normalises runner's results the same way.
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
PLAYBOOKS = ["validate.yml", "validate_check.yml", "unarchive.yml", "unarchive_check.yml", "unarchive_diff.yml", "unarchive_url.yml", "git.yml", "git_check.yml",
             "git_diff.yml", "git_submodules.yml"]
VOLATILE = {"atime", "mtime", "ctime", "inode", "dev", "uid", "gid", "elapsed", "delta", "start", "end",
            "blocks", "disk_usage_bytes"}
DROPPED = {"action", "exception", "invocation"}
TMP = re.compile(r"[^\s'\"]*ansible-tmp-[^\s'\"]*")


def normalize(value, work, port):
    if isinstance(value, str):
        return TMP.sub("{tmp}", value.replace(work, "{dir}").replace("127.0.0.1:%d" % port, "127.0.0.1:{http_port}"))
    if isinstance(value, list):
        return [normalize(v, work, port) for v in value]
    if isinstance(value, dict):
        return {normalize(k, work, port): type(v).__name__ if k in VOLATILE else normalize(v, work, port) for k, v in value.items()}
    return value


def clean(name, result, work, diff, port):
    if name.startswith("set up"):
        return {"changed": result.get("changed")}
    dropped = DROPPED if diff else DROPPED | {"diff"}
    kept = {k: v for k, v in result.items() if k not in dropped and not k.startswith("_ansible")}
    msg = kept.get("msg")
    if isinstance(msg, str) and msg.startswith("Failed to find handler"):
        first, _, rest = msg.partition("\n")
        kept["msg"] = "\n".join([first] + sorted(rest.split("\n")))
    return normalize(kept, work, port)


def run(playbook):
    extra = ["--check"] if playbook.endswith("_check.yml") else ["--diff"] if playbook.endswith("_diff.yml") else []
    server, port = None, 0
    if playbook.endswith("_url.yml"):
        server = subprocess.Popen([sys.executable, os.path.join(HERE, "..", "transfer", "http_echo.py")], stdout=subprocess.PIPE, text=True)
        port = int(server.stdout.readline())
        extra = ["-e", json.dumps({"http_port": port})]
    try:
        return record(playbook, extra, port)
    finally:
        if server:
            server.kill()
            server.wait()


def record(playbook, extra, port):
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.realpath(tmp)
        shutil.copy(os.path.join(HERE, playbook), work)
        with open(os.path.join(work, "hosts"), "w") as f:
            f.write("h1 ansible_connection=local ansible_python_interpreter=%s\n" % os.path.join(VENV, "bin", "python"))
        env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_NOCOLOR="1")
        argv = [TOOL, "-i", "hosts", playbook] + extra
        proc = subprocess.run(argv, cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        doc = json.loads(proc.stdout[proc.stdout.index("{"):])
        tasks = [(t["task"]["name"], t["hosts"]["h1"]) for play in doc["plays"] for t in play["tasks"]]
        return {"exit_code": proc.returncode, "tasks": [clean(n, r, work, "--diff" in extra, port) for n, r in tasks]}


def main():
    only = sys.argv[1:]
    path = os.path.join(HERE, "deploy_expected.json")
    recorded = {}
    if only and os.path.exists(path):
        with open(path) as f:
            recorded = json.load(f)
    for name in PLAYBOOKS:
        if (not only or name in only) and os.path.exists(os.path.join(HERE, name)):
            recorded[name] = run(name)
    with open(path, "w") as f:
        json.dump(recorded, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
