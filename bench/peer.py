"""The peer: PyPI's py2wasm 2.6.3 (Wasmer's Nuitka fork), set up to work offline.

usage: python3 bench/peer.py setup                        # set up (cached), say what is there
       python3 bench/peer.py compile DIR/main.py OUT.wasm  # compile one program, through the cache

bench/bench.py imports this module; run it alone to set up or try the peer.
Everything lives under $PY2WASM_CACHE/peer (default ~/.cache/py2wasm/peer),
each part in a directory named by a hash of its inputs, so a second run only
finds the stamps and returns at once:

1. Debian packages (installed with apt-get when missing; needs root):
   python3.11 + python3.11-venv, patchelf (Nuitka refuses to run without it),
   clang-19, lld-19, llvm-19, wasi-libc, libclang-rt-19-dev-wasm32 and
   binaryen (wasm-opt, see WASM_OPT).
2. A WASI SDK directory laid out like wasi-sdk, which is what py2wasm wants
   in WASI_SDK_DIR (without it, every call downloads wasi-sdk-21 from GitHub):
   bin/clang and bin/clang++ wrap clang-19 with this sysroot, the other tools
   link to their -19 versions, and share/wasi-sysroot is Debian's wasi-libc
   (include/, lib/wasm32-wasi/) plus what Debian's 2022 wasi-libc lacks and
   the peer needs: pthread.h, dlfcn.h and a libdl.a whose dlopen fails.
3. A Python 3.11 venv (Debian's python3.11) with py2wasm==2.6.3 from PyPI.

Compiled outputs are cached too, by a hash of the program's directory and of
the set-up, with the wall-clock time of the compile that made them. Every
compile is cold: Nuitka gets an empty cache directory each time.
"""
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

PEER_VERSION = '2.6.3'
PYTHON = '/usr/bin/python3.11'

# Whether clang runs Binaryen's wasm-opt after linking. clang-19 runs
# `wasm-opt -O<level>` on its output whenever it finds one (first in the -B
# directory, our $SDK/bin). 'binaryen': link Debian's wasm-opt there (the peer
# as well built as it can be: about 4 MB smaller, same speed within noise).
# 'none': a wasm-opt there that does nothing.
WASM_OPT = 'binaryen'

DEBIAN_PACKAGES = ['python3.11', 'python3.11-venv', 'patchelf', 'clang-19', 'lld-19', 'llvm-19',
                   'wasi-libc', 'libclang-rt-19-dev-wasm32'] + (['binaryen'] if WASM_OPT == 'binaryen' else [])

# Tools of the SDK's bin/ that are plain links: name in the SDK -> Debian's binary.
TOOL_LINKS = {
    'wasm-ld': 'wasm-ld-19', 'ld.lld': 'ld.lld-19', 'lld': 'lld-19',
    'llvm-ar': 'llvm-ar-19', 'ar': 'llvm-ar-19', 'llvm-ranlib': 'llvm-ranlib-19', 'ranlib': 'llvm-ranlib-19',
    'llvm-nm': 'llvm-nm-19', 'nm': 'llvm-nm-19', 'llvm-strip': 'llvm-strip-19', 'strip': 'llvm-strip-19',
    'llvm-objcopy': 'llvm-objcopy-19', 'objcopy': 'llvm-objcopy-19', 'llvm-objdump': 'llvm-objdump-19',
    'objdump': 'llvm-objdump-19', 'llvm-size': 'llvm-size-19', 'size': 'llvm-size-19',
    'llvm-strings': 'llvm-strings-19', 'strings': 'llvm-strings-19', 'llvm-dwarfdump': 'llvm-dwarfdump-19',
    'llvm-cxxfilt': 'llvm-cxxfilt-19', 'clang-cpp': 'clang-cpp-19',
}

# bin/clang and bin/clang++: Debian's clang-19 pointed at this SDK's sysroot
# and at this SDK's bin/ for the tools it runs (wasm-ld, wasm-opt).
CLANG_WRAPPER = '''#!/bin/sh
# wasi-sdk's {name}, made of Debian's {target} (written by py2wasm's bench/peer.py)
exec /usr/bin/{target} --sysroot="{sdk}/share/wasi-sysroot" -B"{sdk}/bin" "$@"
'''

# bin/wasm-opt, which clang-19 runs after linking (as `wasm-opt FILE -O<n> -o
# FILE`) whenever it finds one, first in the -B directory, i.e. this bin/.
# Each call is noted in $PEER_WASM_OPT_LOG, so every compile records whether
# it ran. WASM_OPT 'binaryen' runs Debian's; 'none' leaves FILE as it is.
WASM_OPT_WRAPPER = '''#!/bin/sh
# wasi-sdk's wasm-opt: {what} (written by py2wasm's bench/peer.py)
if [ -n "$PEER_WASM_OPT_LOG" ]; then echo "wasm-opt $*" >> "$PEER_WASM_OPT_LOG"; fi
{action}
'''
WASM_OPT_ACTIONS = {
    'binaryen': ('Debian\'s Binaryen', 'exec /usr/bin/wasm-opt "$@"'),
    'none': ('does nothing, the peer is linked without Binaryen\'s optimiser', 'exit 0'),
}


# pthread.h for a wasi-libc built without threads. The peer's pyconfig.h sets
# HAVE_PTHREAD_H, so CPython's headers include <pthread.h> for the types of
# its thread-local storage and locks. The types come from wasi-libc's own
# bits/alltypes.h (selected by __NEED_ macros); the functions are the ones the
# peer's libpython.a implements as stubs (pthread_create always fails).
PTHREAD_H = '''/* pthread.h for Debian's thread-less wasi-libc (written by py2wasm's bench/peer.py). */
#ifndef PY2WASM_PEER_PTHREAD_H
#define PY2WASM_PEER_PTHREAD_H
#define __NEED_pthread_t
#define __NEED_pthread_attr_t
#define __NEED_pthread_key_t
#define __NEED_pthread_once_t
#define __NEED_pthread_mutex_t
#define __NEED_pthread_mutexattr_t
#define __NEED_pthread_cond_t
#define __NEED_pthread_condattr_t
#define __NEED_clockid_t
#define __NEED_struct_timespec
#include <bits/alltypes.h>
#include <time.h>

#ifndef _POSIX_THREADS
#define _POSIX_THREADS 1
#endif
#define PTHREAD_MUTEX_INITIALIZER {{{0}}}
#define PTHREAD_COND_INITIALIZER {{{0}}}
#define PTHREAD_ONCE_INIT 0

#ifdef __cplusplus
extern "C" {
#endif
int pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
int pthread_detach(pthread_t);
void pthread_exit(void *) __attribute__((__noreturn__));
pthread_t pthread_self(void);
int pthread_attr_init(pthread_attr_t *);
int pthread_attr_destroy(pthread_attr_t *);
int pthread_attr_setstacksize(pthread_attr_t *, size_t);
int pthread_mutex_init(pthread_mutex_t *, const pthread_mutexattr_t *);
int pthread_mutex_destroy(pthread_mutex_t *);
int pthread_mutex_lock(pthread_mutex_t *);
int pthread_mutex_trylock(pthread_mutex_t *);
int pthread_mutex_unlock(pthread_mutex_t *);
int pthread_cond_init(pthread_cond_t *, const pthread_condattr_t *);
int pthread_cond_destroy(pthread_cond_t *);
int pthread_cond_wait(pthread_cond_t *, pthread_mutex_t *);
int pthread_cond_timedwait(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
int pthread_cond_signal(pthread_cond_t *);
int pthread_cond_broadcast(pthread_cond_t *);
int pthread_condattr_init(pthread_condattr_t *);
int pthread_condattr_setclock(pthread_condattr_t *, clockid_t);
int pthread_key_create(pthread_key_t *, void (*)(void *));
int pthread_key_delete(pthread_key_t);
void *pthread_getspecific(pthread_key_t);
int pthread_setspecific(pthread_key_t, const void *);
#ifdef __cplusplus
}
#endif
#endif
'''

# dlfcn.h: Nuitka's runtime includes it on every non-Windows system (it can
# load extension modules from files; a standalone wasm program never does).
DLFCN_H = '''/* dlfcn.h for WASI, which has no dynamic loading (written by py2wasm's bench/peer.py). */
#ifndef PY2WASM_PEER_DLFCN_H
#define PY2WASM_PEER_DLFCN_H
#define RTLD_LAZY 1
#define RTLD_NOW 2
#define RTLD_NOLOAD 4
#define RTLD_NODELETE 4096
#define RTLD_GLOBAL 256
#define RTLD_LOCAL 0
#ifdef __cplusplus
extern "C" {
#endif
void *dlopen(const char *, int);
void *dlsym(void *__restrict, const char *__restrict);
int dlclose(void *);
char *dlerror(void);
#ifdef __cplusplus
}
#endif
#endif
'''

# libdl.a: Debian's is empty, and the peer links with -ldl. Loading always
# fails, with a message saying why.
DL_STUB_C = '''/* dlopen and friends for WASI: nothing can be loaded (written by py2wasm's bench/peer.py). */
#include <stddef.h>
#include <dlfcn.h>

static char message[] = "dynamic loading is not supported on WASI";
static int failed;

void *dlopen(const char *file, int mode) {
    (void)file; (void)mode;
    failed = 1;
    return NULL;
}

void *dlsym(void *restrict handle, const char *restrict name) {
    (void)handle; (void)name;
    failed = 1;
    return NULL;
}

int dlclose(void *handle) {
    (void)handle;
    failed = 1;
    return -1;
}

char *dlerror(void) {
    /* Like POSIX: the last error once, then NULL until the next failure. */
    if (!failed)
        return NULL;
    failed = 0;
    return message;
}
'''

# What the SDK's smoke test compiles and links: the headers and libraries the
# peer uses, so a broken SDK is reported here and not in Nuitka's long logs.
SMOKE_C = '''#include <pthread.h>
#include <dlfcn.h>
#include <stdio.h>
int main(void) {
    pthread_key_t key = 0;
    void *lib = dlopen("x.so", RTLD_NOW);
    printf("%p %s %u\\n", lib, lib ? "" : dlerror(), (unsigned)key);
    return 0;
}
'''


class PeerError(Exception):
    """The peer could not be set up, or a compile failed: the message says why."""


def cache_root():
    base = os.environ.get('PY2WASM_CACHE') or os.path.join(
        os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'), 'py2wasm')
    return os.path.join(base, 'peer')


def log(message):
    print(f'[peer] {message}', file=sys.stderr, flush=True)


def digest(*parts):
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode()
        h.update(len(data).to_bytes(8, 'little'))
        h.update(data)
    return h.hexdigest()


def run(cmd, what, **kwargs):
    """Runs CMD; a failure raises PeerError naming WHAT, with the end of its output."""
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    if done.returncode != 0:
        raise PeerError(f'{what} failed (exit {done.returncode}): {" ".join(cmd)}\n{done.stdout[-2000:]}')
    return done.stdout


@contextlib.contextmanager
def locked(root):
    """One set-up or compile at a time: the peer builds in a fixed directory of
    its own package, and a compile takes about 700 MB."""
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, '.lock'), 'w') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


# 1. Debian packages

def package_versions(names):
    """{name: version} of the installed ones among NAMES."""
    done = subprocess.run(['dpkg-query', '-W', '-f', '${Package} ${db:Status-Status} ${Version}\\n'] + names,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    versions = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == 'installed':
            versions[parts[0]] = parts[2]
    return versions


def ensure_packages():
    if not shutil.which('dpkg-query'):
        raise PeerError('the peer is set up from Debian packages: dpkg-query is missing (this needs Debian 12)')
    versions = package_versions(DEBIAN_PACKAGES)
    missing = [p for p in DEBIAN_PACKAGES if p not in versions]
    if missing:
        if os.geteuid() != 0:
            raise PeerError(f'missing Debian packages: {" ".join(missing)}; '
                            f'run as root or install them: apt-get install {" ".join(missing)}')
        log(f'apt-get install {" ".join(missing)}')
        install = ['apt-get', 'install', '-y', '-q', '--no-install-recommends'] + missing
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        try:
            run(install, 'apt-get install', env=env)
        except PeerError:
            # The package lists may be missing or stale: refresh them once.
            run(['apt-get', 'update', '-q'], 'apt-get update', env=env)
            run(install, 'apt-get install', env=env)
        versions = package_versions(DEBIAN_PACKAGES)
        missing = [p for p in DEBIAN_PACKAGES if p not in versions]
        if missing:
            raise PeerError(f'apt-get did not install: {" ".join(missing)}')
    return versions


# 2. The WASI SDK directory

def ensure_sdk(versions):
    """The SDK directory for WASI_SDK_DIR, built once per set of inputs."""
    key = digest('sdk 1', WASM_OPT, CLANG_WRAPPER, WASM_OPT_WRAPPER, WASM_OPT_ACTIONS[WASM_OPT], PTHREAD_H,
                 DLFCN_H, DL_STUB_C, json.dumps(sorted(TOOL_LINKS.items())),
                 json.dumps({p: versions[p] for p in sorted(versions)}))[:16]
    sdk = os.path.join(cache_root(), f'wasi-sdk-{key}')
    if os.path.exists(os.path.join(sdk, '.complete')):
        return sdk
    log(f'building the WASI SDK directory {sdk}')
    shutil.rmtree(sdk, ignore_errors=True)
    bindir = os.path.join(sdk, 'bin')
    sysroot = os.path.join(sdk, 'share', 'wasi-sysroot')
    os.makedirs(bindir)

    for name, target in (('clang', 'clang-19'), ('clang++', 'clang++-19')):
        write(os.path.join(bindir, name), CLANG_WRAPPER.format(name=name, target=target, sdk=sdk), executable=True)
    for name, target in TOOL_LINKS.items():
        path = os.path.join('/usr/bin', target)
        if not os.path.exists(path):
            raise PeerError(f'{path} is missing (Debian packages {", ".join(DEBIAN_PACKAGES)})')
        os.symlink(path, os.path.join(bindir, name))
    what, action = WASM_OPT_ACTIONS[WASM_OPT]
    write(os.path.join(bindir, 'wasm-opt'), WASM_OPT_WRAPPER.format(what=what, action=action), executable=True)

    # Debian's wasi-libc, laid out as wasi-sdk lays out its sysroot.
    shutil.copytree('/usr/include/wasm32-wasi', os.path.join(sysroot, 'include'), symlinks=True)
    libdir = os.path.join(sysroot, 'lib', 'wasm32-wasi')
    shutil.copytree('/usr/lib/wasm32-wasi', libdir, symlinks=True)
    for name, text in (('pthread.h', PTHREAD_H), ('dlfcn.h', DLFCN_H)):
        path = os.path.join(sysroot, 'include', name)
        if not os.path.exists(path):  # a newer wasi-libc may have its own
            write(path, text)
    with tempfile.TemporaryDirectory() as tmp:
        write(os.path.join(tmp, 'dl.c'), DL_STUB_C)
        run([os.path.join(bindir, 'clang'), '--target=wasm32-wasi', '-O2', '-c', os.path.join(tmp, 'dl.c'),
             '-o', os.path.join(tmp, 'dl.o')], 'compiling the dlopen stub')
        libdl = os.path.join(libdir, 'libdl.a')
        if os.path.exists(libdl):
            os.remove(libdl)
        run([os.path.join(bindir, 'llvm-ar'), 'rcs', libdl, os.path.join(tmp, 'dl.o')], 'archiving libdl.a')

        # Smoke test: headers, -ldl and the link through the wrapper.
        write(os.path.join(tmp, 'smoke.c'), SMOKE_C)
        run([os.path.join(bindir, 'clang'), '--target=wasm32-wasi', '-O2', os.path.join(tmp, 'smoke.c'), '-ldl',
             '-o', os.path.join(tmp, 'smoke.wasm')], 'the SDK smoke test (compile and link a C program)')
        with open(os.path.join(tmp, 'smoke.wasm'), 'rb') as f:
            if f.read(4) != b'\0asm':
                raise PeerError('the SDK smoke test linked something that is not a wasm module')
    write(os.path.join(sdk, '.complete'), json.dumps({'wasm_opt': WASM_OPT, 'packages': versions}, indent=1))
    return sdk


def write(path, text, executable=False):
    with open(path, 'w') as f:
        f.write(text)
    if executable:
        os.chmod(path, 0o755)


# 3. The venv with py2wasm from PyPI

def ensure_venv(versions):
    key = digest('venv 1', PEER_VERSION, versions['python3.11'])[:16]
    venv = os.path.join(cache_root(), f'venv-{key}')
    stamp = os.path.join(venv, '.complete')
    if os.path.exists(stamp):
        return venv
    # A venv cannot be moved after creation, so it is made in place; the stamp
    # is written last, and a venv without one is made again.
    log(f'creating the venv {venv} with py2wasm=={PEER_VERSION} from PyPI (a 85 MB package: a minute or two)')
    shutil.rmtree(venv, ignore_errors=True)
    run([PYTHON, '-m', 'venv', venv], f'{PYTHON} -m venv')
    pip = [os.path.join(venv, 'bin', 'python'), '-m', 'pip', '--disable-pip-version-check', '-q']
    run(pip + ['install', f'py2wasm=={PEER_VERSION}'], f'pip install py2wasm=={PEER_VERSION}')
    if not os.path.exists(os.path.join(venv, 'bin', 'py2wasm')):
        raise PeerError(f'pip installed py2wasm=={PEER_VERSION} but {venv}/bin/py2wasm is missing')
    write(stamp, PEER_VERSION)
    return venv


def setup():
    """Sets the peer up (or finds it set up). Returns {'venv', 'sdk', 'key', 'wasm_opt', 'packages'}."""
    root = cache_root()
    with locked(root):
        versions = ensure_packages()
        sdk = ensure_sdk(versions)
        venv = ensure_venv(versions)
    key = digest(PEER_VERSION, os.path.basename(sdk), os.path.basename(venv))[:16]
    wasm_opt = 'none'
    if WASM_OPT == 'binaryen':
        wasm_opt = f'wasm-opt from Debian binaryen {versions.get("binaryen", "?")}'
    return {'venv': venv, 'sdk': sdk, 'key': key, 'wasm_opt': wasm_opt, 'packages': versions}


def program_hash(main_py):
    """A hash of every file in the program's directory (the program and its own modules)."""
    d = os.path.dirname(os.path.abspath(main_py))
    parts = [os.path.basename(main_py)]
    for name in sorted(os.listdir(d)):
        path = os.path.join(d, name)
        if os.path.isfile(path) and name.endswith('.py'):
            with open(path, 'rb') as f:
                parts += [name, f.read()]
    return digest(*parts)


def compile_program(peer, main_py, out):
    """Compiles MAIN_PY with the peer into OUT, through the cache of outputs.

    Returns {'seconds', 'bytes', 'cached', 'date', 'wasm_opt_runs', 'load'}:
    the wall-clock time of the (cold) compile that made the output, whether it
    came from the cache, the wasm-opt commands clang ran while linking, and
    the machine's load average before and after that compile.
    Raises PeerError with the end of the peer's log when it fails."""
    outputs = os.path.join(cache_root(), 'outputs')
    os.makedirs(outputs, exist_ok=True)
    key = digest(peer['key'], program_hash(main_py))[:24]
    cached_wasm = os.path.join(outputs, f'{key}.wasm')
    meta_path = os.path.join(outputs, f'{key}.json')
    if os.path.exists(cached_wasm) and os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
        shutil.copyfile(cached_wasm, out)
        return dict(meta, cached=True, bytes=os.path.getsize(out))

    program_dir = os.path.dirname(os.path.abspath(main_py))
    log_path = os.path.join(outputs, f'{key}.log')
    with locked(cache_root()), tempfile.TemporaryDirectory(prefix='peer-nuitka-') as nuitka_cache:
        wasm_opt_log = os.path.join(nuitka_cache, 'wasm-opt.log')
        env = dict(os.environ, WASI_SDK_DIR=peer['sdk'], NUITKA_CACHE_DIR=nuitka_cache, PEER_WASM_OPT_LOG=wasm_opt_log,
                   PATH=os.path.join(peer['venv'], 'bin') + os.pathsep + os.environ.get('PATH', '/usr/bin:/bin'))
        tmp_out = cached_wasm + '.tmp'
        log(f'compiling {main_py} (2-4 minutes; log in {log_path})')
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        with open(log_path, 'w') as logf:
            done = subprocess.run([os.path.join(peer['venv'], 'bin', 'py2wasm'), os.path.basename(main_py),
                                   '-o', tmp_out], cwd=program_dir, env=env, stdin=subprocess.DEVNULL,
                                  stdout=logf, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - start
        wasm_opt_runs = []
        if os.path.exists(wasm_opt_log):
            with open(wasm_opt_log) as f:
                wasm_opt_runs = f.read().splitlines()
    with open(log_path, errors='replace') as f:
        text = f.read()
    if done.returncode != 0 or not os.path.exists(tmp_out):
        lines = [ln for ln in text.splitlines() if ln.strip()]
        raise PeerError(f'compile failed (exit {done.returncode}): ' + ' / '.join(lines[-3:]))
    with open(tmp_out, 'rb') as f:
        if f.read(4) != b'\0asm':
            raise PeerError(f'compile wrote {tmp_out}, which is not a wasm module')
    meta = {'seconds': seconds, 'date': time.strftime('%Y-%m-%d %H:%M'), 'wasm_opt_runs': wasm_opt_runs,
            'load': [round(load_before, 2), round(os.getloadavg()[0], 2)]}
    os.replace(tmp_out, cached_wasm)
    write(meta_path, json.dumps(meta))
    shutil.copyfile(cached_wasm, out)
    return dict(meta, cached=False, bytes=os.path.getsize(out))


def main():
    args = sys.argv[1:]
    try:
        if args == ['setup']:
            peer = setup()
            print(f'py2wasm {PEER_VERSION}: {peer["venv"]}/bin/py2wasm\nWASI_SDK_DIR={peer["sdk"]}\n'
                  f'wasm-opt after linking: {peer["wasm_opt"]}')
        elif len(args) == 3 and args[0] == 'compile':
            peer = setup()
            r = compile_program(peer, args[1], args[2])
            how = f'cached from {r["date"]}' if r['cached'] else 'cold'
            print(f'{args[2]}: {r["bytes"]} bytes, compiled in {r["seconds"]:.1f} s ({how}); '
                  f'wasm-opt after linking: {"; ".join(r["wasm_opt_runs"]) or "not run"}')
        else:
            sys.exit(__doc__.split('\n\n')[1])
    except PeerError as e:
        sys.exit(f'peer: error: {e}')


if __name__ == '__main__':
    main()
