#!/usr/bin/env python3
"""Third-party packages, compiled vs interpreted in the same environment.

Makes a virtual environment with the packages of requirements.txt (pinned,
downloaded from PyPI once, kept in $PY2WASM_CACHE keyed by the file's
hash), then for each program in programs/: runs it with the environment's
CPython (the reference), compiles it with py2wasm with that environment
active (VIRTUAL_ENV, as a user would), runs the output under `py2wasm run`,
and compares stdout, stderr and the exit code. Paths differ by design (the
compiled program sees its packages under the install prefix,
/usr/local/lib/python3.11/site-packages): stderr is compared with the
environment's site-packages path written that way.

Each output runs twice, under Wasmer (`py2wasm run`) and under wasmtime
(tests/wasmtime_run.py, with the set-up's venv that has the wasmtime
package), both with no directory mapped; both must match.

usage: tests/thirdparty/run.py [--py2wasm BIN] [--ci] [--timing] [PROGRAM...]

--ci runs the programs marked `ci` in programs.txt (what cargo test runs);
no argument runs them all. --timing also reports, per program, the median
of three runs, start to end, of native CPython and of the compiled program
under `py2wasm run` (its machine code cached), with its functions native of
all (`--report-json`). Exit status 1 when any program differs.
"""
import json
import statistics
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CACHE = os.environ.get('PY2WASM_CACHE', '/var/cache/py2wasm')
PROGRAM_SITE = '/usr/local/lib/python3.11/site-packages'


def log(msg):
    print(msg, flush=True)


def programs_list():
    """(name, in ci) for each line of programs.txt."""
    out = []
    with open(os.path.join(HERE, 'programs.txt'), encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].split()
            if line:
                out.append((line[0], 'ci' in line[1:]))
    return out


def environment():
    """The virtual environment with requirements.txt installed (made once)."""
    req = os.path.join(HERE, 'requirements.txt')
    with open(req, 'rb') as f:
        key = hashlib.sha256(f.read() + sys.version.encode()).hexdigest()[:16]
    venv = os.path.join(CACHE, f'thirdparty-venv-{key}')
    python = os.path.join(venv, 'bin', 'python')
    if os.path.exists(os.path.join(venv, 'DONE')):
        return venv, python
    if sys.version_info[:2] != (3, 11):
        sys.exit(f'run.py: needs CPython 3.11 to make the environment (this is {sys.version.split()[0]})')
    shutil.rmtree(venv, ignore_errors=True)
    log(f'making {venv} (pip install -r requirements.txt)')
    subprocess.run([sys.executable, '-m', 'venv', venv], check=True)
    subprocess.run([python, '-m', 'pip', 'install', '-q', '--disable-pip-version-check', '--no-deps',
                    '-r', req], check=True)
    open(os.path.join(venv, 'DONE'), 'w').close()
    return venv, python


def site_packages(python):
    return subprocess.run([python, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                          capture_output=True, text=True, check=True).stdout.strip()


def wasmtime_run(wasm, cwd):
    """(stdout, stderr, exit code) of WASM under wasmtime, no directory
    mapped; None without the set-up's venv."""
    python = os.path.join(CACHE, 'venv', 'bin', 'python3')
    if not os.path.exists(python):
        return None
    out, err = wasm + '.out', wasm + '.err'
    p = subprocess.run([python, os.path.join(REPO, 'tests', 'wasmtime_run.py'), wasm, '--out', out, '--err', err,
                        '--', 'main.py'], cwd=cwd)
    with open(out, encoding='utf-8', errors='replace') as f, open(err, encoding='utf-8', errors='replace') as g:
        return f.read(), g.read(), p.returncode


def median_run(cmd, env, cwd, runs=3):
    """Median wall time of CMD, start to end."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def gzip_size(path):
    import gzip
    with open(path, 'rb') as f:
        return len(gzip.compress(f.read(), 6))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--py2wasm', default=os.path.join(os.environ.get('CARGO_TARGET_DIR', os.path.join(REPO, 'target')),
                                                      'release', 'py2wasm'))
    ap.add_argument('--ci', action='store_true')
    ap.add_argument('--timing', action='store_true')
    ap.add_argument('programs', nargs='*')
    args = ap.parse_args()
    listed = programs_list()
    if args.programs:
        names = args.programs
    else:
        names = [n for n, ci in listed if ci or not args.ci]
    venv, python = environment()
    site = site_packages(python)
    env = dict(os.environ, VIRTUAL_ENV=venv, PATH=os.path.join(venv, 'bin') + os.pathsep + os.environ.get('PATH', ''))
    env.pop('PYTHONPATH', None)
    env.pop('PYTHONHOME', None)
    failed = []
    work = tempfile.mkdtemp(prefix='py2wasm-thirdparty-')
    try:
        for name in names:
            base = os.path.join(HERE, 'programs', name[:-3] if name.endswith('.py') else name)
            # (a directory is a program of several files: its main.py)
            script = os.path.join(base, 'main.py') if os.path.isdir(base) else base + '.py'
            want = subprocess.run([python, script], capture_output=True, text=True, env=env,
                                  cwd=os.path.dirname(script))
            out = os.path.join(work, os.path.basename(base) + '.wasm')
            start = time.perf_counter()
            report = os.path.join(work, os.path.basename(base) + '.json')
            comp = subprocess.run([args.py2wasm, script, '-o', out, '-q', '--report-json', report],
                                  capture_output=True, text=True, env=env)
            took = time.perf_counter() - start
            if comp.returncode != 0:
                log(f'FAIL {name}: does not compile:\n{comp.stderr}')
                failed.append(name)
                continue
            # (no directory mapped: what the program reads of its own
            # files comes from the image)
            got = subprocess.run([args.py2wasm, 'run', out], capture_output=True, text=True, env=env,
                                 cwd=work)
            want_err = want.stderr.replace(site, PROGRAM_SITE)
            diffs = []
            if got.stdout != want.stdout:
                diffs.append(f'stdout differs:\n--- CPython\n{want.stdout}\n--- compiled\n{got.stdout}')
            if got.stderr != want_err:
                diffs.append(f'stderr differs:\n--- CPython\n{want_err}\n--- compiled\n{got.stderr}')
            if got.returncode != want.returncode:
                diffs.append(f'exit code: CPython {want.returncode}, compiled {got.returncode}')
            wt = wasmtime_run(out, work)
            if wt is None:
                diffs.append('wasmtime: no venv with the wasmtime package (run ./setup.sh)')
            else:
                wt_out, wt_err, wt_code = wt
                if (wt_out, wt_err, wt_code) != (want.stdout, want_err, want.returncode):
                    diffs.append(f'under wasmtime: exit {wt_code}\n--- stdout\n{wt_out}\n--- stderr\n{wt_err}')
            size = os.path.getsize(out) / 1e6
            extra = ''
            if args.timing:
                with open(report, encoding='utf-8') as f:
                    rep = json.load(f)
                native_t = median_run([python, script], env, os.path.dirname(script))
                wasm_t = median_run([args.py2wasm, 'run', out], env, work)
                extra = (f', gzip {gzip_size(out) / 1e6:.1f} MB, functions native {rep["functions_native"]}'
                         f'/{rep["functions_total"]}; run {wasm_t:.2f} s, CPython {native_t:.2f} s'
                         f' ({wasm_t / native_t:.1f}x)')
            if diffs:
                log(f'FAIL {name} (compiled in {took:.1f} s, {size:.1f} MB{extra})\n' + '\n'.join(diffs))
                failed.append(name)
            else:
                log(f'ok   {name} (compiled in {took:.1f} s, {size:.1f} MB{extra})')
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log(f'third-party programs: {len(names) - len(failed)} of {len(names)} match CPython')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
