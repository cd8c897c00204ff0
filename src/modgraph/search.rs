//! Where the program's modules are found: the module search path CPython
//! has when the user runs `python app.py` in the same environment.
//!
//! In order: the script's directory, the `--path` directories, `PYTHONPATH`,
//! then the standard library (embedded: the graph asks the stdlib index
//! there), then site-packages: the active virtual environment's
//! (`VIRTUAL_ENV`, with its base installation's when its `pyvenv.cfg` says
//! `include-system-site-packages = true`), or natively, with no virtual
//! environment, that of the `python3` first on PATH when it is 3.11. The
//! `.pth` files of a site-packages directory add directories after it, as
//! `site` does (their `import` lines run code, which the compiler does not;
//! setuptools' editable installs, whose `.pth` imports a finder, are read
//! from the finder's MAPPING). site-packages is looked up only when a
//! module is not found before it, so a program that imports nothing from it
//! never starts `python3`.
//!
//! A name is looked up in each directory as CPython's FileFinder does: a
//! package (`name/__init__.py`), then a compiled extension module
//! (`name.cpython-311-*.so`, `name.abi3.so`, `name.so`), then `name.py`
//! (but a `name.py` beside the extension, as mypyc builds ship, is taken
//! instead of it: wasm cannot load the extension); a
//! directory `name/` without `__init__.py` is a portion of a namespace
//! package (PEP 420), which is what the name is when no directory has a
//! module or package of that name.

use std::cell::OnceCell;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Which part of the search path a directory belongs to (`--report` says it
/// of each module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// The script's own directory (sys.path[0]).
    Script,
    /// A `--path` directory.
    Path,
    /// A directory of the `PYTHONPATH` environment variable.
    PythonPath,
    /// site-packages, or a directory one of its `.pth` files adds.
    SitePackages,
}

impl Place {
    pub fn describe(self) -> &'static str {
        match self {
            Place::Script => "script",
            Place::Path => "--path",
            Place::PythonPath => "PYTHONPATH",
            Place::SitePackages => "site-packages",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Dir {
    pub path: PathBuf,
    pub place: Place,
}

/// What the compiler knows of the user's environment: captured once from
/// the process (`Environment::from_process`) or given (tests).
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `PYTHONPATH`, as CPython splits it (by `:`; empty parts left out).
    pub pythonpath: Option<OsString>,
    /// `VIRTUAL_ENV`: the active virtual environment.
    pub virtual_env: Option<PathBuf>,
    /// With no virtual environment, ask the `python3` on PATH for its
    /// site-packages (natively only: a WASI program cannot start one).
    pub ask_python3: bool,
}

impl Environment {
    pub fn from_process() -> Environment {
        Environment {
            pythonpath: std::env::var_os("PYTHONPATH"),
            virtual_env: std::env::var_os("VIRTUAL_ENV").filter(|v| !v.is_empty()).map(PathBuf::from),
            ask_python3: cfg!(not(target_os = "wasi")),
        }
    }
}

/// What a name is in one directory, or across the search path.
#[derive(Debug, Clone)]
pub enum Found {
    /// Python source: `file` is `name.py` or `name/__init__.py`; `dir` is
    /// the search directory it was found under (its path and place).
    /// `replaces`: the compiled extension CPython would load instead, when
    /// the source sits beside it (mypyc builds ship both).
    Source { file: PathBuf, is_package: bool, dir: Dir, replaces: Option<PathBuf> },
    /// A compiled extension module (`.so`): it cannot run in wasm.
    Extension { file: PathBuf },
    /// A namespace package: its directories (its `__path__`), each with the
    /// search directory it is under.
    Namespace { portions: Vec<Portion> },
}

/// A directory of a package's `__path__` and the search directory it is under.
pub type Portion = (PathBuf, Dir);

pub struct SearchPath {
    /// Before the standard library: the script's directory, --path, PYTHONPATH.
    before_stdlib: Vec<Dir>,
    env: Environment,
    /// After it: site-packages and what its .pth files add, when first needed.
    site: OnceCell<Vec<Dir>>,
    /// What finding site-packages had to say (a python3 that is not 3.11).
    pub notes: std::cell::RefCell<Vec<String>>,
}

impl SearchPath {
    pub fn new(script_dir: &Path, paths: &[PathBuf], env: Environment) -> SearchPath {
        let mut before_stdlib = vec![Dir { path: script_dir.to_path_buf(), place: Place::Script }];
        before_stdlib.extend(paths.iter().map(|p| Dir { path: p.clone(), place: Place::Path }));
        if let Some(pp) = &env.pythonpath {
            before_stdlib.extend(
                std::env::split_paths(pp)
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(|p| Dir { path: p, place: Place::PythonPath }),
            );
        }
        SearchPath { before_stdlib, env, site: OnceCell::new(), notes: Default::default() }
    }

    /// The directories before the standard library.
    pub fn before_stdlib(&self) -> &[Dir] {
        &self.before_stdlib
    }

    /// The site-packages directories, found the first time they are asked for.
    pub fn site(&self) -> &[Dir] {
        self.site.get_or_init(|| {
            let mut notes = Vec::new();
            let dirs = site_dirs(&self.env, &mut notes);
            self.notes.borrow_mut().extend(notes);
            dirs
        })
    }

    /// Top-level module NAME: found before the standard library
    /// (`Ok(Some)`), in it (the caller's `in_stdlib`), after it, or nowhere.
    /// Namespace portions before the standard library do not hide a stdlib
    /// module (a regular module or package anywhere wins over them).
    pub fn find_top(&self, name: &str, in_stdlib: bool) -> Option<Found> {
        let mut portions = Vec::new();
        for dir in &self.before_stdlib {
            match find_in(&dir.path, dir, name) {
                Some(Found::Namespace { portions: p }) => portions.extend(p),
                Some(found) => return Some(found),
                None => {}
            }
        }
        if in_stdlib {
            return None;
        }
        for dir in self.site() {
            match find_in(&dir.path, dir, name) {
                Some(Found::Namespace { portions: p }) => portions.extend(p),
                Some(found) => return Some(found),
                None => {}
            }
        }
        (!portions.is_empty()).then_some(Found::Namespace { portions })
    }
}

/// Submodule LAST of a package whose `__path__` is LOCATIONS.
pub fn find_sub(locations: &[Portion], last: &str) -> Option<Found> {
    let mut portions = Vec::new();
    for (location, dir) in locations {
        match find_in(location, dir, last) {
            Some(Found::Namespace { portions: p }) => portions.extend(p),
            Some(found) => return Some(found),
            None => {}
        }
    }
    (!portions.is_empty()).then_some(Found::Namespace { portions })
}

/// NAME (one component) in directory PATH, in FileFinder's order; PATH is
/// DIR of the search path or a package directory under it.
fn find_in(path: &Path, dir: &Dir, name: &str) -> Option<Found> {
    if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
        return None;
    }
    let base = path.join(name);
    let is_dir = base.is_dir();
    if is_dir {
        if let Some(ext) = extension_file(&base, "__init__") {
            return Some(Found::Extension { file: ext });
        }
        let init = base.join("__init__.py");
        if init.is_file() {
            return Some(Found::Source { file: init, is_package: true, dir: dir.clone(), replaces: None });
        }
    }
    let extension = extension_file(path, name);
    let module = path.join(format!("{name}.py"));
    if module.is_file() {
        return Some(Found::Source { file: module, is_package: false, dir: dir.clone(), replaces: extension });
    }
    if let Some(ext) = extension {
        return Some(Found::Extension { file: ext });
    }
    is_dir.then(|| Found::Namespace { portions: vec![(base, dir.clone())] })
}

/// An extension module file for NAME in DIR that CPython 3.11 would load:
/// `NAME.cpython-311-<platform>.so`, `NAME.abi3.so` or `NAME.so`.
fn extension_file(dir: &Path, name: &str) -> Option<PathBuf> {
    let plain = [format!("{name}.abi3.so"), format!("{name}.so")];
    let tagged = format!("{name}.cpython-311-");
    let entries = std::fs::read_dir(dir).ok()?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let file = e.file_name();
            let file = file.to_string_lossy();
            (file.starts_with(&tagged) && file.ends_with(".so")) || plain.iter().any(|p| *p == file)
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found.into_iter().next()
}

/// The site-packages directories of ENV, each followed by what its `.pth`
/// files add.
fn site_dirs(env: &Environment, notes: &mut Vec<String>) -> Vec<Dir> {
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(venv) = &env.virtual_env {
        roots.push(venv.join("lib").join("python3.11").join("site-packages"));
        if let Some(base) = system_site_of_venv(venv) {
            roots.push(base);
        }
    } else if env.ask_python3 {
        roots.extend(python3_site_packages(notes));
    }
    let mut dirs: Vec<Dir> = Vec::new();
    for root in roots {
        if !root.is_dir() || dirs.iter().any(|d| d.path == root) {
            continue;
        }
        let added = pth_dirs(&root);
        dirs.push(Dir { path: root, place: Place::SitePackages });
        for path in added {
            if !dirs.iter().any(|d| d.path == path) {
                dirs.push(Dir { path, place: Place::SitePackages });
            }
        }
    }
    dirs
}

/// A virtual environment made with `include-system-site-packages = true`
/// also sees its base installation's site-packages (`home` names the base's
/// bin directory).
fn system_site_of_venv(venv: &Path) -> Option<PathBuf> {
    let cfg = std::fs::read_to_string(venv.join("pyvenv.cfg")).ok()?;
    let value = |key: &str| {
        cfg.lines().find_map(|line| {
            let (k, v) = line.split_once('=')?;
            (k.trim() == key).then(|| v.trim().to_string())
        })
    };
    if !value("include-system-site-packages")?.eq_ignore_ascii_case("true") {
        return None;
    }
    let home = PathBuf::from(value("home")?);
    Some(home.parent()?.join("lib").join("python3.11").join("site-packages"))
}

/// The site-packages of the `python3` on PATH, when it is CPython 3.11:
/// what its `site` module would put on sys.path (user site included).
fn python3_site_packages(notes: &mut Vec<String>) -> Vec<PathBuf> {
    const ASK: &str = "import site, sys\n\
        print('%d.%d' % sys.version_info[:2])\n\
        dirs = list(site.getsitepackages())\n\
        if site.ENABLE_USER_SITE: dirs.append(site.getusersitepackages())\n\
        print('\\n'.join(dirs))";
    let Ok(out) = std::process::Command::new("python3").args(["-E", "-c", ASK]).output() else {
        return Vec::new();
    };
    if !out.status.success() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let version = lines.next().unwrap_or("");
    if version != "3.11" {
        notes.push(format!(
            "the python3 on PATH is {version}, not 3.11: its site-packages are not searched (activate a 3.11 virtual environment, or give --path)"
        ));
        return Vec::new();
    }
    lines.filter(|l| !l.is_empty()).map(PathBuf::from).collect()
}

/// The directories SITE's `.pth` files add, in the order `site` reads them
/// (by file name). A line is a directory (relative to SITE) unless it is a
/// comment or starts with `import`; an `import` of a setuptools editable
/// finder (`__editable___*_finder`) adds the directories above the packages
/// its MAPPING names.
fn pth_dirs(site: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(site) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pth") && !n.starts_with('.'))
        .collect();
    names.sort();
    let mut dirs = Vec::new();
    for name in names {
        let Ok(text) = std::fs::read_to_string(site.join(&name)) else {
            continue;
        };
        for line in text.lines() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.starts_with("import ") || line.starts_with("import\t") {
                dirs.extend(editable_finder_dirs(site, line));
                continue;
            }
            let dir = site.join(line);
            if dir.is_dir() && !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
    }
    dirs
}

/// setuptools' editable install: `import __editable___NAME_finder; ...`,
/// whose module maps each top-level package to its source directory
/// (`MAPPING: dict[str, str] = {'pkg': '/src/pkg'}`): the directories that
/// hold those packages.
fn editable_finder_dirs(site: &Path, line: &str) -> Vec<PathBuf> {
    let module = line["import".len()..].trim().split([';', ' ', ',']).next().unwrap_or("");
    if !module.starts_with("__editable__") {
        return Vec::new();
    }
    let Ok(source) = std::fs::read_to_string(site.join(format!("{module}.py"))) else {
        return Vec::new();
    };
    let Ok(body) = rustpython_parser::parse(&source, rustpython_parser::Mode::Module, "<finder>") else {
        return Vec::new();
    };
    let rustpython_parser::ast::Mod::Module(body) = body else {
        return Vec::new();
    };
    let mut dirs = Vec::new();
    for stmt in &body.body {
        use rustpython_parser::ast::{Constant, Expr, Stmt};
        let (target, value) = match stmt {
            Stmt::Assign(a) if a.targets.len() == 1 => (&a.targets[0], Some(a.value.as_ref())),
            Stmt::AnnAssign(a) => (a.target.as_ref(), a.value.as_deref()),
            _ => continue,
        };
        let (Expr::Name(n), Some(Expr::Dict(d))) = (target, value) else {
            continue;
        };
        if n.id.as_str() != "MAPPING" {
            continue;
        }
        for (key, value) in d.keys.iter().zip(&d.values) {
            let (Some(Expr::Constant(k)), Expr::Constant(v)) = (key, value) else {
                continue;
            };
            let (Constant::Str(package), Constant::Str(path)) = (&k.value, &v.value) else {
                continue;
            };
            let path = Path::new(path);
            // the package's directory is named after it: search its parent
            if path.file_name().is_some_and(|f| f == package.as_str()) {
                if let Some(parent) = path.parent() {
                    if !dirs.iter().any(|d: &PathBuf| d == parent) {
                        dirs.push(parent.to_path_buf());
                    }
                }
            }
        }
    }
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("py2wasm-search-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, "").expect("write");
    }

    #[test]
    fn file_finder_order_and_namespaces() {
        let root = scratch("order");
        let (script, site) = (root.join("app"), root.join("venv/lib/python3.11/site-packages"));
        touch(&script.join("main.py"));
        touch(&script.join("ns/a.py"));
        touch(&site.join("ns/b.py"));
        touch(&site.join("pkg/__init__.py"));
        touch(&site.join("fast.py"));
        touch(&site.join("fast.cpython-311-x86_64-linux-gnu.so"));
        touch(&site.join("native.cpython-311-x86_64-linux-gnu.so"));
        touch(&site.join("old.cpython-310-x86_64-linux-gnu.so"));
        let env = Environment { pythonpath: None, virtual_env: Some(root.join("venv")), ask_python3: false };
        let search = SearchPath::new(&script, &[], env);
        assert!(
            matches!(search.find_top("pkg", false), Some(Found::Source { is_package: true, dir, .. }) if dir.place == Place::SitePackages)
        );
        assert!(matches!(search.find_top("native", false), Some(Found::Extension { .. })));
        // a source beside its compiled extension (mypyc) is used instead
        assert!(matches!(search.find_top("fast", false), Some(Found::Source { replaces: Some(_), .. })));
        // a .so for another CPython is not a module
        assert!(search.find_top("old", false).is_none());
        match search.find_top("ns", false) {
            Some(Found::Namespace { portions }) => {
                let dirs: Vec<_> = portions.iter().map(|(p, d)| (p.clone(), d.place)).collect();
                assert_eq!(dirs, vec![(script.join("ns"), Place::Script), (site.join("ns"), Place::SitePackages)]);
                assert!(
                    matches!(find_sub(&portions, "b"), Some(Found::Source { dir, .. }) if dir.place == Place::SitePackages)
                );
            }
            other => panic!("ns: {other:?}"),
        }
        // the standard library comes before site-packages
        assert!(search.find_top("pkg", true).is_none());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn pth_files_and_editable_finders() {
        let root = scratch("pth");
        let site = root.join("venv/lib/python3.11/site-packages");
        touch(&root.join("src1/one/__init__.py"));
        touch(&root.join("src2/two/__init__.py"));
        std::fs::create_dir_all(&site).expect("site");
        std::fs::write(site.join("a.pth"), format!("# comment\n{}\nimport os\n", root.join("src1").display()))
            .expect("pth");
        std::fs::write(
            site.join("__editable__.two-1.0.pth"),
            "import __editable___two_1_0_finder; __editable___two_1_0_finder.install('x')\n",
        )
        .expect("pth");
        std::fs::write(
            site.join("__editable___two_1_0_finder.py"),
            format!("MAPPING: dict[str, str] = {{'two': '{}'}}\n", root.join("src2/two").display()),
        )
        .expect("finder");
        let env = Environment { pythonpath: None, virtual_env: Some(root.join("venv")), ask_python3: false };
        let search = SearchPath::new(&root.join("app"), &[], env);
        assert!(matches!(search.find_top("one", false), Some(Found::Source { .. })));
        assert!(matches!(search.find_top("two", false), Some(Found::Source { .. })));
        let _ = std::fs::remove_dir_all(&root);
    }
}
