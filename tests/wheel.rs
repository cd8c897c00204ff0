//! The Python wheel (pyproject.toml, built by ./wheel.sh, which ./setup.sh
//! runs): installed into a fresh venv with pip, its `py2wasm` command
//! compiles and runs a program with nothing else: no Rust, no sysroot, an
//! empty cache and a minimal environment.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

#[test]
fn the_wheel_installs_with_pip_and_its_command_compiles_and_runs_a_program() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = Command::new(repo.join("wheel.sh")).arg("--check").current_dir(&repo).output().unwrap();
    assert!(found.status.success(), "{}", String::from_utf8_lossy(&found.stderr));
    let wheel = PathBuf::from(String::from_utf8_lossy(&found.stdout).trim().to_string());
    let size = std::fs::metadata(&wheel).unwrap().len();

    let dir = std::env::temp_dir().join(format!("py2wasm-wheel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let venv = dir.join("venv");
    let made = Command::new("python3").args(["-m", "venv"]).arg(&venv).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let started = Instant::now();
    let pip = Command::new(venv.join("bin/python3"))
        .args(["-m", "pip", "install", "-q", "--no-index", "--disable-pip-version-check"])
        .arg(&wheel)
        .output()
        .unwrap();
    assert!(pip.status.success(), "{}", String::from_utf8_lossy(&pip.stderr));
    let install = started.elapsed();

    let app = "import json, sys\nprint(json.dumps({'argv': sys.argv[1:], 'sum': sum(range(10))}))\n";
    std::fs::write(dir.join("app.py"), app).unwrap();
    // Only the venv's command, a fresh cache, no HOME with tools in it.
    let path = format!("{}:/usr/bin:/bin", venv.join("bin").display());
    let py2wasm = |args: &[&str]| {
        Command::new("py2wasm")
            .args(args)
            .current_dir(&dir)
            .env_clear()
            .env("PATH", &path)
            .env("HOME", &dir)
            .env("PY2WASM_CACHE", dir.join("cache"))
            .output()
            .unwrap()
    };
    let version = py2wasm(&["--version"]);
    assert!(String::from_utf8_lossy(&version.stdout).contains("CPython 3.11"), "{version:?}");
    let compiled = py2wasm(&["app.py", "-o", "app.wasm"]);
    assert!(compiled.status.success(), "{}", String::from_utf8_lossy(&compiled.stderr));
    let run = py2wasm(&["run", "app.wasm", "--", "a", "b"]);
    assert_eq!(String::from_utf8_lossy(&run.stdout), "{\"argv\": [\"a\", \"b\"], \"sum\": 45}\n", "{run:?}");
    println!("wheel {} ({size} bytes), pip install {:.1} s", wheel.display(), install.as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
}
