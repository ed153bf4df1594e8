#!/tmp/oracle/bin/python
"""Record goldens for key=value splitting and -e/--extra-vars loading.

Run with the oracle venv (ansible-core 2.21):

    /tmp/oracle/bin/python Tests/CoreTests/Fixtures/parse_kv/record.py

Reads (next to this script):
    inputs.json             list of strings fed to parse_kv / split_args
    extra_vars_inputs.json  list of lists of -e argument strings
    files/                  the @files referenced by extra_vars_inputs.json
Writes:
    expected.json             one entry per (input, check_raw) pair:
        {"input": s, "check_raw": b, "result": ENC(dict) | "error": "<Class>: <msg>",
         "split": [str, ...] | "split_error": "<Class>: <msg>"}
    extra_vars_expected.json  one entry per case:
        {"args": [...], "result": ENC(dict)} or {"args": [...], "error": "<Class>: <msg>"}
        plus "stderr": "<text>" when Ansible printed something (e.g. a duplicate-key
        [WARNING]) while loading; absent otherwise.

Extra vars are loaded exactly as ansible-playbook does: the arguments go through
the real PlaybookCLI argument parser (as `--extra-vars=VALUE`, so the `@` path is
made absolute by the parser and values get the CLI origin/trust tags), then
ansible.utils.vars.load_extra_vars(DataLoader()) is called, with the current
directory set to files/.  The absolute path of files/ is replaced by "<dir>" in
error messages.

Typed encoding: see the project's golden conventions.  In extra_vars_expected.json a
string value that is NOT trusted for templating (e.g. loaded through YAML `!unsafe`)
is encoded as ["unsafe", s]; an encrypted `!vault` value as ["vault", ciphertext].
In expected.json (parse_kv on plain untagged input) strings are plain ["str", s].
"""
from __future__ import annotations

import base64
import contextlib
import io
import datetime
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, "files")

os.environ.setdefault("ANSIBLE_NOCOLOR", "1")
# no explicit config file; cwd during loading is files/ (which has no ansible.cfg)
os.environ.pop("ANSIBLE_CONFIG", None)

from ansible.utils.context_objects import GlobalCLIArgs  # noqa: E402
from ansible.cli.playbook import PlaybookCLI  # noqa: E402
from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.parsing.splitter import parse_kv, split_args  # noqa: E402
from ansible.parsing.vault import EncryptedString  # noqa: E402
from ansible.utils import vars as ansible_vars  # noqa: E402
from ansible._internal._datatag._tags import TrustedAsTemplate  # noqa: E402


def enc(v, mark_untrusted=False, is_key=False):
    if v is None:
        return ["none"]
    if isinstance(v, EncryptedString):
        return ["vault", v._ciphertext]
    if isinstance(v, bool):
        return ["bool", bool(v)]
    if isinstance(v, int):
        return ["int", str(int(v))]
    if isinstance(v, float):
        return ["float", repr(float(v))]
    if isinstance(v, str):
        if mark_untrusted and not is_key and not TrustedAsTemplate.is_tagged_on(v):
            return ["unsafe", str(v)]
        return ["str", str(v)]
    if isinstance(v, bytes):
        return ["bytes", base64.b64encode(bytes(v)).decode("ascii")]
    if isinstance(v, datetime.datetime):
        return ["datetime", str(v)]
    if isinstance(v, datetime.date):
        return ["date", str(v)]
    if isinstance(v, tuple):
        return ["tuple", [enc(x, mark_untrusted) for x in v]]
    if isinstance(v, list):
        return ["list", [enc(x, mark_untrusted) for x in v]]
    if isinstance(v, dict):
        return ["dict", [[enc(k, mark_untrusted, True), enc(x, mark_untrusted)] for k, x in v.items()]]
    if isinstance(v, (set, frozenset)):
        items = sorted(v, key=repr)
        return ["set", [enc(x, mark_untrusted) for x in items]]
    return ["other", type(v).__name__, repr(v)]


def clean(text):
    return text.replace(FILES, "<dir>").replace(HERE, "<fixtures>")


def err(e):
    return "%s: %s" % (type(e).__name__, clean(str(e)))


def record_parse_kv():
    with open(os.path.join(HERE, "inputs.json"), encoding="utf-8") as f:
        inputs = json.load(f)
    out = []
    for s in inputs:
        try:
            split = {"split": list(split_args(s))}
        except Exception as e:  # noqa: BLE001
            split = {"split_error": err(e)}
        for check_raw in (False, True):
            entry = {"input": s, "check_raw": check_raw}
            try:
                entry["result"] = enc(parse_kv(s, check_raw=check_raw))
            except Exception as e:  # noqa: BLE001
                entry["error"] = err(e)
            entry.update(split)
            out.append(entry)
    return out


def load_like_cli(args):
    argv = ["ansible-playbook"] + ["--extra-vars=" + a for a in args] + ["playbook.yml"]
    # load_extra_vars caches its result on the function object; reset it per case
    if hasattr(ansible_vars.load_extra_vars, "extra_vars"):
        del ansible_vars.load_extra_vars.extra_vars
    # context.CLIARGS is a process-wide singleton (GlobalCLIArgs); drop it so each case parses afresh
    GlobalCLIArgs._Singleton__instance = None
    cli = PlaybookCLI(argv)
    cli.parse()
    return ansible_vars.load_extra_vars(DataLoader())


def record_extra_vars():
    with open(os.path.join(HERE, "extra_vars_inputs.json"), encoding="utf-8") as f:
        cases = json.load(f)
    out = []
    old = os.getcwd()
    os.chdir(FILES)
    try:
        for args in cases:
            entry = {"args": args}
            captured = io.StringIO()
            with contextlib.redirect_stderr(captured):
                try:
                    entry["result"] = enc(load_like_cli(args), mark_untrusted=True)
                except BaseException as e:  # noqa: BLE001  (argparse exits with SystemExit)
                    entry["error"] = err(e)
            if captured.getvalue():
                entry["stderr"] = clean(captured.getvalue())
            out.append(entry)
    finally:
        os.chdir(old)
    return out


def write(name, data):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    pk = record_parse_kv()
    write("expected.json", pk)
    ev = record_extra_vars()
    write("extra_vars_expected.json", ev)
    print("parse_kv entries: %d, extra_vars cases: %d" % (len(pk), len(ev)), file=sys.stderr)


if __name__ == "__main__":
    main()
