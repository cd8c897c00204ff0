//! Precompiled bytecode: the program's modules compiled to CPython code
//! objects at compile time, by the CPython the output carries, so a
//! program does not compile its modules' source at every start (for a
//! Django site, most of its start-up).
//!
//! The bare runtime.wasm is the compiler's bytecode service
//! (runtime/precompile.c): sources in on stdin, marshalled code objects out
//! on stdout. The native compiler runs it with wasmer (the runner's cached
//! machine code); the compiler built as wasm, which has no wasmer, with
//! wasmi, an interpreter (slower, the same bytes: the service reads no
//! clock, environment or random bytes, and wasm is deterministic).
//! `PY2WASM_PRECOMPILE_ENGINE=wasmi` makes the native compiler use wasmi
//! too (the tests compare the two).

use crate::diagnostics::{Diagnostic, Result};

const SERVICE_ARG: &str = "--py2wasm-precompile";

/// The marshalled code object of each source (file name as co_filename
/// before the loader fixes it, text), or None where CPython refuses it or
/// warns compiling it (the module then stays source: the program compiles
/// it on import and raises or warns as it would).
pub fn precompile(runtime: &[u8], sources: &[(&str, &str)]) -> Result<Vec<Option<Vec<u8>>>> {
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    let mut input = Vec::with_capacity(sources.iter().map(|(f, s)| f.len() + s.len() + 8).sum());
    for (filename, text) in sources {
        for part in [filename.as_bytes(), text.as_bytes()] {
            let len = u32::try_from(part.len())
                .map_err(|_| Diagnostic::error(format!("{filename}: a source file of 4 GB or more")))?;
            input.extend_from_slice(&len.to_le_bytes());
            input.extend_from_slice(part);
        }
    }
    let output = run_service(runtime, input)?;
    decode(&output, sources.len())
        .ok_or_else(|| Diagnostic::error("internal error: the bytecode service's answer is malformed"))
}

fn decode(mut output: &[u8], count: usize) -> Option<Vec<Option<Vec<u8>>>> {
    let mut codes = Vec::with_capacity(count);
    for _ in 0..count {
        let len = u32::from_le_bytes(output.get(..4)?.try_into().ok()?) as usize;
        let code = output.get(4..4 + len)?;
        codes.push((len > 0).then(|| code.to_vec()));
        output = &output[4 + len..];
    }
    output.is_empty().then_some(codes)
}

fn run_service(runtime: &[u8], input: Vec<u8>) -> Result<Vec<u8>> {
    #[cfg(feature = "runner")]
    if std::env::var("PY2WASM_PRECOMPILE_ENGINE").as_deref() != Ok("wasmi") {
        return run_wasmer(runtime, input);
    }
    run_wasmi(runtime, input)
}

fn failed(what: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(format!("internal error: the bytecode service failed: {what}"))
}

#[cfg(feature = "runner")]
fn run_wasmer(runtime: &[u8], input: Vec<u8>) -> Result<Vec<u8>> {
    use crate::runner::{default_cache_dir, RunConfig, Runner, Stdin};
    let runner = Runner::new(default_cache_dir()).map_err(failed)?;
    let module = runner.load(runtime).map_err(failed)?;
    let result = runner
        .run(
            &module,
            RunConfig {
                program_name: "runtime.wasm".into(),
                args: vec![SERVICE_ARG.into()],
                dirs: Vec::new(),
                env: Vec::new(),
                stdin: Stdin::Bytes(input),
                capture: true,
            },
        )
        .map_err(failed)?;
    if result.exit_code != 0 {
        return Err(failed(format!(
            "exit code {}: {}",
            result.exit_code,
            String::from_utf8_lossy(&result.stderr).trim()
        )));
    }
    Ok(result.stdout)
}

/// The WASI preview 1 a bare CPython needs to start its core and read and
/// write its standard streams: no files, no clock (always 0), no
/// environment, random bytes all zero (nothing the service does reads
/// them: its hash seed is fixed).
mod wasi {
    use wasmi::{Caller, Extern, Memory, Val};

    pub struct Host {
        pub args: Vec<Vec<u8>>,
        pub stdin: Vec<u8>,
        pub stdin_pos: usize,
        pub stdout: Vec<u8>,
        pub stderr: Vec<u8>,
    }

    const ESUCCESS: i32 = 0;
    const EBADF: i32 = 8;
    const EFAULT: i32 = 21;
    const ENOSYS: i32 = 52;
    const ESPIPE: i32 = 70;
    const FILETYPE_CHARACTER_DEVICE: u8 = 2;

    fn memory(caller: &Caller<'_, Host>) -> Option<Memory> {
        caller.get_export("memory").and_then(Extern::into_memory)
    }

    fn arg(params: &[Val], i: usize) -> u32 {
        match params.get(i) {
            Some(Val::I32(v)) => *v as u32,
            _ => 0,
        }
    }

    fn write(mem: &mut [u8], addr: u32, bytes: &[u8]) -> bool {
        let start = addr as usize;
        match mem.get_mut(start..start + bytes.len()) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                true
            }
            None => false,
        }
    }

    fn read_u32(mem: &[u8], addr: u32) -> Option<u32> {
        let start = addr as usize;
        Some(u32::from_le_bytes(mem.get(start..start + 4)?.try_into().ok()?))
    }

    /// WASI function NAME: its errno, or Err to end the run (proc_exit).
    pub fn call(name: &str, mut caller: Caller<'_, Host>, params: &[Val]) -> Result<i32, wasmi::Error> {
        if name == "proc_exit" {
            return Err(wasmi::Error::i32_exit(arg(params, 0) as i32));
        }
        let Some(mem) = memory(&caller) else { return Ok(EFAULT) };
        let (mem, host) = mem.data_and_store_mut(&mut caller);
        let p = |i| arg(params, i);
        let ok = |written: bool| if written { ESUCCESS } else { EFAULT };
        Ok(match name {
            "args_sizes_get" => {
                let size: usize = host.args.iter().map(|a| a.len() + 1).sum();
                ok(write(mem, p(0), &(host.args.len() as u32).to_le_bytes())
                    && write(mem, p(1), &(size as u32).to_le_bytes()))
            }
            "args_get" => {
                let (mut ptr, mut buf) = (p(0), p(1));
                let mut good = true;
                for a in &host.args {
                    good &= write(mem, ptr, &buf.to_le_bytes())
                        && write(mem, buf, a)
                        && write(mem, buf + a.len() as u32, &[0]);
                    ptr += 4;
                    buf += a.len() as u32 + 1;
                }
                ok(good)
            }
            "environ_sizes_get" => ok(write(mem, p(0), &0u32.to_le_bytes()) && write(mem, p(1), &0u32.to_le_bytes())),
            "environ_get" | "sched_yield" => ESUCCESS,
            // (clock id, precision: i64, result address)
            "clock_time_get" => ok(write(mem, p(2), &0u64.to_le_bytes())),
            "clock_res_get" => ok(write(mem, p(1), &1u64.to_le_bytes())),
            "random_get" => ok(write(mem, p(0), &vec![0; p(1) as usize])),
            "fd_fdstat_get" if p(0) <= 2 => {
                let mut stat = [0u8; 24];
                stat[0] = FILETYPE_CHARACTER_DEVICE;
                stat[8..24].fill(0xff); // every right
                ok(write(mem, p(1), &stat))
            }
            "fd_filestat_get" if p(0) <= 2 => {
                let mut stat = [0u8; 64];
                stat[16] = FILETYPE_CHARACTER_DEVICE;
                ok(write(mem, p(1), &stat))
            }
            "fd_seek" | "fd_tell" if p(0) <= 2 => ESPIPE,
            "fd_close" if p(0) <= 2 => ESUCCESS,
            "fd_read" if p(0) == 0 => {
                let (iovs, count, nread) = (p(1), p(2), p(3));
                let mut total = 0u32;
                for i in 0..count {
                    let (Some(base), Some(len)) = (read_u32(mem, iovs + 8 * i), read_u32(mem, iovs + 8 * i + 4)) else {
                        return Ok(EFAULT);
                    };
                    let rest = &host.stdin[host.stdin_pos..];
                    let n = rest.len().min(len as usize);
                    if !write(mem, base, &rest[..n]) {
                        return Ok(EFAULT);
                    }
                    host.stdin_pos += n;
                    total += n as u32;
                    if n < len as usize {
                        break;
                    }
                }
                ok(write(mem, nread, &total.to_le_bytes()))
            }
            "fd_write" if p(0) == 1 || p(0) == 2 => {
                let (iovs, count, nwritten) = (p(1), p(2), p(3));
                let mut total = 0u32;
                for i in 0..count {
                    let (Some(base), Some(len)) = (read_u32(mem, iovs + 8 * i), read_u32(mem, iovs + 8 * i + 4)) else {
                        return Ok(EFAULT);
                    };
                    let Some(bytes) = mem.get(base as usize..base as usize + len as usize) else {
                        return Ok(EFAULT);
                    };
                    if p(0) == 1 { &mut host.stdout } else { &mut host.stderr }.extend_from_slice(bytes);
                    total += len;
                }
                ok(write(mem, nwritten, &total.to_le_bytes()))
            }
            _ if name.starts_with("fd_") => EBADF,
            _ => ENOSYS,
        })
    }
}

fn run_wasmi(runtime: &[u8], input: Vec<u8>) -> Result<Vec<u8>> {
    use wasmi::{Config, Engine, ExternType, Linker, Module, Store, Val};
    let mut config = Config::default();
    // (CPython's compiler recurses on nested expressions; its C stack is in
    // linear memory, its calls are the engine's)
    config.set_max_recursion_depth(1 << 16);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, runtime).map_err(failed)?;
    let host = wasi::Host {
        args: vec![b"runtime.wasm".to_vec(), SERVICE_ARG.as_bytes().to_vec()],
        stdin: input,
        stdin_pos: 0,
        stdout: Vec::new(),
        stderr: Vec::new(),
    };
    let mut store = Store::new(&engine, host);
    let mut linker = Linker::<wasi::Host>::new(&engine);
    for import in module.imports() {
        let ExternType::Func(ty) = import.ty() else {
            return Err(failed(format!("runtime.wasm imports {} that is not a function", import.name())));
        };
        let name = import.name().to_string();
        linker
            .func_new(import.module(), import.name(), ty.clone(), move |caller, params, results| {
                let errno = wasi::call(&name, caller, params)?;
                if let Some(r) = results.first_mut() {
                    *r = Val::I32(errno);
                }
                Ok(())
            })
            .map_err(failed)?;
    }
    let instance = linker.instantiate_and_start(&mut store, &module).map_err(failed)?;
    let start = instance.get_typed_func::<(), ()>(&store, "_start").map_err(failed)?;
    let exit = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(e) => e.i32_exit_status().ok_or_else(|| failed(e))?,
    };
    let host = store.into_data();
    if exit != 0 {
        return Err(failed(format!("exit code {exit}: {}", String::from_utf8_lossy(&host.stderr).trim())));
    }
    Ok(host.stdout)
}
