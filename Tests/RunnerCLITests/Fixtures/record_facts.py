#!/usr/bin/env python3
"""Record what the real ansible-core 2.21 `setup` and fact gathering give on this machine.

    python3 Tests/RunnerCLITests/Fixtures/record_facts.py
    (the tools run are $ORACLE_VENV/bin/ansible-playbook, ORACLE_VENV defaulting to /tmp/oracle)

Writes facts_expected.json beside this script:
  "types":   {fact name: Python type name} of the default subset (`setup` with no options);
             per-interface facts (`ansible_eth0`, ...) are folded into "ansible_<interface>"
  "subsets": {gather_subset text: sorted fact names}, interfaces folded the same way
  "filter":  the whole ansible_facts of `gather_subset: ['!all'], filter: [ansible_system, ansible_os_family]`
  "output":  {name: stdout} of the playbooks in facts/ (default callback, stdout only)
Values that depend on the machine are not kept; FactsTests reads them independently.
"""
import json, os, shutil, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.environ.get("ORACLE_VENV", "/tmp/oracle")
PLAYBOOK = os.path.join(VENV, "bin", "ansible-playbook")
HOSTS = "h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"
SUBSETS = ["!all", "min", "!all,!min", "network", "hardware", "virtual", "!all,network", "!hardware,!network,!virtual",
           "!all,!min,network", "!all,!min,hardware", "!all,!min,virtual"]


def run(play, env_extra=None, callback="json"):
    d = tempfile.mkdtemp()
    try:
        open(os.path.join(d, "hosts"), "w").write(HOSTS)
        open(os.path.join(d, "site.yml"), "w").write(play)
        env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK=callback, ANSIBLE_NOCOLOR="1", **(env_extra or {}))
        return subprocess.run([PLAYBOOK, "-i", "hosts", "site.yml"], cwd=d, env=env, capture_output=True, text=True).stdout
    finally:
        shutil.rmtree(d)


def facts(args):
    play = "- hosts: h1\n  gather_facts: false\n  tasks:\n    - setup: %s\n" % json.dumps(args)
    out = run(play)
    return json.loads(out[out.index("{"):])["plays"][0]["tasks"][0]["hosts"]["h1"]["ansible_facts"]


def fold(f):
    ifaces = {"ansible_" + n.replace("-", "_").replace(":", "_") for n in f.get("ansible_interfaces", [])}
    return {("ansible_<interface>" if k in ifaces else k): v for k, v in f.items()}


out = {"types": {k: type(v).__name__ for k, v in sorted(fold(facts({})).items())}, "subsets": {}}
for s in SUBSETS:
    out["subsets"][s] = sorted(fold(facts({"gather_subset": s.split(",")})))
out["filter"] = facts({"gather_subset": ["!all"], "filter": ["ansible_system", "ansible_os_family"]})
out["output"] = {}
for name in sorted(os.listdir(os.path.join(HERE, "facts"))):
    text = open(os.path.join(HERE, "facts", name)).read()
    env = {"ANSIBLE_GATHERING": "explicit"} if "explicit" in name else {}
    out["output"][name] = run(text, env, callback="default")
json.dump(out, open(os.path.join(HERE, "facts_expected.json"), "w"), indent=1, sort_keys=True)
