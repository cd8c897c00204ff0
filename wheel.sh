#!/usr/bin/env bash
# Builds the py2wasm wheel (pyproject.toml: maturin, bindings = "bin") and
# prints its path; `pip install` of it gives a `py2wasm` command. Run
# ./setup.sh first (it builds the sysroot the binary embeds, and calls
# this). The wheel is cached in $PY2WASM_CACHE/wheels by a hash of its
# inputs. --check: only print the cached wheel's path, or fail.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source sysroot/common.sh
venv=$cache/venv
maturin_version=1.16.0
assets=sysroot/out/assets
[ -f "$assets/runtime.wasm.zst" ] || die "$assets is missing: run ./setup.sh first"
key=$( (cat Cargo.toml Cargo.lock pyproject.toml README.md build.rs rustfmt.toml
        find src vendor -type f | LC_ALL=C sort | xargs cat
        cat "$assets"/*) | sha256sum | cut -c1-16)
out=$cache/wheels/$key
wheel() { ls "$out"/py2wasm-*.whl 2>/dev/null | head -1; }
if [ -n "$(wheel)" ]; then
    wheel
    exit 0
fi
[ "${1:-}" != --check ] || die "the wheel of this source is not built: run ./wheel.sh (./setup.sh does)"
if [ ! -x "$venv/bin/python3" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/maturin" --version 2>/dev/null | grep -qx "maturin $maturin_version"; then
    log "wheel: maturin $maturin_version in $venv"
    "$venv/bin/python3" -m pip install -q --disable-pip-version-check "maturin==$maturin_version"
fi
log "wheel: building (maturin build --release) into $out"
rm -rf "$out"
mkdir -p "$out"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$cache/target}
"$venv/bin/maturin" build --release --quiet --out "$out" >&2
# Older wheels of other sources are left to go: keep the last few (other
# checkouts sharing the cache may still want theirs).
ls -1dt "$cache"/wheels/*/ 2>/dev/null | tail -n +9 | xargs -r rm -rf
wheel
