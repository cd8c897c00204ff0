#!/usr/bin/env bash
# Everything py2wasm needs on a fresh Debian 12 machine, idempotent and cached
# (a second run takes seconds). Run as root, or with the packages installed:
#   - Debian packages: clang/lld 19, wasi-libc, ... (see sysroot/common.sh)
#   - the wasm32-wasip1 Rust target (for the compiler's own wasm build)
#   - the sysroot: CPython 3.11 for wasm32-wasi and runtime.wasm (sysroot/build.sh)
#   - the compiler built for wasm32-wasip1 (target/wasm32-wasip1/release/py2wasm.wasm)
#   - the compiler as a Python wheel (./wheel.sh, maturin)
#   - for the tests: a venv with wasmtime (the second engine) and the
#     pyperformance benchmarks, downloaded from PyPI; Debian's chromium and
#     the browser example's WASI shim from npm (tests/web.rs)
# The cache is $PY2WASM_CACHE, default ~/.cache/py2wasm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source sysroot/common.sh

if [ "$(id -u)" = 0 ] && ! dpkg-query -W -f='${Status}' python3-venv 2>/dev/null | grep -q 'install ok'; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
command -v cargo >/dev/null || die "cargo is missing: install Rust with rustup (https://rustup.rs)"
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-wasip1; then
    rustup target add wasm32-wasip1
fi

sysroot/build.sh

# The compiler as WebAssembly (wasmer.toml), which the tests run too.
cargo build --release --quiet --target wasm32-wasip1 --no-default-features

venv=$cache/venv
if [ ! -x "$venv/bin/python3" ] || ! "$venv/bin/python3" -c 'import wasmtime' 2>/dev/null; then
    log "test tools: venv with wasmtime in $venv"
    python3 -m venv "$venv"
    "$venv/bin/python3" -m pip install -q --disable-pip-version-check wasmtime==50.0.1
fi
"$venv/bin/python3" tests/pyperformance/fetch.py "$cache/pyperformance"

# tests/web.rs: Debian's Chromium (headless) and its ChromeDriver, and the
# WASI shim the browser example runs outputs with, from npm at the version
# its package.json pins.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    [ "$(id -u)" = 0 ] || die "missing: chromium, chromium-driver (run this script once as root, or apt-get install them)"
    log "test tools: Debian's chromium and chromium-driver"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
npm_dir=$cache/npm/browser
if ! cmp -s examples/browser/package.json "$npm_dir/package.json" \
    || [ ! -f "$npm_dir/node_modules/@bjorn3/browser_wasi_shim/dist/index.js" ]; then
    command -v npm >/dev/null || die "missing: npm (apt-get install npm, or Node.js from nodejs.org)"
    log "test tools: the browser example's WASI shim (npm) in $npm_dir"
    rm -rf "$npm_dir"
    mkdir -p "$npm_dir"
    cp examples/browser/package.json "$npm_dir/"
    (cd "$npm_dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
# The compiler as a Python wheel (tests/wheel.rs installs it).
./wheel.sh >/dev/null
log "ready"
