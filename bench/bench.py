"""Side-by-side benchmark harness: native CPython, CPython compiled to wasm
(python.wasm, the same build as our runtime), the peer (PyPI's py2wasm 2.6.3,
Wasmer's Nuitka fork) and py2wasm's own outputs, on the same engines (our
in-process Wasmer runner, `py2wasm run`; wasmtime as a second column).

usage: python3 bench/bench.py [--quick] [--rounds N] [--engines wasmer,wasmtime] [--no-peer]

One command from a clean checkout, once ./setup.sh and `cargo build --release`
have run: it sets the peer up itself (bench/peer.py: Debian packages, a WASI
SDK directory, a venv; cached, so only the first run pays), compiles every
program with both compilers (the peer's outputs cached by a hash of program
and set-up: a cold compile takes 2-4 minutes), checks every system prints
what native CPython prints, then times whole runs (start-up included),
interleaved round by round so load on the shared machine hits all systems
alike. It reports medians with min/max, the ratios, compile times, output
sizes and `print('hi')` start-up, and writes bench/results.md and
bench/results.svg. A system that fails on a program (a compile error, a trap,
a wrong output) gets the failure in its cell, and the run goes on.

Programs: bench/pystone_like.py, bench/fib.py, bench/sieve.py and pyperformance's pure-stdlib benchmarks
(downloaded by tests/pyperformance/fetch.py, never committed), run with our
pyperf stand-in. --quick: short runs of five programs, one round.
"""
import argparse
import datetime
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import peer as peer_setup

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get('PY2WASM_CACHE') or os.path.join(
    os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'), 'py2wasm')
TARGET = os.environ.get('CARGO_TARGET_DIR') or os.path.join(REPO, 'target')
PY2WASM = os.path.join(TARGET, 'release', 'py2wasm')
SYSROOT = os.path.join(REPO, 'sysroot', 'out')
WASMTIME_PYTHON = os.path.join(CACHE, 'venv', 'bin', 'python3')
GUEST = '/work'

# (name, arguments): pyperformance benchmarks sized so native CPython takes
# 0.2-1 s; go and raytrace are slower per loop.
PYPERFORMANCE = [('richards', 3), ('nbody', 3), ('float', 3), ('fannkuch', 3), ('nqueens', 3),
                 ('spectral_norm', 3), ('chaos', 3), ('deltablue', 3), ('go', 1), ('hexiom', 3), ('raytrace', 1)]
QUICK = ['richards', 'deltablue']
# bench/NAME.py, (arguments, arguments with --quick).
OWN = [('fib', ['30'], ['20']), ('sieve', ['10'], ['1'])]
PYSTONE_LOOPS = 100000
# pystone_like also runs with 3x the loops: the difference of the two is
# its time per loop without start-up (what pystone itself reports, as
# pystones per second), in its own table, not in the means. A difference
# of two times carries the noise of both, so the pair runs PYSTONE_REPEAT
# times a round and the table takes each system's fastest runs: load from
# other work on a shared host only ever adds time, so the minimum is the
# closest a run gets to the system's own time (the medians' figure is
# shown beside it).
PYSTONE_LONG = 'pystone_like_3x'
PYSTONE_REPEAT = 3
STARTUP_RUNS = 5
# A run is stopped after TIMEOUT_FACTOR times native CPython's time on the
# same program, or TIMEOUT_MIN seconds if that is longer (native: NATIVE_TIMEOUT).
TIMEOUT_FACTOR, TIMEOUT_MIN, NATIVE_TIMEOUT = 10, 20, 600
COMPILE_ALLOWANCE = 40  # more for a module's first run, when the engine compiles it


class Failed(Exception):
    """A system failed on a program: the message goes in its cell."""


def die(message):
    sys.exit(f'bench: error: {message}')


def check_prerequisites(engines):
    """Clear messages, not tracebacks, for what a clean checkout has not built yet."""
    if sys.version_info[:2] != (3, 11):
        die(f'run with Python 3.11 (it is also the native column); this is {platform.python_version()}')
    if not os.path.exists(PY2WASM):
        die(f'{PY2WASM} is missing: run ./setup.sh and cargo build --release (CARGO_TARGET_DIR={TARGET})')
    if not os.path.exists(os.path.join(SYSROOT, 'python.wasm')):
        die(f'{SYSROOT}/python.wasm is missing: run ./setup.sh')
    for e in engines:
        if e not in ('wasmer', 'wasmtime'):
            die(f'unknown engine {e!r}: wasmer or wasmtime')
    if 'wasmtime' in engines and not os.path.exists(WASMTIME_PYTHON):
        die(f'{WASMTIME_PYTHON} is missing (the venv with PyPI wasmtime): run ./setup.sh')


def programs(work, quick):
    """[(name, directory holding main.py, arguments)]"""
    found = []
    d = os.path.join(work, 'pystone_like')
    os.makedirs(d)
    shutil.copy(os.path.join(REPO, 'bench', 'pystone_like.py'), os.path.join(d, 'main.py'))
    loops = 5000 if quick else PYSTONE_LOOPS
    found.append(('pystone_like', d, [str(loops)]))
    found.append((PYSTONE_LONG, d, [str(3 * loops)]))
    # Written here, as anchors of type-specialised code (issue #21): a
    # recursive int function and an integer sieve.
    for name, args, quick_args in OWN:
        d = os.path.join(work, name)
        os.makedirs(d)
        shutil.copy(os.path.join(REPO, 'bench', name + '.py'), os.path.join(d, 'main.py'))
        found.append((name, d, quick_args if quick else args))
    fetched = os.path.join(CACHE, 'pyperformance')
    done = subprocess.run([sys.executable, os.path.join(REPO, 'tests', 'pyperformance', 'fetch.py'), fetched])
    if done.returncode != 0:
        die('could not download pyperformance from PyPI (tests/pyperformance/fetch.py)')
    for name, loops in PYPERFORMANCE:
        if quick and name not in QUICK:
            continue
        d = os.path.join(work, name)
        os.makedirs(d)
        shutil.copy(os.path.join(fetched, name, 'run_benchmark.py'), os.path.join(d, 'main.py'))
        shutil.copy(os.path.join(REPO, 'tests', 'pyperformance', 'pyperf.py'), d)
        found.append((name, d, ['--loops', '1' if quick else str(loops)]))
    return found


class Runner:
    """Builds and times the commands of every system."""

    def __init__(self, work, py2wasm):
        self.work = work
        self.py2wasm = py2wasm  # a private copy: the binary may be rebuilt during the run
        self.python_wasm = os.path.join(SYSROOT, 'python.wasm')
        self.stdlib = (os.path.join(SYSROOT, 'pylib', 'python3.11'), '/usr/local/lib/python3.11')
        self.modules = {}  # (kind, program) -> compiled module
        self.out_file = os.path.join(work, 'stdout.txt')
        self.err_file = os.path.join(work, 'stderr.txt')

    def wasm_command(self, engine, module, args, dirs=(), env=(), capture=False):
        """The command running MODULE under ENGINE with DIRS [(host, guest)] mapped and ENV [(name, value)]."""
        if engine == 'wasmer':
            cmd = [self.py2wasm, 'run', module]
            for host, guest in dirs:
                cmd += ['--dir', f'{host}:{guest}']
            for name, value in env:
                cmd += ['--env', f'{name}={value}']
            return cmd + ['--'] + args
        cmd = [WASMTIME_PYTHON, os.path.join(REPO, 'tests', 'wasmtime_run.py'), module,
               '--out', self.out_file if capture else '/dev/null', '--err', self.err_file]
        for host, guest in dirs:
            cmd += ['--dir', f'{host}::{guest}']
        for name, value in env:
            cmd += ['--env', f'{name}={value}']
        return cmd + ['--', os.path.basename(module)] + args

    def command(self, system, name, d, args, capture=False):
        """(command, working directory) of SYSTEM running program NAME (in directory D)."""
        if system == 'native':
            return [sys.executable, 'main.py'] + args, d
        kind, engine = system.split('/')
        if kind == 'python.wasm':
            # The interpreter reads the script from D (at /work, its working
            # directory) and its standard library from the build's Lib/.
            dirs = [(d, GUEST), self.stdlib]
            env = [('PWD', GUEST), ('PYTHONHOME', '/usr/local')]
            return self.wasm_command(engine, self.python_wasm, [f'{GUEST}/main.py'] + args, dirs, env, capture), None
        # Compiled programs are standalone: no files, as `wasmtime app.wasm` runs them.
        return self.wasm_command(engine, self.modules[(kind, name)], args, capture=capture), None

    def run(self, system, name, d, args, capture=False, timeout=NATIVE_TIMEOUT):
        """Runs once; returns (seconds, stdout if CAPTURE). Raises Failed, also after TIMEOUT seconds."""
        cmd, cwd = self.command(system, name, d, args, capture)
        wasmtime = system.endswith('/wasmtime')
        for f in (self.out_file, self.err_file):
            if os.path.exists(f):
                os.remove(f)
        start = time.perf_counter()
        try:
            done = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, timeout=timeout,
                                  stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.PIPE)
        except subprocess.TimeoutExpired:
            raise Failed(f'still running after {timeout:.0f} s (stopped)')
        elapsed = time.perf_counter() - start
        stderr = done.stderr.decode(errors='replace')
        if wasmtime and os.path.exists(self.err_file):
            with open(self.err_file, errors='replace') as f:
                stderr += f.read()
        if done.returncode != 0:
            raise Failed(f'exit {done.returncode}: {failure_summary(stderr)}')
        out = None
        if capture:
            out = done.stdout
            if wasmtime:
                with open(self.out_file, 'rb') as f:
                    out = f.read()
        return elapsed, out


def failure_summary(stderr):
    """The line of a failed run's stderr that says what happened."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    # A trap: both runners write "wasm trap: ..."; wasmtime's first such line
    # only announces a backtrace, and its cause comes last.
    traps = [ln for ln in lines if 'trap' in ln and 'backtrace' not in ln]
    if traps:
        return traps[-1][:160]
    # A Python exception: its last line says which.
    for ln in reversed(lines):
        if 'Error' in ln or 'Exception' in ln:
            return ln[:160]
    return lines[-1][:160] if lines else 'no message'


def cell_failure(message):
    """A failure, short enough for a table cell (the full one is listed below the table)."""
    return 'FAILED: ' + (message if len(message) <= 70 else message[:67] + '...')


def compile_ours(runner, name, d):
    out = os.path.join(runner.work, f'{name}.py2wasm.wasm')
    start = time.perf_counter()
    done = subprocess.run([runner.py2wasm, '-q', os.path.join(d, 'main.py'), '-o', out],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise Failed(f'compile failed: {failure_summary(done.stdout.decode(errors="replace"))}')
    return out, {'seconds': seconds, 'bytes': os.path.getsize(out), 'cached': False}


def compile_peer(runner, peer, name, d):
    out = os.path.join(runner.work, f'{name}.peer.wasm')
    try:
        info = peer_setup.compile_program(peer, os.path.join(d, 'main.py'), out)
    except peer_setup.PeerError as e:
        raise Failed(str(e))
    return out, info


def dwarf_bytes(path):
    """How many bytes of the module at PATH are DWARF debug sections (custom sections named .debug_*)."""
    with open(path, 'rb') as f:
        data = f.read()

    def leb(i):
        value = shift = 0
        while True:
            b = data[i]
            i += 1
            value |= (b & 0x7f) << shift
            shift += 7
            if b < 0x80:
                return value, i

    total, i = 0, 8  # past the magic number and version
    while i < len(data):
        section_id = data[i]
        size, body = leb(i + 1)
        if section_id == 0:
            name_len, name_at = leb(body)
            if data[name_at:name_at + name_len].startswith(b'.debug'):
                total += body + size - i
        i = body + size
    return total


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_version():
    """The commit of the checkout, and whether what the compiler is built from
    (src/, runtime/, sysroot/, Cargo.*) had uncommitted changes."""
    def git(*args):
        done = subprocess.run(['git', '-C', REPO] + list(args), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True)
        return done.stdout.strip()
    commit = git('rev-parse', '--short', 'HEAD') or 'unknown'
    changed = git('status', '--porcelain', '--', 'src', 'runtime', 'sysroot', 'Cargo.toml', 'Cargo.lock')
    return commit + (' with uncommitted changes in src/, runtime/ or sysroot/' if changed else '')


def main():
    ap = argparse.ArgumentParser(description='Side-by-side benchmarks; writes bench/results.md and results.svg')
    ap.add_argument('--quick', action='store_true', help='three short programs, one round: a sanity run')
    ap.add_argument('--rounds', type=int, default=None, help='interleaved rounds (default 5, 1 with --quick)')
    ap.add_argument('--engines', default='wasmer,wasmtime', help='wasmer, wasmtime or both (default)')
    ap.add_argument('--no-peer', action='store_true', help='leave the peer out (no set-up, no compiles)')
    a = ap.parse_args()
    rounds = a.rounds or (1 if a.quick else 5)
    engines = a.engines.split(',')
    check_prerequisites(engines)

    # The peer's set-up first: the first time it installs packages and a venv.
    peer, peer_error = None, None
    if a.no_peer:
        peer_error = 'left out (--no-peer)'
    else:
        try:
            peer = peer_setup.setup()
        except peer_setup.PeerError as e:
            peer_error = f'set-up failed: {e}'
            print(f'bench: the peer could not be set up; its cells say so.\n{e}', file=sys.stderr)

    work = tempfile.mkdtemp(prefix='py2wasm-bench-')
    try:
        results = measure(a, rounds, engines, peer, peer_error, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_results(a, rounds, engines, peer, peer_error, results)


def measure(a, rounds, engines, peer, peer_error, work):
    py2wasm = os.path.join(work, 'py2wasm')
    shutil.copy2(PY2WASM, py2wasm)
    binary_date = datetime.datetime.fromtimestamp(os.path.getmtime(PY2WASM)).strftime('%Y-%m-%d %H:%M')
    version = git_version()  # now, while the binary copied above is probably built from this tree
    runner = Runner(work, py2wasm)
    progs = programs(work, a.quick)
    hi_dir = os.path.join(work, 'hi')
    os.makedirs(hi_dir)
    with open(os.path.join(hi_dir, 'main.py'), 'w') as f:
        f.write("print('hi')\n")
    load = [os.getloadavg()[0]]

    # Compile everything with both compilers (the peer's outputs come from its cache when they can).
    compiled = {}   # (kind, program) -> {'seconds', 'bytes', 'cached', ...}
    failures = {}   # (system or kind, program) -> message
    for name, d, _ in progs + [('hi', hi_dir, [])]:
        for kind, compile_fn in (('py2wasm', compile_ours), ('peer', compile_peer)):
            if kind == 'peer' and peer is None:
                failures[(kind, name)] = peer_error
                continue
            print(f'bench: compiling {name} with {kind}', file=sys.stderr, flush=True)
            try:
                if kind == 'peer':
                    runner.modules[(kind, name)], compiled[(kind, name)] = compile_fn(runner, peer, name, d)
                else:
                    runner.modules[(kind, name)], compiled[(kind, name)] = compile_fn(runner, name, d)
                c = compiled[(kind, name)]
                c['dwarf'] = dwarf_bytes(runner.modules[(kind, name)])
            except Failed as e:
                failures[(kind, name)] = str(e)
    load.append(os.getloadavg()[0])

    systems = ['native'] + [f'{k}/{e}' for e in engines for k in ('python.wasm', 'peer', 'py2wasm')]

    def failure(system, name):
        kind = system.split('/')[0]
        return failures.get((system, name)) or failures.get((kind, name))

    # Check and warm up: every system must print what native CPython prints
    # (and each engine compiles each module once: both cache machine code).
    limit = {}
    for name, d, args in progs + [('hi', hi_dir, [])]:
        expected = None
        for system in systems:
            if failure(system, name):
                continue
            print(f'bench: checking {name} on {system}', file=sys.stderr, flush=True)
            try:
                # The engines compile each module to machine code on its first run: allow for it.
                seconds, out = runner.run(system, name, d, args, capture=True,
                                          timeout=limit.get(name, NATIVE_TIMEOUT) + COMPILE_ALLOWANCE)
                if system == 'native':  # the reference output and time
                    expected = out
                    limit[name] = max(TIMEOUT_MIN, TIMEOUT_FACTOR * seconds)
                elif expected is None:
                    pass  # native CPython failed: nothing to compare with
                elif out != expected:
                    raise Failed('prints something else than native CPython: ' + first_difference(expected, out))
            except Failed as e:
                failures[(system, name)] = str(e)

    times = {(s, n): [] for s in systems for n, _, _ in progs}
    for r in range(rounds):
        print(f'bench: round {r + 1} of {rounds}', file=sys.stderr, flush=True)
        for name, d, args in progs:
            repeat = PYSTONE_REPEAT if name in ('pystone_like', PYSTONE_LONG) else 1
            for _ in range(repeat):
                for system in systems:
                    if failure(system, name):
                        continue
                    try:
                        times[(system, name)].append(
                            runner.run(system, name, d, args, timeout=limit.get(name, NATIVE_TIMEOUT))[0])
                    except Failed as e:
                        failures[(system, name)] = f'round {r + 1}: {e}'
        load.append(os.getloadavg()[0])

    startup = {}
    for system in systems:
        if failure(system, 'hi'):
            continue
        try:
            startup[system] = statistics.median(
                runner.run(system, 'hi', hi_dir, [], timeout=limit.get('hi', NATIVE_TIMEOUT))[0] for _ in range(STARTUP_RUNS))
        except Failed as e:
            failures[(system, 'hi')] = str(e)
    load.append(os.getloadavg()[0])
    return {'progs': progs, 'systems': systems, 'times': times, 'compiled': compiled, 'startup': startup,
            'failures': failures, 'failure': failure, 'load': load, 'binary_date': binary_date,
            'version': version}


def first_difference(expected, out):
    exp, got = expected.decode(errors='replace').splitlines(), out.decode(errors='replace').splitlines()
    for i, (x, y) in enumerate(zip(exp, got)):
        if x != y:
            return f'line {i + 1}: {y[:50]!r} instead of {x[:50]!r}'
    return f'{len(got)} lines instead of {len(exp)}'


def fmt_ratio(r):
    return f'{r:.2f}x' if r is not None else ''


def write_results(a, rounds, engines, peer, peer_error, res):
    progs, systems, times, compiled = res['progs'], res['systems'], res['times'], res['compiled']
    failure, startup, load = res['failure'], res['startup'], res['load']
    names = [n for n, _, _ in progs if n != PYSTONE_LONG]
    med = {k: statistics.median(v) for k, v in times.items() if v and not failure(k[0], k[1])}

    def ratio(slower, faster, name):
        """How many times faster FASTER ran than SLOWER on NAME (None where one failed)."""
        if (slower, name) in med and (faster, name) in med:
            return med[(slower, name)] / med[(faster, name)]
        return None

    command = ' '.join(['python3 bench/bench.py'] + sys.argv[1:])
    lines = [f'# Benchmark results{" (--quick)" if a.quick else ""}', '',
             f'{datetime.datetime.now().strftime("%Y-%m-%d %H:%M")}, {cpu_model()}, {os.cpu_count()} cores '
             f'shared with other work; load average (1 min) {min(load):.2f} to {max(load):.2f} during the run '
             f'(sampled before, after compiling, after each round and at the end: '
             f'{", ".join(f"{x:.2f}" for x in load)}). Command: `{command}`. '
             f'py2wasm at {res["version"]}; binary built {res["binary_date"]}.', '',
             f'Systems: **native** is the host\'s CPython {platform.python_version()}; **python.wasm** is CPython '
             '3.11 compiled to wasm (the same build as our runtime) running the script; **peer** is the output '
             'of PyPI\'s py2wasm 2.6.3 (Wasmer\'s Nuitka fork); **py2wasm** is ours. Engines: **wasmer** is our '
             'in-process runner (`py2wasm run`, Wasmer with Cranelift), **wasmtime** the PyPI `wasmtime` package. '
             f'{rounds} interleaved round(s) after a checking run (pystone_like and its 3x run '
             f'{PYSTONE_REPEAT} times a round); wall-clock seconds of whole runs (start-up '
             'included), median [min-max]. Every system\'s output was checked against native CPython\'s. '
             'python.wasm gets the script\'s directory and its standard library mapped; compiled programs get no '
             f'files, as standalone modules. A run is stopped after {TIMEOUT_FACTOR}x native\'s time or '
             f'{TIMEOUT_MIN} s, whichever is longer (plus {COMPILE_ALLOWANCE} s on the first run, when the '
             'engine compiles the module).', '']
    lines += [peer_description(peer, peer_error, compiled, names), '']

    lines.append('| program | ' + ' | '.join(systems) + ' |')
    lines.append('|---' * (len(systems) + 1) + '|')
    for name, _, args in progs:
        cells = []
        for s in systems:
            f = failure(s, name)
            if f:
                cells.append(cell_failure(f))
            else:
                v = times[(s, name)]
                cells.append(f'{statistics.median(v):.3f} [{min(v):.3f}-{max(v):.3f}]')
        lines.append(f'| {name} {" ".join(args)} | ' + ' | '.join(cells) + ' |')

    # Ratios: how many times faster ours ran (higher is better for py2wasm).
    columns = []
    for e in engines:
        columns.append((f'py2wasm vs python.wasm ({e})', f'python.wasm/{e}', f'py2wasm/{e}'))
        columns.append((f'py2wasm vs peer ({e})', f'peer/{e}', f'py2wasm/{e}'))
        columns.append((f'peer vs python.wasm ({e})', f'python.wasm/{e}', f'peer/{e}'))
    for e in engines:
        columns.append((f'py2wasm ({e}) vs native', 'native', f'py2wasm/{e}'))
    lines += ['', '## Ratios (speed-up: how many times faster the first ran; higher is faster)', '',
              '| program | ' + ' | '.join(c[0] for c in columns) + ' |', '|---' * (len(columns) + 1) + '|']
    for name in names:
        lines.append(f'| {name} | ' + ' | '.join(fmt_ratio(ratio(slow, fast, name)) for _, slow, fast in columns)
                     + ' |')
    gm = []
    for _, slow, fast in columns:
        rs = [r for r in (ratio(slow, fast, n) for n in names) if r is not None]
        gm.append(f'{geomean(rs):.2f}x (of {len(rs)})' if rs else '')
    lines.append('| geometric mean | ' + ' | '.join(gm) + ' |')

    runs = rounds * PYSTONE_REPEAT
    lines += ['', '## pystone_like per loop, start-up excluded', '',
              f'({PYSTONE_LONG}, 3x the loops, less pystone_like) / the extra loops: microseconds per loop, and '
              f'the speed-up over python.wasm on the same engine. Each ran {runs} times per system '
              f'({PYSTONE_REPEAT} a round); **fastest** takes the minimum of each (load from other work only adds '
              'time, so the minimum is nearest the system\'s own), **medians** the medians, which carry the '
              'host\'s noise twice over.', '',
              '| system | µs per loop (fastest) | speed-up over python.wasm (fastest) | µs per loop (medians) '
              '| speed-up over python.wasm (medians) |', '|---|---|---|---|---|']
    long_args = next((args for n, _, args in progs if n == PYSTONE_LONG), None)
    short_args = next((args for n, _, args in progs if n == 'pystone_like'), None)
    extra_loops = int(long_args[0]) - int(short_args[0]) if long_args and short_args else 0

    def per_loop(system, pick):
        if failure(system, 'pystone_like') or failure(system, PYSTONE_LONG) or not extra_loops:
            return None
        a, b = times.get((system, 'pystone_like')), times.get((system, PYSTONE_LONG))
        return (pick(b) - pick(a)) / extra_loops * 1e6 if a and b else None
    for s in systems:
        cells = []
        f = failure(s, 'pystone_like') or failure(s, PYSTONE_LONG)
        for pick in (min, statistics.median):
            us = per_loop(s, pick)
            base = per_loop(f'python.wasm/{s.split("/")[1]}', pick) if '/' in s else None
            cells += [f'{us:.2f}' if us is not None else cell_failure(f or 'failed'),
                      fmt_ratio(base / us) if us and base else '']
        lines.append(f'| {s} | ' + ' | '.join(cells) + ' |')

    lines += ['', '## Compile time and output size', '',
              'py2wasm: wall-clock seconds of `py2wasm main.py -o main.wasm` in this run. peer: wall-clock '
              'seconds of its cold compile (an empty Nuitka cache each time); outputs are cached by a hash of '
              'program and set-up, so a compile time marked "cached" was measured by an earlier run, on the '
              'date given. "Without DWARF": the size less its `.debug_*` custom sections (debug information, not '
              'needed to run).', '',
              '| program | py2wasm compile (s) | py2wasm output (bytes) | py2wasm without DWARF | peer compile (s) '
              '| peer output (bytes) | peer without DWARF |',
              '|---|---|---|---|---|---|---|']
    for name in names + ['hi']:
        row = []
        for kind in ('py2wasm', 'peer'):
            c = compiled.get((kind, name))
            if c is None:
                row += [cell_failure(res['failures'].get((kind, name), 'failed')), '', '']
            else:
                notes = []
                if c.get('cached'):
                    notes.append(f'cached, {c["date"]}')
                if c.get('load'):
                    notes.append(f'load {c["load"][0]:.1f} to {c["load"][1]:.1f}')
                note = f' ({"; ".join(notes)})' if notes else ''
                row += [f'{c["seconds"]:.2f}{note}', str(c['bytes']), str(c['bytes'] - c['dwarf'])]
        label = "print('hi')" if name == 'hi' else name
        lines.append(f'| {label} | ' + ' | '.join(row) + ' |')

    lines += ['', f"## `print('hi')` start-up (median of {STARTUP_RUNS}, seconds)", '', '| system | start-up |',
              '|---|---|']
    for s in systems:
        f = failure(s, 'hi')
        lines.append(f'| {s} | {cell_failure(f) if f else f"{startup[s]:.3f}"} |')

    failed = sorted((k, v) for k, v in res['failures'].items() if k[1] in [n for n, _, _ in progs] + ['hi'])
    if failed:
        lines += ['', '## Failures', '']
        for (system, name), message in failed:
            lines.append(f'- {name}, {system}: {message}')
    lines.append('')

    path = os.path.join(REPO, 'bench', 'results.md')
    with open(path, 'w') as f:
        f.write('\n'.join(lines))
    write_chart(os.path.join(REPO, 'bench', 'results.svg'), names, engines, ratio, failure, a.quick)
    print('\n'.join(lines))
    print(f'\nwrote {path} and bench/results.svg')


def peer_description(peer, peer_error, compiled, names):
    """How the peer was built, for results.md: set-up, and whether wasm-opt ran."""
    if peer is None:
        return f'The peer: {peer_error}.'
    pk = peer['packages']
    runs = [compiled[('peer', n)].get('wasm_opt_runs') for n in names + ['hi'] if ('peer', n) in compiled]
    ran = sum(1 for r in runs if r)
    example = next((' '.join(os.path.basename(t) for t in r[0].split()) for r in runs if r), None)
    if ran == len(runs):
        opt = f'clang ran wasm-opt after linking every output (`{example}`)'
    elif ran == 0:
        opt = 'clang ran no wasm-opt after linking'
    else:
        opt = f'clang ran wasm-opt after linking {ran} of {len(runs)} outputs (`{example}`)'
    return (f'How the peer was built (bench/peer.py): py2wasm {peer_setup.PEER_VERSION} from PyPI in a venv of '
            f'Debian\'s Python {pk.get("python3.11", "?")}, with WASI_SDK_DIR pointing at a wasi-sdk-like '
            f'directory made of Debian\'s clang-19 {pk.get("clang-19", "?")}, lld-19, '
            f'wasi-libc {pk.get("wasi-libc", "?")} and libclang-rt-19-dev-wasm32, plus our pthread.h, dlfcn.h '
            f'and a libdl.a whose dlopen fails. wasm-opt: {peer["wasm_opt"]} in the SDK\'s bin/; {opt}. '
            'Its outputs keep their DWARF debug sections, as the peer writes them.')


def write_chart(path, names, engines, ratio, failure, quick):
    """Horizontal bars per program, and for the geometric mean: py2wasm's
    speed-up over python.wasm and over the peer, per engine."""
    series = []
    for e in engines:
        series.append((f'vs python.wasm ({e})', f'python.wasm/{e}', f'py2wasm/{e}'))
        series.append((f'vs peer ({e})', f'peer/{e}', f'py2wasm/{e}'))
    # rows: (label, [value or None for each series], [why it is missing for each series])
    rows = []
    for n in names:
        values = [ratio(slow, fast, n) for _, slow, fast in series]
        why = [f'{slow if failure(slow, n) else fast} failed' for _, slow, fast in series]
        rows.append((n, values, why))
    means = [geomean([r[1][i] for r in rows if r[1][i] is not None]) for i in range(len(series))]
    rows.append(('geometric mean', means, ['no data'] * len(series)))

    colors = ['#3b6ea5', '#e07b39', '#7aa6d6', '#f0b27a']
    bar, gap, left, top, width = 13, 12, 120, 58, 760
    known = [v for _, values, _ in rows for v in values if v is not None]
    scale = (width - left - 150) / max(known + [1.2])
    height = top + len(rows) * (len(series) * bar + gap) + 20
    title = 'py2wasm speed-up over CPython in wasm and over the peer (1.0 = same speed; higher is faster)'
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
           'font-size="11">', f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="18" font-size="13">{title}{" (--quick)" if quick else ""}</text>']
    for i, (label, _, _) in enumerate(series):  # legend
        x = 10 + i * 180
        out.append(f'<rect x="{x}" y="30" width="12" height="10" fill="{colors[i % len(colors)]}"/>')
        out.append(f'<text x="{x + 16}" y="39">{label}</text>')
    y = top
    for label, values, why in rows:
        weight = ' font-weight="bold"' if label == 'geometric mean' else ''
        out.append(f'<text x="{left - 6}" y="{y + bar * len(series) / 2 + 4:.0f}" text-anchor="end"{weight}>'
                   f'{label}</text>')
        for i, v in enumerate(values):
            if v is None:
                out.append(f'<text x="{left + 4}" y="{y + bar - 3}" fill="#a00">{why[i]}</text>')
            else:
                out.append(f'<rect x="{left}" y="{y}" width="{v * scale:.1f}" height="{bar - 2}" '
                           f'fill="{colors[i % len(colors)]}"/>')
                out.append(f'<text x="{left + v * scale + 4:.1f}" y="{y + bar - 3}">{v:.2f}x</text>')
            y += bar
        y += gap
    x1 = left + scale
    out.append(f'<line x1="{x1:.1f}" y1="{top - 4}" x2="{x1:.1f}" y2="{y}" stroke="#555" stroke-dasharray="3,3"/>')
    out.append(f'<text x="{x1:.1f}" y="{y + 12}" text-anchor="middle">1.0</text>')
    out.append('</svg>')
    with open(path, 'w') as f:
        f.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
