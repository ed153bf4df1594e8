#!/usr/bin/env python3
"""Record ansible-playbook and ansible-vault (ansible-core 2.21) with vaulted data.

    python3 Tests/RunnerCLITests/Fixtures/record_vault.py
    (the tools run are $ORACLE_VENV/bin/ansible-{playbook,vault}, ORACLE_VENV defaulting to /tmp/oracle)

First (re)makes the vaulted files of vault/ with ansible-vault itself:
    vault/secrets.yml                  whole-file vault, format 1.1, password pw_right.txt
    vault/inventory/group_vars/all.yml whole-file vault, format 1.1, password pw_right.txt
    vault/play.yml, vault/inline_only.yml, vault/group_vars.yml
                                       playbooks holding `!vault` values from encrypt_string
                                       (format 1.2 with vault id `dev`, password pw_dev.txt)
Then runs every case below in a fresh copy of vault/ with stdin=/dev/null and a clean
environment (as record_cli.py does) and writes vault_cli_expected.json:
    {"name", "argv", "env", "exit_code", "stdout", "stderr"}, the temporary directory as "<dir>".
Cases whose argv starts with "ansible-vault" are run by the test as `runner vault ...`.
ANSIBLE_VAULT_ENCRYPT_SALT fixes the salt, so encryption output is exact and comparable.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(HERE, "vault")
VENV = os.environ.get("ORACLE_VENV", "/tmp/oracle")
SALT = {"ANSIBLE_VAULT_ENCRYPT_SALT": "golden-salt"}

SECRETS_YML = "vaulted_secret: from the vaulted file\nnumber: 41\n"
GROUP_VARS = "group_secret: from vaulted group_vars\n"


def tool(name):
    return os.path.join(VENV, "bin", name)


def env_for(home, extra=None):
    env = {"PATH": os.path.join(VENV, "bin") + ":/usr/bin:/bin", "HOME": home, "LC_ALL": "C.UTF-8",
           "ANSIBLE_NOCOLOR": "1", "COLUMNS": "80", "PYTHONHASHSEED": "0"}
    env.update(extra or {})
    return env


def vault(args, data=None):
    p = subprocess.run([tool("ansible-vault")] + args, cwd=DIR, input=data, env=env_for(tempfile.gettempdir()),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return p.stdout.decode()


def make_fixtures():
    vault(["encrypt", "--vault-password-file", "pw_right.txt", "--output", "secrets.yml", "-"], SECRETS_YML.encode())
    os.makedirs(os.path.join(DIR, "inventory", "group_vars"), exist_ok=True)
    vault(["encrypt", "--vault-password-file", "pw_right.txt", "--output", "inventory/group_vars/all.yml", "-"], GROUP_VARS.encode())
    inline = vault(["encrypt_string", "--vault-id", "dev@pw_dev.txt", "--name", "inline_secret", "inline secret value"])
    inline = "\n".join("    " + line for line in inline.rstrip("\n").split("\n"))
    head = "- hosts: localhost\n  gather_facts: false\n"
    with open(os.path.join(DIR, "play.yml"), "w") as f:
        f.write(head + "  vars_files:\n    - secrets.yml\n  vars:\n" + inline + "\n" +
                "  tasks:\n"
                "    - debug: var=vaulted_secret\n"
                "    - debug: var=inline_secret\n"
                "    - debug:\n        msg: \"{{ inline_secret | upper }} / {{ number + 1 }}\"\n"
                "    - name: censored\n      debug: var=inline_secret\n      no_log: true\n")
    with open(os.path.join(DIR, "inline_only.yml"), "w") as f:
        f.write(head + "  vars:\n" + inline + "\n  tasks:\n    - debug: var=inline_secret\n")
    with open(os.path.join(DIR, "group_vars.yml"), "w") as f:
        f.write("- hosts: target\n  gather_facts: false\n  tasks:\n    - debug: var=group_secret\n")


RIGHT = ["--vault-password-file", "pw_right.txt", "--vault-id", "dev@pw_dev.txt"]
LOCAL = ["-i", "localhost,", "-c", "local"]
CASES = [
    # (name, argv, extra environment)
    ("play_right_passwords", ["ansible-playbook"] + LOCAL + RIGHT + ["play.yml"], {}),
    ("play_password_file_from_env", ["ansible-playbook"] + LOCAL + ["--vault-id", "dev@pw_dev.txt", "play.yml"],
     {"ANSIBLE_VAULT_PASSWORD_FILE": "pw_right.txt"}),
    ("play_ids_in_any_order", ["ansible-playbook"] + LOCAL + ["--vault-id", "dev@pw_dev.txt", "--vault-id", "pw_right.txt", "play.yml"], {}),
    ("play_wrong_password", ["ansible-playbook"] + LOCAL + ["--vault-password-file", "pw_wrong.txt", "play.yml"], {}),
    ("play_no_password", ["ansible-playbook"] + LOCAL + ["play.yml"], {}),
    ("play_missing_password_file", ["ansible-playbook"] + LOCAL + ["--vault-password-file", "missing.txt", "play.yml"], {}),
    ("play_ask_vault_pass_without_terminal", ["ansible-playbook"] + LOCAL + ["-J", "play.yml"], {}),
    ("inline_wrong_password", ["ansible-playbook"] + LOCAL + ["--vault-password-file", "pw_wrong.txt", "inline_only.yml"], {}),
    ("inline_no_password", ["ansible-playbook"] + LOCAL + ["inline_only.yml"], {}),
    ("group_vars_vaulted", ["ansible-playbook", "-i", "inventory/hosts", "--vault-password-file", "pw_right.txt", "group_vars.yml"], {}),
    ("vault_view", ["ansible-vault", "view", "--vault-password-file", "pw_right.txt", "secrets.yml"], {}),
    ("vault_view_wrong_password", ["ansible-vault", "view", "--vault-password-file", "pw_wrong.txt", "secrets.yml"], {}),
    ("vault_view_no_password_no_terminal", ["ansible-vault", "view", "secrets.yml"], {}),
    ("vault_decrypt_to_stdout", ["ansible-vault", "decrypt", "--vault-password-file", "pw_right.txt", "--output", "-", "secrets.yml"], {}),
    ("vault_decrypt_not_vaulted", ["ansible-vault", "decrypt", "--vault-password-file", "pw_right.txt", "--output", "-", "plain.txt"], {}),
    ("vault_encrypt_to_stdout", ["ansible-vault", "encrypt", "--vault-password-file", "pw_right.txt", "--output", "-", "plain.txt"], SALT),
    ("vault_encrypt_with_vault_id", ["ansible-vault", "encrypt", "--vault-id", "dev@pw_dev.txt", "--output", "-", "plain.txt"], SALT),
    ("vault_encrypt_already_encrypted", ["ansible-vault", "encrypt", "--vault-password-file", "pw_right.txt", "--output", "-", "secrets.yml"], SALT),
    ("vault_encrypt_string_named", ["ansible-vault", "encrypt_string", "--vault-password-file", "pw_right.txt", "--name", "db_pass", "s3cret"], SALT),
    ("vault_encrypt_string_two", ["ansible-vault", "encrypt_string", "--vault-id", "dev@pw_dev.txt", "-n", "a", "-n", "b", "one", "two"], SALT),
    ("vault_encrypt_string_unnamed", ["ansible-vault", "encrypt_string", "--vault-password-file", "pw_right.txt", "plain"], SALT),
    ("vault_encrypt_string_empty", ["ansible-vault", "encrypt_string", "--vault-password-file", "pw_right.txt", ""], SALT),
    ("vault_encrypt_two_ids_no_choice", ["ansible-vault", "encrypt_string", "--vault-id", "a@pw_right.txt", "--vault-id", "b@pw_dev.txt", "x"], SALT),
    ("vault_encrypt_unknown_encrypt_id", ["ansible-vault", "encrypt_string", "--vault-id", "a@pw_right.txt", "--encrypt-vault-id", "zz", "x"], SALT),
    ("vault_id_with_semicolon", ["ansible-vault", "view", "--vault-id", "a;b@pw_right.txt", "secrets.yml"], {}),
    ("vault_bad_action", ["ansible-vault", "bogus"], {}),
]


def clean(text, tmp):
    for prefix in (tmp, os.path.realpath(tmp)):
        text = text.replace(prefix, "<dir>")
    return text.replace(VENV, "<venv>")


def run_case(argv, extra):
    tmp = tempfile.mkdtemp(prefix="apvault")
    try:
        shutil.copytree(DIR, tmp, dirs_exist_ok=True)
        home = os.path.join(tmp, "home")
        os.mkdir(home)
        proc = subprocess.run([tool(argv[0])] + argv[1:], cwd=tmp, env=env_for(home, extra), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300, start_new_session=True)
        return proc.returncode, clean(proc.stdout.decode(), tmp), clean(proc.stderr.decode(), tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    make_fixtures()
    results = []
    for name, argv, extra in CASES:
        code, out, err = run_case(argv, extra)
        results.append({"name": name, "argv": argv, "env": extra, "exit_code": code, "stdout": out, "stderr": err})
        print("%-40s rc=%d" % (name, code), file=sys.stderr)
    with open(os.path.join(HERE, "vault_cli_expected.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
