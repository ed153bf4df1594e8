#!/usr/bin/env python3
"""Record the command-line surface of the real ansible-playbook (ansible-core 2.21).

    /tmp/oracle/bin/python Tests/RunnerCLITests/Fixtures/record_cli.py
    (any python3 works; the tool run is $ORACLE_VENV/bin/ansible-playbook,
     ORACLE_VENV defaulting to /tmp/oracle)

For every invocation below a fresh temporary directory is created, the files of
cli/ (next to this script) are copied into it, and ansible-playbook is run there
with stdin=/dev/null and a clean environment:

    PATH=<venv>/bin:/usr/bin:/bin  HOME=<dir>/home (cwd is <dir>)  LC_ALL=C.UTF-8
    ANSIBLE_NOCOLOR=1  COLUMNS=80 (argparse wraps help text to this width)
    PYTHONHASHSEED=0 (the host order of --list-hosts with several hosts comes from a
    Python set and is otherwise random between runs; entries whose output has such
    an arbitrary order carry "note")

Writes cli_expected.json: a list of
    {"name": ..., "argv": ["ansible-playbook", ...], "exit_code": int,
     "stdout": "...", "stderr": "..."}
in which the temporary directory is replaced by "<dir>" and the venv prefix by
"<venv>".
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CLI_DIR = os.path.join(HERE, "cli")
VENV = os.environ.get("ORACLE_VENV", "/tmp/oracle")
TOOL = os.path.join(VENV, "bin", "ansible-playbook")

# (name, arguments after "ansible-playbook")
CASES = [
    ("version", ["--version"]),
    ("short_help", ["-h"]),
    ("long_help", ["--help"]),
    ("no_arguments", []),
    ("unknown_option", ["--bogus", "pb.yml"]),
    ("unknown_option_no_playbook", ["--bogus"]),
    ("unknown_short_option", ["-Z", "pb.yml"]),
    ("forks_not_a_number", ["-f", "notanumber", "pb.yml"]),
    ("forks_equals_not_a_number", ["--forks=abc", "pb.yml"]),
    ("forks_zero", ["-f", "0", "pb.yml"]),
    ("forks_negative", ["-f", "-1", "pb.yml"]),
    ("timeout_not_a_number", ["-T", "soon", "pb.yml"]),
    ("tags_without_value", ["pb.yml", "--tags"]),
    ("extra_vars_without_value", ["pb.yml", "-e"]),
    ("inventory_without_value", ["pb.yml", "-i"]),
    ("missing_playbook", ["missing.yml"]),
    ("playbook_is_directory", ["a_directory"]),
    ("two_playbooks_one_missing", ["pb.yml", "missing.yml"]),
    ("trivial_playbook", ["pb.yml"]),
    ("two_playbooks", ["pb.yml", "modes.yml"]),
    ("verbose_7", ["-vvvvvvv", "pb.yml"]),
    ("verbose_1", ["-v", "pb.yml"]),
    ("list_hosts_no_inventory", ["--list-hosts", "pb.yml"]),
    ("list_hosts_all_no_inventory", ["--list-hosts", "all_hosts.yml"]),
    ("list_hosts_inventory", ["-i", "inventory.ini", "--list-hosts", "all_hosts.yml"]),
    ("list_hosts_inventory_limit", ["-i", "inventory.ini", "--list-hosts", "-l", "web", "all_hosts.yml"]),
    ("list_tasks", ["--list-tasks", "pb.yml"]),
    ("list_tasks_tagged", ["--list-tasks", "-t", "greet", "pb.yml"]),
    ("list_tags", ["--list-tags", "pb.yml"]),
    ("tags_run", ["-t", "farewell", "pb.yml"]),
    ("skip_tags_run", ["--skip-tags", "greet,farewell", "pb.yml"]),
    ("ask_vault_pass_and_password_file", ["--ask-vault-pass", "--vault-password-file", "vault_pass.txt", "pb.yml"]),
    ("ask_become_pass_and_password_file", ["-K", "--become-password-file", "become_pass.txt", "pb.yml"]),
    ("extra_vars_bad_json", ["-e", "{bad json", "pb.yml"]),
    ("extra_vars_missing_file", ["-e", "@missing.yml", "pb.yml"]),
    ("extra_vars_list", ["-e", "[1, 2]", "pb.yml"]),
    ("extra_vars_path_without_at", ["-e", "./extra.yml", "pb.yml"]),
    ("extra_vars_kv", ["-e", "x=1 y='two words'", "show_vars.yml"]),
    ("extra_vars_file_then_kv", ["-e", "@extra.yml", "-e", "x=override", "show_vars.yml"]),
    ("extra_vars_json", ["-e", '{"x": {"a": [1, true, null]}}', "show_vars.yml"]),
    ("syntax_check_valid", ["--syntax-check", "pb.yml"]),
    ("syntax_check_invalid_yaml", ["--syntax-check", "invalid_yaml.yml"]),
    ("syntax_check_bad_keyword", ["--syntax-check", "bad_keyword.yml"]),
    ("run_invalid_yaml", ["invalid_yaml.yml"]),
    ("run_not_a_list", ["not_a_list.yml"]),
    ("run_empty_playbook", ["empty.yml"]),
    ("start_at_task_unknown", ["--start-at-task", "no such task", "pb.yml"]),
    ("start_at_task_known", ["--start-at-task", "say bye", "pb.yml"]),
    ("check_mode", ["-C", "modes.yml"]),
    ("diff_mode", ["-D", "modes.yml"]),
    ("check_and_diff_long", ["--check", "--diff", "modes.yml"]),
    ("limit_matches_nothing", ["--limit", "nomatch", "pb.yml"]),
    ("limit_matches_nothing_inventory", ["-i", "inventory.ini", "--limit", "nomatch", "all_hosts.yml"]),
    ("limit_group_inventory", ["-i", "inventory.ini", "-l", "db", "all_hosts.yml"]),
    ("limit_missing_file", ["--limit", "@missing_limit.txt", "pb.yml"]),
    ("inventory_comma_list", ["-i", "localhost,", "all_hosts.yml"]),
    ("failing_task", ["fail.yml"]),
    ("undefined_variable", ["undefined_var.yml"]),
    ("version_with_playbook", ["--version", "pb.yml"]),
]


def clean(text, tmp):
    for prefix, label in ((tmp, "<dir>"), (os.path.realpath(tmp), "<dir>"),
                          (VENV, "<venv>"), (os.path.realpath(VENV), "<venv>")):
        text = text.replace(prefix, label)
    return text


def run_case(args):
    tmp = tempfile.mkdtemp(prefix="apcli")
    try:
        work = tmp
        shutil.copytree(CLI_DIR, work, dirs_exist_ok=True)
        home = os.path.join(tmp, "home")
        os.mkdir(home)
        env = {
            "PATH": os.path.join(VENV, "bin") + ":/usr/bin:/bin",
            "HOME": home,
            "LC_ALL": "C.UTF-8",
            "ANSIBLE_NOCOLOR": "1",
            "COLUMNS": "80",
            # --list-hosts prints hosts in set order, which depends on str hashing
            "PYTHONHASHSEED": "0",
        }
        proc = subprocess.run([TOOL] + args, cwd=work, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        out = proc.stdout.decode("utf-8", "surrogateescape")
        err = proc.stderr.decode("utf-8", "surrogateescape")
        # <dir> is the working directory (a copy of cli/); HOME is <dir>/home
        out = clean(out, tmp)
        err = clean(err, tmp)
        return proc.returncode, out, err
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    notes = {
        "list_hosts_inventory": "the order of the host lines is arbitrary (set order); compare them as a set",
        "list_hosts_inventory_limit": "the order of the host lines is arbitrary (set order); compare them as a set",
    }
    names = [n for n, _ in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    results = []
    for name, args in CASES:
        code, out, err = run_case(args)
        entry = {"name": name, "argv": ["ansible-playbook"] + args,
                 "exit_code": code, "stdout": out, "stderr": err}
        if name in notes:
            entry["note"] = notes[name]
        results.append(entry)
        print("%-40s rc=%d" % (name, code), file=sys.stderr)
    with open(os.path.join(HERE, "cli_expected.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
