#!/tmp/oracle/bin/python
"""Record how ansible-core's own YAML loader loads the files in ansible/*.yaml.

Run with the ansible-core 2.21 virtualenv interpreter:

    /tmp/oracle/bin/python Tests/YAMLTests/Fixtures/record_ansible.py

Each file is read as UTF-8 text and tagged the way ansible-core's DataLoader
tags playbook/vars files (``Origin`` with the absolute path, plus
``TrustedAsTemplate``), then loaded with
``yaml.load(text, Loader=ansible.parsing.yaml.loader.AnsibleLoader)``.

ansible-expected.json maps file name ->
    {"value": ENC, "warnings": [str, ...]}
  | {"error": {"problem", "line", "column", "kind", "context", "ansible_message"},
     "warnings": [...]}

ENC is the shared typed encoding (see record.py), with two Ansible additions:
  * a string NOT tagged TrustedAsTemplate (i.e. produced under ``!unsafe``)
    -> ["unsafe", s]   (strings, also mapping keys, are otherwise ["str", s])
  * an ansible.parsing.vault.EncryptedString (``!vault``) -> ["vault", ciphertext]
Other data tags (Origin, ...) are ignored.

``warnings`` are the messages ansible's Display would print to stderr
(warnings and deprecation warnings), exactly as formatted, with the absolute
fixtures directory prefix removed from paths.  ``ansible_message`` is
str() of the AnsibleYAMLParserError ansible-core raises for the failure
(same path normalisation).

The vault values in the fixtures were made with
``ansible-vault encrypt_string --vault-password-file ansible/vault-password.txt``
(password ``fixture-pass``); they are not decrypted here.
"""

import base64
import datetime
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, 'ansible')
EXPECTED = os.path.join(HERE, 'ansible-expected.json')

# Isolate from any ansible.cfg / ANSIBLE_* settings of the machine: defaults only.
for _k in list(os.environ):
    if _k.startswith('ANSIBLE_'):
        del os.environ[_k]
_cfg_dir = tempfile.mkdtemp(prefix='record-ansible-')
_cfg = os.path.join(_cfg_dir, 'ansible.cfg')
open(_cfg, 'w').close()
os.environ['ANSIBLE_CONFIG'] = _cfg
os.environ['ANSIBLE_NOCOLOR'] = '1'
os.environ['ANSIBLE_FORCE_COLOR'] = '0'

import yaml  # noqa: E402

from ansible import __version__ as ansible_version  # noqa: E402
from ansible.parsing.yaml.loader import AnsibleLoader  # noqa: E402
from ansible.parsing.vault import EncryptedString  # noqa: E402
from ansible._internal._datatag._tags import Origin, TrustedAsTemplate  # noqa: E402
from ansible._internal._yaml._errors import AnsibleYAMLParserError  # noqa: E402
from ansible.utils.display import Display  # noqa: E402

captured = []


def _capture_display(self, msg, color=None, stderr=False, screen_only=False, log_only=False,
                     newline=True, caplevel=None):
    captured.append(msg)


Display.display = _capture_display
display = Display()


def norm(text):
    return text.replace(HERE + os.sep, '')


def enc(v):
    if v is None:
        return ['none']
    if isinstance(v, EncryptedString):
        return ['vault', v._ciphertext]
    if isinstance(v, bool):
        return ['bool', bool(v)]
    if isinstance(v, int):
        return ['int', str(int(v))]
    if isinstance(v, float):
        return ['float', repr(float(v))]
    if isinstance(v, str):
        if TrustedAsTemplate.is_tagged_on(v):
            return ['str', str(v)]
        return ['unsafe', str(v)]
    if isinstance(v, bytes):
        return ['bytes', base64.b64encode(bytes(v)).decode('ascii')]
    if isinstance(v, datetime.datetime):
        return ['datetime', str(v)]
    if isinstance(v, datetime.date):
        return ['date', str(v)]
    if isinstance(v, dict):
        return ['dict', [[enc(k), enc(x)] for k, x in v.items()]]
    if isinstance(v, tuple):
        return ['tuple', [enc(x) for x in v]]
    if isinstance(v, list):
        return ['list', [enc(x) for x in v]]
    if isinstance(v, (set, frozenset)):
        return ['set', [enc(x) for x in sorted(v, key=repr)]]
    return ['other', type(v).__name__, repr(v)]


def enc_error(exc, origin):
    mark = getattr(exc, 'problem_mark', None) or getattr(exc, 'context_mark', None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = exc.problem if exc.problem is not None else exc.context
        context = exc.context if exc.problem is not None else None
    elif isinstance(exc, yaml.reader.ReaderError):
        problem, context = str(exc.reason), None
    else:
        problem, context = str(exc), None
    try:
        AnsibleYAMLParserError.handle_exception(exc, origin=origin)
    except AnsibleYAMLParserError as wrapped:
        ansible_message = norm(str(wrapped))
    except Exception as other:  # noqa: BLE001
        ansible_message = norm('%s: %s' % (type(other).__name__, other))
    else:
        ansible_message = None
    return {'problem': problem, 'line': line, 'column': column,
            'kind': type(exc).__name__, 'context': context,
            'ansible_message': ansible_message}


def record_one(path):
    with open(path, 'rb') as f:
        text = f.read().decode('utf-8')
    origin = Origin(path=path)
    data = TrustedAsTemplate().tag(origin.tag(text))
    display._warns.clear()
    display._deprecations.clear()
    del captured[:]
    try:
        value = yaml.load(data, Loader=AnsibleLoader)
    except Exception as exc:  # noqa: BLE001 - failures are part of the golden
        result = {'error': enc_error(exc, origin)}
    else:
        result = {'value': enc(value)}
    result['warnings'] = [norm(m) for m in captured]
    return result


def main():
    names = sorted(n for n in os.listdir(CASES) if n.endswith('.yaml'))
    expected = {n: record_one(os.path.join(CASES, n)) for n in names}
    with open(EXPECTED, 'w', encoding='utf-8') as f:
        json.dump(expected, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write('\n')
    print('ansible-core %s: %d cases, %d errors, %d with warnings' % (
        ansible_version, len(expected), sum('error' in r for r in expected.values()),
        sum(bool(r['warnings']) for r in expected.values())))


if __name__ == '__main__':
    sys.exit(main())
