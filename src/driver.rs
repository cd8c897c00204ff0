//! The pipeline, phase by phase: parse and resolve (modgraph), scopes,
//! lowering to IR and code generation for every def and lambda of the
//! user's modules (a function that cannot be compiled yet falls back to
//! CPython's bytecode), then link: generated functions and the program
//! image appended to the runtime.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::assets::{self, Stdlib};
use crate::codegen::{self, consts::ConstPool};
use crate::diagnostics::{describe_io_error, Diagnostic, Result};
use crate::link::{self, image};
use crate::modgraph::{self, GraphOptions, UserModule};
use crate::report::Report;
use crate::scope;
use crate::{analysis, ir, lower};

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub input: PathBuf,
    pub include_modules: Vec<String>,
    /// Packages to embed with all their submodules (`--include-package`).
    pub include_packages: Vec<String>,
    pub exclude_modules: Vec<String>,
    /// Directories searched after the script's (`--path`).
    pub paths: Vec<PathBuf>,
    /// PYTHONPATH and the virtual environment (from the process, normally).
    pub env: modgraph::Environment,
    /// Run Binaryen's optimiser over the output (`-O`).
    pub optimize: bool,
    /// A function that would fall back to bytecode is an error (`--no-fallback`).
    pub no_fallback: bool,
    /// Leave the standard library's source out of the image (`--no-stdlib-source`).
    pub no_stdlib_source: bool,
    /// Packages of the environment to compile natively (`--native`; "all").
    pub native: Vec<String>,
    /// Files or directories to embed, and where the program sees them
    /// (`--include-data SRC[=DEST]`).
    pub include_data: Vec<(PathBuf, Option<String>)>,
}

/// How each function of the user's code was compiled: by (module, node
/// offset), None for native, else the reason it fell back.
pub type Outcomes = HashMap<(String, usize), Option<String>>;

/// The functions with an unboxed entry (by module name and node offset):
/// the names of the parameters that take numbers.
pub type Entries = HashMap<(String, usize), Vec<String>>;
/// Per native function (as `Entries`): its inline number operations.
pub type Typing = HashMap<(String, usize), crate::report::InlineOps>;

/// Native code for the user's modules.
struct NativeProgram {
    functions: Vec<wasm_encoder::Function>,
    /// Each generated function's name (`module.qualname`), for the name
    /// section: profilers and trap backtraces show it.
    names: Vec<String>,
    /// Each one's signature when it is not the entry's (an unboxed entry).
    types: Vec<Option<link::Signature>>,
    consts: ConstPool,
    codes: Vec<image::CodeEntry>,
    /// Bytes of inline caches and call-site words (`ir::Function::cache_bytes`).
    cache_bytes: u32,
    /// Every call site: its code table index, position and word.
    sites: Vec<image::Site>,
    outcomes: Outcomes,
    entries: Entries,
    typing: Typing,
    fallbacks: Vec<Diagnostic>,
}

/// A scope after lowering: its module, node offset, qualified name, and
/// its code table index with the IR (or why it falls back).
type Lowered<'m> = (&'m UserModule, usize, String, std::result::Result<(u32, ir::Function), String>);

/// A generator expression's collecting variant (ir::Consumer): a plain
/// function of its own, not a code table entry.
struct Variant<'m> {
    module: &'m UserModule,
    qualname: String,
    code: u32,
    collect: ir::Collect,
    f: ir::Function,
    /// Generated without an internal error.
    ok: bool,
}

fn compile_native(modules: &[&UserModule], layout: &link::RuntimeLayout) -> NativeProgram {
    let mut p = NativeProgram {
        functions: Vec::new(),
        names: Vec::new(),
        types: Vec::new(),
        consts: ConstPool::default(),
        codes: Vec::new(),
        cache_bytes: 0,
        sites: Vec::new(),
        outcomes: HashMap::new(),
        entries: HashMap::new(),
        typing: HashMap::new(),
        fallbacks: Vec::new(),
    };
    // Lowering first, for every module: the constants and the code table
    // are then complete, which places the inline caches after their slots.
    let mut lowered: Vec<Lowered> = Vec::new();
    // Per module (in order), its functions a call by name enters directly.
    let mut direct_targets: Vec<HashMap<String, u32>> = Vec::new();
    let mut variants: Vec<Variant> = Vec::new();
    for m in modules {
        let scopes = scope::analyze(&m.source, &m.body);
        let bodies = lower::bodies(&m.body);
        let future_annotations = scope::future_annotations(&m.body);
        let mut lines = vec![0usize];
        lines.extend(m.source.text.match_indices('\n').map(|(i, _)| i + 1));
        // The code table: every scope CPython makes a code object for, keyed
        // as the runtime finds them (qualified name and first line; scopes
        // that share both in the order CPython compiles them, which is
        // the order scope analysis meets them).
        let mut code_ids = vec![None; scopes.scopes.len()];
        for (id, s) in scopes.scopes.iter().enumerate().skip(1) {
            code_ids[id] = Some(p.codes.len() as u32);
            p.codes.push(image::CodeEntry {
                module: m.name.clone(),
                qualname: s.qualname.clone(),
                firstlineno: s.line as u32,
                entry: image::NO_ENTRY,
                freevars: s.freevars.clone(),
            });
        }
        let direct_calls = lower::direct_targets(&m.body, &scopes, &code_ids);
        direct_targets.push(direct_calls.iter().map(|(n, t)| (n.clone(), t.code)).collect());
        let mut genexp_variants = Vec::new();
        let mut cx = lower::Context {
            consts: &mut p.consts,
            scopes: &scopes,
            code_ids: &code_ids,
            lines: &lines,
            source: &m.source.text,
            future_annotations,
            direct_calls: &direct_calls,
            genexp_variants: &mut genexp_variants,
        };
        for (id, s) in scopes.scopes.iter().enumerate().skip(1) {
            let result = match (s.kind, bodies.get(&s.offset), code_ids[id]) {
                (_, None, _) | (_, _, None) => Err("internal: function body not found".to_string()),
                (_, Some(body), Some(code)) => {
                    lower::lower_function(&mut cx, id, body.as_body()).map(|f| (code, analysis::run(f)))
                }
            };
            lowered.push((m, s.offset, s.qualname.clone(), result));
        }
        // The collecting variants calls asked for (a variant's own requests
        // were made by its generator's lowering already). One that cannot
        // be lowered is left out: its calls then make the generator.
        for (id, collect) in std::mem::take(cx.genexp_variants) {
            let s = &scopes.scopes[id];
            let (Some(lower::OwnedBody::Comprehension(ir::Collect::Generator, elts, gens, range)), Some(code)) =
                (bodies.get(&s.offset), code_ids[id])
            else {
                continue;
            };
            if let Ok(f) = lower::lower_function(&mut cx, id, lower::Body::Comprehension(collect, elts, gens, *range)) {
                let f = analysis::run(f);
                variants.push(Variant { module: m, qualname: s.qualname.clone(), code, collect, f, ok: true });
            }
        }
    }
    // What each value is expected to be, with hints from the whole
    // program (analysis::types).
    {
        let program = analysis::types::Program::new(p.consts.kinds(), |n| p.consts.find_name(n));
        let index: HashMap<*const UserModule, usize> =
            modules.iter().enumerate().map(|(i, m)| (*m as *const UserModule, i)).collect();
        let module_of = |m: &UserModule| index.get(&(m as *const UserModule)).copied().unwrap_or(usize::MAX);
        let mut units: Vec<analysis::types::Unit> = Vec::new();
        for l in lowered.iter_mut() {
            let module = module_of(l.0);
            if let Ok((code, f)) = &mut l.3 {
                units.push(analysis::types::Unit { module, code: Some(*code), f });
            }
        }
        for v in variants.iter_mut() {
            units.push(analysis::types::Unit { module: module_of(v.module), code: None, f: &mut v.f });
        }
        // (module bodies run as bytecode: what they store and call is read
        // off the AST)
        let mut top_level = HashMap::new();
        for (i, (m, targets)) in modules.iter().zip(&direct_targets).enumerate() {
            top_level.insert(i, analysis::types::TopLevel::new(&m.body, |n| p.consts.find_name(n), targets));
        }
        analysis::types::infer_program(&program, &top_level, &mut units);
    }
    let image_base = layout.image_addr;
    let const_base = image_base + image::SLOTS_OFFSET as u32;
    let caches_base = image_base + image::caches_offset(p.consts.len() as u32, p.codes.len());
    let mut reasons: Vec<Option<String>> = lowered.iter().map(|l| l.3.as_ref().err().cloned()).collect();
    // Functions called directly get an unboxed entry where numbers can
    // come in or go out unboxed (codegen::numeric::unboxed_signature).
    let mut targets = std::collections::HashSet::new();
    let lowered_fns = lowered.iter().filter_map(|l| l.3.as_ref().ok().map(|(_, f)| f));
    for f in lowered_fns.chain(variants.iter().map(|v| &v.f)) {
        for inst in f.blocks.iter().flat_map(|b| &b.insts) {
            if let ir::Op::Call { callee: Some(ir::Callee::Compiled(c)), .. } = inst.op {
                targets.insert(c);
            }
        }
    }
    let signatures: HashMap<u32, Vec<bool>> = lowered
        .iter()
        .filter_map(|l| l.3.as_ref().ok())
        .filter(|(code, _)| targets.contains(code))
        .filter_map(|(code, f)| Some((*code, codegen::unboxed_signature(f)?)))
        .collect();
    // A direct call names its callee's wasm function, so the functions are
    // numbered before any is generated; one whose generation fails (an
    // internal inconsistency) falls back, and the rest are generated again.
    loop {
        let native: Vec<usize> = (0..lowered.len()).filter(|&i| reasons[i].is_none()).collect();
        let mut direct = HashMap::new();
        for (n, &i) in native.iter().enumerate() {
            if let Ok((code, _)) = &lowered[i].3 {
                direct.insert(*code, layout.function_index(n));
            }
        }
        // The variants come after the functions with code table entries.
        let mut collect = HashMap::new();
        for (n, v) in variants.iter().filter(|v| v.ok).enumerate() {
            collect.insert((v.code, v.collect), layout.table_index(native.len() + n));
        }
        // The unboxed entries come last.
        let mut unboxed_sigs = HashMap::new();
        let mut unboxed_funcs = HashMap::new();
        let mut next = native.len() + collect.len();
        for &i in &native {
            if let Ok((code, _)) = &lowered[i].3 {
                if let Some(sig) = signatures.get(code) {
                    unboxed_sigs.insert(*code, sig.clone());
                    unboxed_funcs.insert(*code, layout.function_index(next));
                    next += 1;
                }
            }
        }
        let env = codegen::Env {
            funcs: &layout.funcs,
            stack_pointer: layout.stack_pointer,
            data: layout.data,
            const_base,
            code_base: const_base + 4 * p.consts.len() as u32,
            direct: &direct,
            collect: &collect,
            entry_type: layout.entry_type(),
            unboxed_sigs: &unboxed_sigs,
            unboxed_funcs: &unboxed_funcs,
        };
        p.functions.clear();
        p.names.clear();
        p.types.clear();
        p.entries.clear();
        p.typing.clear();
        let mut unboxed_entries = Vec::new();
        p.cache_bytes = 0;
        p.sites.clear();
        for code in &mut p.codes {
            code.entry = image::NO_ENTRY;
        }
        let mut failed = false;
        for &i in &native {
            let Ok((code, f)) = &lowered[i].3 else { continue };
            let caches = caches_base + p.cache_bytes;
            p.cache_bytes += f.cache_bytes();
            if std::env::var_os("PY2WASM_DUMP_IR").is_some() {
                eprintln!("{f:#?}");
            }
            let sig = unboxed_sigs.get(code);
            match codegen::generate(f, &env, caches, sig.map(Vec::as_slice)).and_then(within_engine_limits) {
                Ok((wasm, sites)) => {
                    p.sites.extend(sites.into_iter().map(|(pos, addr)| image::Site {
                        code: *code,
                        pos,
                        offset: addr - image_base,
                    }));
                    p.codes[*code as usize].entry = layout.table_index(p.functions.len());
                    let (total, typed) = analysis::types::typed_ops(f);
                    p.typing
                        .insert((lowered[i].0.name.clone(), lowered[i].1), crate::report::InlineOps { total, typed });
                    let name = format!("{}.{}", lowered[i].0.name, lowered[i].2);
                    match (sig, unboxed_funcs.get(code)) {
                        (Some(sig), Some(&entry)) => {
                            p.functions.push(codegen::generate_boxed_entry(sig, entry, &env));
                            p.names.push(format!("{name}[entry]"));
                            unboxed_entries.push((wasm, name, codegen::unboxed_type(sig)));
                            let params = f.locals.iter().zip(sig).filter(|(_, &d)| d).map(|(l, _)| l.name.clone());
                            p.entries.insert((lowered[i].0.name.clone(), lowered[i].1), params.collect());
                        }
                        _ => {
                            p.functions.push(wasm);
                            p.names.push(name);
                        }
                    }
                    p.types.push(None);
                }
                Err(reason) => {
                    reasons[i] = Some(reason);
                    failed = true;
                }
            }
        }
        for v in variants.iter_mut().filter(|v| v.ok) {
            if std::env::var_os("PY2WASM_DUMP_IR").is_some() {
                eprintln!("{:#?}", v.f);
            }
            let caches = caches_base + p.cache_bytes;
            p.cache_bytes += v.f.cache_bytes();
            match codegen::generate(&v.f, &env, caches, None).and_then(within_engine_limits) {
                Ok((wasm, sites)) => {
                    p.sites.extend(sites.into_iter().map(|(pos, addr)| image::Site {
                        code: v.code,
                        pos,
                        offset: addr - image_base,
                    }));
                    p.functions.push(wasm);
                    p.names.push(format!("{}.{}[{:?}]", v.module.name, v.qualname, v.collect));
                    p.types.push(None);
                }
                Err(_) => {
                    v.ok = false;
                    failed = true;
                }
            }
        }
        for (wasm, name, ty) in unboxed_entries {
            p.functions.push(wasm);
            p.names.push(name);
            p.types.push(Some(ty));
        }
        if !failed {
            break;
        }
    }
    for ((m, offset, qualname, _), reason) in lowered.into_iter().zip(reasons) {
        if let Some(reason) = &reason {
            let loc = m.source.location(offset);
            p.fallbacks.push(Diagnostic::error(format!("`{qualname}` cannot be compiled natively: {reason}")).at(loc));
        }
        p.outcomes.insert((m.name.clone(), offset), reason);
    }
    p
}

/// Why a function of the environment's packages runs as bytecode.
pub const BYTECODE_BY_CHOICE: &str = "a package of the environment: bytecode unless named by --native";

/// Whether module M gets native code: the program's own modules always;
/// the environment's (site-packages) when --native names their package or
/// a parent of it ("all": every one).
fn is_native(m: &UserModule, native: &[String]) -> bool {
    m.place != modgraph::Place::SitePackages
        || native.iter().any(|n| n == "all" || m.name == *n || m.name.starts_with(&format!("{n}.")))
}

/// BYTES as the image stores a sized payload: their length as a
/// little-endian u32, then them zlib-compressed (the caller checked the
/// length fits).
fn pack_sized(bytes: &[u8]) -> Vec<u8> {
    let mut packed = (bytes.len() as u32).to_le_bytes().to_vec();
    packed.extend(miniz_oxide::deflate::compress_to_vec_zlib(bytes, 6));
    packed
}

/// The largest function body wasm engines accept is 7,654,321 bytes
/// (wasmparser's and V8's limit); a function whose native code comes near
/// that (a class body holding a table of thousands of entries) runs as
/// bytecode instead, which also spares the engine compiling it.
const MAX_FUNCTION_BYTES: usize = 2_000_000;

fn within_engine_limits<S>(
    generated: (wasm_encoder::Function, S),
) -> std::result::Result<(wasm_encoder::Function, S), String> {
    let size = generated.0.byte_len();
    if size > MAX_FUNCTION_BYTES {
        return Err(format!("its native code would be {size} bytes, more than a wasm function should hold"));
    }
    Ok(generated)
}

pub struct Compiled {
    pub wasm: Vec<u8>,
    pub report: Report,
    pub warnings: Vec<Diagnostic>,
}

pub fn compile(opts: &Options) -> Result<Compiled> {
    let stdlib = Stdlib::load()?;
    let builtins = assets::builtin_modules()?;
    let graph_opts = GraphOptions {
        include: &opts.include_modules,
        include_packages: &opts.include_packages,
        exclude: &opts.exclude_modules,
        paths: &opts.paths,
        include_data: &opts.include_data,
        env: opts.env.clone(),
    };
    let graph = modgraph::build(&opts.input, &stdlib, &builtins, &graph_opts)?;

    let runtime = assets::runtime_wasm()?;
    let user: Vec<&UserModule> = std::iter::once(&graph.main).chain(graph.user.values()).collect();
    // The program's modules as bytecode (the CPython of the output compiles
    // them now, not at every start) and source (tracebacks, inspect), both
    // compressed.
    // (a module CPython refuses is not compiled: importing it compiles its
    // bytes, which raises CPython's own SyntaxError)
    let sources: Vec<(&str, &str)> = user
        .iter()
        .filter(|m| m.source.refused.is_none())
        .map(|m| (m.source.name.as_str(), m.source.text.as_str()))
        .collect();
    let mut compiled = link::precompile::precompile(&runtime, &sources)?.into_iter();
    let codes: Vec<Option<Vec<u8>>> =
        user.iter().map(|m| if m.source.refused.is_none() { compiled.next().flatten() } else { None }).collect();
    let packed: Vec<(Vec<u8>, Vec<u8>)> = user
        .iter()
        .zip(&codes)
        .map(|(m, code)| {
            let code = code.as_ref().map(|c| pack_sized(c)).unwrap_or_default();
            (code, miniz_oxide::deflate::compress_to_vec_zlib(m.source.bytes(), 6))
        })
        .collect();
    // Image entries, in a fixed order (main, user modules, stdlib by name) so
    // that the same input always gives the same bytes.
    let mut entries = Vec::new();
    for (m, (code, zsource)) in user.iter().zip(&packed) {
        let main = std::ptr::eq(*m, &graph.main);
        entries.push(image::Entry {
            name: if main { "__main__" } else { &m.name },
            kind: image::EntryKind::Source,
            is_package: m.is_package && !main,
            is_namespace: false,
            compressed: false,
            data: code,
            path: &m.source.name,
            zsource,
        });
    }
    for (name, ns) in &graph.namespaces {
        entries.push(image::Entry {
            name,
            kind: image::EntryKind::Source,
            is_package: true,
            is_namespace: true,
            compressed: false,
            data: &[],
            path: &ns.path,
            zsource: &[],
        });
    }
    // A stdlib module's file name is its code's co_filename; its source
    // comes along (zlib-compressed) for tracebacks and inspect.
    let stdlib_modules: Vec<&assets::StdlibModule> = graph.stdlib.iter().filter_map(|n| stdlib.get(n)).collect();
    // Their code is compressed but for the start-up set's, which CPython
    // imports through its frozen importer before the runtime's hook is in.
    let stdlib_paths: Vec<String> = stdlib_modules.iter().map(|m| m.filename()).collect();
    // (compressed: the code, then its length; else the code as it is)
    let mut stdlib_codes: Vec<(bool, std::borrow::Cow<[u8]>)> = Vec::with_capacity(stdlib_modules.len());
    for module in &stdlib_modules {
        let code = stdlib.code(module)?;
        stdlib_codes.push(if graph.startup.contains(&module.name) {
            (false, code.into())
        } else {
            let mut packed = miniz_oxide::deflate::compress_to_vec_zlib(code, 6);
            packed.extend_from_slice(&(code.len() as u32).to_le_bytes());
            (true, packed.into())
        });
    }
    for ((module, path), (compressed, data)) in stdlib_modules.iter().zip(&stdlib_paths).zip(&stdlib_codes) {
        entries.push(image::Entry {
            name: &module.name,
            kind: image::EntryKind::Frozen,
            is_package: module.package,
            is_namespace: false,
            compressed: *compressed,
            data,
            path,
            zsource: if opts.no_stdlib_source { &[] } else { stdlib.zsource(module)? },
        });
    }
    // The environment's packages' data files (runtime/vfs.c serves them).
    let mut data_files = Vec::with_capacity(graph.data_files.len());
    for f in &graph.data_files {
        let bytes = std::fs::read(&f.host_path).map_err(|e| {
            Diagnostic::error(format!("cannot read {}: {}", f.host_path.display(), describe_io_error(&e, &f.host_path)))
        })?;
        if u32::try_from(bytes.len()).is_err() {
            return Err(Diagnostic::error(format!("{}: a data file of 4 GB or more", f.host_path.display())));
        }
        data_files.push(pack_sized(&bytes));
    }
    for (f, packed) in graph.data_files.iter().zip(&data_files) {
        entries.push(image::Entry {
            name: "",
            kind: image::EntryKind::Data,
            is_package: false,
            is_namespace: false,
            compressed: false,
            data: packed,
            path: &f.path,
            zsource: &[],
        });
    }
    let layout = link::inspect(&runtime)?;
    // Native code for the program's own modules, and for the environment's
    // packages the user names (--native): the rest of a framework runs as
    // bytecode, as in CPython, which keeps the output small.
    let (native_modules, bytecode_modules): (Vec<&UserModule>, Vec<&UserModule>) =
        user.iter().partition(|m| is_native(m, &opts.native));
    let mut native = compile_native(&native_modules, &layout);
    for m in bytecode_modules {
        for s in scope::analyze(&m.source, &m.body).scopes.iter().skip(1) {
            native.outcomes.insert((m.name.clone(), s.offset), Some(BYTECODE_BY_CHOICE.to_string()));
        }
    }
    if opts.no_fallback && !native.fallbacks.is_empty() {
        let list: Vec<String> = native.fallbacks.iter().map(|d| d.to_string()).collect();
        return Err(Diagnostic::error(format!(
            "--no-fallback: {} function(s) would run on the bytecode interpreter:\n{}",
            list.len(),
            list.join("\n")
        )));
    }
    let consts = native.consts.marshal();
    let native_image = image::Native {
        const_count: native.consts.len() as u32,
        consts: &consts,
        codes: &native.codes,
        cache_bytes: native.cache_bytes,
        sites: &native.sites,
    };
    let image = image::build(&entries, 0, &native_image);
    let generated = link::Generated { functions: native.functions, names: native.names, types: native.types };
    let mut wasm = link::append(&runtime, &layout, &generated, &image)?;
    if opts.optimize {
        wasm = link::optimize::optimize(&wasm)?;
    }
    let report = Report::new(&graph, wasm.len(), &native.outcomes, &native.entries, &native.typing);
    Ok(Compiled { wasm, report, warnings: graph.warnings })
}
