//! Differential tests: every program under tests/programs/ must behave as it
//! does under CPython 3.11: the same stdout, stderr (tracebacks included) and
//! exit code.
//!
//! The expected behaviour is committed in tests/golden/ (NAME.stdout,
//! NAME.stderr, NAME.exit). Each test
//!   1. runs the program with the host's python3 (CPython 3.11) and checks it
//!      still gives the golden output (`BLESS=1` rewrites the goldens instead),
//!   2. compiles it with py2wasm and runs the module in-process with wasmer,
//!   3. runs the same module under wasmtime (tests/wasmtime_run.py),
//!
//! and compares both engines' results with the golden files.
//!
//! A program is NAME.py, or a directory NAME/ with main.py and its own
//! modules and packages. Optional NAME.args (one argument a line) and
//! NAME.stdin beside it. Each run gets a fresh copy of the program as its
//! working directory, so programs may write files there.
//!
//! Environment: `PY2WASM_TEST_FILTER=substr` runs matching programs only
//! (libtest-mimic's own filter works too); `BLESS=1` refreshes goldens.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use libtest_mimic::{Arguments, Failed, Trial};
use py2wasm::driver::{self, Options};
use py2wasm::runner::{self, RunConfig, Runner, Stdin};

/// Where each engine sees the program's working directory.
const GUEST_DIR: &str = "/work";
/// CPython in wasm keeps its stdlib here (sys.prefix /usr/local).
const WASM_STDLIB: &str = "/usr/local/lib/python3.11/";

struct Program {
    name: String,
    /// NAME.py, or the directory NAME/
    source: PathBuf,
    /// Files copied in beside the script (the pyperf stand-in).
    extra: Vec<PathBuf>,
    args: Vec<String>,
    stdin: Option<PathBuf>,
}

impl Program {
    fn script_name(&self) -> &str {
        if self.source.is_dir() {
            "main.py"
        } else {
            self.source.file_name().and_then(|n| n.to_str()).unwrap_or("main.py")
        }
    }

    /// A fresh copy of the program in its own directory.
    fn copy_to(&self, dir: &Path) -> Result<(), String> {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        if self.source.is_dir() {
            copy_tree(&self.source, dir)?;
        } else {
            std::fs::copy(&self.source, dir.join(self.script_name())).map_err(|e| e.to_string())?;
        }
        for extra in &self.extra {
            let name = extra.file_name().ok_or("extra file without a name")?;
            std::fs::copy(extra, dir.join(name)).map_err(|e| format!("{}: {e}", extra.display()))?;
        }
        Ok(())
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            if entry.file_name() == "__pycache__" {
                continue;
            }
            std::fs::create_dir_all(&target).map_err(|e| e.to_string())?;
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    stdout: String,
    stderr: String,
    exit: i32,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn programs() -> Vec<Program> {
    let dir = root().join("programs");
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = match path.file_name().and_then(|n| n.to_str()) {
            Some(n) if path.is_dir() && path.join("main.py").is_file() => n.to_string(),
            Some(n) if n.ends_with(".py") => n.trim_end_matches(".py").to_string(),
            _ => continue,
        };
        let args = std::fs::read_to_string(dir.join(format!("{name}.args")))
            .map(|t| t.lines().map(String::from).collect())
            .unwrap_or_default();
        let stdin = Some(dir.join(format!("{name}.stdin"))).filter(|p| p.is_file());
        found.push(Program { name, source: path, extra: vec![], args, stdin });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// pyperformance's pure-stdlib benchmarks, as tests/pyperformance/fetch.py
/// (run by setup.sh) downloads them, each with our pyperf stand-in.
const PYPERFORMANCE: [&str; 7] = ["richards", "nbody", "float", "fannkuch", "nqueens", "spectral_norm", "chaos"];

fn pyperformance_dir() -> PathBuf {
    runner::cache_root().unwrap_or_default().join("pyperformance")
}

/// The Python with the wasmtime package, from setup.sh.
fn wasmtime_python() -> PathBuf {
    runner::cache_root().unwrap_or_default().join("venv/bin/python3")
}

/// The benchmark harness's own programs (bench/), at small sizes.
fn bench_programs() -> Vec<Program> {
    let bench = root().parent().map(|r| r.join("bench")).unwrap_or_default();
    vec![Program {
        name: "bench_pystone_like".into(),
        source: bench.join("pystone_like.py"),
        extra: vec![],
        args: vec!["2000".into()],
        stdin: None,
    }]
}

fn pyperformance_programs() -> Vec<Program> {
    let dir = pyperformance_dir();
    PYPERFORMANCE
        .iter()
        .map(|name| Program {
            name: format!("pyperformance_{name}"),
            source: dir.join(name).join("run_benchmark.py"),
            extra: vec![root().join("pyperformance").join("pyperf.py")],
            args: vec![],
            stdin: None,
        })
        .collect()
}

/// The host's CPython stdlib directory, as its tracebacks show it.
fn host_stdlib() -> &'static str {
    static DIR: OnceLock<String> = OnceLock::new();
    DIR.get_or_init(|| {
        Command::new("python3")
            .args(["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"])
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string() + "/")
            .unwrap_or_default()
    })
}

/// Paths differ by engine; the rest must not. The program's directory
/// becomes "", the stdlib's "<stdlib>/".
fn normalize(text: &[u8], work_dir: &str, stdlib: &str) -> String {
    let mut s = String::from_utf8_lossy(text).into_owned();
    if !stdlib.is_empty() {
        s = s.replace(stdlib, "<stdlib>/");
    }
    s.replace(&format!("{work_dir}/"), "")
}

const TEST_ENV: [(&str, &str); 3] = [("PYTHONHASHSEED", "0"), ("PYTHONDONTWRITEBYTECODE", "1"), ("LC_ALL", "C.UTF-8")];
/// The wasm runs work in GUEST_DIR; the runtime changes to $PWD at start-up.
const PWD: (&str, &str) = ("PWD", GUEST_DIR);

fn run_cpython(p: &Program, work: &Path) -> Result<Outcome, String> {
    p.copy_to(work)?;
    let stdin = match &p.stdin {
        Some(f) => Stdio::from(std::fs::File::open(f).map_err(|e| e.to_string())?),
        None => Stdio::null(),
    };
    let out = Command::new("python3")
        .arg(p.script_name())
        .args(&p.args)
        .current_dir(work)
        .env_remove("PYTHONPATH")
        .envs(TEST_ENV)
        .stdin(stdin)
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    let work = work.to_string_lossy();
    Ok(Outcome {
        stdout: normalize(&out.stdout, &work, host_stdlib()),
        stderr: normalize(&out.stderr, &work, host_stdlib()),
        exit: out.status.code().unwrap_or(-1),
    })
}

fn shared_runner() -> Result<&'static Runner, String> {
    static RUNNER: OnceLock<Result<Runner, String>> = OnceLock::new();
    RUNNER.get_or_init(|| Runner::new(runner::default_cache_dir())).as_ref().map_err(Clone::clone)
}

fn run_wasmer(p: &Program, wasm: &[u8], work: &Path) -> Result<Outcome, String> {
    p.copy_to(work)?;
    let runner = shared_runner()?;
    let module = runner.load(wasm)?;
    let stdin = match &p.stdin {
        Some(f) => Stdin::Bytes(std::fs::read(f).map_err(|e| e.to_string())?),
        None => Stdin::Bytes(Vec::new()),
    };
    let config = RunConfig {
        program_name: p.script_name().to_string(),
        args: p.args.clone(),
        dirs: vec![(work.to_path_buf(), GUEST_DIR.to_string())],
        env: TEST_ENV.iter().chain([&PWD]).map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        stdin,
        capture: true,
    };
    let r = runner.run(&module, config)?;
    Ok(Outcome {
        stdout: normalize(&r.stdout, GUEST_DIR, WASM_STDLIB),
        stderr: normalize(&r.stderr, GUEST_DIR, WASM_STDLIB),
        exit: r.exit_code,
    })
}

fn run_wasmtime(p: &Program, wasm_file: &Path, work: &Path) -> Result<Outcome, String> {
    p.copy_to(work)?;
    let out_file = work.with_extension("stdout");
    let err_file = work.with_extension("stderr");
    let mut cmd = Command::new(wasmtime_python());
    cmd.arg(root().join("wasmtime_run.py"))
        .arg(wasm_file)
        .arg("--out")
        .arg(&out_file)
        .arg("--err")
        .arg(&err_file)
        .arg("--dir")
        .arg(format!("{}::{GUEST_DIR}", work.display()));
    for (k, v) in TEST_ENV.iter().chain([&PWD]) {
        cmd.arg("--env").arg(format!("{k}={v}"));
    }
    if let Some(stdin) = &p.stdin {
        cmd.arg("--stdin").arg(stdin);
    }
    cmd.arg("--").arg(p.script_name()).args(&p.args);
    let status = cmd.status().map_err(|e| format!("cannot run wasmtime_run.py: {e}"))?;
    let read = |f: &Path| std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()));
    let stdout = read(&out_file)?;
    let stderr = read(&err_file)?;
    if stderr.starts_with(b"Traceback") && String::from_utf8_lossy(&stderr).contains("import wasmtime") {
        return Err("the wasmtime Python package is missing: pip install wasmtime".into());
    }
    Ok(Outcome {
        stdout: normalize(&stdout, GUEST_DIR, WASM_STDLIB),
        stderr: normalize(&stderr, GUEST_DIR, WASM_STDLIB),
        exit: status.code().unwrap_or(-1),
    })
}

fn golden_path(name: &str, ext: &str) -> PathBuf {
    root().join("golden").join(format!("{name}.{ext}"))
}

fn read_golden(name: &str) -> Result<Outcome, String> {
    let read = |ext: &str| {
        std::fs::read_to_string(golden_path(name, ext))
            .map_err(|e| format!("golden {name}.{ext}: {e} (BLESS=1 cargo test --test differential creates it)"))
    };
    let exit = read("exit")?.trim().parse().map_err(|e| format!("golden {name}.exit: {e}"))?;
    Ok(Outcome { stdout: read("stdout")?, stderr: read("stderr")?, exit })
}

fn write_golden(name: &str, o: &Outcome) -> Result<(), String> {
    std::fs::create_dir_all(root().join("golden")).map_err(|e| e.to_string())?;
    for (ext, text) in [("stdout", o.stdout.clone()), ("stderr", o.stderr.clone()), ("exit", format!("{}\n", o.exit))] {
        std::fs::write(golden_path(name, ext), text).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn compare(what: &str, expected: &Outcome, got: &Outcome) -> Result<(), String> {
    if expected == got {
        return Ok(());
    }
    let mut msg = format!("{what} differs from CPython:\n");
    if expected.exit != got.exit {
        msg += &format!("  exit code: expected {}, got {}\n", expected.exit, got.exit);
    }
    for (stream, e, g) in [("stdout", &expected.stdout, &got.stdout), ("stderr", &expected.stderr, &got.stderr)] {
        if e != g {
            msg += &format!("  {stream}: expected\n{}\n  got\n{}\n", indent(e), indent(g));
        }
    }
    Err(msg)
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    |{l}")).collect::<Vec<_>>().join("\n")
}

fn check(p: &Program) -> Result<(), Failed> {
    if !p.source.exists() {
        return Err(format!("{} is missing: run ./setup.sh (it downloads pyperformance)", p.source.display()).into());
    }
    let base = std::env::temp_dir().join(format!("py2wasm-tests-{}", std::process::id())).join(&p.name);
    let cpython = run_cpython(p, &base.join("cpython"))?;
    if std::env::var_os("BLESS").is_some() {
        write_golden(&p.name, &cpython)?;
    }
    let golden = read_golden(&p.name)?;
    compare("host CPython (the golden file is stale?)", &golden, &cpython)?;

    let script = base.join("src").join(p.script_name());
    p.copy_to(&base.join("src"))?;
    let compiled = driver::compile(&Options { input: script, ..Options::default() }).map_err(|e| e.to_string())?;
    // A native_* program tests native code: every function in it compiles
    // natively (a fallback would run the interpreter and still match).
    if p.name.starts_with("native_") {
        let fallbacks: Vec<String> = compiled
            .report
            .functions
            .iter()
            .filter_map(|f| f.fallback_reason.as_ref().map(|r| format!("{}:{} {}: {r}", f.file, f.line, f.qualname)))
            .collect();
        if !fallbacks.is_empty() {
            return Err(format!("functions of a native_ program run as bytecode:\n{}", fallbacks.join("\n")).into());
        }
    }
    let wasm_file = base.join(format!("{}.wasm", p.name));
    std::fs::write(&wasm_file, &compiled.wasm).map_err(|e| e.to_string())?;

    let wasmer = run_wasmer(p, &compiled.wasm, &base.join("wasmer"))?;
    compare("py2wasm under wasmer", &golden, &wasmer)?;
    let wasmtime = run_wasmtime(p, &wasm_file, &base.join("wasmtime"))?;
    compare("py2wasm under wasmtime", &golden, &wasmtime)?;
    let _ = std::fs::remove_dir_all(&base);
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let filter = std::env::var("PY2WASM_TEST_FILTER").unwrap_or_default();
    let trials = programs()
        .into_iter()
        .chain(pyperformance_programs())
        .chain(bench_programs())
        .filter(|p| p.name.contains(&filter))
        .map(|p| Trial::test(p.name.clone(), move || check(&p)))
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
