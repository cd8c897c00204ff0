#!/usr/bin/env bash
# Stage 1 of the sysroot (build.sh runs it): the C libraries and CPython 3.11
# for wasm32-wasi from Debian's source packages, python.wasm, and the
# standard library sources. Prints the directory of its cached products; builds
# only when that directory does not exist yet. (PY2WASM_RESTAGE=BUILD_DIR re-stages
# the products of an earlier, finished build without compiling again.)
# PY2WASM_PYDEBUG=1 builds CPython --with-pydebug instead (Py_DEBUG: CPython's
# reference-count, GC and API-use assertions), for the checked runtime.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

pydebug=${PY2WASM_PYDEBUG:-}
key=$( { [ -z "$pydebug" ] || echo pydebug
         hash_files sysroot/cpython.sh sysroot/common.sh sysroot/patches
         for p in "${src_packages[@]}"; do echo "$p $(src_versions "$p" | tr '\n' ' ')"; done
         clang-19 --version | head -1; dpkg-query -W -f='${Version}\n' wasi-libc; python3 -VV; } | sha256sum | cut -c1-16)
out=$cache/cpython${pydebug:+-pydebug}-$key
if [ -f "$out/DONE" ]; then echo "$out"; exit 0; fi

work=${PY2WASM_RESTAGE:-$cache/build-cpython-$key}
[ -n "${PY2WASM_RESTAGE:-}" ] || { rm -rf "$work" && mkdir -p "$work"; }
log "building CPython and its libraries in $work (this takes a few minutes)"
wasi_cc "$work/wasi-sysroot"
deps=$work/deps
mkdir -p "$deps/include" "$deps/lib"
# Third-party code: its own warnings are not ours to fix.
dep_cflags="$opt -w $wasi_defs"

fetch() { # fetch PACKAGE DIR: unpack the Debian source package (Debian's patches applied) into DIR
    local pkg=$1 dir=$2 v d
    for v in $(src_versions "$pkg"); do
        rm -rf "$work/dl" && mkdir -p "$work/dl"
        if (cd "$work/dl" && apt-get source -qq "$pkg=$v" >/dev/null 2>"$work/$pkg-fetch.log"); then
            d=$(find "$work/dl" -mindepth 1 -maxdepth 1 -type d | head -1)
            [ -n "$d" ] || die "apt-get source $pkg=$v unpacked nothing"
            mv "$d" "$dir"
            echo "$pkg $v" >> "$work/versions.txt"
            log "source $pkg $v"
            return 0
        fi
        log "source $pkg $v cannot be fetched, trying an older version"
    done
    die "no version of the source package $pkg could be fetched (see $work/$pkg-fetch.log)"
}

static_lib() { # static_lib LIB.a CFLAGS FILE.c...: compile (in the cwd) into $deps/lib/LIB.a
    local lib=$1 cflags=$2 o=() f; shift 2
    for f in "$@"; do
        # shellcheck disable=SC2086
        $CC $cflags -c "$f" -o "${f%.c}.o"
        o+=("${f%.c}.o")
    done
    $AR rcs "$deps/lib/$lib" "${o[@]}"
}

build_zlib() {
    fetch zlib "$work/zlib" && cd "$work/zlib"
    static_lib libz.a "$dep_cflags -DHAVE_UNISTD_H -DHAVE_STDARG_H" adler32.c compress.c crc32.c deflate.c \
        gzclose.c gzlib.c gzread.c gzwrite.c infback.c inffast.c inflate.c inftrees.c trees.c uncompr.c zutil.c
    cp zlib.h zconf.h "$deps/include/"
}
build_bzip2() {
    fetch bzip2 "$work/bzip2" && cd "$work/bzip2"
    static_lib libbz2.a "$dep_cflags -D_FILE_OFFSET_BITS=64" blocksort.c huffman.c crctable.c randtable.c \
        compress.c decompress.c bzlib.c
    cp bzlib.h "$deps/include/"
}
build_xz() {
    fetch xz-utils "$work/xz" && cd "$work/xz"
    patch -p1 -s < "$here/patches/xz-wasi.patch"
    CFLAGS="$dep_cflags" ./configure -q --host=wasm32-unknown-wasi --build=x86_64-pc-linux-gnu \
        --prefix="$deps" --enable-static --disable-shared --disable-threads --disable-xz --disable-xzdec \
        --disable-lzmadec --disable-lzmainfo --disable-lzma-links --disable-scripts --disable-doc --disable-nls \
        >"$work/xz.log" 2>&1 || die "xz configure failed: $work/xz.log"
    make -s -j"$jobs" -C src/liblzma >>"$work/xz.log" 2>&1 || die "xz build failed: $work/xz.log"
    make -s -C src/liblzma install >>"$work/xz.log" 2>&1 || die "xz install failed: $work/xz.log"
}
build_sqlite() {
    fetch sqlite3 "$work/sqlite" && cd "$work/sqlite"
    # The amalgamation is generated natively (it needs tclsh), then compiled for wasm.
    mkdir -p native
    (cd native && CC=gcc ../configure -q && make -s sqlite3.c) >"$work/sqlite.log" 2>&1 \
        || die "sqlite amalgamation failed: $work/sqlite.log"
    cp native/sqlite3.c native/sqlite3.h .
    # WASI has no file locks, mmap, fchmod or uids: the unix-none VFS (no
    # locking), no WAL, no mmap, and the shim in patches/sqlite-wasi.h.
    static_lib libsqlite3.a "$dep_cflags -include $here/patches/sqlite-wasi.h -DSQLITE_THREADSAFE=0 \
        -DSQLITE_OMIT_WAL -DSQLITE_MAX_MMAP_SIZE=0 -DSQLITE_OMIT_LOAD_EXTENSION \
        -DSQLITE_DEFAULT_UNIX_VFS=\"unix-none\" -DHAVE_USLEEP=1" sqlite3.c
    cp sqlite3.h "$deps/include/"
}
build_python() {
    fetch python3.11 "$work/cpython" && cd "$work/cpython"
    local p
    for p in "$here"/patches/cpython-*.patch; do
        patch -p1 -s < "$p" || die "patch $p does not apply"
    done
    mkdir -p build && cd build
    # pymalloc is off by default for WASI; single-threaded it is safe and faster.
    # memfd_create is declared by wasi-libc's headers but not implemented.
    CONFIG_SITE=../Tools/wasm/config.site-wasm32-wasi ac_cv_func_memfd_create=no \
    CFLAGS="$opt $wasi_defs" CPPFLAGS="-I$deps/include" LDFLAGS="-L$deps/lib" PKG_CONFIG=false \
    ZLIB_CFLAGS="-I$deps/include" ZLIB_LIBS="-L$deps/lib -lz" \
    BZIP2_CFLAGS="-I$deps/include" BZIP2_LIBS="-L$deps/lib -lbz2" \
    LIBLZMA_CFLAGS="-I$deps/include" LIBLZMA_LIBS="-L$deps/lib -llzma" \
    LIBSQLITE3_CFLAGS="-I$deps/include" LIBSQLITE3_LIBS="-L$deps/lib -lsqlite3" \
        ../configure -q --host=wasm32-unknown-wasi --build=x86_64-pc-linux-gnu \
        --with-build-python=python3 --prefix=/usr/local --disable-test-modules \
        --with-pymalloc --without-ensurepip ${pydebug:+--with-pydebug} \
        >"$work/cpython-configure.log" 2>&1 || die "CPython configure failed: $work/cpython-configure.log"
    # The link flags replace configure's WASI defaults (a 512 KiB stack, 10 MiB initial memory).
    make -j"$jobs" CONFIGURE_LDFLAGS_NODIST="$wasi_stack -Wl,--strip-debug" \
        >"$work/cpython-make.log" 2>&1 || die "CPython build failed: $work/cpython-make.log"
    # sysconfig (and zoneinfo through it) needs _sysconfigdata, which a cross
    # build otherwise writes only during `make install`.
    rm -f pybuilddir.txt
    make pybuilddir.txt >>"$work/cpython-make.log" 2>&1 || die "generating _sysconfigdata failed: $work/cpython-make.log"
    # configure drops a module silently when a check fails: insist on the
    # C modules the README promises.
    local m
    for m in _decimal pyexpat _elementtree zlib _bz2 _lzma _sqlite3 _json math _struct _pickle _datetime \
             unicodedata _csv array select _socket _zoneinfo _asyncio; do
        grep -q "{\"$m\"," Modules/config.c \
            || die "CPython was configured without $m: see $work/cpython-configure.log and build/config.log"
    done
}

stage_products() { # stage_products DIR: what later stages and the compiler use
    local stage=$1 src=$work/cpython b=$work/cpython/build
    mkdir -p "$stage/lib" "$stage/include" "$stage/pylib"
    # libpython3.11.a lacks libmpdec and libexpat: they sit beside it in the build tree.
    cp "$b/Modules/_decimal/libmpdec/libmpdec.a" "$b/Modules/expat/libexpat.a" "$deps"/lib/*.a "$stage/lib/"
    # (a Py_DEBUG build names it libpython3.11d.a; the runtime links one name)
    cp "$b/libpython3.11${pydebug:+d}.a" "$stage/lib/libpython3.11.a"
    # Headers and Lib come from the source tree: `make install` cannot finish
    # in a cross build (it wants a _sysconfigdata only a native run writes).
    cp -r "$src/Include" "$stage/include/python3.11"
    cp "$b/pyconfig.h" "$stage/include/python3.11/"
    cp "$b/python.wasm" "$stage/"
    cp -r "$src/Lib" "$stage/pylib/python3.11"
    local sysconfigdata
    sysconfigdata=$(find "$b/$(cat "$b/pybuilddir.txt")" -name '_sysconfigdata_*.py' | head -1)
    [ -n "$sysconfigdata" ] || die "no _sysconfigdata in $b/$(cat "$b/pybuilddir.txt")"
    # Debian's sysconfig names the module after the multiarch tuple alone
    # (_sysconfigdata__wasm32-wasi); the build writes _sysconfigdata__wasi_...
    cp "$sysconfigdata" "$stage/pylib/python3.11/_sysconfigdata__wasm32-wasi.py"
    rm -rf "$stage/pylib/python3.11/test"
    find "$stage/pylib" -name __pycache__ -prune -exec rm -rf {} +
    # The modules compiled into libpython, from its inittab.
    sed -n 's/^ *{"\([A-Za-z0-9_.]*\)", .*/\1/p' "$b/Modules/config.c" | sort -u > "$stage/builtin-modules.txt"
    cp "$work/versions.txt" "$stage/"
}

if [ -z "${PY2WASM_RESTAGE:-}" ]; then
    build_zlib
    build_bzip2
    build_xz
    build_sqlite
    build_python
fi
stage=$cache/stage-cpython-$key
rm -rf "$stage"
stage_products "$stage"
touch "$stage/DONE"
rm -rf "$out" && mv "$stage" "$out"
rm -rf "$work"
log "CPython ready: $out"
echo "$out"
