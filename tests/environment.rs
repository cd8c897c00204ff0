//! Where the compiler finds a program's modules (src/modgraph/search.rs):
//! the script's directory, `--path`, PYTHONPATH, the standard library, the
//! active virtual environment's site-packages with its `.pth` files,
//! namespace packages, compiled extensions left out (or refused when the
//! program cannot start without them), `--include-package`, and modules
//! named by string constants. Each test builds a small environment on disk
//! and runs the compiled program.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("py2wasm-env-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// py2wasm with ARGS in DIR, with VIRTUAL_ENV and PYTHONPATH as given (and
/// nothing else of the caller's Python environment).
fn py2wasm(args: &[&str], dir: &Path, venv: Option<&Path>, pythonpath: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_py2wasm"));
    cmd.args(args).current_dir(dir).env_remove("VIRTUAL_ENV").env_remove("PYTHONPATH");
    if let Some(v) = venv {
        cmd.env("VIRTUAL_ENV", v);
    }
    if let Some(p) = pythonpath {
        cmd.env("PYTHONPATH", p);
    }
    cmd.output().expect("py2wasm runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const SITE: &str = "venv/lib/python3.11/site-packages";

/// A virtual environment under DIR with the packages the tests use.
fn environment(dir: &Path) -> PathBuf {
    let site = dir.join(SITE);
    write(&dir.join("venv/pyvenv.cfg"), "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n");
    // a namespace package with a portion here and one in a --path directory
    write(&site.join("nspkg/a.py"), "WHERE = 'site-packages'\n");
    write(&dir.join("extra/nspkg/b.py"), "WHERE = '--path'\n");
    write(&dir.join("extra/extra_mod.py"), "NAME = 'extra_mod'\n");
    // speedups with a pure-Python fallback
    write(
        &site.join("fastlib/__init__.py"),
        "try:\n    from ._speedups import double\nexcept ImportError:\n    from ._slow import double\n",
    );
    write(&site.join("fastlib/_slow.py"), "def double(x):\n    return 2 * x\n");
    write(&site.join("fastlib/_speedups.cpython-311-x86_64-linux-gnu.so"), "");
    // its data files, and what is not one
    write(&site.join("fastlib/data/table.txt"), "a,1\nb,2\n");
    write(&site.join("fastlib/templates/page.html"), "<p>{{ x }}</p>\n");
    write(&site.join("fastlib/tests/fixture.txt"), "tests are left out\n");
    write(&site.join("fastlib/messages.po"), "msgid \"x\"\n");
    // its distribution's metadata
    write(&site.join("fastlib-1.2.dist-info/METADATA"), "Metadata-Version: 2.1\nName: fastlib\nVersion: 1.2\n");
    write(&site.join("fastlib-1.2.dist-info/top_level.txt"), "fastlib\n");
    // a package that cannot start without its extension
    write(&site.join("needs_ext/__init__.py"), "from ._core import g\n");
    write(&site.join("needs_ext/_core.abi3.so"), "");
    // a mypyc build: the source beside each compiled module
    write(&site.join("typed.py"), "def typed():\n    return 'typed source'\n");
    write(&site.join("typed.cpython-311-x86_64-linux-gnu.so"), "");
    // an editable install (.pth naming a source directory)
    write(&site.join("editable.pth"), &format!("# an editable install\n{}\n", dir.join("src").display()));
    write(&dir.join("src/edpkg/__init__.py"), "NAME = 'edpkg'\n");
    // plugins found by a computed name
    write(
        &site.join("plugins/__init__.py"),
        "import importlib\n\ndef load(name):\n    return importlib.import_module('plugins.' + name)\n",
    );
    write(&site.join("plugins/alpha.py"), "NAME = 'alpha'\n");
    write(&site.join("plugins/beta.py"), "NAME = 'beta'\n");
    write(&site.join("plugins/sub/__init__.py"), "");
    write(&site.join("plugins/sub/gamma.py"), "NAME = 'gamma'\n");
    // the standard library comes before site-packages
    write(&site.join("json/__init__.py"), "raise RuntimeError('site-packages json shadowed the standard library')\n");
    write(&dir.join("pp/pp_mod.py"), "NAME = 'pp_mod'\n");
    dir.join("venv")
}

#[test]
fn modules_come_from_the_script_path_pythonpath_and_the_virtual_environment() {
    let dir = scratch("search");
    let venv = environment(&dir);
    write(
        &dir.join("app/main.py"),
        r#"import importlib, json, sys
import extra_mod, pp_mod, edpkg, typed
import fastlib
import nspkg.a, nspkg.b
import plugins
SETTINGS = {"APPS": ["plugins.alpha"]}
print(extra_mod.NAME, pp_mod.NAME, edpkg.NAME, typed.typed())
print(fastlib.double(21), 'fastlib._speedups' in sys.modules)
print(nspkg.a.WHERE, nspkg.b.WHERE, nspkg.__file__, type(nspkg.__path__).__name__)
print(plugins.load('alpha').NAME, plugins.load('beta').NAME)
print(fastlib.__file__)
print(json.dumps([1]))
try:
    importlib.import_module('plugins.sub.' + 'gamma')
except ImportError as e:
    print('not embedded:', e.name)
"#,
    );
    let pp = dir.join("pp");
    let out = py2wasm(
        &[
            "app/main.py",
            "-o",
            "app.wasm",
            "--path",
            "extra",
            "--include-module",
            "plugins.beta",
            "--report-json",
            "r.json",
        ],
        &dir,
        Some(&venv),
        Some(&pp),
    );
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("module 'fastlib._speedups' is a compiled extension"), "{err}");
    assert!(err.contains("left out, and importing it raises ImportError"), "{err}");
    assert!(err.contains("module 'typed': its compiled extension"), "{err}");
    let run = py2wasm(&["run", "app.wasm"], &dir, None, None);
    assert_eq!(text(&run.stderr), "");
    assert_eq!(
        text(&run.stdout),
        "extra_mod pp_mod edpkg typed source\n\
         42 False\n\
         site-packages --path None _NamespacePath\n\
         alpha beta\n\
         /usr/local/lib/python3.11/site-packages/fastlib/__init__.py\n\
         [1]\n\
         not embedded: plugins.sub\n"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).expect("report")).expect("json");
    let origin = |name: &str| {
        report["modules"]
            .as_array()
            .and_then(|ms| ms.iter().find(|m| m["name"] == name))
            .map(|m| m["origin"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(origin("extra_mod").as_deref(), Some("--path"));
    assert_eq!(origin("pp_mod").as_deref(), Some("PYTHONPATH"));
    assert_eq!(origin("fastlib").as_deref(), Some("site-packages"));
    assert_eq!(origin("edpkg").as_deref(), Some("site-packages"));
    assert_eq!(origin("fastlib._speedups").as_deref(), Some("extension"));
    assert_eq!(origin("json").as_deref(), Some("stdlib"));
    // a string constant naming a module adds it
    assert_eq!(origin("plugins.alpha").as_deref(), Some("site-packages"));
}

#[test]
fn include_package_embeds_every_module_under_it() {
    let dir = scratch("include-package");
    let venv = environment(&dir);
    write(
        &dir.join("main.py"),
        "import importlib\nfor n in ['plugins.alpha', 'plugins.beta', 'plugins.sub.gamma']:\n    print(importlib.import_module(n).NAME)\n",
    );
    let out = py2wasm(&["main.py", "--include-package", "plugins"], &dir, Some(&venv), None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let run = py2wasm(&["run", "main.wasm"], &dir, None, None);
    assert_eq!(text(&run.stdout), "alpha\nbeta\ngamma\n", "{}", text(&run.stderr));
    let bad = py2wasm(&["main.py", "--include-package", "typed"], &dir, Some(&venv), None);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("--include-package typed: a module, not a package"), "{}", text(&bad.stderr));
}

#[test]
fn an_extension_the_program_needs_at_start_up_is_an_error_unless_excluded() {
    let dir = scratch("needs-ext");
    let venv = environment(&dir);
    write(&dir.join("main.py"), "try:\n    import needs_ext\nexcept ImportError as e:\n    print('no', e.name)\n");
    // guarded in the program: a warning
    let out = py2wasm(&["main.py"], &dir, Some(&venv), None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let run = py2wasm(&["run", "main.wasm"], &dir, None, None);
    assert_eq!(text(&run.stdout), "no needs_ext._core\n", "{}", text(&run.stderr));
    // at module level, unguarded: an error naming the chain, no output
    write(&dir.join("app.py"), "import needs_ext\nprint(needs_ext.g)\n");
    let out = py2wasm(&["app.py"], &dir, Some(&venv), None);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error: module 'needs_ext._core' is a compiled extension"), "{err}");
    assert!(err.contains("app.py:1: __main__ imports needs_ext"), "{err}");
    assert!(err.contains("needs_ext imports needs_ext._core"), "{err}");
    assert!(!dir.join("app.wasm").exists());
    // excluded: it compiles, and the import fails at run time
    let out = py2wasm(&["app.py", "--exclude-module", "needs_ext"], &dir, Some(&venv), None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let run = py2wasm(&["run", "app.wasm"], &dir, None, None);
    assert!(text(&run.stderr).contains("ModuleNotFoundError: No module named 'needs_ext'"), "{}", text(&run.stderr));
}

#[test]
fn without_an_environment_site_packages_are_not_searched() {
    let dir = scratch("no-venv");
    environment(&dir);
    write(&dir.join("main.py"), "import fastlib\n");
    let out = py2wasm(&["main.py", "--path", "nowhere"], &dir, None, None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--path nowhere: not a directory"), "{}", text(&out.stderr));
}

#[test]
fn packages_read_their_own_files_from_the_image() {
    let dir = scratch("data-files");
    let venv = environment(&dir);
    write(
        &dir.join("main.py"),
        r#"import errno, importlib.metadata, importlib.resources, os, pkgutil
import fastlib
print(importlib.metadata.version('fastlib'))
here = os.path.dirname(fastlib.__file__)
with open(os.path.join(here, 'data', 'table.txt')) as f:
    print(f.read().split())
print(importlib.resources.files('fastlib').joinpath('templates/page.html').read_text().strip())
print(pkgutil.get_data('fastlib', 'data/table.txt'))
print(sorted(os.listdir(here)), os.path.isdir(os.path.join(here, 'templates')))
print(os.path.exists(os.path.join(here, 'tests')), os.path.exists(os.path.join(here, 'messages.po')))
try:
    open(os.path.join(here, 'data', 'table.txt'), 'w')
except OSError as e:
    print(type(e).__name__, e.errno == errno.EROFS)
"#,
    );
    let out = py2wasm(&["main.py", "--report"], &dir, Some(&venv), None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("data files: 4 (packages' data, the program's, --include-data), 80 bytes"),
        "{}",
        text(&out.stdout)
    );
    let run = py2wasm(&["run", "main.wasm"], &dir, None, None);
    assert_eq!(text(&run.stderr), "");
    assert_eq!(
        text(&run.stdout),
        "1.2\n\
         ['a,1', 'b,2']\n\
         <p>{{ x }}</p>\n\
         b'a,1\\nb,2\\n'\n\
         ['__init__.py', '_slow.py', 'data', 'templates'] True\n\
         False False\n\
         OSError True\n"
    );
}
