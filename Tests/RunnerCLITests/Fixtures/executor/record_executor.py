#!/usr/bin/env python3
"""Record what the real ansible-playbook (ansible-core 2.21) prints for the executor cases here.

    python3 Tests/RunnerCLITests/Fixtures/executor/record_executor.py [CASE ...]
    (runs $ORACLE_VENV/bin/ansible-playbook, ORACLE_VENV defaulting to /tmp/oracle)

Each folder beside this script is a case: site.yml and hosts (local-connection hosts). The case
is copied to a fresh temporary folder and run there as `ansible-playbook -i hosts site.yml ARGS`
with ANSIBLE_NOCOLOR=1, no standard input, and the environment of CASES; its stdout (the
temporary folder's path replaced by <dir>) and exit code go to <case>/expected.json together
with the arguments, environment and how ExecutorKeywordTests compares them:
  "exact"   the whole stdout
  "sorted"  the lines sorted (hosts run at once: ansible's order depends on timing)
  "results" the result lines sorted and the recap exact, banners left out (strategy: free)
  "outcomes" the banners and result lines in order and the recap exact, error reports left
            out (their "caused by" chains point into the YAML where runner points at the task)
  "json-stats" the json callback's custom_stats, global_custom_stats and stats
  "masked"  the whole stdout, with what differs from run to run masked on both sides: the
            temporary file a template's diff names as its "after" (runner names the template),
            the times of a touched file and a command's start, end and delta, and at -vv
            the version block before the config line and ansible's "Skipping callback" lines
Modules run with this venv's python (ANSIBLE_PYTHON_INTERPRETER), which is not recorded.
Every case runs with `-f 1` so that results come in the order hosts were queued.
"""
import json, os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.environ.get("ORACLE_VENV", "/tmp/oracle")
PLAYBOOK = os.path.join(VENV, "bin", "ansible-playbook")

CASES = {
    "serial_int": {},
    "serial_list": {},
    "serial_percent": {},
    "serial_batch_failed": {},
    "serial_earlier_failure": {},
    "max_fail_percentage": {},
    "any_errors_fatal_serial": {},
    "end_batch": {},
    "end_play_serial": {},
    "order": {},
    "order_shuffle": {"compare": "sorted"},
    "free_one_host": {},
    "free_hosts": {"compare": "results"},
    "controller_actions": {"env": {"ANSIBLE_SHOW_CUSTOM_STATS": "1"}},
    "set_stats_json": {"env": {"ANSIBLE_SHOW_CUSTOM_STATS": "1", "ANSIBLE_STDOUT_CALLBACK": "json"}, "compare": "json-stats"},
    "pause": {},
    "check_mode": {},
    "check_mode_cli": {"args": ["--check"]},
    "timeout": {},
    "colours": {"args": ["-f", "1"], "env": {"ANSIBLE_FORCE_COLOR": "1"}},
    "diff_files": {"args": ["--diff"], "compare": "masked"},
    "diff_check": {"args": ["--check", "--diff"], "compare": "masked"},
    "diff_keyword": {"env": {"ANSIBLE_DIFF_CONTEXT": "1"}, "compare": "masked"},
    "diff_colours": {"env": {"ANSIBLE_FORCE_COLOR": "1", "ANSIBLE_DIFF_ALWAYS": "1"}},
    "result_yaml": {"env": {"ANSIBLE_CALLBACK_RESULT_FORMAT": "yaml"}, "compare": "masked"},
    "result_yaml_pretty_off": {"env": {"ANSIBLE_CALLBACK_RESULT_FORMAT": "yaml", "ANSIBLE_CALLBACK_FORMAT_PRETTY": "0",
                                       "ANSIBLE_CALLBACK_RESULT_INDENTATION": "2"}, "args": ["-v"], "compare": "masked"},
    "diff_yaml": {"args": ["--check", "--diff"], "env": {"ANSIBLE_CALLBACK_RESULT_FORMAT": "yaml"}, "compare": "masked"},
    "keywords_misc": {},
    "keyword_values": {"compare": "outcomes"},
    "role_handlers": {},
    "import_playbook": {},
    "block_inheritance": {},
    "vars_prompt_no_tty": {},
    "error_reports": {},
    "retries_and_assert": {"compare": "masked"},
    "result_json_verbose": {"args": ["-v"], "compare": "masked"},
    "loop_display": {"compare": "masked"},
    "loop_display_verbose": {"args": ["-v"], "compare": "masked"},
    "verbose_vv": {"args": ["-vv"], "compare": "masked"},
    "command_check_mode": {"args": ["--check", "-v"], "compare": "masked"},
}


def record(name, spec):
    d = tempfile.mkdtemp(prefix="runner-exec-")
    try:
        work = os.path.join(d, name)
        shutil.copytree(os.path.join(HERE, name), work, ignore=shutil.ignore_patterns("expected.json"))
        args = ["-f", "1"] + spec.get("args", [])
        env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_PYTHON_INTERPRETER=os.path.join(VENV, "bin", "python"),
                   **spec.get("env", {}))
        p = subprocess.run([PLAYBOOK, "-i", "hosts", "site.yml"] + args, cwd=work, env=env,
                           stdin=subprocess.DEVNULL, capture_output=True)
        stdout = p.stdout.decode("utf-8")  # bytes as printed: pause ends a line with "\r\n"
        out = {"args": args, "env": spec.get("env", {}), "compare": spec.get("compare", "exact"),
               "exit_code": p.returncode, "stdout": stdout.replace(work, "<dir>")}
        with open(os.path.join(HERE, name, "expected.json"), "w") as f:
            json.dump(out, f, indent=1, sort_keys=True)
            f.write("\n")
    finally:
        shutil.rmtree(d)


for name in sys.argv[1:] or sorted(CASES):
    record(name, CASES[name])
    print("recorded", name)
