# Shared by build.sh and cpython.sh: paths, logging, the toolchain check, and
# the wasm32-wasi compiler settings. Sourced, not run.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
cache=${PY2WASM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/py2wasm}
jobs=$(nproc)

log() { printf '[sysroot] %s\n' "$*" >&2; }
die() { printf '[sysroot] error: %s\n' "$*" >&2; exit 1; }

apt_packages=(clang-19 lld-19 llvm-19 wasi-libc libclang-rt-19-dev-wasm32 dpkg-dev zstd tcl make xz-utils bzip2 patch)
has_deb_src() { grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; }

# Installs what is missing when run as root; otherwise names it and stops.
need_tools() {
    local missing=() p
    for p in "${apt_packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    has_deb_src || missing+=("deb-src entries in /etc/apt/sources.list.d")
    if [ ${#missing[@]} -gt 0 ]; then
        [ "$(id -u)" = 0 ] || die "missing: ${missing[*]} (run this script once as root, or install them with apt-get)"
        if ! has_deb_src; then
            log "adding deb-src entries"
            if [ -f /etc/apt/sources.list.d/debian.sources ]; then
                sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
            else
                sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/py2wasm-src.list
            fi
        fi
        log "installing: ${apt_packages[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
    fi
    command -v python3 >/dev/null || die "python3 (CPython 3.11) is needed as the build Python"
    python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
        || die "python3 must be CPython 3.11: it precompiles the stdlib for the same bytecode"
}

# Source packages, in build order. apt lists versions newest first; the
# newest can be missing on the mirror, so cpython.sh tries each in turn.
src_packages=(zlib bzip2 xz-utils sqlite3 python3.11)
src_versions() { apt-cache showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -Vru; }

hash_files() { (cd "$repo" && find "$@" -type f | LC_ALL=C sort | xargs sha256sum); }

# --sysroot keeps clang away from the host's glibc headers (configure would
# otherwise misdetect functions). $1: a directory to hold the sysroot links.
wasi_cc() {
    mkdir -p "$1/include" "$1/lib" "$1/bin"
    ln -sfn /usr/include/wasm32-wasi "$1/include/wasm32-wasi"
    ln -sfn /usr/lib/wasm32-wasi "$1/lib/wasm32-wasi"
    # clang runs any `wasm-opt` on PATH after linking; Debian's (binaryen
    # 108) cannot read clang-19's output, which makes configure's link
    # checks fail and drop modules. This one only copies its input.
    cat > "$1/bin/wasm-opt" <<'SHIM'
#!/bin/sh
# wasm-opt stand-in for the sysroot build: copies INPUT to the -o file.
in="" out=""
while [ $# -gt 0 ]; do
    case "$1" in
        -o) out=$2; shift ;;
        -*) ;;
        *) in=$1 ;;
    esac
    shift
done
[ -z "$out" ] || [ "$in" = "$out" ] || cp "$in" "$out"
SHIM
    chmod +x "$1/bin/wasm-opt"
    PATH="$1/bin:$PATH"
    export PATH
    CC="clang-19 --target=wasm32-wasi --sysroot=$1"
    AR=llvm-ar-19
    RANLIB=llvm-ranlib-19
    export CC AR RANLIB
}
# -O2: -O3 measured no different on pystone; ThinLTO gave ~5% for a 3x longer build.
opt="-O2 -g0"
wasi_defs="-D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_GETPID -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_MMAN"
wasi_libs="-lwasi-emulated-signal -lwasi-emulated-getpid -lwasi-emulated-process-clocks -lwasi-emulated-mman -lm"
# 8 MiB of stack, placed first so an overflow traps instead of corrupting data.
wasi_stack="-Wl,-z,stack-size=8388608 -Wl,--stack-first"
