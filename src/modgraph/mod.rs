//! Phase 2: the module graph. Starting from the script, finds every module
//! the program can import: the user's own modules and packages (the script's
//! directory is the root, as sys.path[0] is for CPython), and the standard
//! library modules they reach, transitively, from the embedded stdlib index.
//! An import found nowhere is a warning: it may sit under
//! `try/except ImportError`, and raises ImportError at run time as in CPython.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use rustpython_parser::ast::{self, Ranged, Visitor};

use crate::assets::Stdlib;
use crate::diagnostics::{Diagnostic, Result};
use crate::frontend::SourceFile;

/// A module of the user's, parsed.
#[derive(Debug)]
pub struct UserModule {
    /// Dotted name; `__main__` for the script.
    pub name: String,
    pub is_package: bool,
    pub source: SourceFile,
    pub body: ast::Suite,
}

#[derive(Debug)]
pub struct ModuleGraph {
    pub main: UserModule,
    /// The user's other modules, by name.
    pub user: BTreeMap<String, UserModule>,
    /// Standard library modules to embed, by name.
    pub stdlib: BTreeSet<String>,
    pub warnings: Vec<Diagnostic>,
}

pub struct GraphOptions<'a> {
    /// Modules to add although no import names them (dynamic imports).
    pub include: &'a [String],
    /// Modules (and their submodules) to leave out even when imported.
    pub exclude: &'a [String],
}

/// Modules the runtime needs before any user code runs: site (as CPython
/// imports it at start-up) and every codec, since `str.encode(name)` finds
/// codecs by name at run time. Only what they import when loaded is
/// followed: their functions' imports serve interactive use (help(), the
/// REPL's completion), which a compiled program does not have.
/// `struct` and `warnings`: CPython's core imports them from C
/// (memoryview.cast, warnings raised by C code).
const STARTUP_MODULES: &[&str] = &["site", "encodings", "struct", "warnings"];

/// Imports no AST shows: those built-in C modules make from C (CPython
/// 3.11's Modules/*.c: PyImport_ImportModule and friends), and stdlib
/// imports by a computed name.
const HIDDEN_IMPORTS: &[(&str, &[&str])] = &[
    ("_asyncio", &["asyncio"]),
    ("_datetime", &["_strptime", "time"]),
    ("_decimal", &["collections", "collections.abc", "numbers", "contextvars"]),
    ("_elementtree", &["copy", "xml.etree.ElementPath"]),
    ("_operator", &["functools"]),
    ("_pickle", &["_compat_pickle", "codecs", "copyreg", "functools"]),
    ("_sqlite3", &["functools"]),
    ("_zoneinfo", &["io", "pickle", "weakref", "zoneinfo._common", "zoneinfo._tzpath"]),
    ("array", &["collections.abc"]),
    ("time", &["_strptime"]),
    ("sysconfig", &["_sysconfigdata__wasm32-wasi"]),
];

fn hidden_imports(module: &str) -> impl Iterator<Item = String> + '_ {
    HIDDEN_IMPORTS
        .iter()
        .filter(move |(m, _)| *m == module)
        .flat_map(|(_, imports)| imports.iter().map(|i| i.to_string()))
}

/// An import statement's target, as written.
struct Import {
    module: String,
    /// `from m import x`: x may be a submodule or just an attribute.
    maybe_attribute: bool,
    offset: usize,
}

pub fn build(script: &Path, stdlib: &Stdlib, builtins: &BTreeSet<String>, opts: &GraphOptions) -> Result<ModuleGraph> {
    let root = script.parent().map(Path::to_path_buf).unwrap_or_default();
    let root = if root.as_os_str().is_empty() { PathBuf::from(".") } else { root };
    let file_name = script
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Diagnostic::error(format!("{}: not a file name", script.display())))?;
    let main_source = SourceFile::load(script, file_name)?;
    let main_body = main_source.parse()?;
    let main = UserModule { name: "__main__".into(), is_package: false, source: main_source, body: main_body };

    let excluded = |name: &str| opts.exclude.iter().any(|e| name == e || name.starts_with(&format!("{e}.")));
    let mut graph = ModuleGraph { main, user: BTreeMap::new(), stdlib: BTreeSet::new(), warnings: Vec::new() };
    // (module, follow its functions' imports too)
    let mut stdlib_queue: VecDeque<(String, bool)> = VecDeque::new();
    let mut user_queue: VecDeque<(String, Vec<Import>, SourceFile)> = VecDeque::new();
    user_queue.push_back((
        "__main__".into(),
        imports_of(&graph.main.body, "__main__", false),
        graph.main.source.clone(),
    ));
    for name in STARTUP_MODULES {
        stdlib_queue.push_back(((*name).to_string(), false));
    }
    stdlib_queue.extend(stdlib.modules().filter(|m| m.name.starts_with("encodings.")).map(|m| (m.name.clone(), false)));
    for name in opts.include {
        let known = builtins.contains(name) || find_user_module(&root, name).is_some() || stdlib.get(name).is_some();
        if !known {
            return Err(Diagnostic::error(format!(
                "--include-module {name}: no such module in the program or the standard library"
            )));
        }
        let import = Import { module: name.clone(), maybe_attribute: false, offset: 0 };
        user_queue.push_back(("--include-module".into(), vec![import], graph.main.source.clone()));
    }

    while let Some((importer, imports, source)) = user_queue.pop_front() {
        for import in imports {
            let name = import.module;
            stdlib_queue.extend(hidden_imports(&name).map(|i| (i, true)));
            if excluded(&name) || builtins.contains(&name) || graph.user.contains_key(&name) || name == "__main__" {
                continue;
            }
            if let Some((path, is_package)) = find_user_module(&root, &name) {
                let display = path.strip_prefix(&root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                let module_source = SourceFile::load(&path, &display)?;
                let body = module_source.parse()?;
                user_queue.push_back((name.clone(), imports_of(&body, &name, is_package), module_source.clone()));
                graph.user.insert(name.clone(), UserModule { name, is_package, source: module_source, body });
            } else if stdlib.get(&name).is_some() {
                stdlib_queue.push_back((name, true));
            } else if !import.maybe_attribute && !is_attribute_of_module(&name, stdlib, &graph.user) {
                let location = source.location(import.offset);
                graph.warnings.push(
                    Diagnostic::warning(format!(
                        "module '{name}' not found (imported by {importer}); importing it will raise ModuleNotFoundError at run time"
                    ))
                    .at(location),
                );
            }
        }
    }

    // A module reached from the program follows all its imports; one reached
    // only from the start-up set, just those it runs when loaded.
    let mut followed_all = BTreeSet::new();
    while let Some((name, all)) = stdlib_queue.pop_front() {
        if excluded(&name) || graph.user.contains_key(&name) {
            continue;
        }
        let new = graph.stdlib.insert(name.clone());
        if !new && (!all || followed_all.contains(&name)) {
            continue;
        }
        if all {
            followed_all.insert(name.clone());
        }
        // importing a.b.c imports its packages a and a.b first
        if let Some((parent, _)) = name.rsplit_once('.') {
            stdlib_queue.push_back((parent.to_string(), all));
        }
        if let Some(module) = stdlib.get(&name) {
            let lazy = if all { module.lazy_imports.as_slice() } else { &[] };
            for dep in module.imports.iter().chain(lazy) {
                if stdlib.get(dep).is_some() {
                    stdlib_queue.push_back((dep.clone(), all));
                }
                stdlib_queue.extend(hidden_imports(dep).map(|i| (i, all)));
            }
        }
    }
    Ok(graph)
}

/// `os.path`: the parent is a plain module (not a package), so the name is
/// one of its attributes, bound when the parent is imported.
fn is_attribute_of_module(name: &str, stdlib: &Stdlib, user: &BTreeMap<String, UserModule>) -> bool {
    let Some((parent, _)) = name.rsplit_once('.') else {
        return false;
    };
    stdlib.get(parent).is_some_and(|m| !m.package) || user.get(parent).is_some_and(|m| !m.is_package)
}

/// `a.b.c` as a file under root: a/b/c.py or a/b/c/__init__.py, where every
/// parent is a regular package (has an `__init__.py`).
fn find_user_module(root: &Path, name: &str) -> Option<(PathBuf, bool)> {
    let parts: Vec<&str> = name.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let mut dir = root.to_path_buf();
    for part in &parts[..parts.len() - 1] {
        dir.push(part);
        if !dir.join("__init__.py").is_file() {
            return None;
        }
    }
    let last = parts[parts.len() - 1];
    let package = dir.join(last).join("__init__.py");
    if package.is_file() {
        return Some((package, true));
    }
    let module = dir.join(format!("{last}.py"));
    module.is_file().then_some((module, false))
}

/// Every import in a module, at any depth (functions, classes, try blocks),
/// with relative imports made absolute.
fn imports_of(body: &ast::Suite, module: &str, is_package: bool) -> Vec<Import> {
    let package = if is_package {
        module.to_string()
    } else {
        module.rsplit_once('.').map_or(String::new(), |p| p.0.to_string())
    };
    let mut collector = ImportCollector { package, imports: Vec::new() };
    for stmt in body.iter().cloned() {
        collector.visit_stmt(stmt);
    }
    collector.imports
}

struct ImportCollector {
    package: String,
    imports: Vec<Import>,
}

impl ImportCollector {
    fn add(&mut self, module: &str, maybe_attribute: bool, offset: usize) {
        // importing a.b.c imports a and a.b first
        let mut prefix = String::new();
        for part in module.split('.') {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            let last = prefix.len() == module.len();
            self.imports.push(Import { module: prefix.clone(), maybe_attribute: maybe_attribute && last, offset });
        }
    }
}

impl Visitor for ImportCollector {
    fn visit_stmt_import(&mut self, node: ast::StmtImport) {
        let offset = node.range().start().to_usize();
        for alias in &node.names {
            self.add(alias.name.as_str(), false, offset);
        }
    }

    fn visit_stmt_import_from(&mut self, node: ast::StmtImportFrom) {
        let offset = node.range().start().to_usize();
        let level = node.level.map_or(0, |l| l.to_u32()) as usize;
        let base = if level == 0 {
            node.module.as_ref().map(|m| m.to_string()).unwrap_or_default()
        } else {
            let mut parts: Vec<&str> = if self.package.is_empty() { vec![] } else { self.package.split('.').collect() };
            if level - 1 > parts.len() {
                return; // beyond the top-level package: ImportError at run time
            }
            parts.truncate(parts.len() - (level - 1));
            if parts.is_empty() {
                return; // relative import in a top-level module: ImportError at run time
            }
            let mut base = parts.join(".");
            if let Some(m) = &node.module {
                base.push('.');
                base.push_str(m.as_str());
            }
            base
        };
        if base.is_empty() {
            return;
        }
        self.add(&base, false, offset);
        for alias in &node.names {
            if alias.name.as_str() != "*" {
                self.add(&format!("{base}.{}", alias.name), true, offset);
            }
        }
    }

    fn visit_expr_call(&mut self, node: ast::ExprCall) {
        // __import__('m') and importlib.import_module('m') with a constant name
        let is_import = match node.func.as_ref() {
            ast::Expr::Name(n) => n.id.as_str() == "__import__",
            ast::Expr::Attribute(a) => a.attr.as_str() == "import_module",
            _ => false,
        };
        if is_import {
            if let Some(ast::Expr::Constant(c)) = node.args.first() {
                if let ast::Constant::Str(name) = &c.value {
                    if !name.starts_with('.') {
                        self.add(name, true, node.range().start().to_usize());
                    }
                }
            }
        }
        self.generic_visit_expr_call(node);
    }
}
