//! The compiler built for wasm32-wasip1 (as wasmer.toml ships it) must write
//! exactly the bytes the native compiler writes, under wasmer and wasmtime,
//! reading and writing only through the directory it is given.
//! setup.sh builds target/wasm32-wasip1/release/py2wasm.wasm.

use std::path::{Path, PathBuf};
use std::process::Command;

use py2wasm::driver::{self, Options};
use py2wasm::runner::{self, RunConfig, Runner, Stdin};

fn target_dir() -> PathBuf {
    // .../target/release/deps/wasm_compiler-HASH
    let exe = std::env::current_exe().expect("test binary path");
    exe.ancestors().nth(3).expect("target directory").to_path_buf()
}

fn wasm_compiler() -> Vec<u8> {
    let path = target_dir().join("wasm32-wasip1/release/py2wasm.wasm");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (./setup.sh builds it)", path.display()))
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a program (a file, or a directory of modules) into a fresh dir.
fn workspace(name: &str, program: &Path) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("py2wasm-wasmc-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    if program.is_dir() {
        for entry in walk(program) {
            let rel = entry.strip_prefix(program).unwrap();
            std::fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
            std::fs::copy(&entry, dir.join(rel)).unwrap();
        }
        (dir, "main.py".into())
    } else {
        let file = program.file_name().unwrap().to_string_lossy().into_owned();
        std::fs::copy(program, dir.join(&file)).unwrap();
        (dir, file)
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "py") {
            files.push(path);
        }
    }
    files
}

fn native_output(dir: &Path, script: &str) -> Vec<u8> {
    driver::compile(&Options { input: dir.join(script), ..Options::default() }).expect("native compile").wasm
}

fn run_wasmer(wasm: &[u8], dir: &Path, args: &[&str]) -> (i32, String) {
    let runner = Runner::new(runner::default_cache_dir()).unwrap();
    let module = runner.load(wasm).unwrap();
    let config = RunConfig {
        program_name: "py2wasm".into(),
        args: args.iter().map(|a| a.to_string()).collect(),
        dirs: vec![(dir.to_path_buf(), "/home".into())],
        env: vec![],
        stdin: Stdin::Bytes(vec![]),
        capture: true,
    };
    let r = runner.run(&module, config).unwrap();
    (r.exit_code, String::from_utf8_lossy(&r.stderr).into_owned())
}

const PROGRAMS: [&str; 4] = [
    "examples/hello.py",
    "tests/programs/builtin_extension_modules.py",
    "tests/programs/asyncio_gather_sleep_order.py",
    "tests/pyperformance/pyperf.py",
];

#[test]
fn wasm_compiler_under_wasmer_matches_native_byte_for_byte() {
    let compiler = wasm_compiler();
    let mut programs: Vec<PathBuf> = PROGRAMS.iter().map(|p| repo().join(p)).collect();
    // and every multi-module program of the differential suite
    programs.extend(
        std::fs::read_dir(repo().join("tests/programs")).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_dir()),
    );
    for (i, program) in programs.iter().enumerate() {
        let (dir, script) = workspace(&format!("wasmer{i}"), program);
        let (code, stderr) = run_wasmer(&compiler, &dir, &[&script, "-o", "out.wasm"]);
        assert_eq!(code, 0, "{}: {stderr}", program.display());
        let from_wasm = std::fs::read(dir.join("out.wasm")).unwrap();
        assert!(from_wasm == native_output(&dir, &script), "{}: outputs differ", program.display());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Under wasmtime, with the working directory named in PWD, and without it
/// (as `wasmer run --dir=.` does: the directory is mounted at /home, no PWD).
#[test]
fn wasm_compiler_under_wasmtime_matches_native_byte_for_byte() {
    let compiler_path = target_dir().join("wasm32-wasip1/release/py2wasm.wasm");
    let python = runner::cache_root().unwrap().join("venv/bin/python3");
    for (i, env) in [&["--env", "PWD=/home"][..], &[][..]].iter().enumerate() {
        let (dir, script) = workspace(&format!("wasmtime{i}"), &repo().join("examples/hello.py"));
        let status = Command::new(&python)
            .arg(repo().join("tests/wasmtime_run.py"))
            .arg(&compiler_path)
            .args(["--out", "/dev/null", "--err"])
            .arg(dir.join("stderr.txt"))
            .arg("--dir")
            .arg(format!("{}::/home", dir.display()))
            .args(*env)
            .args(["--", "py2wasm", &script, "-o", "out.wasm"])
            .status()
            .unwrap_or_else(|e| panic!("{}: {e} (./setup.sh makes it)", python.display()));
        let stderr = std::fs::read_to_string(dir.join("stderr.txt")).unwrap_or_default();
        assert!(status.success(), "{env:?}: {stderr}");
        assert!(std::fs::read(dir.join("out.wasm")).unwrap() == native_output(&dir, &script), "outputs differ");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn wasm_compiler_reports_paths_outside_its_directories() {
    let (dir, _) = workspace("outside", &repo().join("examples/hello.py"));
    let (code, stderr) = run_wasmer(&wasm_compiler(), &dir, &["/etc/app.py"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr.trim(),
        "error: cannot read /etc/app.py: it is outside the directories this program was given (wasmer run --dir, wasmtime --dir)"
    );
    let (code, stderr) = run_wasmer(&wasm_compiler(), &dir, &["hello.py", "-o", "/tmp/out.wasm"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("cannot write /tmp/out.wasm: it is outside the directories"), "{stderr}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "nothing written");
    let _ = std::fs::remove_dir_all(&dir);
}
