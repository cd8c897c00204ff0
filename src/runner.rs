//! Runs a compiled program in-process: wasmer (Cranelift) + wasmer-wasix.
//! Used by `py2wasm run` and by the tests.
//!
//! Two things make it behave like a plain WASI host running CPython:
//! - compiled modules are cached on disk by content hash (compiling the
//!   CPython runtime with Cranelift takes seconds; loading it, a fraction);
//! - stdio types follow the host: wasmer-wasix reports fds 0-2 as character
//!   devices even when they are pipes or files, so CPython would think it
//!   talks to a terminal (line-buffered stdout, `input()` prompting on
//!   stderr). A wrapper around `fd_fdstat_get` reports a non-terminal
//!   filetype for each stdio stream the host does not have on a terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use wasmer::{Engine, Extern, Function, FunctionEnv, FunctionEnvMut, Memory, Module, RuntimeError, Store, Value};
use wasmer_wasix::runtime::task_manager::tokio::TokioTaskManager;
use wasmer_wasix::runtime::{InstantiationHook, InstantiationState};
use wasmer_wasix::virtual_fs::{DualWriteFile, NullFile, StaticFile};
use wasmer_wasix::{PluggableRuntime, WasiEnv, WasiError};

/// A module's bytes: a compiler output in memory, or a file mapped
/// rather than read (it is hashed and, the first time, compiled; read(2)
/// copied 10-20 MB into fresh pages at every start).
pub enum ModuleBytes {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl ModuleBytes {
    pub fn open(path: &Path) -> std::io::Result<ModuleBytes> {
        let file = std::fs::File::open(path)?;
        // SAFETY: the map is only read, while the module loads. A file
        // changed in place meanwhile (py2wasm itself replaces outputs by
        // renaming) could change the bytes under the hash; a truncated one
        // could fault, as it would for any mapped executable.
        match unsafe { memmap2::Mmap::map(&file) } {
            Ok(map) => Ok(ModuleBytes::Mapped(map)),
            // (Not every file can be mapped: read it instead.)
            Err(_) => std::fs::read(path).map(ModuleBytes::Owned),
        }
    }
}

impl std::ops::Deref for ModuleBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            ModuleBytes::Owned(v) => v,
            ModuleBytes::Mapped(m) => m,
        }
    }
}

/// What the program's stdin reads.
pub enum Stdin {
    /// The host's own stdin.
    Inherit,
    /// These bytes, then end of file.
    Bytes(Vec<u8>),
}

pub struct RunConfig {
    /// argv[0] as the program sees it.
    pub program_name: String,
    pub args: Vec<String>,
    /// Host directory and the guest path it appears at.
    pub dirs: Vec<(PathBuf, String)>,
    pub env: Vec<(String, String)>,
    pub stdin: Stdin,
    /// Collect stdout and stderr instead of passing them to the host's.
    pub capture: bool,
}

pub struct RunResult {
    pub exit_code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

pub struct Runner {
    engine: Engine,
    tokio: tokio::runtime::Runtime,
    cache_dir: Option<PathBuf>,
}

/// py2wasm's cache directory: $PY2WASM_CACHE, or ~/.cache/py2wasm.
pub fn cache_root() -> Option<PathBuf> {
    std::env::var_os("PY2WASM_CACHE").map(PathBuf::from).or_else(|| {
        std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|c| c.join("py2wasm"))
    })
}

/// Where compiled modules are cached: <cache_root>/modules.
pub fn default_cache_dir() -> Option<PathBuf> {
    cache_root().map(|c| c.join("modules"))
}

impl Runner {
    pub fn new(cache_dir: Option<PathBuf>) -> Result<Runner, String> {
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runner: {e}"))?;
        Ok(Runner { engine: Engine::default(), tokio, cache_dir })
    }

    /// Compiles `wasm`, or loads it from the cache.
    pub fn load(&self, wasm: &[u8]) -> Result<Module, String> {
        let key = format!("{}-wasmer-{}", blake3::hash(wasm).to_hex(), env!("CARGO_PKG_VERSION"));
        let cached = self.cache_dir.as_ref().map(|d| d.join(format!("{key}.bin")));
        if let Some(path) = cached.as_ref().filter(|p| p.is_file()) {
            // SAFETY: the file was written by `Module::serialize` of this
            // build (the key holds the content hash and our version); a stale
            // or damaged file fails to deserialize and is recompiled.
            if let Ok(module) = unsafe { Module::deserialize_from_file(&self.engine, path) } {
                return Ok(module);
            }
        }
        let module = Module::new(&self.engine, wasm).map_err(|e| format!("cannot compile the wasm module: {e}"))?;
        if let (Some(path), Ok(bytes)) = (cached, module.serialize()) {
            if store_in_cache(&path, &bytes) {
                prune_cache(path.parent().unwrap_or(&path));
            }
        }
        Ok(module)
    }

    pub fn run(&self, module: &Module, config: RunConfig) -> Result<RunResult, String> {
        let _guard = self.tokio.enter();
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let host_tty = |t: bool| !config.capture && t;
        let not_tty = [
            !(matches!(config.stdin, Stdin::Inherit) && std::io::stdin().is_terminal()),
            !host_tty(std::io::stdout().is_terminal()),
            !host_tty(std::io::stderr().is_terminal()),
        ];
        let mut runtime = PluggableRuntime::new(Arc::new(TokioTaskManager::new(self.tokio.handle().clone())));
        runtime.set_engine(self.engine.clone());
        runtime.instantiation_hooks.push(Arc::new(StdioTypes { not_tty, memory: Arc::default() }));

        let mut builder = WasiEnv::builder(config.program_name.clone())
            .runtime(Arc::new(runtime))
            .args(&config.args)
            .envs(config.env.iter().map(|(k, v)| (k.clone(), v.clone())));
        if !config.dirs.is_empty() {
            // map_dir resolves host paths in this filesystem: the host's own.
            let host_fs = wasmer_wasix::virtual_fs::host_fs::FileSystem::new(self.tokio.handle().clone(), "/")
                .map_err(|e| format!("cannot open the host filesystem: {e}"))?;
            builder = builder.fs(Arc::new(host_fs) as Arc<dyn wasmer_wasix::virtual_fs::FileSystem + Send + Sync>);
        }
        for (host, guest) in &config.dirs {
            let host = std::path::absolute(host).map_err(|e| format!("cannot map {}: {e}", host.display()))?;
            builder = builder.map_dir(guest, &host).map_err(|e| format!("cannot map {}: {e}", host.display()))?;
        }
        if let Some((_, guest)) = config.dirs.first() {
            // The runtime changes to $PWD at start-up (wasi-libc's own cwd
            // starts at "/"); WASIX keeps its own notion too.
            builder.set_current_dir(guest);
            if !config.env.iter().any(|(k, _)| k == "PWD") {
                builder = builder.env("PWD", guest);
            }
        }
        builder = builder
            .stdout(Box::new(sink(config.capture, stdout.clone(), |b| std::io::stdout().write_all(b))))
            .stderr(Box::new(sink(config.capture, stderr.clone(), |b| std::io::stderr().write_all(b))));
        builder = match config.stdin {
            Stdin::Bytes(bytes) => builder.stdin(Box::new(StaticFile::new(bytes))),
            Stdin::Inherit => builder.stdin(Box::new(wasmer_wasix::virtual_fs::host_fs::Stdin::default())),
        };

        let mut store = Store::new(self.engine.clone());
        let (instance, wasi_env) =
            builder.instantiate(module.clone(), &mut store).map_err(|e| format!("cannot start the program: {e}"))?;
        let start = instance.exports.get_function("_start").map_err(|e| format!("no _start: {e}"))?;
        let outcome = start.call(&mut store, &[]);
        let exit_code = match outcome {
            Ok(_) => 0,
            Err(err) => match err.downcast::<WasiError>() {
                Ok(WasiError::Exit(code)) => code.raw(),
                Ok(other) => return Err(format!("the program failed: {other}")),
                Err(trap) => {
                    // Reported as a crashed process: the trap on stderr, exit code 134.
                    let message = format!("wasm trap: {trap}\n");
                    if config.capture {
                        if let Ok(mut e) = stderr.lock() {
                            e.extend_from_slice(message.as_bytes());
                        }
                    } else {
                        let _ = std::io::stdout().flush();
                        eprint!("{message}");
                    }
                    134
                }
            },
        };
        wasi_env.on_exit(&mut store, None);
        let take = |b: &Arc<Mutex<Vec<u8>>>| b.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default();
        Ok(RunResult { exit_code, stdout: take(&stdout), stderr: take(&stderr) })
    }
}

/// A write-only stdio file: into `buffer` when capturing, else through `pass`.
fn sink(capture: bool, buffer: Arc<Mutex<Vec<u8>>>, pass: fn(&[u8]) -> std::io::Result<()>) -> DualWriteFile {
    DualWriteFile::new(Box::new(NullFile::default()), move |bytes| {
        if capture {
            if let Ok(mut b) = buffer.lock() {
                b.extend_from_slice(bytes);
            }
        } else {
            let _ = pass(bytes);
        }
    })
}

/// Whole files only (a concurrent reader never sees half a module).
fn store_in_cache(path: &Path, bytes: &[u8]) -> bool {
    path.parent().is_some_and(|dir| std::fs::create_dir_all(dir).is_ok())
        && crate::output::write_atomically(path, bytes).is_ok()
}

/// Compiled modules are 10-20 MB each: keep the most recently written ones.
const CACHE_KEEP: usize = 150;

fn prune_cache(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "bin"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if files.len() <= CACHE_KEEP {
        return;
    }
    files.sort();
    for (_, path) in &files[..files.len() - CACHE_KEEP] {
        let _ = std::fs::remove_file(path);
    }
}

/// See the module comment: makes fds 0-2 report the host's kind of stream.
#[derive(Debug)]
struct StdioTypes {
    not_tty: [bool; 3],
    memory: Arc<Mutex<Option<Memory>>>,
}

struct FdstatEnv {
    original: Function,
    not_tty: [bool; 3],
    memory: Arc<Mutex<Option<Memory>>>,
}

/// WASI `filetype::unknown`: what wasmtime reports for a pipe.
const FILETYPE_UNKNOWN: u8 = 0;

fn fd_fdstat_get(mut env: FunctionEnvMut<FdstatEnv>, fd: i32, stat_ptr: i32) -> Result<i32, RuntimeError> {
    let (data, mut store) = env.data_and_store_mut();
    let result = data.original.call(&mut store, &[Value::I32(fd), Value::I32(stat_ptr)])?;
    let errno = result.first().and_then(Value::i32).unwrap_or(0);
    let is_redirected = usize::try_from(fd).ok().and_then(|fd| data.not_tty.get(fd)).copied().unwrap_or(false);
    if errno == 0 && is_redirected {
        if let Some(memory) = data.memory.lock().ok().and_then(|m| m.clone()) {
            // fdstat.fs_filetype is the struct's first byte
            memory
                .view(&store)
                .write_u8(stat_ptr as u32 as u64, FILETYPE_UNKNOWN)
                .map_err(|e| RuntimeError::new(e.to_string()))?;
        }
    }
    Ok(errno)
}

impl InstantiationHook for StdioTypes {
    fn prepare_imports(
        &self,
        _module: &Module,
        store: &mut wasmer::StoreMut,
        imports: &mut wasmer::Imports,
    ) -> anyhow::Result<InstantiationState> {
        for namespace in ["wasi_snapshot_preview1", "wasi_unstable"] {
            if let Some(Extern::Function(original)) = imports.get_export(namespace, "fd_fdstat_get") {
                let env =
                    FunctionEnv::new(store, FdstatEnv { original, not_tty: self.not_tty, memory: self.memory.clone() });
                let wrapped = Function::new_typed_with_env(store, &env, fd_fdstat_get);
                imports.define(namespace, "fd_fdstat_get", wrapped);
            }
        }
        Ok(InstantiationState::empty())
    }

    fn configure_new_instance(
        &self,
        _module: &Module,
        _store: &mut wasmer::StoreMut,
        instance: &wasmer::Instance,
        _imported_memory: Option<&Memory>,
        _state: InstantiationState,
    ) -> anyhow::Result<()> {
        if let Ok(memory) = instance.exports.get_memory("memory") {
            if let Ok(mut slot) = self.memory.lock() {
                *slot = Some(memory.clone());
            }
        }
        Ok(())
    }
}
