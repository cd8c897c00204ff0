//! The pipeline, phase by phase: parse and resolve (modgraph), then link the
//! program image onto the runtime. Native code generation will sit between
//! the two; until then every function runs on CPython's bytecode path.

use std::path::PathBuf;

use crate::assets::{self, Stdlib};
use crate::diagnostics::{Diagnostic, Result};
use crate::link::{self, image};
use crate::modgraph::{self, GraphOptions};
use crate::report::Report;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub input: PathBuf,
    pub include_modules: Vec<String>,
    pub exclude_modules: Vec<String>,
    /// Run Binaryen's optimiser over the output (`-O`).
    pub optimize: bool,
}

pub struct Compiled {
    pub wasm: Vec<u8>,
    pub report: Report,
    pub warnings: Vec<Diagnostic>,
}

pub fn compile(opts: &Options) -> Result<Compiled> {
    let stdlib = Stdlib::load()?;
    let builtins = assets::builtin_modules()?;
    let graph_opts = GraphOptions { include: &opts.include_modules, exclude: &opts.exclude_modules };
    let graph = modgraph::build(&opts.input, &stdlib, &builtins, &graph_opts)?;

    // Image entries, in a fixed order (main, user modules, stdlib by name) so
    // that the same input always gives the same bytes.
    let mut entries = vec![image::Entry {
        name: "__main__",
        kind: image::EntryKind::Source,
        is_package: false,
        data: graph.main.source.text.as_bytes(),
        path: &graph.main.source.name,
    }];
    for m in graph.user.values() {
        entries.push(image::Entry {
            name: &m.name,
            kind: image::EntryKind::Source,
            is_package: m.is_package,
            data: m.source.text.as_bytes(),
            path: &m.source.name,
        });
    }
    for name in &graph.stdlib {
        if let Some(module) = stdlib.get(name) {
            entries.push(image::Entry {
                name: &module.name,
                kind: image::EntryKind::Frozen,
                is_package: module.package,
                data: stdlib.code(module)?,
                path: "",
            });
        }
    }
    let image = image::build(&entries, 0);
    let mut wasm = link::append_image(&assets::runtime_wasm()?, &image)?;
    if opts.optimize {
        wasm = link::optimize::optimize(&wasm)?;
    }
    let report = Report::new(&graph, wasm.len());
    Ok(Compiled { wasm, report, warnings: graph.warnings })
}
