#!/usr/bin/env python3
"""Record the value ansible-playbook (ansible-core 2.21) resolves for `x` in this project, with
and without an extra var, as the golden for ExplainVarTests (which checks that the definition
`runner --explain-var x` marks as in effect renders to the same value).

    python3 Tests/RunnerCLITests/Fixtures/explain/record_explain.py   (ORACLE_VENV defaults to /tmp/oracle)
"""
import json, os, subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.environ.get("ORACLE_VENV", "/tmp/oracle")
out = {}
for name, extra in (("plain", []), ("extra", ["-e", "x=extra_vars"])):
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_PYTHON_INTERPRETER=os.path.join(VENV, "bin", "python"))
    p = subprocess.run([os.path.join(VENV, "bin", "ansible-playbook"), "-i", "hosts", "site.yml"] + extra,
                       cwd=HERE, env=env, capture_output=True, stdin=subprocess.DEVNULL, check=True)
    doc = json.loads(p.stdout)
    tasks = doc["plays"][0]["tasks"]
    at_play = next(t for t in tasks if t["task"]["name"] == "the value in effect at play level")
    out[name] = {host: result["x"] for host, result in at_play["hosts"].items()}
with open(os.path.join(HERE, "expected_values.json"), "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
print(out)
