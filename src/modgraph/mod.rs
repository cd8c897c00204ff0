//! Phase 2: the module graph. Starting from the script, finds every module
//! the program can import, where CPython would find it (search.rs: the
//! script's directory, `--path`, PYTHONPATH, the standard library, then the
//! environment's site-packages), and the standard library modules they
//! reach, transitively, from the embedded stdlib index.
//!
//! An import found nowhere is a warning: it may sit under
//! `try/except ImportError`, and raises ImportError at run time as in
//! CPython. So is a compiled extension module (`.so`), which cannot run in
//! wasm: it is left out, and its import raises ImportError, so a package
//! with a pure-Python fallback takes it; but one the program needs at
//! start-up (imported at module level, outside any ImportError handler,
//! along a chain of such imports from the script) is an error, unless the
//! user excludes it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use rustpython_parser::ast;

use crate::assets::Stdlib;
use crate::diagnostics::{describe_io_error, Diagnostic, Location, Result};
use crate::frontend::SourceFile;

mod imports;
mod rules;
pub mod search;
use imports::{imports_of, References};
pub use search::{Environment, Place};
use search::{Found, Portion, SearchPath};

/// A module of the user's (their code, or a package of their environment), parsed.
#[derive(Debug)]
pub struct UserModule {
    /// Dotted name; `__main__` for the script.
    pub name: String,
    pub is_package: bool,
    pub source: SourceFile,
    pub body: ast::Suite,
    /// The part of the search path it was found in.
    pub place: Place,
}

/// A namespace package (PEP 420): directories without `__init__.py`.
#[derive(Debug)]
pub struct NamespacePackage {
    /// The directory the program sees as its `__path__` (the first portion's).
    pub path: String,
    /// Where its portions are on the host.
    pub portions: Vec<PathBuf>,
    pub place: Place,
}

/// A compiled extension module an import reached: left out of the image.
#[derive(Debug)]
pub struct Extension {
    pub file: PathBuf,
    /// The first import of it the compiler saw.
    pub imported_at: Option<Location>,
}

/// A file a package reads at run time, served to the program at `path`
/// (runtime/vfs.c).
#[derive(Debug)]
pub struct DataFile {
    /// Where the program sees it (under the install prefix).
    pub path: String,
    pub host_path: PathBuf,
}

#[derive(Debug)]
pub struct ModuleGraph {
    pub main: UserModule,
    /// The user's other modules, by name.
    pub user: BTreeMap<String, UserModule>,
    pub namespaces: BTreeMap<String, NamespacePackage>,
    /// Standard library modules to embed, by name.
    pub stdlib: BTreeSet<String>,
    /// Those CPython may import before the runtime's own start-up code
    /// runs: the start-up set and what they import when loaded.
    pub startup: BTreeSet<String>,
    /// Extension modules left out, by name.
    pub extensions: BTreeMap<String, Extension>,
    /// The data files (packages', the program's, --include-data), by program path.
    pub data_files: Vec<DataFile>,
    pub warnings: Vec<Diagnostic>,
}

pub struct GraphOptions<'a> {
    /// Modules to add although no import names them (dynamic imports).
    pub include: &'a [String],
    /// Packages to add with all their submodules.
    pub include_packages: &'a [String],
    /// Modules (and their submodules) to leave out even when imported.
    pub exclude: &'a [String],
    /// `--path` directories, searched after the script's.
    pub paths: &'a [PathBuf],
    /// `--include-data SRC[=DEST]`: files or directories to embed, and
    /// where the program sees them (relative to its directory).
    pub include_data: &'a [(PathBuf, Option<String>)],
    pub env: Environment,
}

/// Modules the runtime needs before any user code runs: site (as CPython
/// imports it at start-up) and every codec, since `str.encode(name)` finds
/// codecs by name at run time. Only what they import when loaded is
/// followed: their functions' imports serve interactive use (help(), the
/// REPL's completion), which a compiled program does not have.
/// `struct` and `warnings`: CPython's core imports them from C
/// (memoryview.cast, warnings raised by C code).
const STARTUP_MODULES: &[&str] = &["site", "encodings", "struct", "warnings"];

/// Imports no AST shows that built-in C modules make from C (CPython
/// 3.11's Modules/*.c: PyImport_ImportModule and friends).
const C_MODULE_IMPORTS: &[(&str, &[&str])] = &[
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
];

/// Standard library imports by a computed name.
const COMPUTED_IMPORTS: &[(&str, &[&str])] = &[("sysconfig", &["_sysconfigdata__wasm32-wasi"])];

/// Modules that import every built-in module by name: pydoc's
/// ModuleScanner (apropos, help('modules'), the search of its server)
/// runs `__import__` over sys.builtin_module_names, so what those import
/// from C comes with it.
const IMPORTS_ALL_BUILTINS: &[&str] = &["pydoc"];

/// The start-up set (STARTUP_MODULES, the codecs, and the modules
/// CPython's initialisation imports from C: io, abc, codecs) with what they
/// import when loaded, transitively.
fn startup_closure(stdlib: &Stdlib) -> BTreeSet<String> {
    let mut queue: VecDeque<String> = STARTUP_MODULES
        .iter()
        .chain(&["io", "abc", "codecs"])
        .map(|s| s.to_string())
        .chain(stdlib.modules().filter(|m| m.name.starts_with("encodings.")).map(|m| m.name.clone()))
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(name) = queue.pop_front() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some((parent, _)) = name.rsplit_once('.') {
            queue.push_back(parent.to_string());
        }
        if let Some(module) = stdlib.get(&name) {
            queue.extend(module.imports.iter().cloned());
        }
        queue.extend(hidden_imports(&name));
    }
    seen
}

/// The imports of MODULE no AST shows (C_MODULE_IMPORTS, COMPUTED_IMPORTS,
/// IMPORTS_ALL_BUILTINS).
fn hidden_imports(module: &str) -> impl Iterator<Item = String> + '_ {
    let all_builtins = IMPORTS_ALL_BUILTINS.contains(&module);
    C_MODULE_IMPORTS
        .iter()
        .filter(move |(m, _)| all_builtins || *m == module)
        .chain(COMPUTED_IMPORTS.iter().filter(move |(m, _)| *m == module))
        .flat_map(|(_, imports)| imports.iter().map(|i| i.to_string()))
}

/// Where the program sees a module found at FILE under search directory
/// DIR: its path relative to the directory for the user's own directories;
/// under the install prefix's site-packages for the environment's packages,
/// as the program's CPython would have them (`__file__`, tracebacks).
fn program_path(file: &Path, dir: &search::Dir) -> String {
    let rel = file.strip_prefix(&dir.path).unwrap_or(file).to_string_lossy().replace('\\', "/");
    match dir.place {
        Place::SitePackages => format!("{}/{rel}", crate::assets::SITE_PACKAGES),
        _ => rel,
    }
}

/// A relative path with '/' separators.
fn slash_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The files under DIR, in name order, leaving out `__pycache__` and
/// hidden files and directories; with DATA_ONLY also Python's own files
/// (NOT_DATA) and test directories, as for a package's data.
fn files_under(dir: &Path, data_only: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.file_name()));
        for entry in entries {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "__pycache__" {
                continue;
            }
            if path.is_dir() {
                if !(data_only && matches!(name.as_str(), "tests" | "test")) {
                    pending.push(path);
                }
                continue;
            }
            let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
            if path.is_file() && !(data_only && NOT_DATA.contains(&ext.as_str())) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// What the graph knows of a name it has resolved.
enum Resolved {
    /// A package of the user's: where its submodules are.
    Package(Vec<Portion>),
    /// A module that has no submodules here (a plain module, stdlib, built-in).
    Other,
}

struct Builder<'a> {
    stdlib: &'a Stdlib,
    builtins: &'a BTreeSet<String>,
    opts: &'a GraphOptions<'a>,
    search: SearchPath,
    graph: ModuleGraph,
    resolved: BTreeMap<String, Resolved>,
    /// (importer, what it references, its source) still to follow.
    user_queue: VecDeque<(String, References, SourceFile)>,
    /// Stdlib modules to add: (module, follow its functions' imports too).
    stdlib_queue: VecDeque<(String, bool)>,
    /// Imports that run when their module is loaded (`Import::eager`):
    /// (importer, imported, where).
    eager_edges: Vec<(String, String, Location)>,
    warned: BTreeSet<String>,
    /// packages.toml, and the packages whose rules have been applied.
    rules: BTreeMap<String, rules::PackageRules>,
    ruled: BTreeSet<String>,
    /// Packages the program names in string constants (or whose modules
    /// it names), and the (rule package, named package) pairs whose
    /// `app-modules` have been added.
    named_packages: BTreeSet<String>,
    apps_done: BTreeSet<(String, String)>,
}

pub fn build(script: &Path, stdlib: &Stdlib, builtins: &BTreeSet<String>, opts: &GraphOptions) -> Result<ModuleGraph> {
    let root = script.parent().map(Path::to_path_buf).unwrap_or_default();
    let root = if root.as_os_str().is_empty() { PathBuf::from(".") } else { root };
    let file_name = script
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Diagnostic::error(format!("{}: not a file name", script.display())))?;
    for dir in opts.paths {
        if !dir.is_dir() {
            return Err(Diagnostic::error(format!("--path {}: not a directory", dir.display())));
        }
    }
    let main_source = SourceFile::load(script, file_name)?;
    let main_body = main_source.parse()?;
    let main = UserModule {
        name: "__main__".into(),
        is_package: false,
        source: main_source,
        body: main_body,
        place: Place::Script,
    };
    let mut b = Builder {
        stdlib,
        builtins,
        opts,
        search: SearchPath::new(&root, opts.paths, opts.env.clone()),
        graph: ModuleGraph {
            main,
            user: BTreeMap::new(),
            namespaces: BTreeMap::new(),
            stdlib: BTreeSet::new(),
            startup: startup_closure(stdlib),
            extensions: BTreeMap::new(),
            data_files: Vec::new(),
            warnings: Vec::new(),
        },
        resolved: BTreeMap::new(),
        user_queue: VecDeque::new(),
        stdlib_queue: VecDeque::new(),
        eager_edges: Vec::new(),
        warned: BTreeSet::new(),
        rules: rules::rules(),
        ruled: BTreeSet::new(),
        named_packages: BTreeSet::new(),
        apps_done: BTreeSet::new(),
    };
    b.user_queue.push_back((
        "__main__".into(),
        imports_of(&b.graph.main.body, "__main__", false),
        b.graph.main.source.clone(),
    ));
    for name in STARTUP_MODULES {
        b.stdlib_queue.push_back(((*name).to_string(), false));
    }
    b.stdlib_queue
        .extend(stdlib.modules().filter(|m| m.name.starts_with("encodings.")).map(|m| (m.name.clone(), false)));
    for name in opts.include {
        b.include(name, "--include-module")?;
    }
    for name in opts.include_packages {
        b.include_package(name)?;
    }
    // (a rule of a standard library module, zoneinfo's, can add the
    // environment's packages, which import more of both)
    loop {
        b.follow_user_imports()?;
        if b.apply_rules()? {
            continue;
        }
        b.follow_stdlib();
        if !b.apply_rules()? {
            break;
        }
    }
    b.check_extensions()?;
    b.collect_data_files()?;
    let notes = b.search.notes.borrow().clone();
    b.graph.warnings.extend(notes.into_iter().map(Diagnostic::warning));
    Ok(b.graph)
}

impl Builder<'_> {
    fn excluded(&self, name: &str) -> bool {
        let under = |e: &String| name == e || name.starts_with(&format!("{e}."));
        let top = name.split('.').next().unwrap_or(name);
        self.opts.exclude.iter().any(under) || self.rules.get(top).is_some_and(|r| r.exclude.iter().any(under))
    }

    /// The rules of each package of packages.toml the graph has come to
    /// hold (once each). Returns whether there is more to follow.
    fn apply_rules(&mut self) -> Result<bool> {
        let due: Vec<String> = self
            .rules
            .keys()
            .filter(|p| {
                !self.ruled.contains(*p) && (self.graph.user.contains_key(*p) || self.graph.stdlib.contains(*p))
            })
            .cloned()
            .collect();
        for package in &due {
            self.ruled.insert(package.clone());
            let optional = self.rules.get(package).map(|r| r.optional_imports.clone()).unwrap_or_default();
            for module in optional {
                let (sub, tree) = match module.strip_suffix(".*") {
                    Some(sub) => (sub, true),
                    None => (module.as_str(), false),
                };
                if !self.excluded(sub) && self.resolve_with_parents(sub)? && tree {
                    self.add_package_tree(sub)?;
                }
            }
            let hidden = self.rules.get(package).map(|r| r.hidden_imports.clone()).unwrap_or_default();
            for module in hidden {
                if self.excluded(&module) {
                    continue;
                }
                match module.strip_suffix(".*") {
                    Some(sub) => {
                        // (absent from this version of the package: nothing to add)
                        if self.resolve_with_parents(sub)? {
                            self.add_package_tree(sub)?;
                        }
                    }
                    None => {
                        if !self.resolve_with_parents(&module)? {
                            self.graph.warnings.push(Diagnostic::warning(format!(
                                "package '{package}': its rules (packages.toml) name '{module}', which this version \
                                 of it does not have"
                            )));
                        }
                    }
                }
            }
        }
        // app-modules: of each package the program names, for each rule
        // package present (once a pair).
        let mut added = false;
        let frameworks: Vec<(String, Vec<String>)> = self
            .rules
            .iter()
            .filter(|(p, r)| !r.app_modules.is_empty() && self.graph.user.contains_key(*p))
            .map(|(p, r)| (p.clone(), r.app_modules.clone()))
            .collect();
        for (framework, modules) in frameworks {
            let named: Vec<String> = self.named_packages.iter().cloned().collect();
            for app in named {
                if !self.apps_done.insert((framework.clone(), app.clone())) {
                    continue;
                }
                added = true;
                for m in &modules {
                    let (sub, tree) = match m.strip_suffix(".*") {
                        Some(sub) => (sub, true),
                        None => (m.as_str(), false),
                    };
                    let full = format!("{app}.{sub}");
                    if self.excluded(&full) || !self.resolve_with_parents(&full)? {
                        continue;
                    }
                    if tree {
                        self.add_package_tree(&full)?;
                    }
                }
            }
        }
        Ok(!due.is_empty() || added)
    }

    /// Resolves NAME and its parent packages; whether NAME was found.
    fn resolve_with_parents(&mut self, name: &str) -> Result<bool> {
        let mut prefix = String::new();
        let mut found = false;
        for part in name.split('.') {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            found = self.resolve(&prefix)?;
            if !found {
                break;
            }
        }
        Ok(found)
    }

    /// A module named on the command line (FLAG): it must exist.
    fn include(&mut self, name: &str, flag: &str) -> Result<()> {
        self.resolve_with_parents(name)?;
        let known = self.builtins.contains(name)
            || self.stdlib.get(name).is_some()
            || self.graph.user.contains_key(name)
            || self.graph.namespaces.contains_key(name);
        if !known {
            let what = if self.graph.extensions.contains_key(name) {
                "a compiled extension module, which cannot run in WebAssembly"
            } else {
                "no such module in the program, its search path or the standard library"
            };
            return Err(Diagnostic::error(format!("{flag} {name}: {what}")));
        }
        Ok(())
    }

    /// `--include-package NAME`: the package and every module under it.
    fn include_package(&mut self, name: &str) -> Result<()> {
        self.include(name, "--include-package")?;
        if let Some(m) = self.stdlib.get(name) {
            if !m.package {
                return Err(Diagnostic::error(format!("--include-package {name}: a module, not a package")));
            }
            let prefix = format!("{name}.");
            let subs: Vec<String> =
                self.stdlib.modules().filter(|m| m.name.starts_with(&prefix)).map(|m| m.name.clone()).collect();
            self.stdlib_queue.extend(subs.into_iter().map(|s| (s, true)));
            return Ok(());
        }
        if !matches!(self.resolved.get(name), Some(Resolved::Package(_))) {
            return Err(Diagnostic::error(format!("--include-package {name}: a module, not a package")));
        }
        self.add_package_tree(name)
    }

    /// Every module under package NAME (resolved already), recursively.
    fn add_package_tree(&mut self, name: &str) -> Result<()> {
        let Some(Resolved::Package(locations)) = self.resolved.get(name) else {
            return Ok(());
        };
        let mut pending = vec![(name.to_string(), locations.clone())];
        while let Some((package, locations)) = pending.pop() {
            let mut names = BTreeSet::new();
            for (dir, _) in &locations {
                let Ok(entries) = std::fs::read_dir(dir) else { continue };
                for entry in entries.flatten() {
                    let file = entry.file_name().to_string_lossy().into_owned();
                    let path = entry.path();
                    if let Some(stem) = file.strip_suffix(".py") {
                        if stem != "__init__" && is_module_name(stem) && path.is_file() {
                            names.insert(stem.to_string());
                        }
                    } else if is_module_name(&file) && path.join("__init__.py").is_file() {
                        // (regular packages, as pkgutil.walk_packages lists them)
                        names.insert(file);
                    }
                }
            }
            for sub in names {
                let full = format!("{package}.{sub}");
                if self.excluded(&full) {
                    continue;
                }
                self.resolve(&full)?;
                if let Some(Resolved::Package(locs)) = self.resolved.get(&full) {
                    pending.push((full, locs.clone()));
                }
            }
        }
        Ok(())
    }

    /// Finds NAME (its parent packages resolved first, as importing does):
    /// a user module is parsed and its imports queued, a stdlib module
    /// queued; None when it is nowhere. Returns whether it was found.
    fn resolve(&mut self, name: &str) -> Result<bool> {
        if self.resolved.contains_key(name) || name == "__main__" {
            return Ok(true);
        }
        if self.builtins.contains(name) {
            self.resolved.insert(name.to_string(), Resolved::Other);
            return Ok(true);
        }
        let in_stdlib = self.stdlib.get(name).is_some();
        let found = match name.rsplit_once('.') {
            None => self.search.find_top(name, in_stdlib),
            Some((parent, last)) => match self.resolved.get(parent) {
                Some(Resolved::Package(locations)) => search::find_sub(locations, last),
                _ => None,
            },
        };
        let Some(found) = found else {
            if in_stdlib {
                self.stdlib_queue.push_back((name.to_string(), true));
                self.resolved.insert(name.to_string(), Resolved::Other);
                return Ok(true);
            }
            return Ok(false);
        };
        match found {
            Found::Source { file, is_package, dir, replaces } => {
                let shown = program_path(&file, &dir);
                let (source, body) = SourceFile::load_imported(&file, &shown)?;
                if let Some(why) = &source.refused {
                    let mut w = why.clone();
                    w.severity = crate::diagnostics::Severity::Warning;
                    w.message = format!(
                        "{}; module '{name}' is embedded as it is, and importing it raises SyntaxError, as in CPython",
                        why.message
                    );
                    self.graph.warnings.push(w);
                }
                if let Some(ext) = replaces {
                    self.graph.warnings.push(Diagnostic::warning(format!(
                        "module '{name}': its compiled extension ({}) cannot run in WebAssembly; the Python source \
                         beside it ({}) is used instead",
                        ext.display(),
                        file.display()
                    )));
                }
                let mut refs = imports_of(&body, name, is_package);
                let follows_names = self.rules.values().any(|r| {
                    r.follow_names_in.iter().any(|m| match m.strip_suffix(".*") {
                        Some(package) => name == package || name.starts_with(&format!("{package}.")),
                        None => m == name,
                    })
                });
                if dir.place == Place::SitePackages && !follows_names {
                    // (only the program's own settings name modules by
                    // string, and the defaults packages.toml points at)
                    refs.names.clear();
                }
                self.user_queue.push_back((name.to_string(), refs, source.clone()));
                let resolved = match (is_package, file.parent()) {
                    (true, Some(pkg)) => Resolved::Package(vec![(pkg.to_path_buf(), dir.clone())]),
                    _ => Resolved::Other,
                };
                self.resolved.insert(name.to_string(), resolved);
                let module = UserModule { name: name.to_string(), is_package, source, body, place: dir.place };
                self.graph.user.insert(name.to_string(), module);
            }
            Found::Namespace { portions } => {
                let (first, dir) = &portions[0];
                let ns = NamespacePackage {
                    path: program_path(first, dir),
                    portions: portions.iter().map(|p| p.0.clone()).collect(),
                    place: dir.place,
                };
                self.graph.namespaces.insert(name.to_string(), ns);
                self.resolved.insert(name.to_string(), Resolved::Package(portions));
            }
            Found::Extension { file } => {
                self.resolved.insert(name.to_string(), Resolved::Other);
                self.graph.extensions.insert(name.to_string(), Extension { file, imported_at: None });
            }
        }
        Ok(true)
    }

    /// A string constant of the program's own code that names a module
    /// (or an attribute of one: `"pkg.mod.Class"`) adds the module, when
    /// it is a Python module the search path has: no warning otherwise (most
    /// dotted strings name nothing), and a lone word only names a module
    /// outside the standard library (`"json"` is as likely a plain word).
    fn follow_name(&mut self, text: &str) -> Result<()> {
        let mut prefix = String::new();
        // (the package the string names, or the one holding what it names)
        let mut deepest_package = None;
        for (i, part) in text.split('.').enumerate() {
            if i > 0 {
                prefix.push('.');
            }
            prefix.push_str(part);
            if self.excluded(&prefix) {
                return Ok(());
            }
            if let Some(known) = self.resolved.get(&prefix) {
                let is_module = matches!(known, Resolved::Package(_)) || self.graph.user.contains_key(&prefix);
                if i == 0 && !is_module && !text.contains('.') {
                    return Ok(()); // a lone word naming a stdlib or built-in module
                }
                if matches!(known, Resolved::Package(_)) && self.graph.user.contains_key(&prefix) {
                    deepest_package = Some(prefix.clone());
                }
                continue;
            }
            let in_stdlib = self.stdlib.get(&prefix).is_some();
            let source_here = match prefix.rsplit_once('.') {
                None => matches!(self.search.find_top(&prefix, in_stdlib), Some(Found::Source { .. })),
                Some((parent, last)) => match self.resolved.get(parent) {
                    Some(Resolved::Package(locations)) => {
                        matches!(search::find_sub(locations, last), Some(Found::Source { .. }))
                    }
                    _ => false,
                },
            };
            let stdlib_here = in_stdlib && text.contains('.');
            if !source_here && !stdlib_here {
                break; // an attribute, or nothing
            }
            self.resolve(&prefix)?;
            if matches!(self.resolved.get(&prefix), Some(Resolved::Package(_))) && self.graph.user.contains_key(&prefix)
            {
                deepest_package = Some(prefix.clone());
            }
        }
        self.named_packages.extend(deepest_package);
        Ok(())
    }

    fn follow_user_imports(&mut self) -> Result<()> {
        while let Some((importer, refs, source)) = self.user_queue.pop_front() {
            for name in &refs.names {
                self.follow_name(name)?;
            }
            for import in refs.imports {
                let name = import.module;
                self.stdlib_queue.extend(hidden_imports(&name).map(|i| (i, true)));
                if self.excluded(&name) {
                    continue;
                }
                let location = source.location(import.offset);
                if import.eager {
                    self.eager_edges.push((importer.clone(), name.clone(), location.clone()));
                }
                let found = self.resolve(&name)?;
                if let Some(ext) = self.graph.extensions.get_mut(&name) {
                    ext.imported_at.get_or_insert_with(|| location.clone());
                }
                // (a package's lazy or guarded imports of what is missing are
                // its own business: optional dependencies, other Pythons)
                let quiet =
                    !import.eager && self.graph.user.get(&importer).is_some_and(|m| m.place == Place::SitePackages);
                if !found
                    && !quiet
                    && !import.maybe_attribute
                    && !is_attribute_of_module(&name, self.stdlib, &self.graph.user)
                    && self.warned.insert(name.clone())
                {
                    self.graph.warnings.push(
                        Diagnostic::warning(format!(
                            "module '{name}' not found (imported by {importer}); importing it will raise ModuleNotFoundError at run time"
                        ))
                        .at(location),
                    );
                }
            }
        }
        Ok(())
    }

    /// A module reached from the program follows all its imports; one
    /// reached only from the start-up set, just those it runs when loaded.
    fn follow_stdlib(&mut self) {
        let mut followed_all = BTreeSet::new();
        while let Some((name, all)) = self.stdlib_queue.pop_front() {
            if self.excluded(&name) || self.graph.user.contains_key(&name) {
                continue;
            }
            let new = self.graph.stdlib.insert(name.clone());
            if !new && (!all || followed_all.contains(&name)) {
                continue;
            }
            if all {
                followed_all.insert(name.clone());
            }
            // importing a.b.c imports its packages a and a.b first
            if let Some((parent, _)) = name.rsplit_once('.') {
                self.stdlib_queue.push_back((parent.to_string(), all));
            }
            if let Some(module) = self.stdlib.get(&name) {
                let lazy = if all { module.lazy_imports.as_slice() } else { &[] };
                for dep in module.imports.iter().chain(lazy) {
                    if self.stdlib.get(dep).is_some() {
                        self.stdlib_queue.push_back((dep.clone(), all));
                    }
                    self.stdlib_queue.extend(hidden_imports(dep).map(|i| (i, all)));
                }
            }
        }
    }

    /// Each extension module left out is a warning; one the program cannot
    /// start without (a chain of eager imports from the script reaches it)
    /// is an error naming the chain.
    fn check_extensions(&mut self) -> Result<()> {
        // Breadth first from the script over eager imports: each module's
        // first import on a shortest chain.
        let mut reached: BTreeMap<&str, Option<usize>> = BTreeMap::from([("__main__", None)]);
        let mut queue = VecDeque::from(["__main__"]);
        while let Some(module) = queue.pop_front() {
            for (i, (importer, imported, _)) in self.eager_edges.iter().enumerate() {
                if importer == module && !reached.contains_key(imported.as_str()) {
                    reached.insert(imported, Some(i));
                    queue.push_back(imported);
                }
            }
        }
        for (name, ext) in &self.graph.extensions {
            let file = ext.file.display();
            if let Some(&Some(mut edge)) = reached.get(name.as_str()) {
                let mut chain = Vec::new();
                loop {
                    let (importer, imported, at) = &self.eager_edges[edge];
                    chain.push(format!("{}:{}: {importer} imports {imported}", at.file, at.line));
                    match reached.get(importer.as_str()) {
                        Some(&Some(e)) => edge = e,
                        _ => break,
                    }
                }
                chain.reverse();
                let mut err = Diagnostic::error(format!(
                    "module '{name}' is a compiled extension ({file}), which cannot run in WebAssembly, and the \
                     program imports it at start-up with no fallback:\n  {}\nUse a pure-Python alternative, or \
                     leave the package out with --exclude-module if the program runs without it",
                    chain.join("\n  ")
                ));
                if let Some(at) = &ext.imported_at {
                    err = err.at(at.clone());
                }
                return Err(err);
            }
            let mut warning = Diagnostic::warning(format!(
                "module '{name}' is a compiled extension ({file}), which cannot run in WebAssembly: it is left out, \
                 and importing it raises ImportError"
            ));
            if let Some(at) = &ext.imported_at {
                warning = warning.at(at.clone());
            }
            self.graph.warnings.push(warning);
        }
        Ok(())
    }
}

/// What is not a data file: Python code in any form, compiled extensions,
/// C sources, type stubs, translation sources (their compiled `.mo` is
/// what gettext reads).
const NOT_DATA: &[&str] = &[
    "py", "pyc", "pyo", "pyi", "pyx", "pxd", "pxi", "so", "pyd", "dylib", "dll", "a", "o", "c", "h", "cc", "cpp", "po",
    "pot",
];

impl Builder<'_> {
    /// The data files of each package the program embeds (its own, and
    /// the environment's): every file of the package's tree that is not
    /// code (NOT_DATA), outside `__pycache__`, test and hidden directories,
    /// less what packages.toml's `exclude-data` says; and the environment's
    /// distribution metadata. (Files beside the script that are in no
    /// package are the program's host's business.)
    fn collect_data_files(&mut self) -> Result<()> {
        let tops: Vec<(String, PathBuf, search::Dir)> = self
            .graph
            .user
            .values()
            .filter(|m| m.is_package && !m.name.contains('.'))
            .filter_map(|m| {
                let dir = m.source.host_path.parent()?.to_path_buf();
                let Some(Resolved::Package(locations)) = self.resolved.get(&m.name) else {
                    return None;
                };
                Some((m.name.clone(), dir, locations.first()?.1.clone()))
            })
            .collect();
        for (package, dir, search_dir) in tops {
            let mut excluded = globset::GlobSetBuilder::new();
            for pattern in self.rules.get(&package).map(|r| r.exclude_data.as_slice()).unwrap_or(&[]) {
                let glob = globset::Glob::new(pattern).map_err(|e| {
                    Diagnostic::error(format!("packages.toml: {package}: bad exclude-data pattern {pattern}: {e}"))
                })?;
                excluded.add(glob);
            }
            let excluded = excluded.build().map_err(|e| Diagnostic::error(format!("packages.toml: {e}")))?;
            for path in files_under(&dir, true) {
                // (a file, or a directory it is in, the rules leave out)
                let rel = path.strip_prefix(&dir).unwrap_or(&path);
                if rel.ancestors().any(|a| !a.as_os_str().is_empty() && excluded.is_match(a)) {
                    continue;
                }
                self.graph.data_files.push(DataFile { path: program_path(&path, &search_dir), host_path: path });
            }
        }
        self.collect_program_data()?;
        self.collect_distribution_metadata();
        self.graph.data_files.sort_by(|a, b| a.path.cmp(&b.path));
        self.graph.data_files.dedup_by(|a, b| a.path == b.path);
        Ok(())
    }

    /// The files of the program's own directory its packages' rules name
    /// (program-data), and those `--include-data` names.
    fn collect_program_data(&mut self) -> Result<()> {
        let script_dir = self.graph.main.source.host_path.parent().map(Path::to_path_buf).unwrap_or_default();
        // (each pattern's first component is a directory's name: only
        // those directories are walked, not the whole of the script's)
        let mut wanted: BTreeMap<String, globset::GlobSetBuilder> = BTreeMap::new();
        for (package, r) in self.rules.iter().filter(|(p, _)| self.graph.user.contains_key(*p)) {
            for pattern in &r.program_data {
                let glob = globset::Glob::new(pattern).map_err(|e| {
                    Diagnostic::error(format!("packages.toml: {package}: bad program-data pattern {pattern}: {e}"))
                })?;
                let top = pattern.split('/').next().unwrap_or_default().to_string();
                wanted.entry(top).or_insert_with(globset::GlobSetBuilder::new).add(glob);
            }
        }
        for (top, globs) in wanted {
            let globs = globs.build().map_err(|e| Diagnostic::error(format!("packages.toml: {e}")))?;
            for file in files_under(&script_dir.join(&top), true) {
                let rel = file.strip_prefix(&script_dir).unwrap_or(&file).to_path_buf();
                if globs.is_match(&rel) {
                    self.graph.data_files.push(DataFile { path: slash_path(&rel), host_path: file });
                }
            }
        }
        for (src, dest) in self.opts.include_data {
            let flag = format!("--include-data {}", src.display());
            let meta = std::fs::metadata(src)
                .map_err(|e| Diagnostic::error(format!("{flag}: {}", describe_io_error(&e, src))))?;
            // Where the program sees it: DEST, else its path below the
            // script's directory, else its name there.
            let dest = match dest {
                Some(d) => {
                    let d = d.trim_end_matches('/');
                    if d.is_empty() || d.starts_with('/') || d.split('/').any(|c| c == "..") {
                        return Err(Diagnostic::error(format!(
                            "{flag}: the destination '{d}' must be a relative path without '..' (the program sees                              it below its own directory)"
                        )));
                    }
                    d.to_string()
                }
                None => {
                    let abs = std::path::absolute(src).unwrap_or_else(|_| src.clone());
                    let dir = if script_dir.as_os_str().is_empty() { Path::new(".") } else { script_dir.as_path() };
                    let base = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
                    match abs.strip_prefix(&base) {
                        Ok(rel) if !rel.as_os_str().is_empty() => slash_path(rel),
                        _ => abs.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    }
                }
            };
            if meta.is_dir() {
                for file in files_under(src, false) {
                    let rel = file.strip_prefix(src).unwrap_or(&file);
                    self.graph
                        .data_files
                        .push(DataFile { path: format!("{dest}/{}", slash_path(rel)), host_path: file });
                }
            } else {
                self.graph.data_files.push(DataFile { path: dest, host_path: src.clone() });
            }
        }
        Ok(())
    }

    /// The `.dist-info` directory of each distribution whose top-level
    /// modules the program embeds, so importlib.metadata (version(),
    /// entry_points(), files()) answers as in the environment.
    fn collect_distribution_metadata(&mut self) {
        // (directory the module was found in, its place) of each top-level module
        let mut dirs: BTreeMap<PathBuf, Place> = BTreeMap::new();
        let mut tops: BTreeSet<String> = BTreeSet::new();
        for m in self.graph.user.values().filter(|m| !m.name.contains('.') && m.place != Place::Script) {
            let file = &m.source.host_path;
            let dir = if m.is_package { file.parent().and_then(Path::parent) } else { file.parent() };
            if let Some(dir) = dir {
                dirs.insert(dir.to_path_buf(), m.place);
                tops.insert(m.name.clone());
            }
        }
        for (dir, place) in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            let mut infos: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir() && p.extension().is_some_and(|e| e == "dist-info"))
                .collect();
            infos.sort();
            let search_dir = search::Dir { path: dir.clone(), place };
            for info in infos {
                // its top-level names: top_level.txt, else the first
                // component of each file RECORD lists
                let listed = std::fs::read_to_string(info.join("top_level.txt"))
                    .map(|t| t.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect::<Vec<_>>());
                let names = listed.unwrap_or_else(|_| {
                    std::fs::read_to_string(info.join("RECORD"))
                        .unwrap_or_default()
                        .lines()
                        .filter_map(|l| l.split(['/', ',']).next())
                        .map(|first| first.trim_end_matches(".py").to_string())
                        .collect()
                });
                if !names.iter().any(|n| tops.contains(n)) {
                    continue;
                }
                let Ok(files) = std::fs::read_dir(&info) else { continue };
                let mut files: Vec<PathBuf> = files.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
                files.sort();
                for file in files {
                    self.graph.data_files.push(DataFile { path: program_path(&file, &search_dir), host_path: file });
                }
            }
        }
    }
}

/// A name pkgutil lists as a module (inspect.getmodulename): not only
/// identifiers, since import_module takes any (Django's migrations are
/// `0001_initial`).
fn is_module_name(s: &str) -> bool {
    !s.is_empty() && !s.contains(['.', ' ', '-']) && !s.starts_with('.')
}

/// `os.path`: the parent is a plain module (not a package), so the name is
/// one of its attributes, bound when the parent is imported.
fn is_attribute_of_module(name: &str, stdlib: &Stdlib, user: &BTreeMap<String, UserModule>) -> bool {
    let Some((parent, _)) = name.rsplit_once('.') else {
        return false;
    };
    stdlib.get(parent).is_some_and(|m| !m.package) || user.get(parent).is_some_and(|m| !m.is_package)
}
