#!/tmp/oracle/bin/python
"""Record the Jinja2/Ansible templating golden corpus.

Run:  /tmp/oracle/bin/python Tests/JinjaTests/Fixtures/record.py
(needs the ansible-core 2.21 venv at /tmp/oracle).  Reads cases/*.yaml next to
this script and writes expected.json next to it.  See README.md for the case
format, the modes and the fixed environment the goldens were recorded in.

The script re-executes itself once with a scrubbed, fixed environment
(HOME, TZ, locale, PATH, RUNNER_TEST_* variables, an empty ansible.cfg) so the
recording does not depend on the caller's shell.
"""
from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = '/tmp/runner-jinja-golden'          # fixed so recorded paths are stable
PLAY = ROOT + '/play'                       # per-case playbook dir / cwd / search path
FIXED_HOME = '/home/runner'                 # used by expanduser; need not exist
FIXED_MTIME = 1700000000                    # mtime given to every case file
MARKER = 'RUNNER_JINJA_GOLDEN_CHILD'


def _reexec() -> None:
    os.makedirs(ROOT + '/tmp', exist_ok=True)
    with open(ROOT + '/ansible.cfg', 'w') as f:
        f.write('[defaults]\n')
    env = {
        MARKER: '1',
        'PATH': '/usr/local/bin:/usr/bin:/bin',
        'HOME': FIXED_HOME,
        'USER': 'runner',
        'LOGNAME': 'runner',
        'TZ': 'UTC',
        'LANG': 'C.UTF-8',
        'LC_ALL': 'C.UTF-8',
        'PYTHONHASHSEED': '0',
        'ANSIBLE_CONFIG': ROOT + '/ansible.cfg',
        'ANSIBLE_LOCAL_TEMP': ROOT + '/tmp',
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_DEPRECATION_WARNINGS': '0',
        'ANSIBLE_SYSTEM_WARNINGS': '0',
        'RUNNER_TEST_VAR': 'hello world',
        'RUNNER_TEST_EMPTY': '',
        'RUNNER_TEST_NUM': '42',
    }
    os.execve(sys.executable, [sys.executable, os.path.abspath(__file__)] + sys.argv[1:], env)


if os.environ.get(MARKER) != '1':
    _reexec()

# ---------------------------------------------------------------- child process
import base64  # noqa: E402
import datetime  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402

import yaml  # noqa: E402

time.tzset()

from ansible.template import Templar, trust_as_template  # noqa: E402
from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.module_utils.common.text.converters import to_text  # noqa: E402
from ansible._internal._templating._engine import TemplateEngine  # noqa: E402
from ansible._internal._templating._template_vars import generate_ansible_template_vars  # noqa: E402
from ansible.parsing.vault import EncryptedString  # noqa: E402
from ansible.plugins.loader import init_plugin_loader  # noqa: E402

init_plugin_loader()  # as the CLI does: installs the collection loader so FQCN plugin names resolve

MODES = ('expr', 'text', 'template', 'cond')
CASE_KEYS = {'id', 'mode', 'template', 'vars', 'unsafe_vars', 'files', 'options', 'note'}


# ------------------------------------------------------------------ encoding
def enc(v):
    if v is None:
        return ['none']
    if isinstance(v, bool):
        return ['bool', v]
    if isinstance(v, int):
        return ['int', str(int(v))]
    if isinstance(v, float):
        return ['float', repr(float(v))]
    if isinstance(v, EncryptedString):
        return ['vault', v._ciphertext]
    if isinstance(v, str):
        text = str.__str__(v)
        try:
            text.encode('utf-8')
        except UnicodeEncodeError:  # lone surrogates (surrogateescape'd bytes) cannot go into UTF-8 JSON
            return ['other', 'str', repr(text)]
        return ['str', text]
    if isinstance(v, (bytes, bytearray)):
        return ['bytes', base64.b64encode(bytes(v)).decode('ascii')]
    if isinstance(v, tuple):
        return ['tuple', [enc(x) for x in v]]
    if isinstance(v, list):
        return ['list', [enc(x) for x in v]]
    if isinstance(v, dict):
        return ['dict', [[enc(k), enc(x)] for k, x in v.items()]]
    if isinstance(v, datetime.datetime):
        return ['datetime', str(v)]
    if isinstance(v, datetime.date):
        return ['date', str(v)]
    if isinstance(v, (set, frozenset)):
        return ['set', [enc(x) for x in sorted(v, key=repr)]]
    return ['other', type(v).__name__, repr(v)]


def first_line(ex: BaseException) -> str:
    text = str(ex)
    text = text.encode('utf-8', 'backslashreplace').decode('utf-8')
    return text.splitlines()[0] if text else ''


# ------------------------------------------------------------------ vars
def trusted(v):
    """Mimic Ansible's YAML loader: every str (keys included) is trusted as a template."""
    if isinstance(v, str):
        return trust_as_template(v)
    if isinstance(v, list):
        return [trusted(x) for x in v]
    if isinstance(v, dict):
        return {trusted(k): trusted(x) for k, x in v.items()}
    return v


def build_vars(case):
    variables = {
        'playbook_dir': PLAY,
        'ansible_search_path': [PLAY],
    }
    for k, v in (case.get('vars') or {}).items():
        variables[trust_as_template(k)] = trusted(v)
    # `!unsafe` equivalent: plain (untrusted) strings, never templated
    for k, v in (case.get('unsafe_vars') or {}).items():
        variables[trust_as_template(k)] = v
    return variables


def prepare_play_dir(case):
    if os.path.isdir(PLAY):
        shutil.rmtree(PLAY)
    os.makedirs(PLAY)
    for rel, content in sorted((case.get('files') or {}).items()):
        path = os.path.join(PLAY, rel)
        if rel.endswith('/'):          # "dir/": empty directory
            os.makedirs(path, exist_ok=True)
            continue
        if rel.endswith('@'):          # "name@": symlink named name pointing at content
            path = path[:-1]
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.symlink(content, path)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8', newline='') as f:
            f.write(content)
    for dirpath, dirnames, filenames in os.walk(PLAY):
        for name in dirnames + filenames:
            os.utime(os.path.join(dirpath, name), (FIXED_MTIME, FIXED_MTIME), follow_symlinks=False)
    os.utime(PLAY, (FIXED_MTIME, FIXED_MTIME))
    os.chdir(PLAY)


# ------------------------------------------------------------------ modes
def run_case(case):
    mode = case['mode']
    source = case['template']
    prepare_play_dir(case)
    random.seed(0)
    loader = DataLoader()
    loader.set_basedir(PLAY)
    variables = build_vars(case)
    tmpl = trust_as_template(source) if isinstance(source, str) else source

    if mode == 'expr':
        return Templar(loader, variables).template(tmpl)

    if mode == 'text':
        result = Templar(loader, variables).template(tmpl)
        return '' if result is None else to_text(result)

    if mode == 'cond':
        return TemplateEngine(loader, variables=variables).evaluate_conditional(tmpl)

    if mode == 'template':
        # emulate lib/ansible/plugins/action/template.py
        opts = dict(case.get('options') or {})
        src_rel = 'templates/case.j2'
        fullpath = os.path.join(PLAY, src_rel)
        os.makedirs(os.path.dirname(fullpath), exist_ok=True)
        with open(fullpath, 'w', encoding='utf-8', newline='') as f:
            f.write(source)
        os.utime(fullpath, (FIXED_MTIME, FIXED_MTIME))
        template_data = trust_as_template(loader.get_text_file_contents(fullpath))
        searchpath = list(variables.get('ansible_search_path', []))
        searchpath.extend([loader.get_basedir(), os.path.dirname(fullpath)])
        newsearchpath = []
        for p in searchpath:
            newsearchpath.append(os.path.join(p, 'templates'))
            newsearchpath.append(p)
        temp_vars = dict(variables)
        temp_vars.update(generate_ansible_template_vars(
            path='case.j2', fullpath=fullpath, dest_path='/tmp/dest/case.txt',
            include_ansible_managed='ansible_managed' not in temp_vars))
        newline = opts.get('newline_sequence', '\n')
        newline = {'\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n'}.get(newline, newline)
        overrides = dict(
            block_start_string=opts.get('block_start_string', '{%'),
            block_end_string=opts.get('block_end_string', '%}'),
            variable_start_string=opts.get('variable_start_string', '{{'),
            variable_end_string=opts.get('variable_end_string', '}}'),
            comment_start_string=opts.get('comment_start_string', '{#'),
            comment_end_string=opts.get('comment_end_string', '#}'),
            trim_blocks=bool(opts.get('trim_blocks', True)),
            lstrip_blocks=bool(opts.get('lstrip_blocks', False)),
            newline_sequence=newline,
        )
        base = Templar(loader, variables)
        data_templar = base.copy_with_new_env(searchpath=newsearchpath, available_variables=temp_vars)
        result = data_templar.template(template_data, escape_backslashes=False, overrides=overrides)
        if result is None:
            result = ''
        return to_text(result)

    raise ValueError(f'unknown mode {mode!r}')


def scrub(obj):
    """Replace the fixed work dir in recorded strings with a placeholder."""
    if isinstance(obj, str):
        # memory addresses in reprs (e.g. "<ast.Name object at 0x7f...>") are not stable
        return re.sub(r' at 0x[0-9a-fA-F]+', ' at 0x?', obj.replace(PLAY, '@PLAY@'))
    if isinstance(obj, list):
        return [scrub(x) for x in obj]
    return obj


def main() -> None:
    cases = []
    seen = set()
    for path in sorted(glob.glob(os.path.join(HERE, 'cases', '*.yaml'))):
        with open(path, encoding='utf-8') as f:
            data = yaml.safe_load(f)
        for case in data:
            extra = set(case) - CASE_KEYS
            if extra:
                sys.exit(f'{path}: case {case.get("id")}: unknown keys {sorted(extra)}')
            if case['id'] in seen:
                sys.exit(f'duplicate case id {case["id"]}')
            if case['mode'] not in MODES:
                sys.exit(f'{case["id"]}: bad mode {case["mode"]}')
            seen.add(case['id'])
            cases.append(case)

    out = {}
    for case in cases:
        try:
            value = run_case(case)
            out[case['id']] = {'value': scrub(enc(value))}
        except Exception as ex:  # noqa: BLE001 - every failure is a recorded outcome
            out[case['id']] = {'error': {'type': type(ex).__name__, 'message': scrub(first_line(ex))}}
        finally:
            os.chdir(ROOT)

    with open(os.path.join(HERE, 'expected.json'), 'w', encoding='utf-8') as f:
        json.dump(out, f, sort_keys=True, indent=1, ensure_ascii=False)
        f.write('\n')

    errors = sum(1 for v in out.values() if 'error' in v)
    print(f'recorded {len(out)} cases ({errors} errors) -> expected.json', file=sys.stderr)


if __name__ == '__main__':
    main()
