#!/usr/bin/env bash
# Builds the C half of py2wasm, once, from Debian sources, into a cache
# outside the repository keyed by a hash of every input:
#   stage 1 (cpython.sh): zlib, bzip2, xz, sqlite3 and CPython 3.11 for
#     wasm32-wasi; python.wasm (the plain interpreter) and its Lib/.
#   stage 2 (here, seconds): runtime.wasm = libpython + runtime/*.c, the
#     stdlib precompiled and indexed (stdlib.py), and the assets the compiler
#     embeds (sysroot/out/assets).
# sysroot/out links to the current result. An unchanged recipe rebuilds nothing.
#
# Usage: sysroot/build.sh        (PY2WASM_CACHE overrides ~/.cache/py2wasm)
#        sysroot/build.sh --checked
#   builds the checked runtime instead and prints the path of its
#   runtime.wasm: CPython --with-pydebug (Py_DEBUG assertions: reference
#   counts, the GC, API use) and runtime/*.c with their assertions, for
#   PY2WASM_RUNTIME (see the README). Its own cache; sysroot/out stays.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need_tools

checked=
[ "${1:-}" != --checked ] || checked=1
if [ -n "$checked" ]; then
    cpython=$(PY2WASM_PYDEBUG=1 "$here/cpython.sh")
else
    cpython=$("$here/cpython.sh")
fi
key=$( { echo "$cpython"; hash_files sysroot/build.sh sysroot/freeze.py sysroot/stdlib.py sysroot/lib-patches runtime; } | sha256sum | cut -c1-16)
out=$cache/sysroot${checked:+-checked}-$key
if [ -n "$checked" ] && [ -f "$out/DONE" ]; then
    echo "$out/runtime.wasm"
    exit 0
fi
# Points sysroot/out at a build. A build made earlier has older files than
# the compiler cargo built meanwhile from another one, so the assets are
# touched: cargo (build.rs's rerun-if-changed) then embeds them again.
link_out() {
    if [ "$(readlink "$here/out" 2>/dev/null)" != "$out" ]; then
        touch "$out"/assets/*
        ln -sfn "$out" "$here/out"
    fi
}
if [ -f "$out/DONE" ]; then
    link_out
    log "up to date: $out"
    exit 0
fi

work=$cache/build-runtime-$key
rm -rf "$work" && mkdir -p "$work" && cd "$work"
wasi_cc "$work/wasi-sysroot"
# The bootstrap importer is Python, marshalled by the build python into a C
# array. Its loader does what importlib's SourceFileLoader does, and its code
# carries that code's file name, so the import system treats its frames as
# its own: tracebacks leave them out (import.c's remove_importlib_frames)
# and warnings' stacklevel passes over them.
python3 "$here/freeze.py" "$repo/runtime/py2wasm_boot.py" _py2wasm_boot '<frozen importlib._bootstrap_external>' \
    > boot_frozen.h
exports=()
while read -r sym _; do
    case "$sym" in ''|'#'*) continue ;; esac
    exports+=("-Wl,--export=$sym")
done < "$repo/runtime/exports.txt"
# -DNDEBUG as CPython's own build has it: without it, the header helpers our
# fast paths use (PyTuple_GET_ITEM, PyUnicode_READ, ...) keep their
# assertions and stop being inlined. The checked runtime keeps them.
ndebug=-DNDEBUG
[ -z "$checked" ] || ndebug=
for c in "$repo"/runtime/*.c; do
    # shellcheck disable=SC2086
    $CC $opt $ndebug -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
        -I. -I"$cpython/include/python3.11" -c "$c" -o "$(basename "${c%.c}").o"
done
# runtime/vfs.c serves the image's files through these.
vfs_wraps=""
for f in open read lseek fstat close isatty fcntl stat lstat fstatat access opendir readdir closedir; do
    vfs_wraps="$vfs_wraps -Wl,--wrap=$f"
done
# shellcheck disable=SC2086
$CC -o runtime.wasm ./*.o -L"$cpython/lib" -lpython3.11 -lmpdec -lexpat -lsqlite3 -llzma -lbz2 -lz \
    $wasi_libs $wasi_stack -Wl,--wrap=poll -Wl,--wrap=select $vfs_wraps -Wl,--strip-debug "${exports[@]}" \
    || die "linking runtime.wasm failed"
if [ -n "$checked" ]; then
    # The compiler's other assets (the stdlib) are the same either way.
    stage=$cache/stage-checked-$key
    rm -rf "$stage" && mkdir -p "$stage"
    cp runtime.wasm "$stage/"
    touch "$stage/DONE"
    rm -rf "$out" && mv "$stage" "$out"
    cd / && rm -rf "$work"
    log "checked runtime: $out/runtime.wasm"
    echo "$out/runtime.wasm"
    exit 0
fi

stage=$cache/stage-$key
rm -rf "$stage" && mkdir -p "$stage/assets"
cp runtime.wasm "$stage/"
ln -s "$cpython/python.wasm" "$stage/python.wasm"
ln -s "$cpython/pylib" "$stage/pylib"
# What the compiler embeds (include_dir): nothing else goes in assets/.
zstd -q -19 runtime.wasm -o "$stage/assets/runtime.wasm.zst"
# Our changes to the stdlib (lib-patches/) apply to what the compiler embeds;
# python.wasm, the baseline interpreter, keeps CPython's own Lib.
cp -r "$cpython/pylib/python3.11" "$work/Lib"
for p in "$here"/lib-patches/*.patch; do
    patch -d "$work" -p1 -s < "$p" || die "patch $p does not apply"
done
# Debian's sysconfig names its data module after the multiarch tuple alone.
for f in "$work"/Lib/_sysconfigdata_*.py; do
    [ "$f" = "$work/Lib/_sysconfigdata__wasm32-wasi.py" ] || mv "$f" "$work/Lib/_sysconfigdata__wasm32-wasi.py"
done
python3 "$here/stdlib.py" "$work/Lib" "$work/stdlib" || die "stdlib packaging failed"
cp "$work/stdlib/stdlib.json" "$work/stdlib/stdlib.bin.zst" "$cpython/builtin-modules.txt" "$stage/assets/"
cp "$cpython/versions.txt" "$stage/"
# (and among the assets, for `py2wasm --version`: build.rs reads it)
cp "$cpython/versions.txt" "$stage/assets/"
touch "$stage/DONE"
rm -rf "$out" && mv "$stage" "$out"
link_out
rm -rf "$work"
log "done: $out"
ls -lL "$out" "$out/assets" >&2
