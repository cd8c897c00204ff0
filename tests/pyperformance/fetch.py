"""fetch.py DEST: download pyperformance from PyPI (never committed) and
unpack the pure-stdlib benchmarks the tests and the benchmark harness use,
each as DEST/NAME/run_benchmark.py. Does nothing when DEST is complete."""
import os
import subprocess
import sys
import tempfile
import zipfile

VERSION = '1.14.0'
BENCHMARKS = ['richards', 'nbody', 'float', 'fannkuch', 'nqueens', 'spectral_norm', 'chaos',
              'deltablue', 'go', 'hexiom', 'raytrace', 'unpack_sequence', 'pidigits', 'json_dumps']


def main():
    dest = sys.argv[1]
    stamp = os.path.join(dest, f'.pyperformance-{VERSION}')
    if os.path.exists(stamp):
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, '-m', 'pip', 'download', '-q', '--no-deps',
                        f'pyperformance=={VERSION}', '-d', tmp], check=True)
        wheel = next(f for f in os.listdir(tmp) if f.endswith('.whl'))
        with zipfile.ZipFile(os.path.join(tmp, wheel)) as z:
            for name in BENCHMARKS:
                member = f'pyperformance/data-files/benchmarks/bm_{name}/run_benchmark.py'
                os.makedirs(os.path.join(dest, name), exist_ok=True)
                with open(os.path.join(dest, name, 'run_benchmark.py'), 'wb') as f:
                    f.write(z.read(member))
    open(stamp, 'w').close()
    print(f'pyperformance {VERSION}: {len(BENCHMARKS)} benchmarks in {dest}', file=sys.stderr)


if __name__ == '__main__':
    main()
