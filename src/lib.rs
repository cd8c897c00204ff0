//! py2wasm: compiles Python 3.11 programs to standalone WebAssembly (WASI
//! preview 1). See ARCHITECTURE.md for the phases and how they fit.

pub mod analysis;
pub mod assets;
pub mod codegen;
pub mod diagnostics;
pub mod driver;
pub mod frontend;
pub mod ir;
pub mod link;
pub mod lower;
pub mod modgraph;
pub mod output;
pub mod report;
#[cfg(feature = "runner")]
pub mod runner;
pub mod scope;
#[cfg(feature = "runner")]
pub mod serve;
