//! Valid code is never rejected: every `.py` file of CPython 3.11's `Lib`
//! (the standard library and its `test` package, from the Debian packages
//! the conformance harness downloads) reads and parses, except those meant
//! to be invalid (`badsyntax_*`, `bad_coding*`) and lib2to3's Python 2 test
//! data.

use std::path::{Path, PathBuf};
use std::process::Command;

use py2wasm::frontend::SourceFile;

/// Meant not to parse as Python 3.11.
fn invalid_on_purpose(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let text = path.to_string_lossy();
    name.starts_with("badsyntax_") || name.starts_with("bad_coding") || text.contains("/lib2to3/tests/data/")
}

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            python_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "py") && path.is_file() && !invalid_on_purpose(&path) {
            // (is_file: Debian's _sysconfigdata link points into another package)
            out.push(path);
        }
    }
}

#[test]
fn every_file_of_cpython_lib_parses() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(repo.join("tests/cpython/conformance.py"))
        .arg("--lib-dir")
        .output()
        .expect("python3 runs tests/cpython/conformance.py");
    assert!(out.status.success(), "conformance.py --lib-dir failed: {}", String::from_utf8_lossy(&out.stderr));
    let lib = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let mut files = Vec::new();
    python_files(&lib, &mut files);
    assert!(files.len() > 1000, "only {} files under {}", files.len(), lib.display());
    let failures: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let name = path.strip_prefix(&lib).unwrap_or(path).to_string_lossy().into_owned();
            SourceFile::load(path, &name).and_then(|s| s.parse().map(|_| ())).err().map(|e| e.to_string())
        })
        .collect();
    assert!(failures.is_empty(), "{} of {} files do not parse:\n{}", failures.len(), files.len(), failures.join("\n"));
}
