#!/usr/bin/env python3
"""Records what ansible-playbook prints for the ansible.cfg cases (run with the oracle's
ansible-playbook on PATH or ORACLE=/tmp/oracle). Writes expected.json beside this script."""
import json, os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.environ.get("ORACLE", "/tmp/oracle")
CASES = [
    # name, environment additions, directory mode
    ("cwd-config", {}, 0o755),
    ("world-writable-cwd-ignored", {}, 0o777),
    ("ansible-config-variable", {"ANSIBLE_CONFIG": "other.cfg"}, 0o755),
    ("environment-beats-config", {"ANSIBLE_FORKS": "9"}, 0o755),
]

def run(name, extra, mode):
    work = tempfile.mkdtemp(prefix="cfg-")
    project = os.path.join(work, "project")
    shutil.copytree(os.path.join(HERE, "project"), project)
    os.chmod(project, mode)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update({"ANSIBLE_NOCOLOR": "1", "HOME": work})
    env.update(extra)
    p = subprocess.run([os.path.join(ORACLE, "bin", "ansible-playbook"), "play/site.yml"], cwd=project,
                       env=env, capture_output=True, text=True)
    shutil.rmtree(work)
    return {"name": name, "environment": extra, "mode": oct(mode), "rc": p.returncode,
            "stdout": p.stdout.replace(project, "<project>").replace(work, "<work>")}

cases = [run(*c) for c in CASES]
with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(cases, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"{len(cases)} cases")
