#!/usr/bin/env python3
"""Record what the real ansible-playbook (ansible-core 2.21) does with broken input.

    /tmp/oracle/bin/python Tests/RunnerCLITests/Fixtures/bad-input/record_bad_input.py [CASE ...]
    (any python3 works; the tool run is $ORACLE_VENV/bin/ansible-playbook,
     ORACLE_VENV defaulting to /tmp/oracle)

Every directory next to this script is one case. Its `case.json` says
    {"args": [arguments after "ansible-playbook"],
     "file": the file at fault, relative to the case directory (absent for
             command-line cases that have none),
     "setup": {"generate": {"path": P, "megabytes": N, "header": H,     optional
                            "record_megabytes": M},
               "chmod": {"relative/path": mode}},                       optional
     "note": "..."}                                                     optional
and the other files of the directory are the inputs. For each case the inputs are
copied into a fresh <tmp>/work, the setup is applied (a generated file is H followed by
N MB of lines `kNNNNNN: "xxxx...x"`, 100 bytes each -- M MB when recording, as
ansible-playbook takes minutes over 50 MB; see
BadInputTests.swift, which generates the same bytes), and ansible-playbook runs
there with stdin=/dev/null and a clean environment:

    PATH=<venv>/bin:/usr/bin:/bin  HOME=<tmp>/home  LC_ALL=C.UTF-8
    ANSIBLE_NOCOLOR=1  COLUMNS=80  PYTHONHASHSEED=0

Writes <case>/expected.json:
    {"exit_code": int or null when it ran over 300 s,
     "origin": {"file": "pb.yml", "line": 5, "column": 1} or null -- the first
               "Origin: path:line:column" of the output, path relative to work,
     "names_file": whether stdout or stderr mention case.json's "file",
     "written": files the run created in work (sorted),
     "stdout": ..., "stderr": ...   (work replaced by "<dir>", cut at 20000 chars)}
"""
from __future__ import annotations

import concurrent.futures
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
ORIGIN = re.compile(r"^Origin: (.+?)(?::(\d+):(\d+))?$", re.M)
LIMIT = 20000


def generate(path, megabytes, header=""):
    """header, then N MB of 100-byte lines `k000000: "xx...x"`."""
    total = megabytes * 1024 * 1024
    pad = "x" * (100 - len('k000000: ""\n'))
    with open(path, "w", encoding="utf-8") as f:
        f.write(header)
        n = 0
        written = 0
        while written < total:
            line = 'k%06d: "%s"\n' % (n, pad)
            f.write(line)
            written += len(line)
            n += 1


def files_under(root):
    out = set()
    for base, _dirs, files in os.walk(root):
        for name in files:
            out.add(os.path.relpath(os.path.join(base, name), root))
    return out


def clean(text, work):
    for prefix in (work, os.path.realpath(work)):
        text = text.replace(prefix, "<dir>")
    for prefix in (VENV, os.path.realpath(VENV)):
        text = text.replace(prefix, "<venv>")
    return text[:LIMIT]


def run_case(name):
    case_dir = os.path.join(HERE, name)
    with open(os.path.join(case_dir, "case.json"), encoding="utf-8") as f:
        meta = json.load(f)
    tmp = tempfile.mkdtemp(prefix="apbad")
    try:
        work = os.path.join(tmp, "work")
        shutil.copytree(case_dir, work, symlinks=True,
                        ignore=shutil.ignore_patterns("case.json", "expected.json"))
        home = os.path.join(tmp, "home")
        os.mkdir(home)
        setup = meta.get("setup", {})
        if "generate" in setup:
            g = setup["generate"]
            generate(os.path.join(work, g["path"]), g.get("record_megabytes", g["megabytes"]), g.get("header", ""))
        before = files_under(work)
        for rel, mode in setup.get("chmod", {}).items():
            os.chmod(os.path.join(work, rel), mode)
        env = {"PATH": os.path.join(VENV, "bin") + ":/usr/bin:/bin", "HOME": home, "LC_ALL": "C.UTF-8",
               "ANSIBLE_NOCOLOR": "1", "COLUMNS": "80", "PYTHONHASHSEED": "0"}
        try:
            proc = subprocess.run([TOOL] + meta["args"], cwd=work, env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
            code, out, err = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as e:
            code, out, err = None, e.stdout or b"", e.stderr or b""
        for rel in setup.get("chmod", {}):
            os.chmod(os.path.join(work, rel), 0o755)
        out = out.decode("utf-8", "surrogateescape")
        err = err.decode("utf-8", "surrogateescape")
        both = out + "\n" + err
        origin = None
        m = ORIGIN.search(both)
        if m:
            path = m.group(1)
            for prefix in (work, os.path.realpath(work)):
                if path.startswith(prefix + "/"):
                    path = path[len(prefix) + 1:]
            origin = {"file": path, "line": int(m.group(2)) if m.group(2) else None,
                      "column": int(m.group(3)) if m.group(3) else None}
        subject = meta.get("file")
        written = sorted(files_under(work) - before)
        result = {"exit_code": code, "origin": origin,
                  "names_file": bool(subject) and subject in both,
                  "written": written, "stdout": clean(out, work), "stderr": clean(err, work)}
        with open(os.path.join(case_dir, "expected.json"), "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False, indent=1)
            f.write("\n")
        return name, code, origin
    finally:
        for base, dirs, _files in os.walk(tmp):
            for d in dirs:
                os.chmod(os.path.join(base, d), 0o755)
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    names = sys.argv[1:] or sorted(d for d in os.listdir(HERE) if os.path.isfile(os.path.join(HERE, d, "case.json")))
    with concurrent.futures.ThreadPoolExecutor(max_workers=int(os.environ.get("JOBS", "2"))) as pool:
        for name, code, origin in pool.map(run_case, names):
            where = "%s:%s:%s" % (origin["file"], origin["line"], origin["column"]) if origin else "-"
            print("%-55s rc=%-4s %s" % (name, code, where), file=sys.stderr)


if __name__ == "__main__":
    main()
