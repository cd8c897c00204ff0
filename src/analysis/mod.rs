//! Phase 4b: analyses over the IR between lowering and codegen. Each one
//! reads a lowered function and records what it proves on the IR itself,
//! so that codegen and the image layout (which counts call-site words
//! before any code is generated) see the same facts.

pub mod lines;
pub mod types;

use crate::ir;

/// Runs every analysis on a lowered function.
pub fn run(mut f: ir::Function) -> ir::Function {
    lines::mark_line_sites(&mut f);
    f
}
