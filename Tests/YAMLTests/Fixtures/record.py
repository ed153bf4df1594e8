#!/usr/bin/env python3
"""Record the expected results of loading the YAML corpus with PyYAML.

Run with the system interpreter (needs PyYAML built with libyaml):

    python3 Tests/YAMLTests/Fixtures/record.py

Every file in corpus/*.yaml is read as bytes and loaded with
``yaml.load(data, Loader=yaml.CSafeLoader)`` (the loader Ansible uses).  The
result is written to expected.json as

    "<file name>": {"value": ENC}
                 | {"error": {"problem": str, "line": int|null, "column": int|null,
                             "kind": exception class name, "context": str|null}}
                 | {"skip": "billion-laughs"|"recursive", "note": str}

``line``/``column`` are 1-based and come from the exception's problem_mark, or
its context_mark when there is no problem_mark (null when the exception has no
mark at all, e.g. reader errors for invalid UTF-8 or plain Python exceptions
raised by a constructor).

ENC is the typed encoding shared by all goldens:
  None -> ["none"], bool -> ["bool", b], int -> ["int", "<decimal>"],
  float -> ["float", repr(v)], str -> ["str", s], list -> ["list", [...]],
  tuple -> ["tuple", [...]], dict -> ["dict", [[k, v], ...]] (insertion order),
  datetime -> ["datetime", str(v)], date -> ["date", str(v)],
  bytes -> ["bytes", base64], set -> ["set", [...sorted by repr of element]],
  anything else -> ["other", type name, repr].

The same bytes are also loaded with the pure-Python ``yaml.SafeLoader``; any
case where that result differs from the libyaml one is written to
pure-python-differences.json (informational only; expected.json is the golden).
"""

import base64
import datetime
import json
import os
import sys

import yaml
import yaml._yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, 'corpus')
EXPECTED = os.path.join(HERE, 'expected.json')
DIFFS = os.path.join(HERE, 'pure-python-differences.json')

# The system python3 this corpus is recorded with.  PyYAML 6.0.4 (as bundled
# in the ansible-core venv) differs: its merge-key flattening (PR #937,
# regression yaml/pyyaml#953) lets the LAST map of `<<: [*a, *b]` win for
# multi-character keys, and its libyaml 0.2.6 accepts `[a, ?]`.
RECORDED_WITH = ('6.0.3', '0.2.5')

# Expanding an alias graph beyond this many nodes is treated as a
# "billion laughs" document (the loaded object shares sub-structures).
MAX_NODES = 200_000


class TooBig(Exception):
    pass


class Recursive(Exception):
    pass


def expanded_size(v, memo):
    """Number of nodes of v once every shared reference is expanded."""
    key = id(v)
    if key in memo:
        if memo[key] is None:
            raise Recursive()
        return memo[key]
    if isinstance(v, dict):
        memo[key] = None
        n = 1 + sum(expanded_size(k, memo) + expanded_size(x, memo) for k, x in v.items())
    elif isinstance(v, (list, tuple, set)):
        memo[key] = None
        n = 1 + sum(expanded_size(x, memo) for x in v)
    else:
        return 1
    memo[key] = n
    return n


def enc(v):
    if v is None:
        return ['none']
    if isinstance(v, bool):
        return ['bool', v]
    if isinstance(v, int):
        return ['int', str(int(v))]
    if isinstance(v, float):
        return ['float', repr(float(v))]
    if isinstance(v, str):
        return ['str', str(v)]
    if isinstance(v, bytes):
        return ['bytes', base64.b64encode(v).decode('ascii')]
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


def mark_pos(exc):
    mark = getattr(exc, 'problem_mark', None) or getattr(exc, 'context_mark', None)
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


def enc_error(exc):
    line, column = mark_pos(exc)
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = exc.problem if exc.problem is not None else exc.context
        context = exc.context if exc.problem is not None else None
    elif isinstance(exc, yaml.reader.ReaderError):
        problem = str(exc.reason)
        context = None
    else:
        problem = str(exc)
        context = None
    return {
        'problem': problem,
        'line': line,
        'column': column,
        'kind': type(exc).__name__,
        'context': context,
    }


def record_one(data, loader):
    try:
        value = yaml.load(data, Loader=loader)
    except RecursionError as exc:  # not expected for libyaml; possible for pure Python
        return {'error': {'problem': 'RecursionError: ' + str(exc), 'line': None,
                          'column': None, 'kind': 'RecursionError', 'context': None}}
    except Exception as exc:  # noqa: BLE001 - every failure is part of the golden
        return {'error': enc_error(exc)}
    try:
        size = expanded_size(value, {})
    except Recursive:
        return {'skip': 'recursive',
                'note': 'PyYAML builds a self-referencing %s (an alias refers to an '
                        'enclosing anchor); it cannot be encoded. The Swift loader '
                        'must report an error.' % type(value).__name__}
    if size > MAX_NODES:
        return {'skip': 'billion-laughs',
                'note': 'PyYAML loads this quickly because aliases share one object; '
                        'fully expanded it has %d nodes. The Swift loader must reject '
                        'it as an error (alias expansion limit).' % size}
    return {'value': enc(value)}


def main():
    if not yaml.__with_libyaml__:
        sys.exit('PyYAML without libyaml: CSafeLoader unavailable')
    versions = (yaml.__version__, yaml._yaml.get_version_string())
    if versions != RECORDED_WITH and not os.environ.get('RECORD_ANY_PYYAML'):
        sys.exit('goldens were recorded with PyYAML %s / libyaml %s, this is %s / %s '
                 '(set RECORD_ANY_PYYAML=1 to record anyway)' % (RECORDED_WITH + versions))
    names = sorted(n for n in os.listdir(CORPUS) if n.endswith('.yaml'))
    expected = {}
    diffs = {}
    for name in names:
        with open(os.path.join(CORPUS, name), 'rb') as f:
            data = f.read()
        c_result = record_one(data, yaml.CSafeLoader)
        py_result = record_one(data, yaml.SafeLoader)
        expected[name] = c_result
        if c_result != py_result:
            diffs[name] = {'CSafeLoader': c_result, 'SafeLoader': py_result}
    with open(EXPECTED, 'w', encoding='utf-8') as f:
        json.dump(expected, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write('\n')
    with open(DIFFS, 'w', encoding='utf-8') as f:
        # ensure_ascii: the pure-Python loader can produce lone surrogates.
        json.dump({'pyyaml': yaml.__version__, 'differences': diffs}, f,
                  indent=1, sort_keys=True, ensure_ascii=True)
        f.write('\n')
    print('%d cases, %d errors, %d skipped, %d differ from pure-Python SafeLoader' % (
        len(expected), sum('error' in r for r in expected.values()),
        sum('skip' in r for r in expected.values()), len(diffs)))


if __name__ == '__main__':
    main()
