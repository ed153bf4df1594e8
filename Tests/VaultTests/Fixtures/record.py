#!/usr/bin/env python3
"""Record ansible-vault (ansible-core 2.21) ciphertexts for the Vault tests.

    python3 Tests/VaultTests/Fixtures/record.py
    (the tool run is $ORACLE_VENV/bin/ansible-vault, ORACLE_VENV defaulting to /tmp/oracle;
     set RUNNER=/path/to/runner to also record ansible-vault decrypting runner's own output)

Writes vault_expected.json:
  "decrypt": ciphertexts made by ansible-vault with a random salt (formats 1.1 and 1.2),
             with the password file and the plaintext runner must get back;
  "fixed_salt": ciphertexts made with ANSIBLE_VAULT_ENCRYPT_SALT set, so runner's encryption
             with the same salt must give the same bytes (proof that ansible-vault reads it);
  "runner_roundtrip": (with RUNNER) ciphertexts runner made with a random salt and the
             plaintext ansible-vault decrypted from them.
Plaintexts are stored as lists of byte values so any bytes survive JSON.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.environ.get("ORACLE_VENV", "/tmp/oracle")
VAULT = os.path.join(VENV, "bin", "ansible-vault")
RUNNER = os.environ.get("RUNNER")

PLAINTEXTS = {
    "yaml": b"db_password: hunter2\napi:\n  token: abc123\n",
    "empty_line": b"\n",
    "one_block": b"0123456789abcdef",          # exactly one AES block: a full padding block follows
    "unicode": "pässwörd: ✓ ünïcode\n".encode(),
    "binary": bytes(range(256)),
    "long": b"x" * 1000,
}
# (case name suffix, password file, vault id or None)
SECRETS = [("plain", "passwords/plain.txt", None), ("padded", "passwords/padded.txt", None),
           ("dev", "passwords/dev.txt", "dev")]
SALTS = ["fixed-salt-for-golden-tests", "s"]


def run(args, data=None, env_extra=None):
    env = {"PATH": os.path.join(VENV, "bin") + ":/usr/bin:/bin", "HOME": tempfile.gettempdir(), "LC_ALL": "C.UTF-8"}
    env.update(env_extra or {})
    p = subprocess.run(args, cwd=HERE, input=data, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if p.returncode != 0:
        raise SystemExit("%s failed (%d): %s" % (args, p.returncode, p.stderr.decode()))
    return p.stdout


def secret_args(pwfile, vault_id):
    return ["--vault-id", "%s@%s" % (vault_id, pwfile)] if vault_id else ["--vault-password-file", pwfile]


def main():
    out = {"decrypt": [], "fixed_salt": [], "runner_roundtrip": []}
    for pname, plain in PLAINTEXTS.items():
        for sname, pwfile, vault_id in SECRETS:
            args = [VAULT, "encrypt", "--output", "-"] + secret_args(pwfile, vault_id) + ["-"]
            ct = run(args, plain)
            assert run([VAULT, "decrypt", "--output", "-"] + secret_args(pwfile, vault_id) + ["-"], ct) == plain
            out["decrypt"].append({"name": "%s_%s" % (pname, sname), "password_file": pwfile, "vault_id": vault_id,
                                   "ciphertext": ct.decode("ascii"), "plaintext": list(plain)})
            for salt in SALTS:
                ct = run(args, plain, {"ANSIBLE_VAULT_ENCRYPT_SALT": salt})
                out["fixed_salt"].append({"name": "%s_%s_%d" % (pname, sname, len(salt)), "password_file": pwfile,
                                          "vault_id": vault_id, "salt": salt, "ciphertext": ct.decode("ascii"),
                                          "plaintext": list(plain)})
            if RUNNER:
                rargs = [RUNNER, "vault", "encrypt", "--output", "-"] + secret_args(pwfile, vault_id) + ["-"]
                rct = run(rargs, plain)
                back = run([VAULT, "decrypt", "--output", "-"] + secret_args(pwfile, vault_id) + ["-"], rct)
                out["runner_roundtrip"].append({"name": "%s_%s" % (pname, sname), "password_file": pwfile,
                                                "vault_id": vault_id, "ciphertext": rct.decode("ascii"),
                                                "ansible_vault_plaintext": list(back)})
                print("runner -> ansible-vault %-20s %s" % (pname + "_" + sname, "ok" if back == plain else "MISMATCH"), file=sys.stderr)
    with open(os.path.join(HERE, "vault_expected.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
