#!/usr/bin/env python3
"""Record what the real ansible-playbook (ansible-core 2.21) returns for systemd.yml against a
real systemd, as goldens for Tests/RunnerCLITests/SystemdTests.swift.

    sudo /tmp/oracle/bin/python Tests/RunnerCLITests/Fixtures/systemd/record_systemd.py
    (run as root; ORACLE_VENV defaults to /tmp/oracle)

Boots a container with Tests/Support/systemd-container.sh (systemd as its PID 1, sshd on a
free port of 127.0.0.1), runs the playbook over ssh as the container's `runnersd` user with
become, stops the container, and writes systemd_expected.json:
{"exit_code": n, "tasks": [result, ...]} where a result is normalised by clean() below (the
Swift test applies the same rules to runner's results).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
CONTAINER = os.path.join(ROOT, "Tests", "Support", "systemd-container.sh")
VENV = os.environ.get("ORACLE_VENV", "/tmp/oracle")
TOOL = os.path.join(VENV, "bin", "ansible-playbook")
# Values that change from one boot or run to the next.
VOLATILE = {"delta", "start", "end", "src", "checksum", "md5sum"}
# What the tests compare of `status` (all of `systemctl show`): the unit's states and names,
# and how many properties there are (the same parser must find the same set).
STATUS_KEPT = ["ActiveState", "SubState", "LoadState", "UnitFileState", "FragmentPath", "Id", "Names", "Type",
               "Description", "CanStart", "CanStop", "CanReload"]
# Dropped: ansible's internal keys, and the deprecation notice ansible attaches to a result
# that reads an injected fact (runner does not attach deprecations to results).
DROPPED = {"action", "exception", "invocation", "deprecations", "stdout_lines", "stderr_lines"}


def clean(result):
    if result.get("action") == "copy":
        return {"changed": result.get("changed")}
    out = {}
    for key, value in sorted(result.items()):
        if key in DROPPED or key.startswith("_ansible"):
            continue
        if key == "ansible_facts":
            value = {"ansible_service_mgr": value.get("ansible_service_mgr")}
        elif key == "status":
            value = dict({k: value.get(k) for k in STATUS_KEPT if k in value}, properties=len(value))
        elif key in VOLATILE:
            value = type(value).__name__
        out[key] = value
    return out


def free_port() -> int:
    for port in range(22750, 22850):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    sys.exit("no free port")


def main():
    if os.geteuid() != 0:
        sys.exit("run as root")
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        box = os.path.join(tmp, "container")
        subprocess.run(["sh", CONTAINER, "start", box, str(port)], check=True)
        try:
            shutil.copy(os.path.join(HERE, "systemd.yml"), tmp)
            with open(os.path.join(tmp, "hosts"), "w") as f:
                f.write("sd ansible_host=127.0.0.1 ansible_port=%d ansible_user=runnersd "
                        "ansible_ssh_private_key_file=%s/client_key ansible_host_key_checking=false "
                        "ansible_python_interpreter=/usr/bin/python3\n" % (port, box))
            env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_NOCOLOR="1")
            proc = subprocess.run([TOOL, "-i", "hosts", "systemd.yml"], cwd=tmp, env=env,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True)
        finally:
            subprocess.run(["sh", CONTAINER, "stop", box], check=True)
    doc = json.loads(proc.stdout[proc.stdout.index("{"):])
    tasks = [t["hosts"]["sd"] for play in doc["plays"] for t in play["tasks"]]
    recorded = {"exit_code": proc.returncode, "tasks": [clean(r) for r in tasks]}
    with open(os.path.join(HERE, "systemd_expected.json"), "w") as f:
        json.dump(recorded, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
