#!/tmp/oracle/bin/python
"""Record inventory goldens from the real ansible-core 2.21 tools.

Run:   /tmp/oracle/bin/python Tests/InventoryTests/Fixtures/record.py [case-name ...]

For every directory cases/<name>/ holding a case.json, the case is copied to a
fresh temporary directory and the real `ansible-inventory` / `ansible-playbook`
(from /tmp/oracle/bin) are run there with stdin=/dev/null, ANSIBLE_NOCOLOR=1,
ANSIBLE_CONFIG pointing at an empty file and PYTHONHASHSEED=0.  The results are
written to cases/<name>/expected.json (never edit those by hand).  The temp
directory path is replaced by "<case>" in every recorded text.

case.json keys:
  inventory_args   list   -i arguments, shared by ansible-inventory and ansible-playbook
  about            str    what the case covers
  playbook_dir     str    optional; passed to ansible-inventory as --playbook-dir, and the
                          pattern/limit playbooks are written into that directory
  patterns         list   optional host patterns; each is run as `hosts: PATTERN` with
                          ansible-playbook --list-hosts
  limits           list   optional list of lists of --limit values (each value becomes one
                          `--limit VALUE` argument); the play uses `limit_play_hosts`
  limit_play_hosts str    optional, default "all"
  extra_hosts      list   optional extra names for `--host NAME` (e.g. implicit localhost)
  yaml             bool   optional; also record `--list --yaml`
  graph_group      str    optional; also record `--graph GROUP`
  env              dict   optional extra environment (e.g. ANSIBLE_HOST_PATTERN_MISMATCH)

The script also re-invokes itself inside the oracle venv (`--api SPEC`) to dump
Python-level data (typed values incl. template trust, internal group/host order,
InventoryManager.get_hosts() order for every pattern / limit) -- see README.md.
"""
from __future__ import annotations

import base64
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ORACLE = '/tmp/oracle/bin'
HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, 'cases')


# --------------------------------------------------------------------------- typed encoding

def _trust_helpers():
    try:
        from ansible._internal._datatag._tags import TrustedAsTemplate
        from ansible.parsing.vault import EncryptedString
        return TrustedAsTemplate, EncryptedString
    except Exception:
        return None, None


def enc(v, trust=False, _key=False):
    """Typed value encoding (see helper preamble).

    trust=True: strings without Ansible's TrustedAsTemplate tag are encoded as
    ["unsafe", s] (they would never be templated); dict keys are always "str".
    """
    TrustedAsTemplate, EncryptedString = _trust_helpers() if trust else (None, None)
    if EncryptedString is not None and isinstance(v, EncryptedString):
        return ['vault', v._ciphertext]
    if v is None:
        return ['none']
    if isinstance(v, bool):
        return ['bool', v]
    if isinstance(v, int):
        return ['int', str(int(v))]
    if isinstance(v, float):
        return ['float', repr(float(v))]
    if isinstance(v, str):
        s = str.__str__(v)
        if any(0xD800 <= ord(c) <= 0xDFFF for c in s):
            # undecodable input kept as surrogate escapes: not representable in UTF-8 JSON
            return ['other', 'str', repr(s)]
        if TrustedAsTemplate is not None and not _key and not TrustedAsTemplate.is_tagged_on(v):
            return ['unsafe', s]
        return ['str', s]
    if isinstance(v, bytes):
        return ['bytes', base64.b64encode(v).decode()]
    if isinstance(v, datetime.datetime):
        return ['datetime', str(v)]
    if isinstance(v, datetime.date):
        return ['date', str(v)]
    if isinstance(v, tuple):
        return ['tuple', [enc(x, trust) for x in v]]
    if isinstance(v, list):
        return ['list', [enc(x, trust) for x in v]]
    if isinstance(v, dict):
        return ['dict', [[enc(k, trust, _key=True), enc(x, trust)] for k, x in v.items()]]
    if isinstance(v, (set, frozenset)):
        items = [enc(x, trust) for x in v]
        return ['set', sorted(items, key=repr)]
    return ['other', type(v).__name__, repr(v)]


# --------------------------------------------------------------------------- api mode (runs inside the oracle venv)

def _install_shuffle(seed):
    """Perturb the iteration order of the Python sets that ansible's Group uses
    while walking parent/child relationships (Group has identity hashing, so the
    real order depends on memory addresses).  Used only to detect which recorded
    orders are not deterministic."""
    import random
    from itertools import chain
    from ansible.inventory.group import Group

    rnd = random.Random(seed)

    def perturb(items):
        # deterministic for a given seed: 1 = by name, 2 = reverse name, else seeded shuffle
        items = sorted(items, key=lambda g: g.name)
        if seed == 1:
            return items
        if seed == 2:
            return items[::-1]
        rnd.shuffle(items)
        return items

    class ShufSet(set):
        def __iter__(self):
            return iter(perturb(set.__iter__(self)))

    def _walk_relationship(self, rel, include_self=False, preserve_ordering=False):
        seen = set()
        unprocessed = set(getattr(self, rel))
        if include_self:
            unprocessed.add(self)
        if preserve_ordering:
            ordered = [self] if include_self else []
            ordered.extend(getattr(self, rel))
        while unprocessed:
            seen.update(unprocessed)
            new_unprocessed = set()
            order = perturb(unprocessed)
            for new_item in chain.from_iterable(getattr(g, rel) for g in order):
                new_unprocessed.add(new_item)
                if preserve_ordering:
                    if new_item not in seen:
                        ordered.append(new_item)
            new_unprocessed.difference_update(seen)
            unprocessed = new_unprocessed
        if preserve_ordering:
            return ordered
        return ShufSet(seen)

    Group._walk_relationship = _walk_relationship


def api_main(spec_path):
    with open(spec_path) as f:
        spec = json.load(f)
    out = {}
    from ansible.cli.inventory import InventoryCLI
    from ansible.cli import CLI
    from ansible.errors import AnsibleError

    if os.environ.get('RECORD_SHUFFLE_SEED'):
        _install_shuffle(int(os.environ['RECORD_SHUFFLE_SEED']))

    cli = InventoryCLI(['ansible-inventory'] + spec['argv'] + ['--list'])
    cli.parse()
    CLI.run(cli)
    loader, inv, vm = cli._play_prereqs()
    cli.loader, cli.inventory, cli.vm = loader, inv, vm

    out['sources'] = [str(s) for s in inv._sources]
    groups = []
    for g in inv.groups.values():
        groups.append({
            'name': g.name,
            'depth': g.depth,
            'priority': g.priority,
            'parents': [p.name for p in g.parent_groups],
            'children': [c.name for c in g.child_groups],
            'hosts': [h.name for h in g.hosts],
            'vars': enc(cli._get_group_variables(g), trust=True),
        })
    out['groups'] = groups
    hosts = []
    all_order = [h.name for h in inv.get_hosts('all')]
    out['all_order'] = all_order
    names = sorted(all_order)
    for extra in spec.get('extra_hosts', []):
        if extra not in names:
            names.append(extra)
    for name in names:
        h = inv.get_host(name)
        if h is None:
            hosts.append({'name': name, 'missing': True})
            continue
        hosts.append({
            'name': h.name,
            'implicit': bool(getattr(h, 'implicit', False)),
            'groups': [g.name for g in h.get_groups()],
            'vars': enc(cli._get_host_variables(h), trust=True),
        })
    out['hosts'] = hosts
    out['inventory_hosts_order'] = list(inv.hosts.keys())

    def order_for(pattern):
        try:
            return {'hosts': [h.name for h in inv.get_hosts(pattern)]}
        except AnsibleError as e:
            return {'error': str(e.message if hasattr(e, 'message') else e)}
        except Exception as e:  # pragma: no cover
            return {'error': '%s: %s' % (type(e).__name__, e)}

    out['patterns'] = [order_for(p) for p in spec.get('patterns', [])]
    lim = []
    for values in spec.get('limits', []):
        try:
            inv.subset(values[-1] if values else None)
            r = order_for(spec.get('limit_play_hosts', 'all'))
        except AnsibleError as e:
            r = {'error': str(e.message if hasattr(e, 'message') else e)}
        inv.subset(None)
        lim.append(r)
    out['limits'] = lim
    with open(spec['out'], 'w') as f:
        json.dump(out, f)


# --------------------------------------------------------------------------- recording

PYTHONS = sorted({os.path.join(ORACLE, n) for n in ('python', 'python3', 'python3.13')} |
                 {os.path.realpath(os.path.join(ORACLE, 'python'))}, key=len, reverse=True)


def norm(text, tmp):
    """temp dir -> <case>; the oracle interpreter path (implicit localhost's
    ansible_python_interpreter) -> <python>."""
    text = text.replace(os.path.realpath(tmp), '<case>').replace(tmp, '<case>')
    for p in PYTHONS:
        text = text.replace(p, '<python>')
    return text


def lines(text):
    ls = text.split('\n')
    while ls and ls[-1] == '':
        ls.pop()
    return ls


def make_env(tmp_cfg):
    env = {k: v for k, v in os.environ.items() if not k.startswith('ANSIBLE_')}
    env['ANSIBLE_NOCOLOR'] = '1'
    env['ANSIBLE_CONFIG'] = tmp_cfg
    env['PYTHONHASHSEED'] = '0'
    env['LANG'] = 'C.UTF-8'
    env['LC_ALL'] = 'C.UTF-8'
    env.pop('COLUMNS', None)
    return env


def run(argv, cwd, env, tmp):
    p = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, norm(p.stdout.decode('utf-8', 'replace'), tmp), norm(p.stderr.decode('utf-8', 'replace'), tmp)


def parse_json(text):
    try:
        return enc(json.loads(text)), True
    except ValueError:
        return None, False


def list_hosts_of(stdout):
    out = []
    grab = False
    for ln in stdout.split('\n'):
        if ln.startswith('    hosts ('):
            grab = True
            continue
        if grab:
            if ln.startswith('      '):
                out.append(ln.strip())
            else:
                grab = False
    return sorted(out)


def sort_host_lines(ls):
    """ansible-playbook --list-hosts prints each play's hosts by iterating a Python
    set (random order); sort those lines so the golden is deterministic."""
    out, block = [], []
    for ln in ls + [None]:
        if ln is not None and block is not None and ln.startswith('      ') and out and (block or out[-1].startswith('    hosts (')):
            block.append(ln)
            continue
        out.extend(sorted(block))
        block = []
        if ln is not None:
            out.append(ln)
    return out


def playbook_text(pattern):
    return '- hosts: %s\n  gather_facts: false\n  tasks: []\n' % json.dumps(pattern, ensure_ascii=False)


def record_case(name):
    cdir = os.path.join(CASES, name)
    with open(os.path.join(cdir, 'case.json')) as f:
        case = json.load(f)
    base = tempfile.mkdtemp(prefix='invrec')
    tmp = os.path.join(base, 'c')
    try:
        shutil.copytree(cdir, tmp, symlinks=True, ignore=shutil.ignore_patterns('expected.json', 'case.json'))
        cfg = os.path.join(base, 'ansible.cfg')
        open(cfg, 'w').close()
        env = make_env(cfg)
        env.update(case.get('env', {}))
        inv_args = list(case['inventory_args'])
        ai = [os.path.join(ORACLE, 'ansible-inventory')] + inv_args
        pbdir = case.get('playbook_dir')
        if pbdir:
            ai += ['--playbook-dir', pbdir]
        res = {'about': case.get('about', ''), 'inventory_args': inv_args}
        if case.get('env'):
            res['env'] = case['env']
        if pbdir:
            res['playbook_dir'] = pbdir

        rc, out, err = run(ai + ['--list'], tmp, env, tmp)
        parsed, ok = parse_json(out)
        res['list'] = parsed
        res['list_rc'] = rc
        if not ok:
            res['list_stdout'] = lines(out)
        res['stderr'] = lines(err)

        rc, out, err = run(ai + ['--list', '--export'], tmp, env, tmp)
        parsed, ok = parse_json(out)
        res['list_export'] = parsed
        res['list_export_rc'] = rc

        rc, out, err = run(ai + ['--graph'], tmp, env, tmp)
        res['graph'] = lines(out)
        res['graph_rc'] = rc
        res['graph_stderr'] = lines(err)

        rc, out, err = run(ai + ['--graph', '--vars'], tmp, env, tmp)
        res['graph_vars'] = lines(out)
        res['graph_vars_rc'] = rc

        if case.get('graph_group'):
            rc, out, err = run(ai + ['--graph', case['graph_group']], tmp, env, tmp)
            res['graph_group'] = {'group': case['graph_group'], 'rc': rc, 'stdout': lines(out), 'stderr': lines(err)}

        if case.get('yaml'):
            rc, out, err = run(ai + ['--list', '--yaml'], tmp, env, tmp)
            res['yaml'] = out
            res['yaml_rc'] = rc

        # every host named in the --list output, plus extra_hosts
        names = set()
        if res['list'] is not None:
            data = json.loads(json.dumps(dec(res['list'])))
            for gname, g in data.items():
                if gname == '_meta':
                    names.update(g.get('hostvars', {}).keys())
                elif isinstance(g, dict):
                    names.update(g.get('hosts', []))
        host_names = sorted(names) + [h for h in case.get('extra_hosts', []) if h not in names]
        res['host'] = {}
        res['host_rc'] = {}
        res['host_stderr'] = {}

        def one_host(h):
            return h, run(ai + ['--host', h], tmp, env, tmp)
        for h, (rc, out, err) in map(one_host, host_names):
            parsed, ok = parse_json(out)
            res['host'][h] = parsed
            res['host_rc'][h] = rc
            if err:
                res['host_stderr'][h] = lines(err)

        pb_root = os.path.join(tmp, pbdir) if pbdir else tmp
        os.makedirs(pb_root, exist_ok=True)
        pb_rel = os.path.join(pbdir, 'pattern_play.yml') if pbdir else 'pattern_play.yml'
        ap = [os.path.join(ORACLE, 'ansible-playbook')] + inv_args

        pats = []
        for p in case.get('patterns', []):
            with open(os.path.join(pb_root, 'pattern_play.yml'), 'w') as f:
                f.write(playbook_text(p))
            rc, out, err = run(ap + [pb_rel, '--list-hosts'], tmp, env, tmp)
            pats.append({'pattern': p, 'rc': rc, 'stdout': sort_host_lines(lines(out)), 'stderr': lines(err),
                         'hosts': list_hosts_of(out)})
        lims = []
        lph = case.get('limit_play_hosts', 'all')
        for values in case.get('limits', []):
            with open(os.path.join(pb_root, 'pattern_play.yml'), 'w') as f:
                f.write(playbook_text(lph))
            largs = []
            for v in values:
                largs += ['--limit', v]
            rc, out, err = run(ap + [pb_rel, '--list-hosts'] + largs, tmp, env, tmp)
            entry = {'limit': values, 'play_hosts': lph, 'rc': rc, 'stdout': sort_host_lines(lines(out)), 'stderr': lines(err),
                     'hosts': list_hosts_of(out)}
            rc2, out2, err2 = run(ai + ['--list'] + largs, tmp, env, tmp)
            parsed, ok = parse_json(out2)
            entry['inventory_list'] = parsed
            entry['inventory_list_rc'] = rc2
            entry['inventory_list_stderr'] = lines(err2)
            lims.append(entry)
        if os.path.exists(os.path.join(pb_root, 'pattern_play.yml')):
            os.unlink(os.path.join(pb_root, 'pattern_play.yml'))
        if pats:
            res['patterns'] = pats
        if lims:
            res['limits'] = lims

        site = os.path.join(pb_root, 'site.yml')
        if os.path.exists(site) and not case.get('skip_site'):
            site_rel = os.path.join(pbdir, 'site.yml') if pbdir else 'site.yml'
            rc, out, err = run(ap + [site_rel, '--list-hosts'], tmp, env, tmp)
            res['site_list_hosts'] = {'rc': rc, 'stdout': sort_host_lines(lines(out)), 'stderr': lines(err)}

        # python-level dump
        spec = {'argv': inv_args + (['--playbook-dir', pbdir] if pbdir else []),
                'patterns': case.get('patterns', []), 'limits': case.get('limits', []),
                'limit_play_hosts': lph, 'extra_hosts': case.get('extra_hosts', []),
                'out': os.path.join(base, 'api.json')}
        with open(os.path.join(base, 'spec.json'), 'w') as f:
            json.dump(spec, f)
        dumps = []
        for seed in (None,) + SHUFFLE_SEEDS:
            env_s = dict(env)
            if seed is not None:
                env_s['RECORD_SHUFFLE_SEED'] = str(seed)
            if os.path.exists(spec['out']):
                os.unlink(spec['out'])
            rc, out, err = run([os.path.join(ORACLE, 'python'), os.path.abspath(__file__), '--api',
                                os.path.join(base, 'spec.json')], tmp, env_s, tmp)
            if rc == 0 and os.path.exists(spec['out']):
                with open(spec['out']) as f:
                    dumps.append(json.loads(norm(f.read(), tmp)))
            else:
                dumps.append(None)
                res['api_error'] = lines(err)[-5:]
                break
        api = dumps[0]
        if api is not None and None not in dumps:
            paths = set()
            for other in dumps[1:]:
                diff_paths(api, other, '', paths)
            for p in paths:
                canonicalise(api, p)
            res['api_order_unstable'] = sorted(paths)
        res['api'] = api

        with open(os.path.join(cdir, "expected.json"), "w", encoding="utf-8", errors="backslashreplace") as f:
            f.write(pretty(res) + '\n')
        return name, None
    except Exception as e:  # pragma: no cover
        import traceback
        return name, traceback.format_exc()
    finally:
        shutil.rmtree(base, ignore_errors=True)


SHUFFLE_SEEDS = tuple(range(1, 9))


def canonicalise(obj, path):
    """Sort the list of strings at `path` (an order found to be non-deterministic)."""
    parts = [p for p in path.split('/') if p]
    parent, key = None, None
    cur = obj
    for p in parts:
        parent, key = cur, (int(p) if isinstance(cur, list) else p)
        cur = cur[key]
    if isinstance(cur, list) and all(isinstance(x, str) for x in cur) and parent is not None:
        parent[key] = sorted(cur)
    else:
        raise RuntimeError('cannot canonicalise unstable path %s' % path)


def diff_paths(a, b, path, out):
    """Collect JSON paths where two API dumps (different PYTHONHASHSEED) differ."""
    if type(a) is not type(b):
        out.add(path)
    elif isinstance(a, dict):
        for k in set(a) | set(b):
            if k not in a or k not in b:
                out.add(path + '/' + k)
            else:
                diff_paths(a[k], b[k], path + '/' + k, out)
    elif isinstance(a, list):
        if len(a) != len(b) or (a and not isinstance(a[0], (dict, list)) and a != b):
            out.add(path)
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                diff_paths(x, y, '%s/%d' % (path, i), out)
    elif a != b:
        out.add(path)


def pretty(o, ind=0):
    """Stable, fairly compact JSON: objects are indented (keys sorted), arrays are
    written on one line when short."""
    flat = json.dumps(o, ensure_ascii=False, sort_keys=True)
    if len(flat) + ind <= 110 or not isinstance(o, (dict, list)) or not o:
        return flat
    pad = ' ' * (ind + 1)
    if isinstance(o, dict):
        items = ['%s%s: %s' % (pad, json.dumps(k, ensure_ascii=False), pretty(o[k], ind + 1)) for k in sorted(o)]
        return '{\n' + ',\n'.join(items) + '\n' + ' ' * ind + '}'
    items = [pad + pretty(x, ind + 1) for x in o]
    return '[\n' + ',\n'.join(items) + '\n' + ' ' * ind + ']'


def dec(t):
    """Decode the typed encoding back to plain Python (for host-name discovery)."""
    k = t[0]
    if k == 'none':
        return None
    if k in ('bool', 'str', 'unsafe'):
        return t[1]
    if k == 'int':
        return int(t[1])
    if k == 'float':
        return float(t[1])
    if k in ('list', 'tuple', 'set'):
        return [dec(x) for x in t[1]]
    if k == 'dict':
        return {dec(a): dec(b) for a, b in t[1]}
    return t[-1]


def main(argv):
    if len(argv) > 1 and argv[1] == '--api':
        api_main(argv[2])
        return 0
    names = argv[1:] or sorted(d for d in os.listdir(CASES) if os.path.exists(os.path.join(CASES, d, 'case.json')))
    failed = 0
    with ThreadPoolExecutor(max_workers=int(os.environ.get('RECORD_JOBS', '3'))) as ex:
        for name, err in ex.map(record_case, names):
            if err:
                failed += 1
                print('FAILED', name, err, file=sys.stderr)
            else:
                print('recorded', name)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
