//! `-O`: Binaryen's wasm-opt over the finished module (native builds with
//! the `opt` feature; Binaryen cannot be built for WASI). It works on files,
//! so the module goes through a private temporary directory.

use crate::diagnostics::{Diagnostic, Result};

#[cfg(feature = "opt")]
pub fn optimize(wasm: &[u8]) -> Result<Vec<u8>> {
    let fail = |what: &str, e: &dyn std::fmt::Display| Diagnostic::error(format!("wasm-opt: {what}: {e}"));
    let dir = std::env::temp_dir().join(format!(
        "py2wasm-opt-{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos())
    ));
    std::fs::create_dir_all(&dir).map_err(|e| fail("temporary directory", &e))?;
    let (input, output) = (dir.join("in.wasm"), dir.join("out.wasm"));
    let result = (|| {
        std::fs::write(&input, wasm).map_err(|e| fail("temporary file", &e))?;
        // (unboxed entries return three values: codegen::unboxed_type)
        wasm_opt::OptimizationOptions::new_opt_level_2()
            .enable_feature(wasm_opt::Feature::Multivalue)
            .run(&input, &output)
            .map_err(|e| fail("optimisation failed", &e))?;
        std::fs::read(&output).map_err(|e| fail("reading its output", &e))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    let optimized = result?;
    super::validate(&optimized)?;
    Ok(optimized)
}

#[cfg(not(feature = "opt"))]
pub fn optimize(_wasm: &[u8]) -> Result<Vec<u8>> {
    Err(Diagnostic::error("-O needs wasm-opt, which this build of py2wasm leaves out (cargo build --features opt)"))
}
