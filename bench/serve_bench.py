"""Start-up and serving, measured side by side (issue #22's anchors).

usage: python3 bench/serve_bench.py [--runs N] [--requests N] [--out FILE]

1. Start-up: whole runs of `print('hi')` and of a program importing json,
   re, datetime and decimal, by native CPython, python.wasm (the CPython
   interpreter compiled to wasm, the script and its standard library
   mapped) and our compiled module, under our in-process runner
   (`py2wasm run`, Wasmer) and the PyPI wasmtime package
   (tests/wasmtime_run.py, itself a Python process). Median and minimum
   of N runs each, interleaved.
2. Serving: bench/wsgi/app.py (a WSGI app rendering a template embedded
   with --include-data) under `py2wasm serve` with 1 and 2 workers. A load
   generator on loopback (as many client threads as workers, each
   request on a fresh connection, a bounded number of requests) gives
   requests per second and latency percentiles. Every response is
   checked (status 200 and the rendered page).

Run ./setup.sh and `cargo build --release` first. Results go to stdout
and to bench/serve_results.md (or --out).
"""
import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get('PY2WASM_CACHE', '/var/cache/py2wasm')
TARGET = os.environ.get('CARGO_TARGET_DIR', os.path.join(CACHE, 'target'))
PY2WASM = os.path.join(TARGET, 'release', 'py2wasm')
WASMTIME_PYTHON = os.path.join(CACHE, 'venv', 'bin', 'python3')
GUEST = '/work'

PROGRAMS = {
    'hi': "print('hi')\n",
    'imports': "import json, re, datetime, decimal\nprint(json.dumps([re.escape('a.b'), "
               "str(datetime.date(2024, 1, 2)), str(decimal.Decimal('1.10') * 3)]))\n",
}


def die(msg):
    sys.exit(f'serve_bench: {msg}')


def sysroot():
    """The sysroot directory with python.wasm (setup.sh's, by its hash)."""
    found = [d for d in os.listdir(CACHE) if d.startswith('sysroot-') and not d.startswith('sysroot-checked')]
    found = [os.path.join(CACHE, d) for d in found if os.path.exists(os.path.join(CACHE, d, 'python.wasm'))]
    if not found:
        die(f'no sysroot with python.wasm in {CACHE}: run ./setup.sh')
    return max(found, key=os.path.getmtime)


def timed(cmd, cwd=None, expect=None):
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or (expect is not None and done.stdout != expect):
        die(f'{cmd}: exit {done.returncode}, stdout {done.stdout[:200]!r}, stderr {done.stderr[-500:]!r}')
    return elapsed


def startup(work, runs):
    root = sysroot()
    python_wasm = os.path.join(root, 'python.wasm')
    stdlib = (os.path.join(root, 'pylib', 'python3.11'), '/usr/local/lib/python3.11')
    wasmtime_run = os.path.join(REPO, 'tests', 'wasmtime_run.py')
    rows = []
    for name, source in PROGRAMS.items():
        d = os.path.join(work, name)
        os.makedirs(d)
        with open(os.path.join(d, 'main.py'), 'w') as f:
            f.write(source)
        expect = subprocess.run([sys.executable, 'main.py'], cwd=d, capture_output=True).stdout
        module = os.path.join(d, 'main.wasm')
        subprocess.run([PY2WASM, 'main.py', '-o', module], cwd=d, check=True)
        out = os.path.join(d, 'out.txt')
        err = os.path.join(d, 'err.txt')
        systems = {
            'native CPython': ([sys.executable, 'main.py'], d, expect),
            'python.wasm / wasmer': ([PY2WASM, 'run', python_wasm, '--dir', f'{d}:{GUEST}', '--dir',
                                      f'{stdlib[0]}:{stdlib[1]}', '--env', f'PWD={GUEST}', '--env',
                                      'PYTHONHOME=/usr/local', '--', f'{GUEST}/main.py'], None, expect),
            'py2wasm / wasmer': ([PY2WASM, 'run', module], None, expect),
            'python.wasm / wasmtime': ([WASMTIME_PYTHON, wasmtime_run, python_wasm, '--out', out, '--err', err, '--dir',
                                        f'{d}::{GUEST}', '--dir', f'{stdlib[0]}::{stdlib[1]}', '--env',
                                        f'PWD={GUEST}', '--env', 'PYTHONHOME=/usr/local', '--', 'python.wasm',
                                        f'{GUEST}/main.py'], None, None),
            'py2wasm / wasmtime': ([WASMTIME_PYTHON, wasmtime_run, module, '--out', out, '--err', err, '--', 'main.wasm'],
                                   None, None),
            # (what the wasmtime column costs before any wasm runs)
            'wasmtime_run.py, no module': ([WASMTIME_PYTHON, '-c', 'import wasmtime'], None, None),
        }
        times = {s: [] for s in systems}
        for cmd, cwd, exp in systems.values():
            timed(cmd, cwd, exp)  # engines compile and cache the module here
        for _ in range(runs):
            for s, (cmd, cwd, exp) in systems.items():
                times[s].append(timed(cmd, cwd, exp))
        for s, t in times.items():
            rows.append((name, s, statistics.median(t), min(t)))
    return rows


def load(port, workers, requests):
    """REQUESTS requests from WORKERS client threads; (requests per second, latencies)."""
    latencies = []
    errors = []
    lock = threading.Lock()
    left = [requests]

    def client():
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            start = time.perf_counter()
            c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
            c.request('GET', '/page')
            r = c.getresponse()
            body = r.read()
            c.close()
            t = time.perf_counter() - start
            with lock:
                if r.status != 200 or b'<h1>py2wasm at /page</h1>' not in body or b'19 squared is 361' not in body:
                    errors.append((r.status, body[:200]))
                latencies.append(t)

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        die(f'{len(errors)} bad responses, first: {errors[0]}')
    return requests / elapsed, sorted(latencies)


def serving(work, requests):
    d = os.path.join(work, 'wsgi')
    shutil.copytree(os.path.join(REPO, 'bench', 'wsgi'), d)
    module = os.path.join(d, 'app.wasm')
    subprocess.run([PY2WASM, 'app.py', '--include-data', 'page.html', '-o', module], cwd=d, check=True)
    rows = []
    for workers in (1, 2):
        server = subprocess.Popen([PY2WASM, 'serve', module, '--port', '0', '--workers', str(workers)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            line = server.stderr.readline()
            if 'http://127.0.0.1:' not in line:
                die(f'py2wasm serve said {line!r}')
            port = int(line.split('http://127.0.0.1:')[1].split('/')[0])
            threading.Thread(target=server.stderr.read, daemon=True).start()
            load(port, workers, 2 * workers)  # warm
            rps, lat = load(port, workers, requests)
        finally:
            server.kill()
            server.wait()
        pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000  # noqa: E731
        rows.append((workers, requests, rps, pct(50), pct(90), pct(99), lat[-1] * 1000))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--runs', type=int, default=15)
    ap.add_argument('--requests', type=int, default=200)
    ap.add_argument('--out', default=os.path.join(REPO, 'bench', 'serve_results.md'))
    args = ap.parse_args()
    for p, what in ((PY2WASM, 'cargo build --release'), (WASMTIME_PYTHON, './setup.sh')):
        if not os.path.exists(p):
            die(f'{p} is missing: {what}')
    commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=REPO, capture_output=True, text=True)
    with tempfile.TemporaryDirectory() as work:
        start_rows = startup(work, args.runs)
        serve_rows = serving(work, args.requests)
    load_avg = os.getloadavg()[0]
    lines = [
        '# Start-up and serving',
        '',
        f'{time.strftime("%Y-%m-%d %H:%M")}, py2wasm at {commit.stdout.strip()}, load average (1 min) at the end '
        f'{load_avg:.2f}. Command: `python3 bench/serve_bench.py --runs {args.runs} --requests {args.requests}`.',
        '',
        f'## Start-up: whole runs, milliseconds (median and minimum of {args.runs}, interleaved)',
        '',
        '| program | system | median | min |',
        '|---|---|---|---|',
    ]
    lines += [f'| {p} | {s} | {m * 1000:.1f} | {n * 1000:.1f} |' for p, s, m, n in start_rows]
    lines += [
        '',
        '## Serving bench/wsgi/app.py under `py2wasm serve` (one run of the module per request, CGI)',
        '',
        'Client threads = workers; a fresh connection per request; every response checked.',
        '',
        '| workers | requests | requests/s | p50 ms | p90 ms | p99 ms | max ms |',
        '|---|---|---|---|---|---|---|',
    ]
    lines += [f'| {w} | {n} | {r:.1f} | {a:.1f} | {b:.1f} | {c:.1f} | {m:.1f} |' for w, n, r, a, b, c, m in serve_rows]
    text = '\n'.join(lines) + '\n'
    print(text)
    with open(args.out, 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
