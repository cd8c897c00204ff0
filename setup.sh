#!/usr/bin/env bash
# Everything py2wasm needs on a fresh Debian 12 machine, idempotent and cached
# (a second run takes seconds). Run as root, or with the packages installed:
#   - Debian packages: clang/lld 19, wasi-libc, ... (see sysroot/common.sh)
#   - the wasm32-wasip1 Rust target (for the compiler's own wasm build)
#   - the sysroot: CPython 3.11 for wasm32-wasi and runtime.wasm (sysroot/build.sh)
#   - the compiler built for wasm32-wasip1 (target/wasm32-wasip1/release/py2wasm.wasm)
#   - for the tests: a venv with wasmtime (the second engine) and the
#     pyperformance benchmarks, downloaded from PyPI
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
log "ready"
