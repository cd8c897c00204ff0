"""Side-by-side benchmark harness: native CPython, CPython compiled to wasm
(python.wasm, the same build as our runtime), and py2wasm's outputs, on the
same engines (our in-process Wasmer runner; wasmtime as a second column).

usage: python3 bench/bench.py [--quick] [--rounds N] [--engines wasmer,wasmtime]

Runs are interleaved round by round, so load on the (shared) machine hits all
systems alike; it reports medians with min/max and the ratios, compile time,
output size and `print('hi')` start-up, and writes bench/results.md and
bench/results.svg. Programs: bench/pystone_like.py and pyperformance's
pure-stdlib benchmarks (downloaded by tests/pyperformance/fetch.py, run with
our pyperf stand-in). Timings are wall-clock of whole runs, start-up included.

The peer (Wasmer's Nuitka-based py2wasm 2.6.3) is not built by this harness
yet: its column says so.
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

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get('PY2WASM_CACHE') or os.path.join(
    os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'), 'py2wasm')
TARGET = os.environ.get('CARGO_TARGET_DIR') or os.path.join(REPO, 'target')
PY2WASM = os.path.join(TARGET, 'release', 'py2wasm')
SYSROOT = os.path.join(REPO, 'sysroot', 'out')
GUEST = '/work'

PYPERFORMANCE = ['richards', 'nbody', 'float', 'fannkuch', 'nqueens', 'spectral_norm', 'chaos']


def programs(quick):
    """(name, directory with main.py, arguments)"""
    work = tempfile.mkdtemp(prefix='py2wasm-bench-')
    found = []
    d = os.path.join(work, 'pystone_like')
    os.makedirs(d)
    shutil.copy(os.path.join(REPO, 'bench', 'pystone_like.py'), os.path.join(d, 'main.py'))
    found.append(('pystone_like', d, ['5000' if quick else '100000']))
    subprocess.run([sys.executable, os.path.join(REPO, 'tests', 'pyperformance', 'fetch.py'),
                    os.path.join(CACHE, 'pyperformance')], check=True)
    for name in PYPERFORMANCE:
        d = os.path.join(work, name)
        os.makedirs(d)
        shutil.copy(os.path.join(CACHE, 'pyperformance', name, 'run_benchmark.py'), os.path.join(d, 'main.py'))
        shutil.copy(os.path.join(REPO, 'tests', 'pyperformance', 'pyperf.py'), d)
        found.append((name, d, ['--loops', '1' if quick else '3']))
    return work, found


def wasm_command(engine, module, program_dir, args, extra_dirs=()):
    """The command running MODULE under ENGINE with PROGRAM_DIR at /work."""
    dirs = [(program_dir, GUEST)] + list(extra_dirs)
    if engine == 'wasmer':
        cmd = [PY2WASM, 'run', module]
        for host, guest in dirs:
            cmd += ['--dir', f'{host}:{guest}']
        return cmd + ['--env', 'PYTHONHOME=/usr/local', '--'] + args
    cmd = [os.path.join(CACHE, 'venv', 'bin', 'python3'), os.path.join(REPO, 'tests', 'wasmtime_run.py'), module,
           '--out', '/dev/null', '--err', '/dev/null', '--env', f'PWD={GUEST}', '--env', 'PYTHONHOME=/usr/local']
    for host, guest in dirs:
        cmd += ['--dir', f'{host}::{guest}']
    return cmd + ['--', os.path.basename(module)] + args


def timed(cmd, cwd=None):
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f'{" ".join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-500:]}')
    return elapsed


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float('nan')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--quick', action='store_true', help='small sizes, one round: a sanity run')
    ap.add_argument('--rounds', type=int, default=None)
    ap.add_argument('--engines', default='wasmer,wasmtime')
    a = ap.parse_args()
    rounds = a.rounds or (1 if a.quick else 3)
    engines = a.engines.split(',')
    if not os.path.exists(PY2WASM):
        sys.exit(f'{PY2WASM} is missing: cargo build --release')
    python_wasm = os.path.join(SYSROOT, 'python.wasm')
    stdlib = (os.path.join(SYSROOT, 'pylib', 'python3.11'), '/usr/local/lib/python3.11')
    load_before = os.getloadavg()
    work, progs = programs(a.quick)

    # Compile each program with py2wasm: compile time and size.
    compiled = {}
    for name, d, _ in progs:
        out = os.path.join(work, f'{name}.wasm')
        t = timed([PY2WASM, os.path.join(d, 'main.py'), '-o', out])
        compiled[name] = (out, t, os.path.getsize(out))

    systems = ['native'] + [f'{s}/{e}' for e in engines for s in ('python.wasm', 'py2wasm')]

    def command(system, name, d, args):
        if system == 'native':
            return ['python3', 'main.py'] + args, d
        kind, engine = system.split('/')
        if kind == 'python.wasm':
            return wasm_command(engine, python_wasm, d, [f'{GUEST}/main.py'] + args, [stdlib]), None
        return wasm_command(engine, compiled[name][0], d, args), None

    # Warm-up: each engine compiles each module once (then cached).
    for name, d, args in progs:
        for system in systems[1:]:
            cmd, cwd = command(system, name, d, args)
            timed(cmd, cwd)
    times = {(s, n): [] for s in systems for n, _, _ in progs}
    for _ in range(rounds):
        for name, d, args in progs:
            for system in systems:
                cmd, cwd = command(system, name, d, args)
                times[(system, name)].append(timed(cmd, cwd))

    # print('hi') start-up, per system
    hi_dir = os.path.join(work, 'hi')
    os.makedirs(hi_dir)
    with open(os.path.join(hi_dir, 'main.py'), 'w') as f:
        f.write("print('hi')\n")
    hi_wasm = os.path.join(work, 'hi.wasm')
    timed([PY2WASM, os.path.join(hi_dir, 'main.py'), '-o', hi_wasm])
    compiled['hi'] = (hi_wasm, 0, os.path.getsize(hi_wasm))
    startup = {}
    for system in systems:
        cmd, cwd = command(system, 'hi', hi_dir, [])
        timed(cmd, cwd)
        startup[system] = statistics.median(timed(cmd, cwd) for _ in range(5))
    load_after = os.getloadavg()

    write_results(a, rounds, engines, systems, progs, times, compiled, startup, load_before, load_after)
    shutil.rmtree(work, ignore_errors=True)


def write_results(a, rounds, engines, systems, progs, times, compiled, startup, load_before, load_after):
    med = {k: statistics.median(v) for k, v in times.items()}
    lines = [f'# Benchmark results{" (--quick)" if a.quick else ""}', '',
             f'{datetime.date.today()}, {platform.node() or "this machine"}: {os.cpu_count()} cores, '
             f'{platform.machine()}, load average {load_before[0]:.2f} before / {load_after[0]:.2f} after. '
             f'{rounds} interleaved round(s); wall-clock seconds of whole runs (start-up included), '
             f'median [min-max]. Command: `python3 bench/bench.py{" --quick" if a.quick else ""}`.', '',
             'The peer (Wasmer\'s py2wasm 2.6.3) is not built by this harness yet.', '']
    lines.append('| program | ' + ' | '.join(systems) + ' |')
    lines.append('|---' * (len(systems) + 1) + '|')
    for name, _, _ in progs:
        cells = []
        for s in systems:
            v = times[(s, name)]
            cells.append(f'{statistics.median(v):.3f} [{min(v):.3f}-{max(v):.3f}]')
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    lines += ['', '## Ratios (speed-up; higher is faster)', '']
    lines.append('| program | ' + ' | '.join(f'py2wasm vs python.wasm ({e})' for e in engines)
                 + ' | ' + ' | '.join(f'py2wasm ({e}) vs native' for e in engines) + ' |')
    lines.append('|---' * (2 * len(engines) + 1) + '|')
    ratios = {e: [] for e in engines}
    for name, _, _ in progs:
        row = []
        for e in engines:
            r = med[(f'python.wasm/{e}', name)] / med[(f'py2wasm/{e}', name)]
            ratios[e].append(r)
            row.append(f'{r:.2f}x')
        for e in engines:
            row.append(f'{med[("native", name)] / med[(f"py2wasm/{e}", name)]:.2f}x')
        lines.append(f'| {name} | ' + ' | '.join(row) + ' |')
    lines.append('| geometric mean | ' + ' | '.join(f'{geomean(ratios[e]):.2f}x' for e in engines)
                 + ' | ' + ' | '.join('' for _ in engines) + ' |')
    lines += ['', '## Compile time and size (py2wasm)', '', '| program | compile (s) | output (bytes) |',
              '|---|---|---|']
    for name, _, _ in progs:
        _, t, size = compiled[name]
        lines.append(f'| {name} | {t:.2f} | {size} |')
    lines += ['', "## `print('hi')` start-up (median of 5, seconds)", '', '| system | start-up |', '|---|---|']
    for s in systems:
        lines.append(f'| {s} | {startup[s]:.3f} |')
    lines.append(f'\n`print(\'hi\')` compiled by py2wasm: {compiled["hi"][2]} bytes.\n')
    path = os.path.join(REPO, 'bench', 'results.md')
    with open(path, 'w') as f:
        f.write('\n'.join(lines))
    write_chart(os.path.join(REPO, 'bench', 'results.svg'), progs, engines, med)
    print('\n'.join(lines))
    print(f'\nwrote {path} and bench/results.svg')


def write_chart(path, progs, engines, med):
    """Bars: py2wasm's speed-up over python.wasm per program and engine."""
    names = [n for n, _, _ in progs]
    w, bar, gap, left, top = 720, 14, 10, 140, 30
    rows = len(names) * (len(engines) * bar + gap)
    values = [med[(f'python.wasm/{e}', n)] / med[(f'py2wasm/{e}', n)] for n in names for e in engines]
    scale = (w - left - 60) / max(max(values), 1.0)
    colors = ['#3b6ea5', '#e07b39']
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{rows + top + 40}" font-family="sans-serif" '
           'font-size="12">', f'<text x="{left}" y="18">py2wasm speed-up over CPython in wasm (1.0 = same)</text>']
    y = top
    for n in names:
        out.append(f'<text x="{left - 6}" y="{y + bar}" text-anchor="end">{n}</text>')
        for i, e in enumerate(engines):
            v = med[(f'python.wasm/{e}', n)] / med[(f'py2wasm/{e}', n)]
            out.append(f'<rect x="{left}" y="{y}" width="{v * scale:.1f}" height="{bar - 2}" fill="{colors[i % 2]}"/>')
            out.append(f'<text x="{left + v * scale + 4:.1f}" y="{y + bar - 3}">{v:.2f}x {e}</text>')
            y += bar
        y += gap
    x1 = left + scale
    out.append(f'<line x1="{x1:.1f}" y1="{top - 4}" x2="{x1:.1f}" y2="{y}" stroke="#555" stroke-dasharray="3,3"/>')
    out.append('</svg>')
    with open(path, 'w') as f:
        f.write('\n'.join(out))


if __name__ == '__main__':
    main()
