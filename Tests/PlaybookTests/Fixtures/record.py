#!/tmp/oracle/bin/python
"""Record goldens for ansible-playbook's listing / tag-selection output.

Run with the oracle venv's python:

    /tmp/oracle/bin/python Tests/PlaybookTests/Fixtures/record.py            # all cases
    /tmp/oracle/bin/python Tests/PlaybookTests/Fixtures/record.py NAME ...   # some cases

Options: --ansible-playbook PATH (default /tmp/oracle/bin/ansible-playbook),
         --jobs N (parallel runs, default 2), --seeds N (hash seeds tried, default 3).

Every case is a folder listing/<name>/ holding a tiny project (hosts, site.yml,
roles/, ...) and case.json {"about": "...", "runs": [[arg, ...], ...]}.
For each case the project (minus case.json / expected.json) is copied to a
fresh temporary directory, and for each run ansible-playbook is started there
with the run's arguments, stdin=/dev/null and a clean environment:

    ANSIBLE_NOCOLOR=1, ANSIBLE_CONFIG=<an empty file>,
    ANSIBLE_DEPRECATION_WARNINGS=0, HOME=<a fresh temp dir>,
    PYTHONHASHSEED=0, LC_ALL=C.UTF-8

It writes listing/<name>/expected.json:

    {"runs": [{"args": [...], "rc": int, "stdout": [lines], "stderr": [lines],
               "order_varies": bool}, ...]}

(lines = the text split on "\n" after dropping one final "\n"; "" -> []).

In stdout/stderr the temp project dir is replaced by "<case>", the temp HOME
by "<home>" and the oracle's site-packages dir by "<site-packages>".

ansible-playbook prints some things in Python set order (the hosts under
--list-hosts, the play header "TAGS: [...]" when a play has several tags),
which depends on the string hash seed. The golden is recorded with
PYTHONHASHSEED=0; each run is repeated with further seeds and
"order_varies" is true when any output differed, i.e. line order inside those
blocks must be compared as unordered.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "listing")
SKIP_FILES = {"case.json", "expected.json"}


def case_names(selected):
    names = sorted(d for d in os.listdir(CASES) if os.path.isfile(os.path.join(CASES, d, "case.json")))
    if selected:
        missing = [s for s in selected if s not in names]
        if missing:
            sys.exit("unknown case(s): %s" % ", ".join(missing))
        names = [n for n in names if n in selected]
    return names


def copy_project(src, dst):
    for root, dirs, files in os.walk(src):
        dirs.sort()
        rel = os.path.relpath(root, src)
        target = dst if rel == "." else os.path.join(dst, rel)
        os.makedirs(target, exist_ok=True)
        for f in sorted(files):
            if rel == "." and f in SKIP_FILES:
                continue
            shutil.copy2(os.path.join(root, f), os.path.join(target, f))


def site_packages(exe):
    py = os.path.join(os.path.dirname(os.path.realpath(exe)), "python")
    if not os.path.exists(py):
        py = sys.executable
    out = subprocess.run([py, "-c", "import ansible, os; print(os.path.dirname(os.path.dirname(ansible.__file__)))"],
                         capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return out.stdout.strip()


def one_run(exe, case_dir, args, seed, sp):
    work = tempfile.mkdtemp(prefix="pbfx-")
    home = tempfile.mkdtemp(prefix="pbfx-home-")
    try:
        proj = os.path.join(work, "p")
        copy_project(case_dir, proj)
        cfg = os.path.join(home, "empty.cfg")
        with open(cfg, "w"):
            pass
        env = {
            "PATH": os.path.dirname(exe) + ":/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "LC_ALL": "C.UTF-8",
            "LANG": "C.UTF-8",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_CONFIG": cfg,
            "ANSIBLE_DEPRECATION_WARNINGS": "0",
            "PYTHONHASHSEED": str(seed),
        }
        p = subprocess.run([exe] + list(args), cwd=proj, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=300)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")

        def norm(text):
            for path, token in sorted([(proj, "<case>"), (os.path.realpath(proj), "<case>"),
                                       (home, "<home>"), (os.path.realpath(home), "<home>"),
                                       (sp, "<site-packages>")], key=lambda x: -len(x[0])):
                if path:
                    text = text.replace(path, token)
            if text.endswith("\n"):
                text = text[:-1]
            return text.split("\n") if text else []

        return p.returncode, norm(out), norm(err)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ansible-playbook", default="/tmp/oracle/bin/ansible-playbook")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("cases", nargs="*")
    opts = ap.parse_args()
    exe = os.path.abspath(opts.ansible_playbook)
    sp = site_packages(exe)
    version = subprocess.run([exe, "--version"], capture_output=True, text=True,
                             stdin=subprocess.DEVNULL).stdout.splitlines()[0]
    names = case_names(opts.cases)

    jobs = []  # (case, run index, seed, args)
    specs = {}
    for name in names:
        with open(os.path.join(CASES, name, "case.json")) as f:
            spec = json.load(f)
        specs[name] = spec
        for i, args in enumerate(spec["runs"]):
            for seed in range(max(1, opts.seeds)):
                jobs.append((name, i, seed, args))

    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        futs = {pool.submit(one_run, exe, os.path.join(CASES, n), a, s, sp): (n, i, s) for n, i, s, a in jobs}
        for fut in concurrent.futures.as_completed(futs):
            results[futs[fut]] = fut.result()

    for name in names:
        runs = []
        for i, args in enumerate(specs[name]["runs"]):
            rc, out, err = results[(name, i, 0)]
            varies = any(results[(name, i, s)] != (rc, out, err) for s in range(1, max(1, opts.seeds)))
            runs.append({"args": list(args), "rc": rc, "stdout": out, "stderr": err, "order_varies": varies})
        with open(os.path.join(CASES, name, "expected.json"), "w", encoding="utf-8") as f:
            json.dump({"runs": runs}, f, indent=1, sort_keys=True, ensure_ascii=False)
            f.write("\n")
        print("recorded %s (%s)" % (name, ", ".join(str(r["rc"]) + ("*" if r["order_varies"] else "") for r in runs)))

    with open(os.path.join(CASES, "ORACLE"), "w") as f:
        f.write(version + "\n")


if __name__ == "__main__":
    main()
