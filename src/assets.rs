//! The prebuilt half of every output, embedded in the compiler at build time
//! (build.rs points `PY2WASM_ASSETS` at sysroot/out/assets): runtime.wasm and
//! the precompiled standard library, both zstd-compressed, plus their indexes.
//! Decompression uses ruzstd, a pure-Rust decoder, so the compiler needs no C
//! toolchain, natively or as wasm32-wasip1.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;

use include_dir::{include_dir, Dir};
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Result};

static ASSETS: Dir<'static> = include_dir!("$PY2WASM_ASSETS");

fn asset(name: &str) -> Result<&'static [u8]> {
    ASSETS
        .get_file(name)
        .map(|f| f.contents())
        .ok_or_else(|| Diagnostic::error(format!("internal error: asset {name} is missing from this build")))
}

fn unzstd(name: &str) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    ruzstd::streaming_decoder::StreamingDecoder::new(asset(name)?)
        .map_err(|e| Diagnostic::error(format!("internal error: asset {name}: {e}")))?
        .read_to_end(&mut out)
        .map_err(|e| Diagnostic::error(format!("internal error: asset {name}: {e}")))?;
    Ok(out)
}

/// runtime.wasm: libpython and runtime/, linked for wasm32-wasi. The
/// environment variable PY2WASM_RUNTIME names another build of it to use
/// instead: the checked runtime (`sysroot/build.sh --checked`, CPython's
/// Py_DEBUG assertions), for tests of generated code's reference counts.
pub fn runtime_wasm() -> Result<Vec<u8>> {
    match std::env::var_os("PY2WASM_RUNTIME") {
        Some(path) if !path.is_empty() => {
            let path = std::path::PathBuf::from(path);
            std::fs::read(&path).map_err(|e| {
                Diagnostic::error(format!(
                    "PY2WASM_RUNTIME={}: {}",
                    path.display(),
                    crate::diagnostics::describe_io_error(&e, &path)
                ))
            })
        }
        _ => unzstd("runtime.wasm.zst"),
    }
}

/// Modules compiled into libpython (sys.builtin_module_names): always there.
pub fn builtin_modules() -> Result<BTreeSet<String>> {
    let text = std::str::from_utf8(asset("builtin-modules.txt")?)
        .map_err(|_| Diagnostic::error("internal error: builtin-modules.txt is not UTF-8"))?;
    Ok(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect())
}

#[derive(Debug, Deserialize)]
pub struct StdlibModule {
    pub name: String,
    pub package: bool,
    offset: usize,
    size: usize,
    /// The modules this one imports when it is loaded.
    pub imports: Vec<String>,
    /// The modules only its functions import.
    #[serde(default)]
    pub lazy_imports: Vec<String>,
    /// Its source, zlib-compressed, in the blob after the code.
    #[serde(default)]
    source_offset: usize,
    #[serde(default)]
    source_size: usize,
}

impl StdlibModule {
    /// The file name its code was compiled with (co_filename): its path
    /// under the install prefix, as in python.wasm (sysroot/stdlib.py).
    pub fn filename(&self) -> String {
        let rel = self.name.replace('.', "/");
        if self.package {
            format!("{STDLIB_PREFIX}/{rel}/__init__.py")
        } else {
            format!("{STDLIB_PREFIX}/{rel}.py")
        }
    }
}

/// Where the standard library lives in the wasm build (sys.prefix
/// /usr/local): sysroot/stdlib.py's INSTALL_PREFIX.
const STDLIB_PREFIX: &str = "/usr/local/lib/python3.11";

/// Where the program sees the packages of the user's environment
/// (site-packages under the same prefix): their `__file__` and tracebacks.
pub const SITE_PACKAGES: &str = "/usr/local/lib/python3.11/site-packages";

#[derive(Debug, Deserialize)]
struct StdlibFile {
    modules: Vec<StdlibModule>,
}

/// The index of the precompiled standard library (sysroot/stdlib.py).
pub struct Stdlib {
    modules: Vec<StdlibModule>,
    by_name: HashMap<String, usize>,
    blob: std::sync::OnceLock<Vec<u8>>,
}

impl Stdlib {
    pub fn load() -> Result<Stdlib> {
        let file: StdlibFile = serde_json::from_slice(asset("stdlib.json")?)
            .map_err(|e| Diagnostic::error(format!("internal error: stdlib.json: {e}")))?;
        let by_name = file.modules.iter().enumerate().map(|(i, m)| (m.name.clone(), i)).collect();
        Ok(Stdlib { modules: file.modules, by_name, blob: std::sync::OnceLock::new() })
    }

    pub fn get(&self, name: &str) -> Option<&StdlibModule> {
        self.by_name.get(name).map(|&i| &self.modules[i])
    }

    pub fn modules(&self) -> impl Iterator<Item = &StdlibModule> {
        self.modules.iter()
    }

    fn blob(&self) -> Result<&[u8]> {
        if self.blob.get().is_none() {
            let blob = unzstd("stdlib.bin.zst")?;
            let _ = self.blob.set(blob);
        }
        Ok(self.blob.get().map(Vec::as_slice).unwrap_or_default())
    }

    /// The marshalled code object of a module (decompresses the blob once).
    pub fn code(&self, module: &StdlibModule) -> Result<&[u8]> {
        self.blob()?
            .get(module.offset..module.offset + module.size)
            .ok_or_else(|| Diagnostic::error(format!("internal error: stdlib blob lacks {}", module.name)))
    }

    /// A module's source, zlib-compressed (what the runtime decompresses
    /// with the zlib module when a traceback or inspect asks for a line).
    pub fn zsource(&self, module: &StdlibModule) -> Result<&[u8]> {
        self.blob()?
            .get(module.source_offset..module.source_offset + module.source_size)
            .ok_or_else(|| Diagnostic::error(format!("internal error: stdlib blob lacks {}'s source", module.name)))
    }
}
