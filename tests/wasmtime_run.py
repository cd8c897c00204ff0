"""Runs a WASI module under wasmtime: the tests' second engine.

usage: wasmtime_run.py MODULE.wasm --out F --err F [--stdin F] [--dir HOST::GUEST]
                       [--env K=V]... -- ARGV0 ARGS...

Writes the program's stdout and stderr to the given files and exits with the
program's exit code (134 on a trap, with the trap on stderr). Uses the
PyPI `wasmtime` package; compiled modules are cached by wasmtime itself.
"""
import argparse
import sys

import wasmtime


def main():
    p = argparse.ArgumentParser()
    p.add_argument('module')
    p.add_argument('--out', required=True)
    p.add_argument('--err', required=True)
    p.add_argument('--stdin')
    p.add_argument('--dir', action='append', default=[])
    p.add_argument('--env', action='append', default=[])
    args = sys.argv[1:]
    split = args.index('--') if '--' in args else len(args)
    a = p.parse_args(args[:split])
    a.argv = args[split + 1:]

    config = wasmtime.Config()
    config.cache = True
    engine = wasmtime.Engine(config)
    module = wasmtime.Module.from_file(engine, a.module)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = a.argv
    wasi.env = [tuple(kv.split('=', 1)) for kv in a.env]
    wasi.stdout_file = a.out
    wasi.stderr_file = a.err
    if a.stdin:
        wasi.stdin_file = a.stdin
    for spec in a.dir:
        host, guest = spec.split('::', 1)
        wasi.preopen_dir(host, guest)
    store.set_wasi(wasi)
    instance = linker.instantiate(store, module)
    try:
        instance.exports(store)['_start'](store)
        code = 0
    except wasmtime.ExitTrap as e:
        code = e.code
    except wasmtime.Trap as e:
        with open(a.err, 'a') as f:
            f.write(f'wasm trap: {e}\n')
        code = 134
    sys.exit(code)


if __name__ == '__main__':
    main()
