//! The `py2wasm` command line: compile a program (`py2wasm app.py -o app.wasm`)
//! or compile-and-run it in-process (`py2wasm run app.py -- args`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use py2wasm::diagnostics::Diagnostic;
use py2wasm::driver::{self, Options};
use py2wasm::output;

/// `py2wasm --version`: the compiler's, and the CPython its outputs run
/// (built from Debian's python3.11 source package, whose version follows).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (CPython ",
    env!("PY2WASM_CPYTHON_VERSION"),
    ", Debian python3.11 ",
    env!("PY2WASM_CPYTHON_DEBIAN_VERSION"),
    ")"
);

#[derive(Parser)]
#[command(
    name = "py2wasm",
    version = VERSION,
    about = "Compile a Python 3.11 program into one standalone WebAssembly (WASI preview 1) file",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    compile: CompileArgs,
}

#[derive(Args)]
struct CompileArgs {
    /// The program's main script
    #[arg(value_name = "INPUT.py", required = true)]
    input: Option<PathBuf>,
    /// Where to write the module [default: INPUT with .wasm]
    #[arg(short, long, value_name = "OUTPUT.wasm")]
    output: Option<PathBuf>,
    #[command(flatten)]
    modules: ModuleArgs,
    /// Optimise the output with Binaryen's wasm-opt -O2 (smaller and a little faster; takes seconds)
    #[arg(short = 'O', long = "optimize")]
    optimize: bool,
    /// Fail if any function would fall back to the bytecode interpreter (lists each with the reason)
    #[arg(long)]
    no_fallback: bool,
    /// Leave out the standard library's source (compressed, about 5% of the output): tracebacks
    /// through it then show no source lines and inspect.getsource() of it fails
    #[arg(long)]
    no_stdlib_source: bool,
    /// Print what was compiled and how: modules, functions, output size
    #[arg(long)]
    report: bool,
    /// Write the report as JSON to FILE
    #[arg(long, value_name = "FILE")]
    report_json: Option<PathBuf>,
    /// Print nothing but errors
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Print what each phase did and how long it took
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Args, Clone)]
struct ModuleArgs {
    /// Also embed this module (for imports the compiler cannot see, like importlib.import_module(name))
    #[arg(long = "include-module", value_name = "NAME")]
    include: Vec<String>,
    /// Also embed this package and every module under it
    #[arg(long = "include-package", value_name = "NAME")]
    include_packages: Vec<String>,
    /// Leave this module and its submodules out, even if imported
    #[arg(long = "exclude-module", value_name = "NAME")]
    exclude: Vec<String>,
    /// Also look for modules in DIR (after the script's directory, before PYTHONPATH,
    /// the standard library and site-packages)
    #[arg(long = "path", value_name = "DIR")]
    paths: Vec<PathBuf>,
    /// Compile this package of the environment (site-packages) to native code too; "all" for every
    /// one (by default only the program's own modules are native, the environment's run as bytecode)
    #[arg(long = "native", value_name = "PACKAGE")]
    native: Vec<String>,
    /// Embed this file or directory (read-only); the program sees it at DEST below its own directory
    /// (default: where SRC is relative to the script's directory, or SRC's name)
    #[arg(long = "include-data", value_name = "SRC[=DEST]", value_parser = parse_include_data)]
    include_data: Vec<(PathBuf, Option<String>)>,
}

/// SRC[=DEST] of --include-data.
fn parse_include_data(spec: &str) -> Result<(PathBuf, Option<String>), String> {
    match spec.split_once('=') {
        Some(("", _)) => Err("SRC is empty".into()),
        Some((src, dest)) => Ok((PathBuf::from(src), Some(dest.to_string()))),
        None => Ok((PathBuf::from(spec), None)),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Compile (if given a .py) and run a program in-process with wasmer
    Run(RunArgs),
    /// Serve a program over HTTP on 127.0.0.1: each request runs it once,
    /// through CGI (a WSGI app: `wsgiref.handlers.CGIHandler().run(app)`)
    Serve(ServeArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// A Python script, or a module py2wasm compiled
    #[arg(value_name = "APP.py|APP.wasm")]
    program: PathBuf,
    /// The port to listen on (0: any free one, printed at start)
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// How many requests run at once
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: u16,
    /// Seconds a request may run before it is stopped (and answered with a 500)
    #[arg(long, default_value_t = 30.0)]
    timeout: f64,
    /// Give the program a host directory, as `py2wasm run --dir`
    #[arg(long = "dir", value_name = "HOST[:GUEST]")]
    dirs: Vec<String>,
    /// Set an environment variable for every run: NAME=VALUE
    #[arg(long = "env", value_name = "NAME=VALUE")]
    env: Vec<String>,
    #[command(flatten)]
    modules: ModuleArgs,
}

#[derive(Args)]
struct RunArgs {
    /// A Python script, or a module py2wasm compiled
    #[arg(value_name = "PROGRAM.py|PROGRAM.wasm")]
    program: PathBuf,
    /// Give the program a host directory: HOST[:GUEST]. GUEST defaults to
    /// HOST for an absolute path, else /home/HOST as wasmer does; the first
    /// one is the working directory.
    #[arg(long = "dir", value_name = "HOST[:GUEST]")]
    dirs: Vec<String>,
    /// Set an environment variable for the program: NAME=VALUE
    #[arg(long = "env", value_name = "NAME=VALUE")]
    env: Vec<String>,
    /// (`py2wasm serve`'s runs) Also give the program each variable of this
    /// process whose name starts with PREFIX, without the prefix: the
    /// request's variables stay off the command line
    #[arg(long = "env-prefix", value_name = "PREFIX", hide = true)]
    env_prefix: Option<String>,
    #[command(flatten)]
    modules: ModuleArgs,
    /// Arguments for the program
    #[arg(last = true, value_name = "ARGS")]
    args: Vec<String>,
}

fn main() -> ExitCode {
    // As a WASI program, relative paths resolve against wasi-libc's emulated
    // working directory, which starts at "/". Hosts that give a directory to
    // work in name it in PWD; `wasmer run --dir=.` mounts the current
    // directory at /home and says nothing. The runtime does the same.
    #[cfg(target_os = "wasi")]
    {
        let home = std::path::Path::new("/home");
        let pwd = std::env::var_os("PWD").map(PathBuf::from).or_else(|| home.is_dir().then(|| home.to_path_buf()));
        if let Some(dir) = pwd {
            let _ = std::env::set_current_dir(dir);
        }
    }
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Run(run)) => run_command(run),
        Some(Command::Serve(serve)) => serve_command(serve),
        None => compile_command(cli.compile),
    }
}

fn fail(diag: &Diagnostic) -> ExitCode {
    eprintln!("{diag}");
    ExitCode::from(1)
}

fn compile_command(args: CompileArgs) -> ExitCode {
    let Some(input) = args.input else {
        return fail(&Diagnostic::error("no input file"));
    };
    let output = args.output.clone().unwrap_or_else(|| input.with_extension("wasm"));
    if output == input {
        return fail(&Diagnostic::error(format!("the output {} would overwrite the input", output.display())));
    }
    let started = Instant::now();
    let opts = Options {
        input,
        include_modules: args.modules.include,
        include_packages: args.modules.include_packages,
        exclude_modules: args.modules.exclude,
        paths: args.modules.paths,
        env: py2wasm::modgraph::Environment::from_process(),
        optimize: args.optimize,
        no_fallback: args.no_fallback,
        no_stdlib_source: args.no_stdlib_source,
        native: args.modules.native,
        include_data: args.modules.include_data,
    };
    let compiled = match driver::compile(&opts) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    if !args.quiet {
        for w in &compiled.warnings {
            eprintln!("{w}");
        }
    }
    if let Err(e) = output::write_atomically(&output, &compiled.wasm) {
        return fail(&e);
    }
    if let Some(path) = &args.report_json {
        if let Err(e) = output::write_atomically(path, compiled.report.to_json().as_bytes()) {
            return fail(&e);
        }
    }
    if args.report {
        print!("{}", compiled.report.to_text());
    }
    if args.verbose {
        eprintln!(
            "py2wasm: wrote {} ({} bytes, {} modules) in {:.2?}",
            output.display(),
            compiled.wasm.len(),
            compiled.report.modules.len(),
            started.elapsed()
        );
    }
    ExitCode::SUCCESS
}

#[cfg(not(feature = "runner"))]
fn run_command(_args: RunArgs) -> ExitCode {
    fail(&Diagnostic::error("this build of py2wasm has no runner: run the output with wasmer or wasmtime"))
}

#[cfg(not(feature = "runner"))]
fn serve_command(_args: ServeArgs) -> ExitCode {
    fail(&Diagnostic::error("this build of py2wasm has no runner: it cannot serve"))
}

#[cfg(feature = "runner")]
fn serve_command(args: ServeArgs) -> ExitCode {
    use py2wasm::runner::{self, Runner};
    use py2wasm::serve::{self, ServeConfig};

    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 86400.0) {
        return fail(&Diagnostic::error(format!(
            "--timeout {}: expected a positive number of seconds, at most a day (86400)",
            args.timeout
        )));
    }
    let exe = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => return fail(&Diagnostic::error(format!("cannot find the py2wasm binary to run requests: {e}"))),
    };
    let is_wasm = args.program.extension().and_then(|e| e.to_str()) == Some("wasm");
    let wasm = match program_module(&args.program, is_wasm, &args.modules) {
        Ok(bytes) => bytes,
        Err(e) => return fail(&e),
    };
    // Compiled by the engine once, here: every request's run loads it
    // from the runner's cache.
    let runner = match Runner::new(runner::default_cache_dir()) {
        Ok(r) => r,
        Err(e) => return fail(&Diagnostic::error(e)),
    };
    if let Err(e) = runner.load(&wasm) {
        return fail(&Diagnostic::error(e));
    }
    let module = if is_wasm {
        args.program.clone()
    } else {
        let dir = runner::default_cache_dir().unwrap_or_else(std::env::temp_dir);
        match serve::module_file(&dir, &wasm) {
            Ok(p) => p,
            Err(e) => return fail(&Diagnostic::error(e)),
        }
    };
    let mut run_args = Vec::new();
    for spec in &args.dirs {
        if let Err(e) = parse_dir(spec) {
            return fail(&e);
        }
        run_args.extend(["--dir".to_string(), spec.clone()]);
    }
    for pair in &args.env {
        if pair.split_once('=').is_none_or(|(k, _)| k.is_empty()) {
            return fail(&Diagnostic::error(format!("--env {pair}: expected NAME=VALUE")));
        }
        run_args.extend(["--env".to_string(), pair.clone()]);
    }
    let program_name = args.program.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let config = ServeConfig {
        module,
        program_name,
        port: args.port,
        workers: args.workers as usize,
        timeout: std::time::Duration::from_secs_f64(args.timeout),
        run_args,
        exe,
    };
    match serve::serve(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&Diagnostic::error(e)),
    }
}

/// The module `run` and `serve` run: PROGRAM itself (IS_WASM, mapped),
/// or what compiling it gives (its warnings printed).
#[cfg(feature = "runner")]
fn program_module(
    program: &std::path::Path,
    is_wasm: bool,
    modules: &ModuleArgs,
) -> Result<py2wasm::runner::ModuleBytes, Diagnostic> {
    use py2wasm::runner::ModuleBytes;
    if is_wasm {
        return ModuleBytes::open(program)
            .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", program.display())));
    }
    let compiled = driver::compile(&run_options(program, modules))?;
    for w in &compiled.warnings {
        eprintln!("{w}");
    }
    Ok(ModuleBytes::Owned(compiled.wasm))
}

/// How `run` and `serve` compile a script.
#[cfg(feature = "runner")]
fn run_options(program: &std::path::Path, modules: &ModuleArgs) -> Options {
    Options {
        input: program.to_path_buf(),
        include_modules: modules.include.clone(),
        include_packages: modules.include_packages.clone(),
        exclude_modules: modules.exclude.clone(),
        paths: modules.paths.clone(),
        env: py2wasm::modgraph::Environment::from_process(),
        optimize: false,
        no_fallback: false,
        no_stdlib_source: false,
        native: modules.native.clone(),
        include_data: modules.include_data.clone(),
    }
}

#[cfg(feature = "runner")]
fn run_command(args: RunArgs) -> ExitCode {
    use py2wasm::runner::{self, RunConfig, Runner, Stdin};

    let is_wasm = args.program.extension().and_then(|e| e.to_str()) == Some("wasm");
    let wasm = match program_module(&args.program, is_wasm, &args.modules) {
        Ok(bytes) => bytes,
        Err(e) => return fail(&e),
    };
    let mut dirs = Vec::new();
    for spec in &args.dirs {
        match parse_dir(spec) {
            Ok(d) => dirs.push(d),
            Err(e) => return fail(&e),
        }
    }
    let mut env = Vec::new();
    for pair in &args.env {
        match pair.split_once('=') {
            Some((k, v)) if !k.is_empty() => env.push((k.to_string(), v.to_string())),
            _ => return fail(&Diagnostic::error(format!("--env {pair}: expected NAME=VALUE"))),
        }
    }
    if let Some(prefix) = args.env_prefix.as_deref().filter(|p| !p.is_empty()) {
        for (k, v) in std::env::vars_os() {
            let (Some(k), Some(v)) = (k.to_str(), v.to_str()) else { continue };
            if let Some(name) = k.strip_prefix(prefix).filter(|n| !n.is_empty()) {
                env.push((name.to_string(), v.to_string()));
            }
        }
    }
    let runner = match Runner::new(runner::default_cache_dir()) {
        Ok(r) => r,
        Err(e) => return fail(&Diagnostic::error(e)),
    };
    let module = match runner.load(&wasm) {
        Ok(m) => m,
        Err(e) => return fail(&Diagnostic::error(e)),
    };
    let program_name = args.program.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let config = RunConfig { program_name, args: args.args, dirs, env, stdin: Stdin::Inherit, capture: false };
    match runner.run(&module, config) {
        Ok(result) => ExitCode::from((result.exit_code & 0xff) as u8),
        Err(e) => fail(&Diagnostic::error(e)),
    }
}

/// HOST[:GUEST] for --dir.
#[cfg(feature = "runner")]
fn parse_dir(spec: &str) -> Result<(PathBuf, String), Diagnostic> {
    use std::path::Path;
    let (host, guest) = match spec.split_once(':') {
        Some((h, g)) if !g.is_empty() => (h, Some(g.to_string())),
        _ => (spec, None),
    };
    let host_path = Path::new(host);
    if !host_path.is_dir() {
        return Err(Diagnostic::error(format!("--dir {spec}: {host} is not a directory")));
    }
    let guest = guest.unwrap_or_else(|| {
        if host_path.is_absolute() {
            host.to_string()
        } else {
            let rel = host.trim_start_matches("./").trim_end_matches('/');
            if rel.split('/').any(|c| c == "..") {
                // (above the working directory: mapped where it is, so
                // the program's paths have no "..")
                return std::fs::canonicalize(host_path)
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_else(|_| host.to_string());
            }
            if rel.is_empty() || rel == "." {
                "/home".to_string()
            } else {
                format!("/home/{rel}")
            }
        }
    });
    Ok((host_path.to_path_buf(), guest))
}
