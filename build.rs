//! Points the compiler at the prebuilt assets it embeds (see src/assets.rs):
//! `PY2WASM_ASSETS`, or sysroot/out/assets as sysroot/build.sh leaves it.
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=PY2WASM_ASSETS");
    let dir = match std::env::var_os("PY2WASM_ASSETS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("sysroot/out/assets"),
    };
    let files = ["runtime.wasm.zst", "stdlib.json", "stdlib.bin.zst", "builtin-modules.txt"];
    for f in files {
        let path = dir.join(f);
        if !path.is_file() {
            eprintln!(
                "error: {} is missing: run sysroot/build.sh first (it builds CPython for wasm32-wasi)",
                path.display()
            );
            std::process::exit(1);
        }
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let dir = dir.canonicalize().expect("assets directory exists");
    println!("cargo:rustc-env=PY2WASM_ASSETS={}", dir.display());
    // `py2wasm --version` names the CPython it embeds: the Debian source
    // package version sysroot/cpython.sh built it from ("3.11.2-6+deb12u8").
    let versions = dir.join("versions.txt");
    println!("cargo:rerun-if-changed={}", versions.display());
    let debian = std::fs::read_to_string(&versions)
        .ok()
        .and_then(|text| text.lines().find_map(|l| l.strip_prefix("python3.11 ").map(|v| v.trim().to_string())));
    let Some(debian) = debian else {
        eprintln!(
            "error: {} names no python3.11 version: run sysroot/build.sh again (it writes it)",
            versions.display()
        );
        std::process::exit(1);
    };
    let upstream = debian.split('-').next().unwrap_or(&debian).to_string();
    println!("cargo:rustc-env=PY2WASM_CPYTHON_VERSION={upstream}");
    println!("cargo:rustc-env=PY2WASM_CPYTHON_DEBIAN_VERSION={debian}");
}
